"""The main window: one tab per view, menus, a security-marking banner and a status bar
with the store's counts.

The window opens before any view is built: each tab holds a stand-in until it is first
shown (or asked for through :attr:`MainWindow.views`), and the view modules are imported
one at a time while the analyst looks at the first view, so start-up stays short."""

from __future__ import annotations

from html import escape
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from workbench import __version__
from workbench.app.session import Session
from workbench.app.stores import secret_option
from workbench.app.watcher import StoreWatcher
from workbench.errors import UserError
from workbench.events import Changed
from workbench.identity import current_user
from workbench.store.offences import stats
from workbench.store.roles import roles_of
from workbench.ui.help_browser import HelpBrowser
from workbench.ui.views import ViewEntry, view_entries

ABOUT = f"""<h3>Workbench {__version__}</h3>
<p>Offline intelligence analysis for Borough Intelligence Units: scanning, linked-offence
analysis, hotspots, intelligence and tasking under the National Intelligence Model.</p>
<p>Bundled data contains public sector information licensed under the Open Government
Licence v3.0 (data.police.uk; Office for National Statistics and Greater London Authority
boundaries; contains OS data &copy; Crown copyright and database right).</p>"""


#: How often the window looks for other people's changes to the store (one tiny query).
POLL_MS = 5000
#: How long the status bar says what someone else changed.
NOTE_MS = 15000


def store_title(store) -> str:
    """The store's name for the title bar, with the login on a team store."""
    return f"{store.name} (signed in as {store.login})" if store.login else store.name


class Views(dict):
    """The window's views by title, each built the first time it is asked for."""

    def __init__(self, window: MainWindow):
        super().__init__()
        self._window = window

    def __missing__(self, title: str) -> QWidget:
        return self._window.build_view(title)

    def get(self, title, default=None):
        return self[title] if title in self._window.entries else default


def _stand_in(title: str) -> QWidget:
    widget = QWidget()
    label = QLabel(f"Opening {title}…", widget)
    label.setAlignment(Qt.AlignCenter)
    QVBoxLayout(widget).addWidget(label)
    return widget


