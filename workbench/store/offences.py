"""Writing and reading offences, their MO/victim/suspect features and offenders.

Writers are called by importers inside one :meth:`Store.atomic` per file; readers return
pandas DataFrames for the analysis packages and id lists for lazy table models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.domain import categories as cats
from workbench.errors import NotFound
from workbench.store.db import BUSY_TIMEOUT_S, Store
from workbench.store.encryption import database_errors

CELL_SIZE = 1000.0
#: Sort memory of a bulk load's index builds on PostgreSQL (the server's default, 64 MB,
#: spills a million references to disk); set for that transaction only.
BULK_INDEX_MEMORY = "256MB"

#: SQLite's page cache (negative: KiB) and sorter threads while a bulk load builds its
#: indexes (see _index_build_settings).
SORT_CACHE = -2000
SORT_THREADS = 2
#: Values one INSERT statement binds at most (the smallest limit a SQLite build has).
MAX_BOUND = 999

#: Records known only to a window this long (days) or longer, such as police.uk's
#: whole months, say too little about when they happened to link or to count as a repeat.
COARSE_TIME_DAYS = 28.0
#: Sources whose locations are anonymised snap points rather than where it happened.
SNAPPED_SOURCES = ("police.uk",)
#: SQL condition true for records that can be linked (exact enough in time and place):
#: linkage, series, near-repeat risk zones and repeat-location alerts use only these
#: unless the analyst asks to include the rest.
LINKABLE_SQL = (f"(source NOT IN ({', '.join(repr(s) for s in SNAPPED_SOURCES)}) "
                f"AND julianday(committed_to) - julianday(committed_from) < {COARSE_TIME_DAYS})")

#: How a query reads the ``extra`` column: the text is stored once per distinct value
#: (``offence_extras``, schema 18) and the offence holds its ``extra_id``.
EXTRA_SQL = "(SELECT extra FROM offence_extras WHERE id = offences.extra_id) AS extra"
#: Distinct extra-attribute texts a writer remembers with their ids (beyond this it
#: starts again, so a file whose every row has its own extras cannot fill the memory).
EXTRA_MEMORY = 200_000
#: Extra-attribute texts a PostgreSQL bulk load keeps back before it writes them (a COPY
#: of their own, between two chunks of offences).
PENDING_EXTRAS = 50_000

OFFENCE_COLUMNS = (
    "id", "source", "offence_ref", "category", "committed_from", "committed_to",
    "reported_at", "easting", "northing", "longitude", "latitude", "cell",
    "location_desc", "location_type", "borough", "ward", "area_given", "status",
    "series_ref", "victim_ref", "extra", "batch_id",
)


#: Columns an importer fills for each offence (``area_given`` is set by
#: ``complete_chunk``; the writer derives the rest).
INPUT_COLUMNS = (
    "source", "offence_ref", "category", "committed_from", "committed_to", "reported_at",
    "easting", "northing", "longitude", "latitude", "location_desc", "location_type",
    "borough", "ward", "status", "series_ref", "victim_ref", "extra", "area_given",
)


@dataclass
class Distinct:
    """A column given as each row's code into a list of distinct values (-1 = None), so
    a format whose rows repeat a few long texts (the extra attributes) hands each text
    over once. ``values`` may be a list the format keeps growing over an import (and
    may hold values no row of this chunk uses); what it holds never changes."""

    codes: np.ndarray
    values: list

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: np.ndarray) -> Distinct:
        return Distinct(self.codes[rows], self.values)

    def tolist(self) -> list:
        return np.array([*self.values, None], dtype=object)[self.codes].tolist()


class OffenceChunk:
    """A chunk of clean offences, column by column, ready to store.

    ``columns`` maps each input column to a list or array of ``n`` values (the extra
    attributes also to a :class:`Distinct`), or to one
    value shared by every row (``None`` = no value for any of them), so a format fills
    what it has in whole columns. Coordinates may be NaN in one of the two systems until
    the import pipeline completes the chunk. ``features`` are ``(row, kind, name,
    value)`` and ``offenders`` ``(row, key)``, where ``row`` is the offence's position.
    """

    def __init__(self, n: int = 0, columns: dict | None = None) -> None:
        self.n = n
        self.columns: dict[str, Any] = dict.fromkeys(INPUT_COLUMNS)
        self.columns.update(columns or {})
        self.features: list[tuple[int, str, str, str]] = []
        self.offenders: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return self.n

    def values(self, name: str) -> list:
        """One column as a list of ``n`` values (a shared value repeated)."""
        value = self.columns[name]
        if isinstance(value, (np.ndarray, Distinct)):
            return value.tolist()
        if isinstance(value, list):
            return value
        return [value] * self.n

    def append(self, values: dict, features=(), offenders=()) -> None:
        """Add one offence (hand-made data, tests): ``values`` maps input columns to
        values (missing = None), features are ``(kind, name, value)``."""
        row = self.n
        for name in INPUT_COLUMNS:
            if not isinstance(self.columns[name], list):
                self.columns[name] = self.values(name)
            self.columns[name].append(values.get(name))
        self.n += 1
        self.features.extend((row, kind, name, value) for kind, name, value in features)
        self.offenders.extend((row, key) for key in offenders)


def select_list(columns: Iterable[str]) -> str:
    """Offence columns for a SELECT on ``offences``, ``extra`` read through ``extra_id``."""
    return ", ".join(EXTRA_SQL if name == "extra" else name for name in columns)


def _is_shared(value) -> bool:
    return not isinstance(value, (list, np.ndarray, Distinct))


def _sql_literal(value) -> str | None:
    """``value`` as an SQL literal (text quoted, quotes doubled; whole numbers), or None
    when it must be bound instead (other types, text with a NUL)."""
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    return None


def _insert_offences(conn, columns: dict[str, Any], m: int) -> None:
    """INSERT ``m`` offences into a SQLite store, ``columns`` mapping each column to its
    values or to one value shared by every row: a shared value is written into the
    statement once, not bound per row, and each statement inserts as many rows as
    :data:`MAX_BOUND` values allow (a multi-row VALUES), which saves SQLite and the
    binding a statement step per row."""
    literals = {name: _sql_literal(value) for name, value in columns.items() if _is_shared(value)}
    bound = [name for name in columns if literals.get(name) is None]
    table = np.empty((m, len(bound)), dtype=object)
    for j, name in enumerate(bound):
        value = columns[name]
        table[:, j] = value.tolist() if isinstance(value, Distinct) else value   # arrays: boxed once, here
    row = f"({','.join(literals.get(name) or '?' for name in columns)})"
    insert = f"INSERT INTO offences ({', '.join(columns)}) VALUES "
    per = max(1, MAX_BOUND // max(1, len(bound)))
    whole = m - m % per
    if whole:
        conn.executemany(insert + ",".join([row] * per), table[:whole].reshape(-1, per * len(bound)).tolist())
    if whole < m:
        conn.executemany(insert + row, table[whole:].tolist())


class OffenceWriter:
    """Appends offence chunks to a store inside the caller's transaction.

    Re-imports are exact and idempotent: an offence whose (source, offence_ref) is already
    stored, or repeated within the import, is counted as a duplicate and not kept. Each
    chunk asks the store once, through the ``offence_ref`` index (the one that finds an
    offence by reference for intelligence and people), which of its references are stored
    (earlier chunks of this import included) and compares the real (source, reference)
    pairs. A first bulk load into an empty store (:meth:`bulk_load`) writes without any
    index and finds its repeats once at the end instead, from the hashes of the
    references it wrote.
    """

    def __init__(self, store: Store, batch_id: int | None):
        self.store = store
        self.batch_id = batch_id
        self.imported = 0
        self.duplicates = 0
        self._next_id = max_offence_id(store) + 1
        self._next_extra = store._value("SELECT coalesce(max(id), 0) FROM offence_extras") + 1
        self._extra_ids: dict[str, int] = {}
        #: The ``offence_extras`` id of each text of the last :class:`Distinct` list seen,
        #: by position (a format's list grows over an import; only new texts are looked up).
        self._extra_list: list | None = None
        self._extra_list_ids = np.zeros(0, dtype=np.int64)
        self._repeats_later = False
        self._offender_ids: dict[str, int] = {}
        #: During a first bulk load: (hashes of the references, ids) of each chunk written,
        #: to find the repeats without a pass over the table (see _repeated_ids).
        self._ref_hashes: list[tuple[np.ndarray, np.ndarray]] = []
        #: On PostgreSQL, during a bulk load: extra-attribute texts (id, text) not written yet,
        #: kept back so that they do not interrupt the offences' COPY each chunk.
        self._pending_extras: list[tuple[int, str]] | None = None
        #: On PostgreSQL: the offences' column types, for the binary COPY (asked once).
        self._pg_types: dict[str, str] | None = None

    def _stored_pairs(self, refs: list[str]) -> set[tuple[str, str]]:
        """(source, offence_ref) of stored offences with one of these references."""
        if not refs:
            return set()
        return {tuple(row) for row in self.store._conn.execute(
            f"SELECT source, offence_ref FROM offences WHERE offence_ref IN (SELECT value FROM {self.store._json_values})",
            (json.dumps(list(set(refs))),))}

    def _new_rows(self, chunk: OffenceChunk) -> np.ndarray | None:
        """Positions of the chunk's offences not stored yet (first of any repeats);
        None when that is all of them."""
        refs = chunk.values("offence_ref")
        pairs = list(zip(chunk.values("source"), refs))
        stored = self._stored_pairs(refs)
        if not stored and len(set(pairs)) == len(pairs):
            return None
        keep = []
        for i, pair in enumerate(pairs):
            if pair not in stored:
                stored.add(pair)
                keep.append(i)
        return np.asarray(keep, dtype=np.int64)

    def write(self, chunk: OffenceChunk) -> int:
        """Store the chunk's new offences; return how many were new (in a bulk load, how
        many were written: the repeats are taken out at its end).

        The chunk must be complete: both coordinate systems filled (see
        ``workbench.ingest.offence_import.complete_chunk``).
        """
        n = len(chunk)
        if n == 0:
            return 0
        keep = None if self._repeats_later else self._new_rows(chunk)
        m = n if keep is None else len(keep)
        self.duplicates += n - m
        if m == 0:
            return 0

        def column(name: str):
            value = chunk.columns[name]
            if keep is None or _is_shared(value):
                return value
            return value[keep] if isinstance(value, (np.ndarray, Distinct)) else [value[i] for i in keep.tolist()]

        east = np.asarray(column("easting"), dtype=float)
        north = np.asarray(column("northing"), dtype=float)
        ids = np.arange(self._next_id, self._next_id + m, dtype=np.int64)
        self._next_id += m
        if self._repeats_later:
            self._ref_hashes.append((reference_hashes(chunk.values("offence_ref")), ids))
        values: dict[str, Any] = {
            "id": ids,
            "cell": np.floor(east / CELL_SIZE).astype(np.int64) * 10000 + np.floor(north / CELL_SIZE).astype(np.int64),
            "batch_id": self.batch_id,
            **{name: column(name) for name in INPUT_COLUMNS}}
        values["extra_id"] = self._extra_id(values.pop("extra"))
        # Columns with no value for any row are left to their default (NULL, 'unsolved', 0).
        names = [name for name, value in values.items() if value is not None]
        conn = self.store._conn
        if self.store.engine == "postgresql":
            if self._pg_types is None:
                self._pg_types = conn.column_types("offences")
            conn.copy_columns("offences", {name: values[name] for name in names}, self._pg_types, m)
        else:
            # SQLite numbers new rows max(id) + 1 upwards, the very ids given above: left to
            # it, each row is appended without a lookup to check its id is free.
            _insert_offences(conn, {name: values[name] for name in names if name != "id"}, m)
            last = self.store._value("SELECT last_insert_rowid()")
            if last != ids[-1]:
                raise RuntimeError(f"offences were numbered up to {last}, not {ids[-1]}")
        if chunk.features or chunk.offenders:
            new_id = np.full(n, -1, dtype=np.int64)
            new_id[slice(None) if keep is None else keep] = ids
            features = [(int(new_id[r]), kind, name, value) for r, kind, name, value in chunk.features
                        if new_id[r] >= 0]
            links = [(int(new_id[r]), self._offender_id(key)) for r, key in chunk.offenders if new_id[r] >= 0]
            if self.store.engine == "postgresql":
                # COPY has no "or ignore": an offender named twice for one offence is linked once.
                conn.copy_rows("offence_features", ("offence_id", "kind", "name", "value"), features)
                conn.copy_rows("offence_offenders", ("offence_id", "offender_id"), dict.fromkeys(links))
            else:
                conn.executemany("INSERT INTO offence_features VALUES (?,?,?,?)", features)
                conn.executemany("INSERT OR IGNORE INTO offence_offenders (offence_id, offender_id, role) "
                                 "VALUES (?,?,'offender')", links)
        self.imported += m
        return m

    def _extra_id(self, extras):
        """The ``offence_extras`` ids of extra-attribute texts (one shared by every row, or
        one per row; None = none), writing the texts this import has not written yet."""
        if extras is None:
            return None
        if _is_shared(extras):
            return self._text_ids([extras])[0]
        if not isinstance(extras, Distinct):
            codes, values = pd.factorize(np.asarray(extras, dtype=object))
            extras = Distinct(codes, values.tolist())
        if extras.values is not self._extra_list:       # another list: start mapping it
            self._extra_list, self._extra_list_ids = extras.values, np.zeros(0, dtype=np.int64)
        known = len(self._extra_list_ids)
        if len(extras.values) > known:                  # texts added to the list since the last chunk
            added = np.asarray(self._text_ids(extras.values[known:]), dtype=np.int64)
            self._extra_list_ids = np.concatenate((self._extra_list_ids, added))
        ids = np.append(self._extra_list_ids, 0)[extras.codes].astype(object)     # -1: the 0 after the last
        ids[extras.codes < 0] = None
        return ids.tolist()

    def _text_ids(self, texts: list[str]) -> list[int]:
        """The ids of distinct extra-attribute texts, stored if new to this import."""
        known = self._extra_ids
        ids = [known.get(text) for text in texts]
        new = [text for text, id_ in zip(texts, ids) if id_ is None]
        if not new:
            return ids
        if len(known) + len(new) > EXTRA_MEMORY:
            known.clear()
            new = texts
        first = self._next_extra
        self._next_extra += len(new)
        rows = zip(range(first, self._next_extra), new)
        if self._pending_extras is not None:
            self._pending_extras.extend(rows)
            if len(self._pending_extras) >= PENDING_EXTRAS:
                self._write_pending_extras()
        elif self.store.engine == "postgresql":
            self.store._conn.copy_rows("offence_extras", ("id", "extra"), rows)
        else:
            self.store._conn.executemany("INSERT INTO offence_extras (id, extra) VALUES (?, ?)", rows)
        known.update(zip(new, range(first, self._next_extra)))
        return [known[text] for text in texts]

    def _write_pending_extras(self) -> None:
        """COPY the extra-attribute texts kept back during a bulk load (which ends the
        offences' open COPY: the next chunk opens another)."""
        if self._pending_extras:
            self.store._conn.copy_rows("offence_extras", ("id", "extra"), self._pending_extras)
            self._pending_extras.clear()

    def _hash_candidates(self) -> np.ndarray:
        """After a first bulk load: the ids of the offences whose reference shares its
        hash with another's (every repeat is among them)."""
        if not self._ref_hashes:
            return np.zeros(0, dtype=np.int64)
        hashes = np.concatenate([h for h, _ in self._ref_hashes])
        ids = np.concatenate([i for _, i in self._ref_hashes])
        order = np.argsort(hashes, kind="stable")
        same = hashes[order][1:] == hashes[order][:-1]
        shared = np.zeros(len(order), dtype=bool)
        shared[1:] |= same
        shared[:-1] |= same
        return ids[order][shared]

    def _offender_id(self, key: str) -> int:
        if key not in self._offender_ids:
            conn = self.store._conn
            conn.execute("INSERT OR IGNORE INTO offenders (offender_key) VALUES (?)", (key,))
            self._offender_ids[key] = conn.execute(
                "SELECT id FROM offenders WHERE offender_key = ?", (key,)).fetchone()[0]
        return self._offender_ids[key]

    @contextmanager
    def bulk_load(self):
        """Write the chunks of the ``with`` body as a bulk load.

        The offences table's indexes are dropped and each is built once at the end,
        which is much faster than updating it row by row (random references and grid
        cells would be inserted all over each index) when the import is large compared
        with the store. Into an empty store every row is written, and the repeats are
        then found from the hashes of the references written (offences sharing a hash
        are compared exactly, :func:`_repeated_ids`) and deleted with their features,
        offender links and extra attributes; into a store that holds offences
        the reference index stays, so each chunk is checked against the store as it is
        written (a re-import then writes nothing). Runs inside the caller's transaction, so a
        rollback restores the indexes too.

        On PostgreSQL the table's foreign keys are dropped too and added again at the end,
        which checks every row in one join instead of one lookup per row; the indexes are
        built with :data:`BULK_INDEX_MEMORY` of sort memory (and the server's parallel
        workers, where it has them). The chunks go to the server as one COPY
        (:meth:`~workbench.store.postgres.PgConnection.streaming`), so the server stores a
        chunk while the import parses the next, instead of each chunk waiting for the one
        before; the chunks' new extra-attribute texts are kept back (up to
        :data:`PENDING_EXTRAS`) so as not to interrupt it. A row the server refuses fails
        the whole load. Both engines keep other connections from the
        offences while the load runs.
        """
        conn = self.store._conn
        empty = self._next_id == 1
        saved = [(name, sql) for name, sql in self.store._indexes("offences") if empty or name != "offences_ref"]
        for name, _ in saved:
            conn.execute(f'DROP INDEX "{name}"')
        keys = self.store._foreign_keys("offences")
        for name, _ in keys:
            conn.execute(f'ALTER TABLE offences DROP CONSTRAINT "{name}"')
        last_offender = self.store._value("SELECT coalesce(max(id), 0) FROM offenders")
        first_extra = self._next_extra
        self._repeats_later = empty
        try:
            if self.store.engine == "postgresql":
                self._pending_extras = []
                with conn.streaming():
                    yield self
                self._write_pending_extras()
            else:
                yield self
        finally:
            self._repeats_later = False
            self._pending_extras = None
        # The candidate repeats are sorted out (numpy, without the interpreter lock) in a
        # second thread while the database builds the indexes.
        with ThreadPoolExecutor(1, thread_name_prefix="workbench-repeats") as pool:
            candidates = pool.submit(self._hash_candidates) if empty else None
            with _index_build_settings(self.store):
                for _, sql in saved:
                    conn.execute(sql)
            for name, definition in keys:
                conn.execute(f'ALTER TABLE offences ADD CONSTRAINT "{name}" {definition}')
            repeats = _repeated_ids(self.store, candidates.result()) if candidates else []
        self._ref_hashes = []
        if repeats:
            conn.execute(f"DELETE FROM offences WHERE id IN (SELECT CAST(value AS BIGINT) FROM {self.store._json_values})",
                         (json.dumps(repeats),))
            conn.execute("DELETE FROM offenders WHERE id > ? AND id NOT IN (SELECT offender_id FROM offence_offenders)",
                         (last_offender,))
            conn.execute("DELETE FROM offence_extras WHERE id >= ? AND id NOT IN "
                         "(SELECT extra_id FROM offences WHERE extra_id IS NOT NULL)", (first_extra,))
            self._offender_ids.clear()
            self.imported -= len(repeats)
            self.duplicates += len(repeats)


@contextmanager
def _index_build_settings(store: Store):
    """Settings for building indexes over a freshly loaded table.

    PostgreSQL gets :data:`BULK_INDEX_MEMORY` of sort memory for this transaction.
    SQLite's sorter sorts runs as big as the page cache and merges them; with a small
    cache, runs that fit the processor's caches are sorted by :data:`SORT_THREADS`
    worker threads in parallel (1,000,000 police.uk offences: the six indexes in 1.6 s
    instead of 2.9 s; more threads or a bigger cache measured slower). The cache is set back afterwards.
    """
    conn = store._conn
    if store.engine == "postgresql":
        conn.execute(f"SET LOCAL maintenance_work_mem = '{BULK_INDEX_MEMORY}'")
        conn.execute(f"SET LOCAL work_mem = '{BULK_INDEX_MEMORY}'")
        yield
        return
    cache, threads = store._value("PRAGMA cache_size"), store._value("PRAGMA threads")
    conn.execute(f"PRAGMA cache_size = {SORT_CACHE}")
    conn.execute(f"PRAGMA threads = {SORT_THREADS}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        conn.execute(f"PRAGMA threads = {int(threads)}")


@contextmanager
def bulk_journal(store: Store):
    """Around the transaction of a bulk load: SQLite's rollback journal instead of its
    write-ahead log, when no other connection has the store open.

    In WAL mode every page is written twice, to the log and then into the file; with the
    rollback journal the pages a load appends to the file are written once, and only the
    few existing pages it changes are first copied to the journal. The batch stays all
    or nothing: if the process dies, the next open rolls the file back from the journal
    (SQLite's "hot journal"), exactly as a crash in WAL mode leaves the log uncommitted.
    ``synchronous = FULL`` meanwhile gives the journal the durability WAL mode had.
    While the load runs, other programs wait for the store instead of reading it.
    When another connection has the store open (the app's own, another process) the
    mode cannot change and stays WAL. WAL mode comes back when the load ends. A
    PostgreSQL store has no such choice and is left as it is.
    """
    if store.engine != "sqlite":
        yield
        return
    conn = store._conn
    errors = database_errors()
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        switched = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    except errors:
        switched = False                  # another connection holds the store open
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    if switched:
        conn.execute("PRAGMA synchronous = FULL")
    try:
        yield
    finally:
        if switched:
            with suppress(*errors):       # if a reader holds it now, the next open switches back
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")


def _repeated_ids(store: Store, candidates: np.ndarray) -> list[int]:
    """Ids of offences whose (source, reference) an offence with a smaller id already has.

    Only the ``candidates`` (offences whose reference hash is shared; a pass over the
    whole table after a bulk load would cost more) are looked up, by id, and compared
    exactly."""
    rows = store._conn.execute(f"SELECT id, source, offence_ref FROM offences WHERE id IN "
                               f"(SELECT CAST(value AS BIGINT) FROM {store._json_values})",
                               (json.dumps(candidates.tolist()),)) if len(candidates) else []
    seen: set[tuple[str, str]] = set()
    repeats = []
    for oid, source, ref in sorted(rows):
        if (source, ref) in seen:
            repeats.append(oid)
        else:
            seen.add((source, ref))
    return repeats


def reference_hashes(refs: list) -> np.ndarray:
    """64-bit hashes of references: Python's own string hash, three times faster than
    pandas' here; it differs from one process to the next, which is fine for finding
    the repeats within one import."""
    return np.fromiter(map(hash, refs), dtype=np.int64, count=len(refs))


def max_offence_id(store: Store) -> int:
    """The largest offence id (0 for an empty store)."""
    return store._value("SELECT coalesce(max(id), 0) FROM offences")


def write_offences(store: Store, offences: Iterable[dict], batch_id: int | None = None) -> int:
    """Store offences given as dicts (for hand-made data and tests); return how many were new.

    Each dict holds ``INPUT_COLUMNS`` values (both coordinate systems, areas as wanted)
    plus optional ``features`` [(kind, name, value)] and ``offenders`` [keys]. Importers
    use :class:`OffenceChunk` with the ingest pipeline instead, which also fills
    coordinates and areas.
    """
    chunk = OffenceChunk()
    for offence in offences:
        values = dict(offence)
        values.setdefault("status", "unsolved")
        values.setdefault("area_given", 1 if values.get("borough") or values.get("ward") else 0)
        chunk.append(values, values.pop("features", ()), values.pop("offenders", ()))
    return OffenceWriter(store, batch_id).write(chunk)


# -- reading ----------------------------------------------------------------------

@dataclass
class OffenceFilter:
    """What the offences table, the CLI and analyses filter on. Empty = everything."""

    categories: Sequence[str] | None = None
    date_from: str | None = None      # ISO date/time, inclusive
    date_to: str | None = None        # ISO date/time, exclusive
    boroughs: Sequence[str] | None = None
    wards: Sequence[str] | None = None
    bbox: tuple[float, float, float, float] | None = None  # minx, miny, maxx, maxy (BNG)
    ids: Sequence[int] | None = None
    text: str | None = None           # matched against reference and location
    linkable: bool | None = None      # True: only linkable records; False: only the others

    def where(self) -> tuple[str, list]:
        """SQL WHERE clause (without the keyword) and its parameters."""
        clauses, params = [], []
        expanded = cats.expand(self.categories)
        if expanded:
            clauses.append(f"category IN ({','.join('?' * len(expanded))})")
            params += expanded
        if self.date_from:
            clauses.append("committed_from >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("committed_from < ?")
            params.append(self.date_to)
        if self.boroughs:
            clauses.append(f"borough IN ({','.join('?' * len(self.boroughs))})")
            params += list(self.boroughs)
        if self.wards:
            clauses.append(f"ward IN ({','.join('?' * len(self.wards))})")
            params += list(self.wards)
        if self.bbox:
            minx, miny, maxx, maxy = self.bbox
            cells = [int(x) * 10000 + int(y)
                     for x in range(int(minx // CELL_SIZE), int(maxx // CELL_SIZE) + 1)
                     for y in range(int(miny // CELL_SIZE), int(maxy // CELL_SIZE) + 1)]
            if len(cells) <= 2000:
                clauses.append(f"cell IN ({','.join(map(str, cells))})")
            clauses.append("easting BETWEEN ? AND ? AND northing BETWEEN ? AND ?")
            params += [minx, maxx, miny, maxy]
        if self.ids is not None:
            clauses.append(f"id IN ({','.join(str(int(i)) for i in self.ids) or 'NULL'})")
        if self.text:
            clauses.append("(offence_ref LIKE ? OR location_desc LIKE ?)")
            params += [f"%{self.text}%"] * 2
        if self.linkable is not None:
            clauses.append(LINKABLE_SQL if self.linkable else f"NOT {LINKABLE_SQL}")
        return (" AND ".join(clauses) or "TRUE"), params


def query_ids(store: Store, flt: OffenceFilter | None = None, order_by: str = "committed_from DESC, id DESC") -> np.ndarray:
    """Ids of the offences matching ``flt`` in display order (for lazy table models)."""
    where, params = (flt or OffenceFilter()).where()
    cur = store._conn.execute(f"SELECT id FROM offences WHERE {where} ORDER BY {order_by}", params)
    return np.fromiter((r[0] for r in cur), dtype=np.int64)


def fetch_rows(store: Store, ids: Sequence[int], columns: Sequence[str] = OFFENCE_COLUMNS) -> dict[int, tuple]:
    """The given columns of the given offences, keyed by id."""
    out: dict[int, tuple] = {}
    cols = select_list(("id",) + tuple(columns))
    for start in range(0, len(ids), 900):
        part = [int(i) for i in ids[start:start + 900]]
        for row in store._conn.execute(
                f"SELECT {cols} FROM offences WHERE id IN ({','.join('?' * len(part))})", part):
            out[row[0]] = row[1:]
    return out


def load_frame(store: Store, flt: OffenceFilter | None = None,
               columns: Sequence[str] = OFFENCE_COLUMNS) -> pd.DataFrame:
    """Offences matching ``flt`` as a DataFrame; date columns parsed to datetime64."""
    where, params = (flt or OffenceFilter()).where()
    cols = list(dict.fromkeys(("id",) + tuple(columns)))
    frame = store._frame(f"SELECT {select_list(cols)} FROM offences WHERE {where} ORDER BY id", params)
    for col in ("committed_from", "committed_to", "reported_at"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    return frame


def load_features(store: Store, offence_ids: Iterable[int] | None = None, kind: str | None = None) -> pd.DataFrame:
    """MO/victim/suspect features as rows (offence_id, kind, name, value)."""
    clauses, params = [], []
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    sql = "SELECT offence_id, kind, name, value FROM offence_features"
    if offence_ids is not None:
        ids = ",".join(str(int(i)) for i in offence_ids) or "NULL"
        clauses.append(f"offence_id IN ({ids})")
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return store._frame(sql, params)


def load_offender_links(store: Store, offence_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """(offence_id, offender_key, role) for offences with known offenders."""
    sql = ("SELECT oo.offence_id, o.offender_key, oo.role FROM offence_offenders oo "
           "JOIN offenders o ON o.id = oo.offender_id")
    if offence_ids is not None:
        ids = ",".join(str(int(i)) for i in offence_ids) or "NULL"
        sql += f" WHERE oo.offence_id IN ({ids})"
    return store._frame(sql)


def offence_detail(store: Store, offence_id: int) -> dict | None:
    """Everything stored about one offence, for detail panes and reports."""
    rows = store._rows(f"SELECT {select_list(OFFENCE_COLUMNS)} FROM offences WHERE id = ?", (int(offence_id),))
    if not rows:
        return None
    detail = rows[0]
    detail["extra"] = json.loads(detail["extra"]) if detail["extra"] else {}
    feats: dict[str, dict[str, list[str]]] = {"mo": {}, "victim": {}, "suspect": {}}
    for kind, name, value in store._conn.execute(
            "SELECT kind, name, value FROM offence_features WHERE offence_id = ? ORDER BY rowid", (offence_id,)):
        feats[kind].setdefault(name, []).append(value)
    detail.update(feats)
    detail["offenders"] = [r[0] for r in store._conn.execute(
        "SELECT o.offender_key FROM offence_offenders oo JOIN offenders o ON o.id = oo.offender_id "
        "WHERE oo.offence_id = ? ORDER BY o.offender_key", (offence_id,))]
    return detail


def count(store: Store, flt: OffenceFilter | None = None) -> int:
    """How many offences match ``flt``."""
    where, params = (flt or OffenceFilter()).where()
    return int(store._value(f"SELECT count(*) FROM offences WHERE {where}", params))


def offence_count(store: Store) -> int:
    """How many offences the store holds."""
    return int(store._value("SELECT count(*) FROM offences"))


def find_by_ref(store: Store, ref: str) -> int | None:
    """The id of the offence with reference ``ref`` (any source), or None."""
    return store._value("SELECT id FROM offences WHERE offence_ref = ? ORDER BY id LIMIT 1", (ref,))


def find_offence(store: Store, ref: str) -> int | None:
    """The id of the offence with reference ``ref``, or (for a number) with that id; or None."""
    oid = find_by_ref(store, ref)
    if oid is None and str(ref).isdigit():
        oid = store._value("SELECT id FROM offences WHERE id = ?", (int(ref),))
    return oid


def offence_refs(store: Store, ids: Iterable[int]) -> list[str]:
    """The references of the offences ``ids``, in that order (:class:`NotFound` for an unknown id)."""
    ids = [int(i) for i in ids]
    found = {oid: row[0] for oid, row in fetch_rows(store, ids, ("offence_ref",)).items()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no offence with id {missing[0]}")
    return [found[i] for i in ids]


def offence_category(store: Store, offence_id: int) -> str | None:
    """The category of one offence (None if there is no such offence)."""
    return store._value("SELECT category FROM offences WHERE id = ?", (int(offence_id),))


def date_range(store: Store, *, to_end: bool = False) -> tuple[str | None, str | None]:
    """The earliest and latest ``committed_from`` (ISO text; None, None for no offences).

    With ``to_end`` the latest is the latest end of an offence's window (``committed_to``,
    or ``committed_from`` where there is no end): a police.uk month runs to its last day.
    """
    latest = "max(coalesce(committed_to, committed_from))" if to_end else "max(committed_from)"
    row = store._conn.execute(f"SELECT min(committed_from), {latest} FROM offences").fetchone()
    return row[0], row[1]


def extent(store: Store) -> tuple[float, float, float, float] | None:
    """The bounding box (BNG metres) of the offences with a location, or None."""
    row = store._conn.execute("SELECT min(easting), min(northing), max(easting), max(northing) FROM offences "
                              "WHERE easting IS NOT NULL").fetchone()
    return None if row[0] is None else tuple(row)


def offence_boroughs(store: Store) -> list[str]:
    """The boroughs the offences are in, sorted."""
    return [r["borough"] for r in store._rows(
        "SELECT DISTINCT borough FROM offences WHERE borough IS NOT NULL ORDER BY borough")]


def force_series(store: Store) -> dict[str, list[int]]:
    """The force's own series references (``series_ref``) with their offence ids."""
    out: dict[str, list[int]] = {}
    for oid, ref in store._conn.execute(
            "SELECT id, series_ref FROM offences WHERE series_ref IS NOT NULL AND series_ref != '' ORDER BY id"):
        out.setdefault(ref, []).append(oid)
    return out


def load_after_id(store: Store, last_id: int, columns: Sequence[str]) -> pd.DataFrame:
    """Offences whose id is above ``last_id``, by id (the table is append-only by id), with
    ``id`` and ``columns``; the date columns parsed."""
    cols = select_list(("id", *columns))
    frame = store._frame(f"SELECT {cols} FROM offences WHERE id > ? ORDER BY id", (int(last_id),))
    for col in ("committed_from", "committed_to"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    return frame


def stats(store: Store) -> dict:
    """Counts for the status bar and ``workbench stats``."""
    conn = store._conn
    total, dmin, dmax = conn.execute(
        "SELECT count(*), min(committed_from), max(committed_from) FROM offences").fetchone()
    by_cat = dict(conn.execute("SELECT category, count(*) FROM offences GROUP BY category ORDER BY category"))
    by_borough = dict(conn.execute(
        "SELECT coalesce(borough, '(none)'), count(*) FROM offences GROUP BY borough ORDER BY borough"))
    return {
        "offences": total,
        "by_category": by_cat,
        "by_borough": by_borough,
        "date_min": dmin[:10] if dmin else None,
        "date_max": dmax[:10] if dmax else None,
        "solved": conn.execute("SELECT count(*) FROM offences WHERE status = 'solved'").fetchone()[0],
        "offenders": conn.execute("SELECT count(*) FROM offenders").fetchone()[0],
        "boundaries": dict(conn.execute("SELECT level, count(*) FROM boundaries GROUP BY level")),
        "batches": conn.execute("SELECT count(*) FROM batches").fetchone()[0],
        "rejects": conn.execute("SELECT count(*) FROM rejects").fetchone()[0],
    }
