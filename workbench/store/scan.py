"""Scan state per analyst and saved searches (schema 4).

A scan remembers, per user, when it ran and the highest offence id it saw: offences with
a larger id entered the store after that scan. Saved searches keep the ids they returned
last time (``saved_search_hits``) so the next scan reports only new matches. Every write
is inside :meth:`Store.atomic`; analyst decisions (saving, deleting, subscribing) are
audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.identity import current_user
from workbench.store.db import Store, now_iso

SEARCH_KINDS = ("offences", "intel")


@dataclass(frozen=True)
class ScanState:
    """What a user's last scan saw."""

    user: str
    last_scan_at: str
    last_offence_id: int
    last_report: dict | None = None


@dataclass(frozen=True)
class SavedSearch:
    """A named filter of offences or intelligence that an analyst can subscribe to."""

    id: int
    name: str
    kind: str
    filter: dict = field(default_factory=dict)
    owner: str = ""
    subscribed: bool = True
    created_at: str = ""
    last_run_at: str | None = None

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "filter": self.filter,
                "owner": self.owner, "subscribed": self.subscribed, "created_at": self.created_at,
                "last_run_at": self.last_run_at}


# -- scan state -------------------------------------------------------------------

def load_scan_state(store: Store, user: str | None = None) -> ScanState | None:
    """The user's last scan, or None if they never scanned this store."""
    user = user or current_user()
    row = store._conn.execute(
        "SELECT user, last_scan_at, last_offence_id, last_report FROM scan_state WHERE user = ?",
        (user,)).fetchone()
    if row is None:
        return None
    return ScanState(row[0], row[1], row[2], json.loads(row[3]) if row[3] else None)


def record_scan(store: Store, user: str | None, last_offence_id: int, report: dict | None = None) -> ScanState:
    """Remember that ``user`` scanned now, having seen offences up to ``last_offence_id``."""
    user = user or current_user()
    at = now_iso()
    with store.atomic():
        store._conn.execute(
            "INSERT INTO scan_state (user, last_scan_at, last_offence_id, last_report) VALUES (?,?,?,?) "
            "ON CONFLICT(user) DO UPDATE SET last_scan_at = excluded.last_scan_at, "
            "last_offence_id = excluded.last_offence_id, last_report = excluded.last_report",
            (user, at, int(last_offence_id), json.dumps(report, default=str) if report is not None else None))
    return ScanState(user, at, int(last_offence_id), report)


def max_offence_id(store: Store) -> int:
    """The highest offence id stored (0 for an empty store)."""
    return store._conn.execute("SELECT coalesce(max(id), 0) FROM offences").fetchone()[0]


# -- saved searches ---------------------------------------------------------------

_COLUMNS = "id, name, kind, filter, owner, subscribed, created_at, last_run_at"


def _search(row) -> SavedSearch:
    return SavedSearch(row[0], row[1], row[2], json.loads(row[3] or "{}"), row[4], bool(row[5]), row[6], row[7])


def save_search(store: Store, name: str, kind: str, filter: dict, *, owner: str | None = None,
                subscribed: bool = True, replace: bool = False) -> SavedSearch:
    """Save (or with ``replace`` overwrite) a named search of ``kind`` 'offences' or 'intel'.

    Raises ValueError for an unknown kind, an empty name, or a name the owner already
    uses (unless ``replace``). Replacing forgets what the search returned before.
    """
    owner = owner or current_user()
    name = name.strip()
    if not name:
        raise BadInput("a saved search needs a name")
    if kind not in SEARCH_KINDS:
        raise BadInput(f"unknown search kind {kind!r}; expected one of: {', '.join(SEARCH_KINDS)}")
    existing = find_search(store, name, owner=owner)
    if existing and not replace:
        raise BadInput(f"you already have a saved search called {name!r} (use --replace to overwrite it)")
    text = json.dumps(filter, sort_keys=True, default=str)
    with store.atomic():
        if existing:
            store._conn.execute("DELETE FROM saved_searches WHERE id = ?", (existing.id,))
        search_id = store._insert("saved_searches", {"name": name, "kind": kind, "filter": text, "owner": owner,
                                                     "subscribed": int(subscribed), "created_at": now_iso()})
        store.audit(AuditAction.SEARCH_SAVE, "saved_search", search_id,
                    {"name": name, "kind": kind, "filter": filter, "subscribed": subscribed})
    return get_search(store, search_id)


