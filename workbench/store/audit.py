"""The audit log: append-only and tamper-evident (a hash chain).

Each entry stores ``prev_hash``, the hash of the entry before it, and ``hash``, the
SHA-256 of a canonical serialisation of its own columns together with ``prev_hash``
(:func:`entry_hash`). The one-row table ``audit_head`` holds the id and hash of the newest
entry, written in the same transaction as the entry. So:

- an entry edited with any SQLite tool no longer matches its hash;
- a deleted or reordered entry breaks the link of the entry after it;
- deleted newest entries leave the head pointing past the end of the log.

Triggers (migration 11) refuse UPDATE and DELETE on the log; :func:`verify` still catches
changes made after someone drops them. What a chain cannot catch on its own is a person
who rewrites every later hash and the head too: the guide says to keep the head hash
(printed by ``workbench audit verify``) outside the store to close that gap.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workbench.domain.audit import AuditAction
from workbench.identity import current_user

if TYPE_CHECKING:
    from workbench.store.db import Store

#: Part of every hashed serialisation; a new format would get a new tag, never a change.
CHAIN_FORMAT = "workbench-audit-v1"
COLUMNS = ("id", "at", "user", "action", "object_type", "object_id", "detail")


def entry_hash(row: tuple, prev_hash: str) -> str:
    """SHA-256 (hex) of one entry: its :data:`COLUMNS` values, in order, and ``prev_hash``,
    serialised as a compact JSON array (exact stored text, so any edit changes it)."""
    text = json.dumps([CHAIN_FORMAT, *row, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(store: Store, action: AuditAction, object_type: str, object_id: Any = None,
           detail: dict | None = None, *, why: str | None = None, at: str) -> int:
    """Add one entry at the end of the chain (as the operating-system login) and return its id."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit actions come from AuditAction, not {action!r}")
    payload = dict(detail or {})
    if why:
        payload["why"] = why
    with store.atomic():
        # Writing the head first takes the write lock before anything is read, so two
        # processes appending at once queue up instead of forking the chain.
        greatest = "greatest" if store.engine == "postgresql" else "max"
        entry_id, prev_hash = store._conn.execute(
            f"UPDATE audit_head SET last_id = {greatest}(last_id, (SELECT coalesce(max(id), 0) FROM audit_log)) + 1 "
            "RETURNING last_id, hash").fetchall()[0]
        row = (entry_id, at, current_user(), action.value, object_type,
               None if object_id is None else str(object_id), json.dumps(payload, default=str))
        digest = entry_hash(row, prev_hash)
        store._conn.execute(
            "INSERT INTO audit_log (id, at, user, action, object_type, object_id, detail, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?)", (*row, prev_hash, digest))
        store._conn.execute("UPDATE audit_head SET hash = ?", (digest,))
    return entry_id


def chain_existing(conn: sqlite3.Connection) -> int:
    """Hash every entry in id order and set the head (the migration that adds the chain)."""
    prev, last_id = "", 0
    rows = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY id").fetchall()
    for row in rows:
        digest = entry_hash(tuple(row), prev)
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row[0]))
        prev, last_id = digest, row[0]
    conn.execute("INSERT INTO audit_head (only_row, last_id, hash) VALUES (1, ?, ?)", (last_id, prev))
    return len(rows)


def verify(store: Store, progress: Callable[[float, str], None] | None = None) -> dict:
    """Check the whole chain: ``{"entries": n, "ok": bool, "first_bad": id or None}``.

    ``first_bad`` is the first entry whose hash or link to the entry before it does not
    hold (an edited entry, or the one after a deleted or moved entry), or, when the newest
    entries are gone, the id the first missing one had. ``progress(fraction, message)``
    is called every 20,000 entries (a force's log holds millions).
    """
    total = max(count(store), 1)
    prev, last_id, seen, first_bad = "", 0, 0, None
    cursor = store._conn.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, hash FROM audit_log ORDER BY id")
    for *columns, prev_hash, digest in cursor:
        seen += 1
        if progress and seen % 20_000 == 0:
            progress(seen / total, f"Checked {seen:,} of {total:,} audit entries")
        if first_bad is None and (prev_hash != prev or digest != entry_hash(tuple(columns), prev_hash)):
            first_bad = columns[0]
        prev, last_id = digest, columns[0]
    head = store._conn.execute("SELECT last_id, hash FROM audit_head").fetchone() or (0, "")
    if first_bad is None and tuple(head) != (last_id, prev):
        first_bad = min(last_id, head[0]) + 1
    return {"entries": seen, "ok": first_bad is None, "first_bad": first_bad}


def head(store: Store) -> dict:
    """The newest entry's id and hash: note it outside the store to anchor the chain."""
    row = store._conn.execute("SELECT last_id, hash FROM audit_head").fetchone()
    return {"last_id": row[0], "hash": row[1]} if row else {"last_id": 0, "hash": ""}


def entries(store: Store, *, since: str | None = None, action: AuditAction | None = None,
            limit: int | None = None, after: int | None = None) -> list[dict]:
    """Entries (newest first), from ``since`` (an ISO date/time, UTC), of one ``action``
    and newer than the entry with id ``after``."""
    where: list[str] = []
    params: list[Any] = []
    if after is not None:
        where.append("id > ?")
        params.append(int(after))
    if since:
        where.append("at >= ?")
        params.append(since)
    if action is not None:
        where.append("action = ?")
        params.append(action.value)
    sql = (f"SELECT {', '.join(COLUMNS)}, hash FROM audit_log"
           + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY id DESC")
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    found = []
    for *columns, digest in store._conn.execute(sql, params):
        entry = dict(zip(COLUMNS, columns))
        entry["detail"] = _detail(entry["detail"])
        entry["hash"] = digest
        found.append(entry)
    return found


def latest(store: Store, object_type: str, object_id: Any) -> dict | None:
    """The newest entry about one object (e.g. ``("patp", 7)``), or None: who last changed it."""
    rows = store._conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE object_type = ? AND object_id = ? "
                               "ORDER BY id DESC LIMIT 1", (object_type, str(object_id))).fetchall()
    if not rows:
        return None
    entry = dict(zip(COLUMNS, rows[0]))
    entry["detail"] = _detail(entry["detail"])
    return entry


def count(store: Store) -> int:
    """How many entries the log holds."""
    return store._conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def _detail(text: str) -> Any:
    """The stored detail as data (a tampered, unparsable detail is shown as its text)."""
    try:
        return json.loads(text)
    except ValueError:
        return text
