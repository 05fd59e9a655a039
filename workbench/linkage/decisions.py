"""The analyst's linkage decisions as undoable commands, audited with who/when/why.

Confirm or reject a link; create a series, add or remove offences, merge, split,
name and annotate it. Each command snapshots what it will change before changing it,
so undo puts it back exactly; redo runs it again. Every do and undo goes into the
audit log. The decisions are labels when the model is retrained (see
:mod:`workbench.linkage.model`) and rejected links are never suggested again.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.events import Changed
from workbench.store import Store
from workbench.store import linkage as db
from workbench.store.offences import offence_refs


class DecideLink(Command):
    """Confirm (``decision='confirmed'``) or reject a link between two offences.

    ``seen`` is the version of the pair's decision the analyst was looking at (0: none;
    None: the one standing when the command runs). If another analyst has decided on the
    pair since, the store refuses with a :class:`~workbench.errors.Conflict` saying what
    they did. Undo likewise refuses to put back what someone else has changed since."""

    def __init__(self, a: int, b: int, decision: str, why: str | None = None, *, seen: int | None = None):
        super().__init__(why)
        self.a, self.b = db.ordered(a, b)
        if decision not in ("confirmed", "rejected"):
            raise BadInput(f"a link decision is 'confirmed' or 'rejected', not {decision!r}")
        self.decision = decision
        self.seen = seen
        self.description = "Confirm link" if decision == "confirmed" else "Reject link"
        self._before: dict | None = None
        #: The version of the decision this command wrote (what its undo names).
        self.written = 0

    def apply(self, store: Store) -> Changed:
        refs = offence_refs(store, (self.a, self.b))
        self._before = db.get_decision(store, self.a, self.b)
        seen = self.seen if self.seen is not None else db.decision_version(store, self.a, self.b)
        self.written = db.put_decision(store, self.a, self.b, self.decision, self.why, seen=seen)
        store.audit(AuditAction.LINK_CONFIRM if self.decision == "confirmed" else AuditAction.LINK_REJECT, "link", f"{self.a}-{self.b}",
                    {"offences": refs, "previous": (self._before or {}).get("decision"), "version": self.written},
                    why=self.why)
        return Changed("links", (self.a, self.b), {"decision": self.decision})

    def revert(self, store: Store) -> Changed:
        if self._before is None:
            db.delete_decision(store, self.a, self.b, seen=self.written)
            self.seen = 0
        else:
            self.seen = db.put_decision(store, self.a, self.b, self._before["decision"], self._before["why"],
                                        self._before["user"], self._before["at"], seen=self.written)
        return Changed("links", (self.a, self.b))


class SeriesCommand(Command, metaclass=ABCMeta):
    """Base of series commands: undo restores every touched series from a snapshot."""

    def __init__(self, why: str | None = None):
        super().__init__(why)
        self._before: dict[int, dict | None] = {}

    @abstractmethod
    def touched(self, store: Store) -> list[int]:
        """Series this command changes (existing ones); created ones are added by ``change``."""

    @abstractmethod
    def change(self, store: Store) -> list[int]:
        """Make the change and audit it; return every series id changed or created."""

    def apply(self, store: Store) -> Changed:
        self._before = {sid: db.snapshot_series(store, sid) for sid in self.touched(store)}
        changed = self.change(store)
        for sid in changed:
            self._before.setdefault(sid, None)
        return Changed("series", tuple(changed), {"action": self.description})

    def revert(self, store: Store) -> Changed:
        for sid in self._before:
            db.delete_series(store, sid)
        for snap in self._before.values():
            if snap is not None:
                db.restore_series(store, snap)
        return Changed("series", tuple(self._before), {"action": f"undo {self.description}"})

    def _audit(self, store: Store, action: str, series_id: int, detail: dict) -> None:
        store.audit(action, "series", series_id, detail, why=self.why)


def _require(store: Store, series_id: int) -> dict:
    found = db.get_series(store, series_id)
    if found is None:
        raise NotFound(f"no series {series_id}")
    return found


class CreateSeries(SeriesCommand):
    """A new confirmed series of the given offences."""

    description = "Create series"

    def __init__(self, offence_ids, name: str, notes: str = "", why: str | None = None):
        super().__init__(why)
        self.offence_ids = [int(o) for o in offence_ids]
        if not self.offence_ids:
            raise BadInput("a series needs at least one offence")
        self.name, self.notes = name, notes
        self.series_id: int | None = None

    def touched(self, store: Store) -> list[int]:
        return []

    def change(self, store: Store) -> list[int]:
        self.series_id = db.create_series(store, self.name, self.notes, series_id=self.series_id)
        db.add_members(store, self.series_id, self.offence_ids, why=self.why)
        self._audit(store, AuditAction.SERIES_CREATE, self.series_id,
                    {"name": self.name, "offences": offence_refs(store, self.offence_ids)})
        return [self.series_id]


class _MembershipCommand(SeriesCommand):
    """Base of adding/removing offences: one series, some offences."""

    def __init__(self, series_id: int, offence_ids, why: str | None = None):
        super().__init__(why)
        self.series_id, self.offence_ids = int(series_id), [int(o) for o in offence_ids]

    def touched(self, store: Store) -> list[int]:
        _require(store, self.series_id)
        return [self.series_id]


class AddToSeries(_MembershipCommand):
    """Put offences into a series."""

    description = "Add to series"

    def change(self, store: Store) -> list[int]:
        db.add_members(store, self.series_id, self.offence_ids, why=self.why)
        self._audit(store, AuditAction.SERIES_ADD, self.series_id, {"offences": offence_refs(store, self.offence_ids)})
        return [self.series_id]


class RemoveFromSeries(_MembershipCommand):
    """Take offences out of a series."""

    description = "Remove from series"

    def touched(self, store: Store) -> list[int]:
        members = set(_require(store, self.series_id)["offence_ids"])
        outside = [o for o in self.offence_ids if o not in members]
        if outside:
            raise BadInput(f"offence {offence_refs(store, outside[:1])[0]} is not in series {self.series_id}")
        return [self.series_id]

    def change(self, store: Store) -> list[int]:
        db.remove_members(store, self.series_id, self.offence_ids)
        self._audit(store, AuditAction.SERIES_REMOVE, self.series_id, {"offences": offence_refs(store, self.offence_ids)})
        return [self.series_id]


class MergeSeries(SeriesCommand):
    """Move every offence of ``others`` into ``target`` and delete ``others``."""

    description = "Merge series"

    def __init__(self, target: int, others, why: str | None = None):
        super().__init__(why)
        self.target, self.others = int(target), [int(s) for s in others if int(s) != int(target)]
        if not self.others:
            raise BadInput("name at least one other series to merge into the first")

    def touched(self, store: Store) -> list[int]:
        for sid in [self.target] + self.others:
            _require(store, sid)
        return [self.target] + self.others

    def change(self, store: Store) -> list[int]:
        moved = []
        for sid in self.others:
            members = db.series_members(store, sid)
            db.delete_series(store, sid)
            db.add_members(store, self.target, members, why=self.why)
            moved += members
        self._audit(store, AuditAction.SERIES_MERGE, self.target, {"merged": self.others, "offences": offence_refs(store, moved)})
        return [self.target] + self.others


class SplitSeries(SeriesCommand):
    """Move some offences of a series into a new series."""

    description = "Split series"

    def __init__(self, series_id: int, offence_ids, name: str, why: str | None = None):
        super().__init__(why)
        self.series_id, self.offence_ids, self.name = int(series_id), [int(o) for o in offence_ids], name
        self.new_id: int | None = None

    def touched(self, store: Store) -> list[int]:
        members = set(_require(store, self.series_id)["offence_ids"])
        if not self.offence_ids or not set(self.offence_ids) < members:
            raise BadInput("split off some, not all, of the series' own offences")
        return [self.series_id]

    def change(self, store: Store) -> list[int]:
        db.remove_members(store, self.series_id, self.offence_ids)
        self.new_id = db.create_series(store, self.name, series_id=self.new_id)
        db.add_members(store, self.new_id, self.offence_ids, why=self.why)
        self._audit(store, AuditAction.SERIES_SPLIT, self.series_id,
                    {"new_series": self.new_id, "offences": offence_refs(store, self.offence_ids)})
        return [self.series_id, self.new_id]


class NameSeries(SeriesCommand):
    """Rename and/or annotate a series."""

    description = "Name series"

    def __init__(self, series_id: int, name: str | None = None, notes: str | None = None,
                 why: str | None = None):
        super().__init__(why)
        self.series_id, self.name, self.notes = int(series_id), name, notes

    def touched(self, store: Store) -> list[int]:
        _require(store, self.series_id)
        return [self.series_id]

    def change(self, store: Store) -> list[int]:
        db.rename_series(store, self.series_id, self.name, self.notes)
        self._audit(store, AuditAction.SERIES_NAME, self.series_id, {"name": self.name, "notes": self.notes})
        return [self.series_id]