def get_search(store: Store, search_id: int) -> SavedSearch:
    """The saved search with this id (ValueError if there is none)."""
    row = store._conn.execute(f"SELECT {_COLUMNS} FROM saved_searches WHERE id = ?", (search_id,)).fetchone()
    if row is None:
        raise NotFound(f"no saved search with id {search_id}")
    return _search(row)


def find_search(store: Store, name: str, *, owner: str | None = None) -> SavedSearch | None:
    """The owner's saved search called ``name``, or None."""
    row = store._conn.execute(f"SELECT {_COLUMNS} FROM saved_searches WHERE owner = ? AND name = ?",
                             (owner or current_user(), name.strip())).fetchone()
    return _search(row) if row else None


def require_search(store: Store, name: str, *, owner: str | None = None) -> SavedSearch:
    """Like :func:`find_search` but a missing search is a clear ValueError."""
    found = find_search(store, name, owner=owner)
    if found is None:
        raise NotFound(f"no saved search called {name!r} (see: workbench search list)")
    return found


def list_searches(store: Store, *, owner: str | None = None, subscribed_only: bool = False) -> list[SavedSearch]:
    """The owner's saved searches by name (every owner's when ``owner`` is ``'*'``)."""
    clauses, params = [], []
    if owner != "*":
        clauses.append("owner = ?")
        params.append(owner or current_user())
    if subscribed_only:
        clauses.append("subscribed = 1")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return [_search(r) for r in store._conn.execute(
        f"SELECT {_COLUMNS} FROM saved_searches{where} ORDER BY name, owner", params)]


def set_subscribed(store: Store, search: SavedSearch, subscribed: bool) -> SavedSearch:
    """Subscribe to (or unsubscribe from) a saved search: scans report subscribed ones."""
    with store.atomic():
        store._conn.execute("UPDATE saved_searches SET subscribed = ? WHERE id = ?", (int(subscribed), search.id))
        store.audit(AuditAction.SEARCH_SUBSCRIBE if subscribed else AuditAction.SEARCH_UNSUBSCRIBE, "saved_search", search.id,
                    {"name": search.name})
    return get_search(store, search.id)


def delete_search(store: Store, search: SavedSearch) -> None:
    """Delete a saved search and what it returned."""
    with store.atomic():
        store._conn.execute("DELETE FROM saved_searches WHERE id = ?", (search.id,))
        store.audit(AuditAction.SEARCH_DELETE, "saved_search", search.id, {"name": search.name, "filter": search.filter})


def last_hits(store: Store, search_id: int) -> set[str]:
    """The item ids (as text) the search returned when it was last recorded."""
    return {r[0] for r in store._conn.execute(
        "SELECT item_id FROM saved_search_hits WHERE search_id = ?", (search_id,))}


def record_hits(store: Store, search_id: int, item_ids: Iterable) -> None:
    """Replace what the search last returned with ``item_ids`` and stamp the run time."""
    with store.atomic():
        store._conn.execute("DELETE FROM saved_search_hits WHERE search_id = ?", (search_id,))
        store._conn.executemany("INSERT OR IGNORE INTO saved_search_hits (search_id, item_id) VALUES (?, ?)",
                               ((search_id, str(i)) for i in item_ids))
        store._conn.execute("UPDATE saved_searches SET last_run_at = ? WHERE id = ?", (now_iso(), search_id))
