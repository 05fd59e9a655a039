"""The errors an analyst may see: :class:`UserError` and its kinds.

A ``UserError`` is a problem the analyst can fix (a bad value, a missing file, an action
the workflow forbids, a store made by a newer version) or chose (a cancel). The command
line prints its message as one line and exits with status 1; the window shows it in a
message box. Any other exception is a bug: it is written with its traceback to the error
log (:mod:`workbench.errorlog`) and shown only as "internal error, logged to <path>".

So code that checks the analyst's input raises one of these, never a bare ``ValueError``
or ``OSError``: those are reserved for programming errors and are logged, not excused.
The kinds that replace a ``ValueError`` also derive from it, so an ``except ValueError``
around a parser keeps working.

This module imports nothing from Workbench: every layer may use it.

>>> issubclass(NotFound, UserError) and issubclass(NotFound, ValueError)
True
>>> str(BadInput("--top must be at least 1"))
'--top must be at least 1'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class UserError(Exception):
    """A problem to show the analyst as one line; the message says what and how to fix it."""


class BadInput(UserError, ValueError):
    """A value the analyst gave (an option, a field, a date, a grade) is not acceptable."""


class NotFound(BadInput):
    """Something the analyst named (a record, a series, a file) does not exist."""


class NotAllowed(UserError, ValueError):
    """An action the rules forbid in the current state (e.g. approving a draft PATP)."""


class Conflict(UserError):
    """Someone else changed a record (a link decision, a PATP) after the analyst read it:
    their change stands and this one was not saved; the message says what changed, by
    whom and when, so the analyst can look again (optimistic concurrency on a shared store)."""


class BadFile(UserError):
    """A file the analyst named cannot be read or written; nothing was changed."""


class StoreError(UserError):
    """A store cannot be opened or used (not a store, made by a newer version...)."""


class NotAvailable(UserError):
    """A capability this installation does not provide (an optional module is missing)."""


class Cancelled(UserError):
    """The analyst cancelled the work; nothing it started was kept."""

    def __init__(self, message: str = "cancelled: nothing was changed"):
        super().__init__(message)


@contextmanager
def file_errors(path: str | Path) -> Iterator[None]:
    """Report an ``OSError`` while reading or writing ``path`` as a :class:`BadFile`.

    For files the analyst named (imports, exports): a missing folder, a denied permission
    or a full disk is their problem to fix, not a bug.

    >>> with file_errors("/no/such/folder/x.csv"):
    ...     open("/no/such/folder/x.csv").close()
    Traceback (most recent call last):
    ...
    workbench.errors.BadFile: /no/such/folder/x.csv: No such file or directory
    """
    try:
        yield
    except OSError as exc:
        raise BadFile(f"{path}: {exc.strerror or exc}") from exc