class MainWindow(QMainWindow):
    """The window on one session's store. With ``owns_session`` closing the window
    closes the session (the windows the app opens; tests close theirs themselves)."""

    #: The windows File > Open Store… opened, kept alive until they close.
    opened: ClassVar[list[MainWindow]] = []

    def __init__(self, session: Session, *, owns_session: bool = False):
        super().__init__()
        self.session = session
        self.owns_session = owns_session
        self.setWindowTitle(f"Workbench — {store_title(session.store)}")
        self.resize(1400, 860)

        self.banner = QLabel()
        self.banner.setAlignment(Qt.AlignCenter)
        self.banner.setObjectName("markingBanner")
        self.banner.setStyleSheet("background:#1f3b5a;color:white;font-weight:bold;padding:3px;letter-spacing:1px")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.entries: dict[str, ViewEntry] = {entry.title: entry for entry in view_entries()}
        self.views = Views(self)
        for title in self.entries:
            self.tabs.addTab(_stand_in(title), title)
        self.tabs.currentChanged.connect(lambda _index: self._build_current())
        self._to_preload = list(self.entries.values())
        QTimer.singleShot(100, self._build_current)  # after the window has painted

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.counts = QLabel()
        self.statusBar().addPermanentWidget(self.counts)
        self.identity = QLabel()
        self.identity.setObjectName("actingAs")
        self.statusBar().addPermanentWidget(self.identity)
        self.store_label = QLabel(f"  {'Team store' if session.store.engine == 'postgresql' else 'Store'}: "
                                  f"<b>{escape(session.store.name)}</b>")
        self.store_label.setToolTip(session.store.location)
        self.statusBar().addPermanentWidget(self.store_label)
        self._menus()
        session.changed.connect(self._on_changed)
        self.refresh_status()
        self.watcher = StoreWatcher(session)
        self.watch_timer = QTimer(self, interval=POLL_MS, timeout=self.look_for_changes)
        self.watch_timer.start()

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = file_menu.addAction("&Open Store…")
        open_action.setShortcut(QKeySequence.Open)
        open_action.triggered.connect(lambda: self.open_store())
        file_menu.addSeparator()
        for label, kind in (("Import force offences…", "offences"), ("Import police.uk crime…", "police-uk"),
                            ("Import intelligence…", "intel"), ("Import nominals…", "nominals"),
                            ("Import missing-person episodes…", "missing"), ("Import boundaries…", "boundaries")):
            action = file_menu.addAction(label)
            action.triggered.connect(lambda _=False, k=kind: self.open_import(k))
        file_menu.addSeparator()
        file_menu.addAction("&Settings…").triggered.connect(lambda: self.open_settings())
        file_menu.addSeparator()
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QKeySequence.Quit)
        quit_action.triggered.connect(self.close)

        edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self, shortcut=QKeySequence.Undo, triggered=self._undo)
        self.redo_action = QAction("&Redo", self, shortcut=QKeySequence.Redo, triggered=self._redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

        view_menu = self.menuBar().addMenu("&View")
        for index, title in enumerate(self.entries):
            action = view_menu.addAction(title)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}") if index < 9 else QKeySequence())
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))

        help_menu = self.menuBar().addMenu("&Help")
        guide = help_menu.addAction("&User guide")
        guide.setShortcut(QKeySequence.HelpContents)
        guide.triggered.connect(lambda: self.open_guide())
        help_menu.addAction("&About Workbench").triggered.connect(
            lambda: QMessageBox.about(self, "About Workbench", ABOUT))
        self._update_undo()

    def build_view(self, title: str) -> QWidget:
        """Build the view called ``title`` in place of its tab's stand-in."""
        if title in dict.keys(self.views):
            return dict.__getitem__(self.views, title)
        entry = self.entries[title]
        view = entry.load().create_view(self.session, self)
        dict.__setitem__(self.views, title, view)
        index = list(self.entries).index(title)
        current = self.tabs.currentIndex()
        stand_in = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, view, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        stand_in.deleteLater()
        return view

    def _build_current(self) -> None:
        if self.session.closed:
            return
        title = self.tabs.tabText(self.tabs.currentIndex())
        if title in self.entries:
            self.build_view(title)
        QTimer.singleShot(200, self._preload_next)

    def _preload_next(self) -> None:
        """Import the next view module while the analyst reads the current view, so
        switching tabs is quick and every view's offence-table actions are registered."""
        if self._to_preload and not self.session.closed:
            self._to_preload.pop(0).load()
            QTimer.singleShot(50, self._preload_next)

    def open_guide(self, chapter: str = "index.md") -> HelpBrowser:
        browser = HelpBrowser(self, chapter)
        browser.show()
        return browser

    def open_import(self, kind: str = "offences"):
        """The import dialog (its importers and their libraries load on first use)."""
        from workbench.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.session, self, kind)
        dialog.show()
        return dialog

    def open_settings(self):
        """File > Settings…: the store's settings and the control strategy."""
        from workbench.ui.tasking.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.session, self)
        dialog.show()
        return dialog

    def look_for_changes(self) -> None:
        """Refresh the views when someone else changed the store (the timer calls this)."""
        try:
            note = self.watcher.poll()
        except UserError as exc:
            self.statusBar().showMessage(str(exc), POLL_MS)
            return
        if note:
            self.statusBar().showMessage(f"{note} — views updated", NOTE_MS)

    def open_store(self):
        """File > Open Store…: the chosen store opens in a new window in place of this one."""
        from workbench.ui.open_store import OpenStoreDialog

        dialog = OpenStoreDialog(self)
        dialog.accepted.connect(lambda: self.switch_to(*dialog.take_choice()))
        dialog.show()
        return dialog

    def switch_to(self, location: str, secret: str | None = None) -> MainWindow | None:
        """Open the store at ``location`` (``secret``: the password or passphrase typed for
        it) in a new window and close this one (one store open at a time: its login is who acts)."""
        try:
            session = Session(location, **secret_option(location, secret))
        except UserError as exc:
            QMessageBox.warning(self, "Workbench", str(exc))
            return None
        window = MainWindow(session, owns_session=True)
        MainWindow.opened.append(window)
        window.setGeometry(self.geometry())
        window.showMaximized() if self.isMaximized() else window.show()
        self.close()
        return window

    def closeEvent(self, event) -> None:
        self.watch_timer.stop()
        if self in MainWindow.opened:
            MainWindow.opened.remove(self)
        if self.owns_session:
            self.session.close()
        super().closeEvent(event)

    def _undo(self) -> None:
        self.session.commands.undo()

    def _redo(self) -> None:
        self.session.commands.redo()

    def _update_undo(self) -> None:
        undo, redo = self.session.commands.undo_text, self.session.commands.redo_text
        self.undo_action.setEnabled(undo is not None)
        self.undo_action.setText(f"&Undo {undo}" if undo else "&Undo")
        self.redo_action.setEnabled(redo is not None)
        self.redo_action.setText(f"&Redo {redo}" if redo else "&Redo")

    def _on_changed(self, changed: Changed) -> None:
        self._update_undo()
        if changed.kind in ("offences", "boundaries", "store", "setting", "roles"):
            self.refresh_status()

    def refresh_status(self) -> None:
        s = stats(self.session.store)
        marking = self.session.store.setting("security_marking", "OFFICIAL-SENSITIVE")
        self.banner.setText(marking)
        span = f"{s['date_min']} to {s['date_max']}" if s["date_min"] else "no offences yet"
        boroughs = len([b for b in s["by_borough"] if b != "(none)"])
        self.counts.setText(f"{s['offences']:,} offences · {span} · {boroughs} boroughs · "
                            f"{s['boundaries'].get('ward', 0)} wards · {s['rejects']:,} rejected rows")
        user = current_user()
        held = sorted(r.value for r in roles_of(self.session.store, user))
        self.identity.setText(f"  Acting as <b>{user}</b> ({', '.join(held) or 'no role in this store'})")
        self.identity.setToolTip("Workbench records your operating-system login in the audit log; "
                                 "an admin grants roles with `workbench roles grant`.")
