"""Undoable analyst actions (confirm a link, merge a series, approve a PATP...).

A :class:`Command` knows how to ``do`` and ``undo`` itself against a store, each inside
one transaction, and writes the audit log both ways (who, when, why). The session's
:class:`~workbench.app.history.CommandStack` runs them and keeps undo/redo history; the
CLI runs commands directly (``cmd.do(store)``). Commands live below the feature packages
(linkage, tasking define their own) and above the store they write to.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from workbench.domain.audit import AuditAction
from workbench.events import Changed
from workbench.store import Store


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
