"""Running core work off the UI thread, with a progress dialog and a Cancel button.

Core work follows ``run(inputs, *, progress, cancelled)`` (see ``workbench.jobs``). Views
call :func:`run_job` with a callable ``work(store, progress, cancelled)``; it runs on
``QThreadPool`` with its own store connection (SQLite connections belong to one thread),
reports progress to a dialog, and calls ``on_done(result)`` back on the UI thread.
A :class:`~workbench.errors.UserError` (a bad file, a cancel) is shown as its one-line
message; any other error is logged with its traceback and shown as "internal error,
logged to <path>" (:func:`workbench.errorlog.error_message`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from workbench.app.session import Session
from workbench.errorlog import error_message
from workbench.errors import Cancelled

Work = Callable[[Any, Callable[[float, str], None], Callable[[], bool]], Any]


class _Signals(QObject):
    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(str, bool)      # message, was_cancelled


class _Runnable(QRunnable):
    def __init__(self, session: Session | None, work: Work, signals: _Signals, stop: threading.Event):
        super().__init__()
        self.session, self.work, self.signals, self.stop = session, work, signals, stop

    def _emit(self, signal: str, *args) -> None:
        """Emit unless the window that asked for the work has gone (the app is closing)."""
        try:
            getattr(self.signals, signal).emit(*args)
        except RuntimeError:
            self.stop.set()

    def run(self) -> None:
        store = None
        try:
            store = self.session.open_worker_store() if self.session is not None else None
            def progress(fraction: float, message: str) -> None:
                self._emit("progress", fraction, message)

            if store is not None:
                store.on_wait = progress          # "waiting for the store: who is writing"
            result = self.work(store, progress, self.stop.is_set)
        except Cancelled as exc:
            self._emit("failed", str(exc), True)
        except Exception as exc:  # a UserError's message, or "internal error, logged to ..."
            self._emit("failed", error_message(exc), False)
        else:
            self._emit("done", result)
        finally:
            if store is not None:
                store.close()
            _pin_proj_context()


_PINNED_PROJ_CONTEXTS: dict[int, object] = {}


def _pin_proj_context() -> None:
    """Keep this pool thread's PROJ context alive after the job.

    pyproj keeps one PROJ context per native thread, owned by a ``threading.local``;
    PySide clears a pool thread's Python state after each runnable, so the next job on
    that thread would find a dangling context and crash when it builds a CRS. Holding a
    reference for the life of the process keeps it valid.
    """
    from pyproj._context import get_context_manager

    manager = get_context_manager()
    if manager is not None:
        _PINNED_PROJ_CONTEXTS.setdefault(threading.get_native_id(), manager)


class Job(QObject):
    """A running job; keeps its dialog and signals alive until it ends."""

    finished = Signal()

    def __init__(self, parent: QWidget, title: str, session: Session | None, work: Work,
                 on_done: Callable[[Any], None] | None, on_error: Callable[[str], None] | None,
                 modal: bool):
        super().__init__(parent)
        self._stop = threading.Event()
        self._on_done, self._on_error = on_done, on_error
        self.dialog = QProgressDialog(title, "Cancel", 0, 1000, parent)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModal if modal else Qt.NonModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(460)
        self.dialog.canceled.connect(self.cancel)
        self.signals = _Signals()
        self.signals.progress.connect(self._progress)
        self.signals.done.connect(self._done)
        self.signals.failed.connect(self._failed)
        self.result: Any = None
        self.error: str | None = None
        self.running = True
        QThreadPool.globalInstance().start(_Runnable(session, work, self.signals, self._stop))

    def cancel(self) -> None:
        """Ask the work to stop; it undoes what it started."""
        self._stop.set()
        self.dialog.setLabelText("Cancelling…")

    def _progress(self, fraction: float, message: str) -> None:
        self.dialog.setValue(int(fraction * 1000))
        if message and not self._stop.is_set():
            self.dialog.setLabelText(message)

    def _end(self) -> None:
        self.running = False
        self.dialog.close()
        self.finished.emit()

    def _done(self, result: Any) -> None:
        self.result = result
        self._end()
        if self._on_done:
            self._on_done(result)

    def _failed(self, message: str, was_cancelled: bool) -> None:
        self.error = message
        self._end()
        if self._on_error:
            self._on_error(message)
        elif not was_cancelled:
            QMessageBox.warning(self.parent(), "Workbench", message)


def run_job(parent: QWidget, title: str, work: Work, *, session: Session | None = None,
            on_done: Callable[[Any], None] | None = None, on_error: Callable[[str], None] | None = None,
            modal: bool = True) -> Job:
    """Run ``work(store, progress, cancelled)`` in the background with a progress dialog.

    ``store`` is a fresh connection to ``session``'s store (None without a session).
    ``on_done(result)`` runs on the UI thread; ``on_error(message)`` too (default: a
    message box, nothing for a cancel).
    """
    return Job(parent, title, session, work, on_done, on_error, modal)
