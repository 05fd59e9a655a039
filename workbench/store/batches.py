"""Import batches and the rows they rejected.

A batch records what was imported, from which file (name and SHA-256), by whom and when,
with its counts; rejected rows are kept with line, column, reason and the raw row so an
analyst can fix and re-import them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.domain.audit import AuditAction
from workbench.identity import current_user
from workbench.store.db import Store, now_iso


@dataclass
class Reject:
    """One rejected input row: where it was and why."""

    file: str
    line: int
    column: str | None
    reason: str
    raw: dict = field(default_factory=dict)

    def describe(self) -> str:
        col = f", column {self.column}" if self.column else ""
        return f"{self.file}, line {self.line}{col}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


def start_batch(store: Store, kind: str, source: str, file_name: str, file_hash: str) -> int:
    """Create a batch row (inside the caller's transaction) and return its id."""
    return store._insert("batches", {"kind": kind, "source": source, "file_name": file_name,
                                     "file_hash": file_hash, "started_at": now_iso(), "user": current_user()})


def add_rejects(store: Store, batch_id: int, rejects: Sequence[Reject]) -> None:
    """Keep rejected rows in the store for review."""
    store._conn.executemany(
        "INSERT INTO rejects (batch_id, file_name, line, column_name, reason, raw) VALUES (?,?,?,?,?,?)",
        [(batch_id, r.file, r.line, r.column, r.reason, json.dumps(r.raw, ensure_ascii=False)) for r in rejects])


def finish_batch(store: Store, batch_id: int, *, rows_read: int, imported: int, duplicates: int, rejected: int,
                 file_hash: str | None = None) -> None:
    """Record a batch's counts (and its file hash, when that was computed beside the
    import) and audit the import."""
    store._conn.execute(
        "UPDATE batches SET finished_at = ?, rows_read = ?, imported = ?, duplicates = ?, rejected = ?, "
        "file_hash = coalesce(?, file_hash) WHERE id = ?",
        (now_iso(), rows_read, imported, duplicates, rejected, file_hash, batch_id))
    kind, source, file_name = store._conn.execute(
        "SELECT kind, source, file_name FROM batches WHERE id = ?", (batch_id,)).fetchone()
    store.audit(AuditAction.IMPORT, "batch", batch_id, {
        "kind": kind, "source": source, "file": file_name, "rows_read": rows_read,
        "imported": imported, "duplicates": duplicates, "rejected": rejected})


def list_batches(store: Store) -> list[dict]:
    """Every batch, newest first."""
    return store._rows("SELECT id, kind, source, file_name, file_hash, started_at, finished_at, user, rows_read, "
                       "imported, duplicates, rejected FROM batches ORDER BY id DESC")


def list_rejects(store: Store, batch_id: int | None = None, limit: int | None = None) -> list[dict]:
    """Rejected rows (of one batch, or all), in file order."""
    sql = "SELECT batch_id, file_name, line, column_name, reason, raw FROM rejects"
    params: list = []
    if batch_id is not None:
        sql += " WHERE batch_id = ?"
        params.append(batch_id)
    sql += " ORDER BY batch_id, id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [{"batch": b, "file": f, "line": ln, "column": c, "reason": r, "raw": json.loads(raw)}
            for b, f, ln, c, r, raw in store._conn.execute(sql, params)]


