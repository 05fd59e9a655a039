"""Undoable analyst actions (confirm a link, merge a series, approve a PATP...).

A :class:`Command` knows how to ``do`` and ``undo`` itself against a store, each inside
one transaction, and writes the audit log both ways (who, when, why). The
:class:`CommandStack` runs them and keeps undo/redo history for the session; the CLI
runs commands directly (``cmd.do(store)``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

from workbench.app.events import Changed, Event
from workbench.store import Store
from workbench.domain.audit import AuditAction


class Command(ABC):
    """Base class: subclasses implement :meth:`apply` and :meth:`revert`."""

    #: Short description for the Edit menu and the audit log, e.g. "Confirm link".
    description = "action"

    def __init__(self, why: str | None = None):
        self.why = why

    @abstractmethod
    def apply(self, store: Store) -> Changed:
        """Make the change (inside the transaction :meth:`do` opens) and audit it."""

    @abstractmethod
    def revert(self, store: Store) -> Changed:
        """Undo what :meth:`apply` did (inside the transaction :meth:`undo` opens)."""

    def do(self, store: Store) -> Changed:
        """Apply in one transaction (the subclass audits what it did)."""
        with store.atomic():
            return self.apply(store)

    def undo(self, store: Store) -> Changed:
        """Revert in one transaction and audit the undo."""
        with store.atomic():
            changed = self.revert(store)
            store.audit(AuditAction.UNDO, "command", None, {"undone": self.description})
            return changed


class CommandStack:
    """Undo/redo history of the commands run in one session."""

    def __init__(self, store_provider: Callable[[], Store]):
        self._store = store_provider
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self.changed = Event()      # emits Changed after do/undo/redo

    def push(self, command: Command) -> Changed:
        changed = command.do(self._store())
        self._done.append(command)
        self._undone.clear()
        self.changed.emit(changed)
        return changed

    def undo(self) -> Changed | None:
        if not self._done:
            return None
        command = self._done.pop()
        changed = command.undo(self._store())
        self._undone.append(command)
        self.changed.emit(changed)
        return changed

    def redo(self) -> Changed | None:
        if not self._undone:
            return None
        command = self._undone.pop()
        changed = command.do(self._store())
        self._done.append(command)
        self.changed.emit(changed)
        return changed

    @property
    def undo_text(self) -> str | None:
        return self._done[-1].description if self._done else None

    @property
    def redo_text(self) -> str | None:
        return self._undone[-1].description if self._undone else None
