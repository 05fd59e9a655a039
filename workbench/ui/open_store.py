"""File > Open Store…: choose a store file or a team store's address, and open it.

The dialog checks the location (:func:`workbench.app.stores.checked_location`), then
opens the store once in the background (:func:`workbench.app.stores.try_open`), so a
slow or unreachable server never freezes the window. It asks for a password only when
the server wants one that the PostgreSQL password file does not hold; the password is
typed into a masked field, handed to the new session and never written anywhere.
Any problem is one line in the dialog, which stays open to correct it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.stores import ADDRESS_FORM, checked_location, is_encrypted_file, recent_stores, remember_store, try_open
from workbench.errors import UserError
from workbench.store.postgres import PasswordNeeded, display_name, is_url
from workbench.ui.jobs import Job, run_job

EXPLANATION = (
    "Open a store <b>file</b> on this computer (Browse…), or your unit's <b>team store</b> on the "
    f"force's database server by its address, <code>{escape(ADDRESS_FORM)}</code> (your "
    "administrator gives it to you). A team store's password comes from your PostgreSQL password file "
    "(<code>~/.pgpass</code>); you are asked for it here only when that file does not hold it, as for "
    "the passphrase of an encrypted store file, and neither is ever shown or kept. The store opens in "
    "place of the one open now.")


class OpenStoreDialog(QDialog):
    """Choose a store; after :meth:`accept`, :meth:`take_choice` gives it (once)."""

    def __init__(self, parent: QWidget | None = None, location: str = "", *, ask_password: bool = False):
        super().__init__(parent)
        self.setWindowTitle("Open Store")
        self.setMinimumWidth(620)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.RichText)
        self.location = QLineEdit(location)
        self.location.setPlaceholderText(f"camden.sqlite, or {ADDRESS_FORM}")
        self.location.textEdited.connect(lambda _text: self._ask_secret(None))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.recent = QListWidget()
        self.recent.addItems(recent_stores())
        self.recent.setMaximumHeight(110)
        self.recent.currentTextChanged.connect(self._pick)
        self.recent.itemDoubleClicked.connect(lambda _item: self.open_store())
        self.password_label = QLabel("Password:")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.open_store)
        self.buttons.rejected.connect(self.reject)

        grid = QGridLayout()
        grid.addWidget(QLabel("Store:"), 0, 0)
        grid.addWidget(self.location, 0, 1)
        grid.addWidget(browse, 0, 2)
        grid.addWidget(self.password_label, 1, 0)
        grid.addWidget(self.password, 1, 1, 1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(grid)
        if self.recent.count():
            layout.addWidget(QLabel("Recently opened:"))
            layout.addWidget(self.recent)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.job: Job | None = None
        self._choice: tuple[str, str | None] | None = None
        self._ask_secret(password_question(location) if ask_password else None)

    # -- choosing -----------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a store file", self.location.text(),
                                              "Workbench stores (*.sqlite *.db);;All files (*)")
        if path:
            self.location.setText(path)
            self._ask_secret(None)

    def _pick(self, text: str) -> None:
        if text:
            self.location.setText(text)
            self._ask_secret(None)

    def _ask_secret(self, reason: str | None, label: str = "Password:") -> None:
        """Show the password (or passphrase) field empty, with why, or hide it; a new
        location forgets it."""
        self.password_label.setText(label)
        self.password_label.setVisible(reason is not None)
        self.password.setVisible(reason is not None)
        self.password.clear()
        if reason is None:
            self._say("")
        else:
            self._say(reason, error=True)
            self.password.setFocus()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color:#a61b1b" if error else "")

    # -- opening ------------------------------------------------------------------
    def open_store(self) -> None:
        """The Open button: check the location, then open it once in the background."""
        if self.job is not None and self.job.running:
            return
        try:
            location = checked_location(self.location.text())
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        if is_encrypted_file(location) and not self.password.isVisible():
            self._ask_secret(f"{Path(location).name} is encrypted: type its passphrase (it is not kept)",
                             "Passphrase:")
            return
        password = self.password.text() if self.password.isVisible() and self.password.text() else None
        self._say(f"Connecting to {display_name(location)}…" if is_url(location) else f"Opening {location}…")
        self.buttons.button(QDialogButtonBox.Open).setEnabled(False)

        def work(_store, _progress, cancelled):
            try:
                try_open(location, password, cancelled)
            except PasswordNeeded:
                return "the password was not accepted: type it again" if password else password_question(location)
            return None

        self.job = run_job(self, "Opening the store", work, on_done=lambda reason: self._opened(location, password, reason),
                           on_error=self._failed)

    def _opened(self, location: str, password: str | None, reason: str | None) -> None:
        self.buttons.button(QDialogButtonBox.Open).setEnabled(True)
        if reason is not None:
            self._ask_secret(reason)
            return
        remember_store(location)
        self._choice = (location, password)
        self.password.clear()
        self.accept()

    def _failed(self, message: str) -> None:
        self.buttons.button(QDialogButtonBox.Open).setEnabled(True)
        self.password.clear()
        self._say(message, error=True)

    def take_choice(self) -> tuple[str, str | None]:
        """The store chosen and its typed password or passphrase (None: none typed), once."""
        if self._choice is None:
            raise RuntimeError("no store was chosen")
        choice, self._choice = self._choice, None
        return choice


def password_question(address: str) -> str:
    """Why the dialog shows its password field."""
    return (f"{display_name(address)} needs the password of {urlsplit(address).username or 'your login'}: "
            f"type it here (it is not kept), or put it in your PostgreSQL password file (~/.pgpass)")
