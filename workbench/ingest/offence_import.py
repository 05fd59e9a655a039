"""The import loop shared by every CSV format (offences, police.uk, intelligence, people).

:mod:`workbench.ingest.csvblocks` reads each file in chunks of columns; a format supplies
a *column parser* (whole columns validated at once: the offence formats; this module
rejects their rows with the wrong number of fields) or a *row parser* (header check +
row -> record or reject, every row given to it); this module fills in the missing
coordinate system, assigns boroughs and wards by one spatial join per chunk, writes through :class:`OffenceWriter` (or the
format's writer) and keeps every reject, all inside one transaction: a crash or a cancel
leaves the store as it was. Memory stays bounded by the chunk size whatever the file size.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from workbench.ingest.coords import to_bng, to_wgs84
from workbench.ingest.csvblocks import ChunkReader, ColumnChunk
from workbench.ingest.errors import ImportFailed
from workbench.ingest.textfiles import Member, ProgressTracker, file_hash, members
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject, add_rejects, finish_batch, start_batch
from workbench.store.boundaries import AreaLocator, has_boundaries
from workbench.store.offences import (
    OffenceChunk,
    OffenceWriter,
    bulk_journal,
    offence_count,
)

CHUNK_ROWS = 20000
BULK_BYTES = 20_000_000        # inputs larger than this (and than the store) load in bulk mode
BYTES_PER_ROW = 60             # a conservative size of one offence row, compressed
REPORTED_REJECTS = 1000


@dataclass
class ImportResult:
    """What an import did. ``rejects`` holds the first 1,000; all are in the store."""

    batch: int
    imported: int
    duplicates: int
    rejected: int
    rows_read: int
    files: list[str]
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"imported": self.imported, "rejected": self.rejected, "batch": self.batch,
                "duplicates": self.duplicates, "rows_read": self.rows_read, "files": self.files,
                "rejects": [r.as_dict() for r in self.rejects], "warnings": self.warnings}


NO_BOUNDARIES = ("no boundaries are loaded, so boroughs and wards will be empty (except where the file gives "
                 "them); import borough and ward boundaries (File > Import boundaries…, or "
                 "`workbench import boundaries FILE`) and every offence gets its areas")


def warn_without_boundaries(store: Store, result: ImportResult) -> ImportResult:
    """Add the warning an analyst needs when offences were imported but no boundaries
    are loaded (borough and ward filters, maps and scans would find nothing)."""
    if result.imported and not has_boundaries(store):
        result.warnings.append(NO_BOUNDARIES)
    return result


class RowParser(Protocol):
    """A format read row by row (intelligence, people): rows in, records out."""

    kind: str                  # batch kind, e.g. 'intel' or 'nominals'
    zip_suffix: str | None     # which CSVs to take from a zip archive

    def start_member(self, label: str, header: list[str]) -> None:
        """Check a member's header; raise ImportFailed if it is not this format."""

    def parse_chunk(self, lines: list[int], rows: list[list[str]]) -> tuple[Any, list[Reject]]:
        """Turn rows (some may have more or fewer fields than the header) into records and rejects."""


@runtime_checkable
class ColumnParser(Protocol):
    """A format read in columns (offences): a :class:`ColumnChunk` in, an
    :class:`OffenceChunk` (coordinates may be NaN in one system) and rejects out."""

    kind: str
    zip_suffix: str | None

    def start_member(self, label: str, header: list[str]) -> None:
        """Check a member's header; raise ImportFailed if it is not this format."""

    def parse_columns(self, chunk: ColumnChunk) -> tuple[Any, list[Reject]]:
        """Validate whole columns; rows that break a rule become rejects."""


def raw_row(header: list[str], row: list[str]) -> dict:
    """A row as {header: value}, kept with a reject so it can be fixed and re-imported."""
    out = dict(zip(header, row))
    if len(row) > len(header):
        out["_extra_fields"] = row[len(header):]
    return out


