"""Where unexpected errors go: a log file in the user folder, never a traceback on screen."""

from __future__ import annotations

import traceback
from pathlib import Path

from workbench.errors import UserError
from workbench.paths import user_data_dir


def log_unexpected_error(exc: BaseException | None = None) -> Path:
    """Append ``exc``'s traceback (default: the exception being handled) to the error log.

    Returns the log's path, for the message that tells the analyst where the details are.
    """
    text = "".join(traceback.format_exception(exc)) if exc is not None else traceback.format_exc()
    path = user_data_dir() / "workbench-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError:
        return Path("(the error log could not be written)")
    return path


#: SQLite's words for a file whose pages are damaged (or that is not a database at all).
DAMAGED = ("malformed", "file is not a database", "disk i/o error")


def error_message(exc: BaseException) -> str:
    """The one line to show the analyst for ``exc``.

    A :class:`~workbench.errors.UserError` is shown as its own message; anything else is
    a bug, logged with its traceback and shown as "internal error, logged to <path>".
    """
    if isinstance(exc, UserError):
        return " ".join((str(exc) or exc.__class__.__name__).split())
    if _from_sqlite(exc) and any(word in str(exc).lower() for word in DAMAGED):
        log_unexpected_error(exc)
        return (f"the store file is damaged ({exc}); nothing more was read or changed. Restore it from "
                f"your backup (details logged to {user_data_dir() / 'workbench-errors.log'})")
    return f"internal error ({exc.__class__.__name__}), logged to {log_unexpected_error(exc)}"


def _from_sqlite(exc: BaseException) -> bool:
    """An error raised by SQLite itself (recognised by its module: only the store
    imports sqlite3)."""
    return type(exc).__module__.startswith(("sqlite3", "sqlcipher3"))
