"""The import loop shared by every offence format.

A format supplies a *row parser* (header check + row -> record or reject); this module
streams the file(s) in chunks, fills in the missing coordinate system, assigns boroughs
and wards, writes through :class:`OffenceWriter` and keeps every reject, all inside one
transaction: a crash or a cancel leaves the store as it was. Memory stays bounded by the
chunk size whatever the file size.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from workbench.ingest.coords import to_bng, to_wgs84
from workbench.ingest.errors import ImportFailed
from workbench.ingest.textfiles import CsvReader, ProgressTracker, file_hash, members
from workbench.jobs import CancelledFn, JobControl, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject, add_rejects, finish_batch, start_batch
from workbench.store.boundaries import AreaLocator
from workbench.store.offences import OffenceRecord, OffenceWriter

CHUNK_ROWS = 20000
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

    def as_json(self) -> dict:
        return {"imported": self.imported, "rejected": self.rejected, "batch": self.batch,
                "duplicates": self.duplicates, "rows_read": self.rows_read, "files": self.files,
                "rejects": [r.as_dict() for r in self.rejects]}


class RowParser(Protocol):
    """One offence format."""

    kind: str                  # batch kind, e.g. 'offences' or 'police-uk'
    zip_suffix: str | None     # which CSVs to take from a zip archive

    def start_member(self, label: str, header: list[str]) -> None:
        """Check a member's header; raise ImportFailed if it is not this format."""

    def parse(self, line: int, row: list[str]) -> OffenceRecord | Reject:
        """Turn one row into a record (coordinates may be NaN in one system) or a reject."""


def raw_row(header: list[str], row: list[str]) -> dict:
    """A row as {header: value}, kept with a reject so it can be fixed and re-imported."""
    out = dict(zip(header, row))
    if len(row) > len(header):
        out["_extra_fields"] = row[len(header):]
    return out


def fill_coordinates(records: Sequence[OffenceRecord]) -> None:
    """Give every record both BNG and WGS84 coordinates (vectorised per chunk)."""
    need_bng = [r for r in records if math.isnan(r.easting)]
    if need_bng:
        e, n = to_bng([r.longitude for r in need_bng], [r.latitude for r in need_bng])
        for rec, ee, nn in zip(need_bng, e, n):
            rec.easting, rec.northing = round(float(ee), 1), round(float(nn), 1)
    need_wgs = [r for r in records if math.isnan(r.longitude)]
    if need_wgs:
        lon, lat = to_wgs84([r.easting for r in need_wgs], [r.northing for r in need_wgs])
        for rec, x, y in zip(need_wgs, lon, lat):
            rec.longitude, rec.latitude = round(float(x), 6), round(float(y), 6)


def assign_chunk_areas(locator: AreaLocator, records: Sequence[OffenceRecord]) -> None:
    """Borough and ward from the loaded boundaries for records that did not give them."""
    todo = [r for r in records if not (r.borough or r.ward)]
    if not todo or locator.empty:
        return
    boroughs, wards = locator.locate(np.array([r.easting for r in todo]), np.array([r.northing for r in todo]))
    for rec, b, w in zip(todo, boroughs, wards):
        rec.borough, rec.ward = b, w


def run_import(store: Store, paths: Sequence[str | Path], parser: RowParser, source: str, *,
               progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import ``paths`` with ``parser`` as one batch in one transaction.

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

    with store.atomic():
        batch = start_batch(store, parser.kind, source, ", ".join(p.name for p in paths), combined_hash)
        writer = OffenceWriter(store, batch)

        def flush(records: list[OffenceRecord], rejects: list[Reject]) -> None:
            fill_coordinates(records)
            assign_chunk_areas(locator, records)
            writer.write(records)
            add_rejects(store, batch, rejects)

        for member in all_members:
            reader = CsvReader(member)
            parser.start_member(member.label, reader.header)
            records: list[OffenceRecord] = []
            rejects: list[Reject] = []
            for line, row in reader.rows():
                rows_read += 1
                if not any(cell.strip() for cell in row):
                    rows_read -= 1       # blank lines are not rows
                    continue
                outcome = parser.parse(line, row)
                if isinstance(outcome, Reject):
                    rejects.append(outcome)
                    rejected += 1
                    if len(kept) < REPORTED_REJECTS:
                        kept.append(outcome)
                else:
                    records.append(outcome)
                if len(records) + len(rejects) >= CHUNK_ROWS:
                    flush(records, rejects)
                    records, rejects = [], []
                    control.report(tracker.fraction(member, reader.bytes_read),
                                   f"{member.label}: {rows_read:,} rows read")
            flush(records, rejects)
            tracker.finish(member)
            control.report(tracker.fraction(member, 0), f"{member.label}: done")
        finish_batch(store, batch, rows_read=rows_read, imported=writer.imported,
                     duplicates=writer.duplicates, rejected=rejected)
    return ImportResult(batch, writer.imported, writer.duplicates, rejected, rows_read,
                        [m.label for m in all_members], kept)