def chunk_row(chunk: ColumnChunk, i: int) -> list[str]:
    """Row ``i`` of a column chunk as strings (for the raw row of a reject)."""
    return [column[i].as_py() for column in chunk.columns]


def _floats(chunk: OffenceChunk, name: str) -> np.ndarray:
    value = chunk.columns[name]
    if value is None or not isinstance(value, (list, np.ndarray)):
        return np.full(len(chunk), np.nan if value is None else float(value))
    return np.array(value, dtype=float)


def complete_chunk(chunk: OffenceChunk, locator: AreaLocator) -> None:
    """Fill the missing coordinate system and the borough/ward of a chunk (vectorised:
    one pyproj transform per system, one spatial join)."""
    cols = chunk.columns
    east, north, lon, lat = (_floats(chunk, c) for c in ("easting", "northing", "longitude", "latitude"))
    need = np.isnan(east)
    if need.any():
        e, n = to_bng(lon[need], lat[need])
        east[need], north[need] = np.round(e, 1), np.round(n, 1)
    need = np.isnan(lon)
    if need.any():
        x, y = to_wgs84(east[need], north[need])
        lon[need], lat[need] = np.round(x, 6), np.round(y, 6)
    cols["easting"], cols["northing"], cols["longitude"], cols["latitude"] = east, north, lon, lat
    if cols["borough"] is None and cols["ward"] is None:
        todo = np.ones(len(chunk), dtype=bool)
    else:
        todo = np.array([not (b or w) for b, w in zip(chunk.values("borough"), chunk.values("ward"))], dtype=bool)
    given = ~todo
    cols["area_given"] = int(given[0]) if len(given) and (given == given[0]).all() else given.astype(np.int64)
    if todo.any() and not locator.empty:
        rows = np.flatnonzero(todo)
        boroughs, wards = locator.locate(east[rows], north[rows])
        if len(rows) == len(chunk):
            cols["borough"], cols["ward"] = boroughs, wards
        else:
            b, w = np.array(chunk.values("borough"), dtype=object), np.array(chunk.values("ward"), dtype=object)
            b[rows], w[rows] = boroughs, wards
            cols["borough"], cols["ward"] = b.tolist(), w.tolist()


@dataclass
class _Parsed:
    """One parsed chunk handed from the reading thread to the writing one."""

    member: Member
    chunk: Any                # what the parser produced (an OffenceChunk for offences); None at the end
    rejects: list[Reject]
    rows: int
    bytes_read: int
    last: bool            # the member's end (no chunk)


def _parse(parser: RowParser | ColumnParser, chunk: ColumnChunk, label: str, header: list[str]):
    """Records and rejects of one chunk. A column parser gets the well-formed rows and the
    loop rejects the rest; a row parser gets every row in line order and judges the
    ragged ones itself (intelligence first refuses rows marked above the store's
    accreditation, keeping none of their content)."""
    if isinstance(parser, ColumnParser):
        records, rejects = parser.parse_columns(chunk)
        return records, rejects + [Reject(label, line, None, f"row has {len(row)} fields but the header has "
                                          f"{len(header)}", raw_row(header, row)) for line, row in chunk.ragged]
    rows = sorted([*zip(chunk.lines.tolist(), chunk.rows()), *chunk.ragged], key=lambda pair: pair[0])
    return parser.parse_chunk([line for line, _ in rows], [row for _, row in rows])


def _read_and_parse(members_: Sequence[Member], parser: RowParser | ColumnParser, out: queue.Queue,
                    stop: threading.Event) -> None:
    """Producer: read and parse chunks; put them (or the error) on ``out``."""
    try:
        for member in members_:
            reader = ChunkReader(member, CHUNK_ROWS)
            header = reader.header
            parser.start_member(member.label, header)
            for chunk in reader.chunks():
                if stop.is_set():
                    return
                records, rejects = _parse(parser, chunk, member.label, header)
                out.put(_Parsed(member, records, rejects, len(chunk) + len(chunk.ragged), reader.bytes_read, False))
            out.put(_Parsed(member, None, [], 0, reader.bytes_read, True))
        out.put(None)
    except BaseException as exc:
        out.put(exc)


