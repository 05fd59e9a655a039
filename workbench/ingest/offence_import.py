"""The import loop shared by every offence format.

A format supplies a *row parser* (header check + row -> record or reject); this module
streams the file(s) in chunks, fills in the missing coordinate system, assigns boroughs
and wards, writes through :class:`OffenceWriter` and keeps every reject, all inside one
transaction: a crash or a cancel leaves the store as it was. Memory stays bounded by the
chunk size whatever the file size.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from workbench.ingest.coords import to_bng, to_wgs84
from workbench.ingest.errors import ImportFailed
from workbench.ingest.textfiles import CsvReader, Member, ProgressTracker, file_hash, members
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject, add_rejects, finish_batch, start_batch
from workbench.store.boundaries import AreaLocator, has_boundaries
from workbench.store.offences import OffenceChunk, OffenceWriter, deferred_indexes, offence_count

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
                 "them); load them with `workbench import boundaries FILE` and every offence gets its areas")


def warn_without_boundaries(store: Store, result: ImportResult) -> ImportResult:
    """Add the warning an analyst needs when offences were imported but no boundaries
    are loaded (borough and ward filters, maps and scans would find nothing)."""
    if result.imported and not has_boundaries(store):
        result.warnings.append(NO_BOUNDARIES)
    return result


class RowParser(Protocol):
    """One offence format."""

    kind: str                  # batch kind, e.g. 'offences' or 'police-uk'
    zip_suffix: str | None     # which CSVs to take from a zip archive

    def start_member(self, label: str, header: list[str]) -> None:
        """Check a member's header; raise ImportFailed if it is not this format."""

    def parse_chunk(self, lines: list[int], rows: list[list[str]]) -> tuple[OffenceChunk, list[Reject]]:
        """Turn rows into clean offences (coordinates may be NaN in one system) and rejects."""


def raw_row(header: list[str], row: list[str]) -> dict:
    """A row as {header: value}, kept with a reject so it can be fixed and re-imported."""
    out = dict(zip(header, row))
    if len(row) > len(header):
        out["_extra_fields"] = row[len(header):]
    return out


def complete_chunk(chunk: OffenceChunk, locator: AreaLocator) -> None:
    """Fill the missing coordinate system and the borough/ward of a chunk (vectorised)."""
    cols = chunk.columns
    east, north = np.array(cols["easting"], dtype=float), np.array(cols["northing"], dtype=float)
    lon, lat = np.array(cols["longitude"], dtype=float), np.array(cols["latitude"], dtype=float)
    need = np.isnan(east)
    if need.any():
        e, n = to_bng(lon[need], lat[need])
        east[need], north[need] = np.round(e, 1), np.round(n, 1)
    need = np.isnan(lon)
    if need.any():
        x, y = to_wgs84(east[need], north[need])
        lon[need], lat[need] = np.round(x, 6), np.round(y, 6)
    cols["easting"], cols["northing"], cols["longitude"], cols["latitude"] = east, north, lon, lat
    todo = np.array([not (b or w) for b, w in zip(cols["borough"], cols["ward"])], dtype=bool)
    cols["area_given"] = (~todo).astype(np.int64).tolist()
    if todo.any() and not locator.empty:
        rows = np.flatnonzero(todo)
        boroughs, wards = locator.locate(east[rows], north[rows])
        for j, i in enumerate(rows.tolist()):
            cols["borough"][i], cols["ward"][i] = boroughs[j], wards[j]


@dataclass
class _Parsed:
    """One parsed chunk handed from the reading thread to the writing one."""

    member: Member
    chunk: Any                # what the parser produced (an OffenceChunk for offences)
    rejects: list[Reject]
    rows: int
    bytes_read: int
    last: bool            # the member's final chunk


def _read_and_parse(members_: Sequence[Member], parser: RowParser, complete: Callable,
                    locator: AreaLocator, out: queue.Queue, stop: threading.Event) -> None:
    """Producer: read, parse and complete chunks; put them (or the error) on ``out``."""
    try:
        for member in members_:
            reader = CsvReader(member)
            parser.start_member(member.label, reader.header)
            lines: list[int] = []
            rows: list[list[str]] = []
            for line, row in reader.rows():
                if not any(row):
                    continue             # blank lines are not rows
                lines.append(line)
                rows.append(row)
                if len(rows) >= CHUNK_ROWS:
                    if stop.is_set():
                        return
                    chunk, rejects = parser.parse_chunk(lines, rows)
                    complete(chunk, locator)
                    out.put(_Parsed(member, chunk, rejects, len(rows), reader.bytes_read, False))
                    lines, rows = [], []
            chunk, rejects = parser.parse_chunk(lines, rows)
            complete(chunk, locator)
            out.put(_Parsed(member, chunk, rejects, len(rows), reader.bytes_read, True))
        out.put(None)
    except BaseException as exc:   # handed to the writing thread, which raises it
        out.put(exc)


def run_import(store: Store, paths: Sequence[str | Path], parser: RowParser, source: str, *,
               progress: ProgressFn | None = None, cancelled: CancelledFn | None = None,
               writer: Callable[[Store, int], Any] = OffenceWriter,
               complete: Callable[[Any, AreaLocator], None] = complete_chunk,
               bulk_offences: bool = True) -> ImportResult:
    """Import ``paths`` with ``parser`` as one batch in one transaction.

    Offences by default; another record type (intelligence) passes its own ``writer``
    (made with the store and batch id; has ``write(chunk)``, ``imported`` and
    ``duplicates``), its ``complete(chunk, locator)`` step, and ``bulk_offences=False``
    (only an offence import may rebuild the offences table's indexes).

    Reading and parsing run in a second thread while this one writes to SQLite (which
    releases the interpreter lock while it works), so the two overlap on two cores.
    Raises ImportFailed (nothing imported) when a file is not of this format, and
    :class:`workbench.jobs.Cancelled` (nothing imported) when cancelled.
    """
    control = JobControl(progress, cancelled)
    paths = [Path(p) for p in paths]
    if not paths:
        raise ImportFailed("no file given")
    all_members = [m for p in paths for m in members(p, prefer_suffix=parser.zip_suffix)]
    tracker = ProgressTracker([m.size for m in all_members])
    hashes = [file_hash(p) for p in paths]
    combined_hash = hashes[0] if len(hashes) == 1 else hashlib.sha256("".join(hashes).encode()).hexdigest()
    locator = AreaLocator(store)
    rows_read = rejected = 0
    kept: list[Reject] = []
    parsed: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()
    reader = threading.Thread(target=_read_and_parse, args=(all_members, parser, complete, locator, parsed, stop),
                              name="workbench-import-reader", daemon=True)
    try:
        with store.atomic(), ExitStack() as bulk:
            batch = start_batch(store, parser.kind, source, ", ".join(p.name for p in paths), combined_hash)
            sink = writer(store, batch)
            if bulk_offences:
                stored = offence_count(store)
                if tracker.total > BULK_BYTES and tracker.total / BYTES_PER_ROW > stored:
                    bulk.enter_context(deferred_indexes(store))
            reader.start()
            while (item := parsed.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
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
                         duplicates=sink.duplicates, rejected=rejected)
    finally:
        stop.set()
        while reader.is_alive():        # unblock a producer waiting on a full queue
            with suppress(queue.Empty):
                parsed.get(timeout=0.1)
    return ImportResult(batch, sink.imported, sink.duplicates, rejected, rows_read,
                        [m.label for m in all_members], kept)
