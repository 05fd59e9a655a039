"""Copy a whole store to a new, empty store on either engine (``workbench store copy``).

A borough moves its SQLite file onto the team server, or an analyst takes an offline copy
of the team store to a laptop. Every table is copied row for row, ids included, in an
order that satisfies the foreign keys, inside one transaction on the target (all or
nothing). The audit log is copied entry for entry with its hashes, so the chain verifies
on the target exactly as on the source; the copy then checks the counts of every table
and the chain, and only then records itself in both stores' audit logs.

Columns the target computes (PostGIS ``geom``, the tsvector of the text index, the
``rowid`` that PostgreSQL tables without an id carry) are left to it; rows are read in
their source order, so insertion order (e.g. an offence's features) is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, StoreError
from workbench.store import audit, migrations, postgres
from workbench.store.db import Store

#: Rows read and written at a time.
CHUNK = 5000
#: The full-text index: a virtual table on SQLite, a table on PostgreSQL; copied by its
#: own columns.
FTS_TABLE, FTS_COLUMNS = "intel_fts", ("rowid", "text", "location_desc", "entities")
#: Columns a PostgreSQL store computes itself.
COMPUTED = {"geom", "tsv", "rowid"}

Progress = Callable[[float, str], None]


def table_order() -> list[str]:
    """Every table the migrations make, parents before the tables that reference them."""
    statements = [s for m in migrations.all_migrations() for s in m.statements(postgresql=False)]
    creates = [s for s in statements if re.match(r"\s*CREATE TABLE", s, re.I)]
    ordered = postgres.creation_order(creates)
    return [re.match(r"\s*CREATE TABLE (\w+)", s, re.I).group(1) for s in ordered] + [FTS_TABLE]  # type: ignore[union-attr]


def copy_store(source: Store, target: Store, progress: Progress | None = None) -> dict:
    """Copy ``source`` into the new, empty ``target``; returns the counts and the chain check.

    Raises :class:`BadInput` when the target already holds data, and
    :class:`StoreError` when the counts or the audit chain differ after the copy (the
    copy is then rolled back)."""
    if source.schema_version != target.schema_version:
        raise StoreError(f"the two stores have different schema versions ({source.schema_version} and "
                         f"{target.schema_version}); open both with this Workbench first")
    if target._value("SELECT count(*) FROM audit_log") or target._value("SELECT count(*) FROM offences"):
        raise BadInput(f"{target.name} already holds data: copy into a new, empty store")
    tables = table_order()
    totals = {t: int(source._value(f"SELECT count(*) FROM {t}")) for t in tables}
    grand, done = max(sum(totals.values()), 1), 0
    with target.atomic():
        for table in ("settings", "roles"):        # the target's own first rows (its audit head is overwritten)
            target._conn.execute(f"DELETE FROM {table}")
        for table in tables:
            columns = _columns(source, target, table)
            for rows in _read(source, table, columns):
                _write(target, table, columns, rows)
                done += len(rows)
                if progress:
                    progress(done / grand, f"Copying {table}: {done:,} of {grand:,} rows")
        _restart_ids(target, tables)
        counts = {t: int(target._value(f"SELECT count(*) FROM {t}")) for t in tables}
        differ = {t: (totals[t], counts[t]) for t in tables if totals[t] != counts[t]}
        if differ:
            raise StoreError(f"the copy was undone: row counts differ {differ}")
        chain = audit.verify(target)
        if not chain["ok"] or audit.head(target) != audit.head(source):
            raise StoreError(f"the copy was undone: the audit chain does not verify on {target.name}")
    detail = {"from": source.location, "to": target.location, "rows": sum(totals.values())}
    source.audit(AuditAction.STORE_COPY, "store", source.name, detail)
    target.audit(AuditAction.STORE_COPY, "store", target.name, detail)
    return {"from": source.location, "to": target.location, "tables": totals, "rows": sum(totals.values()),
            "audit_entries": chain["entries"], "audit_ok": chain["ok"], "counts_match": True}


def _columns(source: Store, target: Store, table: str) -> list[str]:
    """The columns both stores hold, less those the target computes."""
    if table == FTS_TABLE:
        return list(FTS_COLUMNS)
    mine = _names(source, table)
    theirs = set(_names(target, table))
    missing = [c for c in mine if c not in theirs and c not in COMPUTED]
    if missing:
        raise StoreError(f"{target.name} has no column {missing[0]} in {table}: the stores' schemas differ")
    return [c for c in mine if c not in COMPUTED]


def _names(store: Store, table: str) -> list[str]:
    return [d[0] for d in store._conn.execute(f"SELECT * FROM {table} LIMIT 0").description]


def _read(store: Store, table: str, columns: list[str]) -> Iterator[list[tuple]]:
    """The table's rows in chunks, in their stored order."""
    if "id" in columns:
        order = "id"
    elif table == "saved_search_hits":                     # a table without rowid on SQLite
        order = "search_id, item_id"
    elif store.engine == "sqlite" or "rowid" in _names(store, table):
        order = "rowid"
    else:
        order = columns[0]                                 # its key (audit_head's only row)
    names = ", ".join(_quoted(c) for c in columns)
    cursor = store._conn.execute(f"SELECT {names} FROM {table} ORDER BY {order}")
    rows = cursor.fetchmany(CHUNK)
    while rows:
        yield [tuple(r) for r in rows]
        rows = cursor.fetchmany(CHUNK)


def _write(store: Store, table: str, columns: list[str], rows: list[tuple]) -> None:
    if table == "audit_head":
        store._conn.execute("UPDATE audit_head SET last_id = ?, hash = ?", rows[0][1:])
        return
    if store.engine == "postgresql":
        store._conn.copy_rows(table, columns, rows)
        return
    names = ", ".join(_quoted(c) for c in columns)
    store._conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({','.join('?' * len(columns))})", rows)


def _restart_ids(store: Store, tables: list[str]) -> None:
    """On PostgreSQL, move each table's id sequence past the copied ids."""
    if store.engine != "postgresql":
        return
    for table in tables:
        if table != FTS_TABLE and "id" in _names(store, table):
            store._conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")


def _quoted(column: str) -> str:
    return f'"{column}"' if column in ("user", "end") else column