def _combined_hash(paths: Sequence[Path]) -> str:
    """The SHA-256 of the file, or of the files' hashes when there are several."""
    hashes = [file_hash(p) for p in paths]
    return hashes[0] if len(hashes) == 1 else hashlib.sha256("".join(hashes).encode()).hexdigest()


def run_import(store: Store, paths: Sequence[str | Path], parser: RowParser | ColumnParser, source: str, *,
               progress: ProgressFn | None = None, cancelled: CancelledFn | None = None,
               writer: Callable[[Store, int], Any] = OffenceWriter,
               complete: Callable[[Any, AreaLocator], None] = complete_chunk,
               bulk_offences: bool = True) -> ImportResult:
    """Import ``paths`` with ``parser`` as one batch in one transaction.

    Offences by default; another record type (intelligence) passes its own ``writer``
    (made with the store and batch id; has ``write(chunk)``, ``imported`` and
    ``duplicates``), its ``complete(chunk, locator)`` step, and ``bulk_offences=False``
    (only an offence import may rebuild the offences table's indexes).

    Reading and parsing run in a second thread while this one completes each chunk
    (coordinates, areas) and writes it (SQLite and the server release the interpreter
    lock while they work), so the two overlap on two cores; completing here balances
    the two threads' work.
    Raises ImportFailed (nothing imported) when a file is not of this format, and
    :class:`workbench.jobs.Cancelled` (nothing imported) when cancelled.
    """
    control = JobControl(progress, cancelled)
    paths = [Path(p) for p in paths]
    if not paths:
        raise ImportFailed("no file given")
    all_members = [m for p in paths for m in members(p, prefer_suffix=parser.zip_suffix)]
    tracker = ProgressTracker([m.size for m in all_members])
    hashing = ThreadPoolExecutor(1, thread_name_prefix="workbench-import-hash")
    file_hashes = hashing.submit(_combined_hash, paths)     # beside the import (hashlib frees the GIL)
    hashing.shutdown(wait=False)
    locator = AreaLocator(store)
    rows_read = rejected = 0
    kept: list[Reject] = []
    parsed: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    reader = threading.Thread(target=_read_and_parse, args=(all_members, parser, parsed, stop),
                              name="workbench-import-reader", daemon=True)
    try:
        bulk = bulk_offences and tracker.total > BULK_BYTES and tracker.total / BYTES_PER_ROW > offence_count(store)
        with bulk_journal(store) if bulk else nullcontext(), store.atomic():
            batch = start_batch(store, parser.kind, source, ", ".join(p.name for p in paths), "")
            sink = writer(store, batch)
            with sink.bulk_load() if bulk else nullcontext():
                reader.start()
                while (item := parsed.get()) is not None:
                    if isinstance(item, BaseException):
                        raise item
                    if item.chunk is not None:
                        complete(item.chunk, locator)
                        sink.write(item.chunk)
                    item.rejects.sort(key=lambda r: r.line)
                    add_rejects(store, batch, item.rejects)
                    rows_read += item.rows
                    rejected += len(item.rejects)
                    kept.extend(item.rejects[:max(0, REPORTED_REJECTS - len(kept))])
                    if item.last:
                        tracker.finish(item.member)
                        control.report(tracker.fraction(item.member, 0), f"{item.member.label}: done")
                    else:
                        control.report(tracker.fraction(item.member, item.bytes_read),
                                       f"{item.member.label}: {rows_read:,} rows read")
            finish_batch(store, batch, rows_read=rows_read, imported=sink.imported,
                         duplicates=sink.duplicates, rejected=rejected, file_hash=file_hashes.result())
    finally:
        stop.set()
        while reader.is_alive():        # unblock a producer waiting on a full queue
            with suppress(queue.Empty):
                parsed.get(timeout=0.1)
    return ImportResult(batch, sink.imported, sink.duplicates, rejected, rows_read,
                        [m.label for m in all_members], kept)
