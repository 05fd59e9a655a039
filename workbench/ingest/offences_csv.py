"""The canonical offence CSV, version 1.1 (``shared/specs/offence-csv.md`` plus the
optional ``victim_ref`` column; version 1 files are version 1.1 files without it).

Decisions the spec leaves to us (documented in the user guide):
- a date with no time covers the whole day (``committed_to`` defaults to the end of
  ``committed_from``'s day when ``committed_from`` is a date);
- MO values are compared case- and space-insensitively, so they are stored lower-case
  with single spaces;
- a reference that appears twice in one file is rejected at its second line (the first
  is imported), because the spec makes references unique within a source;
- ``victim_ref`` is a pseudonymous reference, so a value without a digit (a name) is
  rejected; it is stored in its own indexed column, not as a victim attribute.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

from workbench.domain import categories as cats
from workbench.domain.refs import normalise_ref
from workbench.ingest.coords import in_bng_bounds, in_wgs_bounds
from workbench.ingest.errors import ImportFailed
from workbench.ingest.offence_import import (
    ImportResult,
    raw_row,
    run_import,
    warn_without_boundaries,
)
from workbench.ingest.textfiles import checked_header, normalise_header
from workbench.ingest.timeparse import BadDate, london_now, not_after, parse_when
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject
from workbench.store.offences import OffenceChunk

REQUIRED = ("offence_ref", "category", "committed_from")
KNOWN = {"offence_ref", "category", "committed_from", "committed_to", "reported_at", "easting",
         "northing", "longitude", "latitude", "location_desc", "location_type", "borough", "ward",
         "status", "offender_ids", "series_ref", "victim_ref"}
POLICE_UK_COLUMNS = {"crime id", "month", "crime type"}     # how a police.uk file is recognised
FEATURE_PREFIXES = {"mo_": "mo", "victim_": "victim", "suspect_": "suspect"}
_SPACES = re.compile(r"\s+")


def normalise_behaviour(value: str) -> str:
    """How MO behaviours are compared: lower case, single spaces."""
    return _SPACES.sub(" ", value.strip().lower())


def split_list(value: str) -> list[str]:
    """A ``;``-separated cell as its non-empty, stripped parts."""
    return [part.strip() for part in value.split(";") if part.strip()]


def split_refs(value: str) -> list[str]:
    """A ``;``-separated cell of references, each normalised (``normalise_ref``)."""
    return [ref for ref in map(normalise_ref, value.split(";")) if ref]


class CanonicalParser:
    """Row parser for the canonical offence CSV."""

    kind = "offences"
    zip_suffix = None

    def __init__(self, source: str):
        self.source = source
        self.now = london_now()

    def start_member(self, label: str, header: list[str]) -> None:
        self.label = label
        self.header = header
        lowered = {normalise_header(h) for h in header}
        if lowered >= POLICE_UK_COLUMNS and "offence_ref" not in lowered:
            raise ImportFailed(f"{label}: this looks like a police.uk file: use `import police-uk` "
                               "(workbench import police-uk FILE)")
        names = checked_header(label, header, REQUIRED, "a canonical offence CSV")
        has_bng = "easting" in names and "northing" in names
        has_wgs = "longitude" in names and "latitude" in names
        if not (has_bng or has_wgs):
            raise ImportFailed(f"{label}: no location columns: give easting and northing, or longitude and latitude")
        self.index = {n: i for i, n in enumerate(names) if n}
        self.features = [(i, FEATURE_PREFIXES[p], n[len(p):]) for n, i in self.index.items()
                         for p in FEATURE_PREFIXES if n.startswith(p) and len(n) > len(p) and n not in KNOWN]
        feature_cols = {n for n in self.index if any(n.startswith(p) for p in FEATURE_PREFIXES)} - KNOWN
        self.extras = [(n, i) for n, i in self.index.items() if n not in KNOWN and n not in feature_cols]
        self.seen: dict[str, int] = {}

    def parse(self, line: int, row: list[str]) -> tuple[dict, list, list[str]] | Reject:
        """One row as (values, features, offender ids), or why it is rejected."""
        header = self.header

        def reject(column: str | None, reason: str) -> Reject:
            return Reject(self.label, line, column, reason, raw_row(header, row))

        if len(row) != len(header):
            return reject(None, f"row has {len(row)} fields but the header has {len(header)}")
        get = lambda name: row[self.index[name]].strip() if name in self.index else ""

        ref = normalise_ref(get("offence_ref"))
        if not ref:
            return reject("offence_ref", "offence_ref is empty")
        if ref in self.seen:
            return reject("offence_ref", f"offence_ref {ref!r} already appears at line {self.seen[ref]} of this file")
        category_text = get("category")
        if not category_text:
            return reject("category", "category is empty")
        category = cats.normalise(category_text)
        if category is None:
            return reject("category", f"unknown category {category_text!r}")
        if not get("committed_from"):
            return reject("committed_from", "committed_from is empty")
        try:
            start, date_only = parse_when(get("committed_from"))
            not_after("committed_from", start, self.now)
        except BadDate as exc:
            return reject("committed_from", str(exc))
        end = None
        if get("committed_to"):
            try:
                end, end_date_only = parse_when(get("committed_to"), end_of_day=True)
                not_after("committed_to", end[:10] if end_date_only else end, self.now)
            except BadDate as exc:
                return reject("committed_to", str(exc))
            if end < start:
                return reject("committed_to", f"committed_to {get('committed_to')} is before "
                                              f"committed_from {get('committed_from')}")
        else:
            end = parse_when(get("committed_from"), end_of_day=True)[0] if date_only else start
        reported = None
        if get("reported_at"):
            try:
                reported, _ = parse_when(get("reported_at"))
                not_after("reported_at", reported, self.now)
            except BadDate as exc:
                return reject("reported_at", str(exc))

        location = self._location(get, reject)
        if isinstance(location, Reject):
            return location
        easting, northing, lon, lat = location

        status = (get("status") or "unsolved").lower()
        if status not in ("solved", "unsolved"):
            return reject("status", f"status must be solved or unsolved, not {get('status')!r}")

        victim = normalise_ref(get("victim_ref")) or None
        if victim and not any(c.isdigit() for c in victim):
            return reject("victim_ref", f"victim_ref {victim!r} has no digit, so it looks like a name: "
                                        "give the force's pseudonymous victim reference")

        features = []
        for i, kind, name in self.features:
            value = row[i].strip()
            if not value:
                continue
            if kind == "mo":
                features.extend((kind, name, normalise_behaviour(v)) for v in split_list(value))
            else:
                features.append((kind, name, value))
        extra = {n: row[i].strip() for n, i in self.extras if row[i].strip()}
        self.seen[ref] = line
        values = {
            "source": self.source, "offence_ref": ref, "category": category, "committed_from": start,
            "committed_to": end, "easting": easting, "northing": northing, "longitude": lon, "latitude": lat,
            "reported_at": reported, "location_desc": get("location_desc") or None,
            "location_type": get("location_type").lower() or None, "borough": get("borough") or None,
            "ward": get("ward") or None, "status": status, "series_ref": normalise_ref(get("series_ref")) or None,
            "victim_ref": victim,
            "extra": json.dumps(extra, ensure_ascii=False) if extra else None}
        return values, features, split_refs(get("offender_ids"))

    def parse_chunk(self, lines: list[int], rows: list[list[str]]) -> tuple[OffenceChunk, list[Reject]]:
        records, rejects = [], []
        for line, row in zip(lines, rows):
            outcome = self.parse(line, row)
            (rejects if isinstance(outcome, Reject) else records).append(outcome)
        return OffenceChunk.from_records(records), rejects

    @staticmethod
    def _location(get, reject):
        """(easting, northing, lon, lat) with NaN for the system not given, or a Reject."""
        nan = float("nan")
        for (x_col, y_col), in_bounds, where in (
                (("easting", "northing"), in_bng_bounds, "Great Britain's National Grid"),
                (("longitude", "latitude"), in_wgs_bounds, "Great Britain")):
            if not (get(x_col) or get(y_col)):
                continue
            for col, other in ((x_col, y_col), (y_col, x_col)):
                if not get(col):
                    return reject(col, f"{other} is given but {col} is empty")
            values = []
            for col in (x_col, y_col):
                try:
                    value = float(get(col))
                except ValueError:
                    value = nan
                if not math.isfinite(value):
                    return reject(col, f"{col} {get(col)!r} is not a number")
                values.append(value)
            x, y = values
            if not in_bounds(x, y):
                return reject(x_col, f"{x_col}/{y_col} {get(x_col)}, {get(y_col)} is outside {where}")
            return (x, y, nan, nan) if x_col == "easting" else (nan, nan, x, y)
        return reject("easting", "no location: give easting and northing, or longitude and latitude")


def import_offences(store: Store, paths: str | Path | Sequence[str | Path], *, source: str | None = None,
                    progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import canonical offence CSV file(s). ``source`` defaults to ``force``."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = run_import(store, paths, CanonicalParser(source or "force"), source or "force",
                        progress=progress, cancelled=cancelled)
    return warn_without_boundaries(store, result)
