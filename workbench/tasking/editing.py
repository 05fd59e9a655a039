"""Loading and saving PATPs, and the undoable commands that create and edit them."""

from __future__ import annotations

from typing import Any

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.events import Changed
from workbench.store import Store
from workbench.store import tasking as db
from workbench.tasking.patp import Patp
from workbench.tasking.strategy import require_priority


def load_patp(store: Store, key: str | int) -> Patp:
    """The PATP with this id or reference (ValueError if there is none)."""
    patp_id = db.resolve_patp(store, key)
    return Patp.from_body(db.load_patp_body(store, patp_id))


def save_patp(store: Store, patp: Patp, *, seen: int, yours: str, then: str) -> int:
    """Write a loaded PATP back over the version ``seen`` (inside the caller's
    transaction) and return its new version; a :class:`~workbench.errors.Conflict` if
    someone else saved it meanwhile (``yours``/``then``: see ``save_patp_body``)."""
    patp.version = db.save_patp_body(store, patp.id, patp.to_body(), seen=seen, yours=yours, then=then)
    return patp.version


class CreatePatp(Command):
    """Store a new (usually pre-filled) PATP as a draft; undo removes it."""

    description = "Create PATP"

    def __init__(self, patp: Patp, why: str | None = None):
        super().__init__(why)
        self.patp = patp
        self.patp_id: int | None = None

    def apply(self, store: Store) -> Changed:
        if not self.patp.reference:
            year = int(self.patp.date[:4])
            self.patp.reference = db.next_patp_reference(store, year)
        self.patp_id = db.insert_patp(store, self.patp.to_body(), patp_id=self.patp_id)
        self.patp.id, self.patp.version = self.patp_id, db.FIRST_PATP_VERSION
        store.audit(AuditAction.PATP_CREATE, "patp", self.patp_id,
                    {"reference": self.patp.reference, "source": self.patp.source_kind,
                     "source_ref": self.patp.source_ref}, why=self.why)
        return Changed("tasking", (self.patp_id,), {"created": self.patp.reference})

    def revert(self, store: Store) -> Changed:
        db.delete_patp(store, self.patp_id)
        store.audit(AuditAction.PATP_DELETE, "patp", self.patp_id, {"reference": self.patp.reference}, why="undo of creation")
        return Changed("tasking", (self.patp_id,), {"deleted": self.patp.reference})


class EditPatp(Command):
    """Change fields of a PATP (validated; see :data:`workbench.tasking.patp.EDITABLE`).

    ``seen`` is the version of the PATP the analyst was editing (None: the one standing
    when the command runs): a PATP saved by someone else since is a
    :class:`~workbench.errors.Conflict`, and so is undoing over someone else's change."""

    description = "Edit PATP"

    def __init__(self, key: str | int, changes: dict[str, Any], why: str | None = None, *,
                 seen: int | None = None):
        super().__init__(why)
        self.key = key
        self.changes = dict(changes)
        self.seen = seen
        self._old: dict[str, Any] = {}
        self._id: int | None = None
        self._written = 0

    def apply(self, store: Store) -> Changed:
        patp = load_patp(store, self.key)
        self._id = patp.id
        yours = f"edit of {', '.join(sorted(self.changes))}"
        if self.seen is not None:
            db.require_patp_version(store, patp.id, self.seen, yours, "edit")
        if str(self.changes.get("priority") or "").strip():
            self.changes["priority"] = require_priority(store, self.changes["priority"])
        self._old = patp.apply_changes(self.changes)
        self._written = save_patp(store, patp, seen=patp.version, yours=yours, then="edit")
        store.audit(AuditAction.PATP_EDIT, "patp", patp.id, {"reference": patp.reference, "fields": sorted(self.changes)}, why=self.why)
        return Changed("tasking", (patp.id,), {"fields": sorted(self.changes)})

    def revert(self, store: Store) -> Changed:
        patp = load_patp(store, self._id)
        for name, value in self._old.items():
            setattr(patp, name, value)
        self.seen = save_patp(store, patp, seen=self._written, yours="undo", then="edit")
        return Changed("tasking", (patp.id,), {"fields": sorted(self._old)})
