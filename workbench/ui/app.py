"""Starting the desktop application."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def display_problem() -> str | None:
    """Why no window can open here (None when one can)."""
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        return "no display is available (DISPLAY is not set)"
    return None


def _show_unexpected_error(kind, value, tb) -> None:
    """An error no view handled: a :class:`~workbench.errors.UserError` is shown as its
    message; anything else is logged with its traceback and shown as an internal error."""
    from PySide6.QtWidgets import QMessageBox

    from workbench.errorlog import error_message

    QMessageBox.warning(None, "Workbench", error_message(value.with_traceback(tb)))


def run_gui(db_path: str | Path, key: str | None = None) -> int:
    """Open the main window on the store at ``db_path`` (a file, or a team store's
    address; ``key`` unlocks an encrypted file) and run until the last window closes.
    A team store whose password the password file does not hold asks for it first."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from workbench.paths import resource_path
    from workbench.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Workbench")
    app.setOrganizationName("Workbench")
    icon = resource_path("icons", "workbench.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    style = resource_path("styles", "workbench.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    sys.excepthook = _show_unexpected_error
    from workbench.ui.gc_guard import MainThreadGarbageCollector

    collector = MainThreadGarbageCollector(app)  # noqa: F841 (lives as the app's child)
    session = _first_session(str(db_path), key)
    if session is None:
        return 0
    window = MainWindow(session, owns_session=True)
    window.showMaximized()
    try:
        return app.exec()
    finally:
        session.close()


def _first_session(location: str, key: str | None):
    """The session of the store the app starts on; None when the analyst cancels the
    password question."""
    from workbench.app.session import Session
    from workbench.store.postgres import PasswordNeeded
    from workbench.ui.open_store import OpenStoreDialog

    try:
        return Session(location, key=key)
    except PasswordNeeded:
        dialog = OpenStoreDialog(None, location, ask_password=True)
        if dialog.exec() != OpenStoreDialog.Accepted:
            return None
        location, password = dialog.take_choice()
        return Session(location, password=password)
