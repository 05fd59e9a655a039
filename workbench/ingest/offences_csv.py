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

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.domain import categories as cats
from workbench.domain.refs import normalise_ref
from workbench.ingest.columns import JsonObjects, blank, codes, numbers, refs, take, text
from workbench.ingest.coords import BNG_BOUNDS, WGS_BOUNDS
from workbench.ingest.csvblocks import ColumnChunk
from workbench.ingest.errors import ImportFailed
from workbench.ingest.offence_import import (
    ImportResult,
    chunk_row,
    raw_row,
    run_import,
    warn_without_boundaries,
)
from workbench.ingest.textfiles import checked_header, normalise_header
from workbench.ingest.timeparse import BadDate, london_now, not_after, parse_when
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject
from workbench.store.offences import Distinct, OffenceChunk

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
    """Column parser for the canonical offence CSV."""

    kind = "offences"
    zip_suffix: str | None = None

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
        self.extra_texts = JsonObjects([name for name, _ in self.extras])
        self.seen: dict[str, int] = {}

    # -- whole columns -------------------------------------------------------------------
    def _col(self, chunk: ColumnChunk, name: str):
        return text(chunk.columns[self.index[name]]) if name in self.index else self._blank(len(chunk))

    @staticmethod
    def _blank(n: int):
        return pa.chunked_array([pa.array([""] * n, pa.string())])

    def _dates(self, column, name: str, *, end_of_day: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(stored, date_only, error)`` per row: each distinct value parsed once and
        checked against the import time; error is None or the reason."""
        row_codes, values = codes(column)
        parsed = []
        for value in values:
            if not value:
                parsed.append((None, False, None))
                continue
            try:
                stamp, date_only = parse_when(value, end_of_day=end_of_day)
                not_after(name, stamp[:10] if date_only and end_of_day else stamp, self.now)
                parsed.append((stamp, date_only, None))
            except BadDate as exc:
                parsed.append((None, False, str(exc)))
        parsed.append((None, False, None))
        table = np.array(parsed, dtype=object)[row_codes]
        return table[:, 0], table[:, 1].astype(bool), table[:, 2]

    def _location(self, chunk: ColumnChunk, n: int):
        """(easting, northing, longitude, latitude) with NaN for the system not given,
        and per row None or (column, reason) for a location that breaks the rules."""
        nan = np.full(n, np.nan)
        out = {"easting": nan, "northing": nan, "longitude": nan, "latitude": nan}
        problem = np.full(n, None, dtype=object)
        decided = np.zeros(n, dtype=bool)
        for (x_col, y_col), bounds, where in (
                (("easting", "northing"), BNG_BOUNDS, "Great Britain's National Grid"),
                (("longitude", "latitude"), WGS_BOUNDS, "Great Britain")):
            x_text, y_text = self._col(chunk, x_col), self._col(chunk, y_col)
            x_blank, y_blank = blank(x_text), blank(y_text)
            here = ~decided & ~(x_blank & y_blank)
            if not here.any():
                continue
            decided |= here
            x, y = numbers(x_text), numbers(y_text)
            minx, miny, maxx, maxy = bounds
            with np.errstate(invalid="ignore"):
                outside = ~((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
            for i in np.flatnonzero(here & (x_blank | y_blank | ~np.isfinite(x) | ~np.isfinite(y) | outside)).tolist():
                xt, yt = x_text[i].as_py(), y_text[i].as_py()
                if not xt or not yt:
                    col, other = (x_col, y_col) if not xt else (y_col, x_col)
                    problem[i] = (col, f"{other} is given but {col} is empty")
                elif not np.isfinite(x[i]):
                    problem[i] = (x_col, f"{x_col} {xt!r} is not a number")
                elif not np.isfinite(y[i]):
                    problem[i] = (y_col, f"{y_col} {yt!r} is not a number")
                else:
                    problem[i] = (x_col, f"{x_col}/{y_col} {xt}, {yt} is outside {where}")
            ok = here & np.equal(problem, None)
            out[x_col], out[y_col] = np.where(ok, x, out[x_col]), np.where(ok, y, out[y_col])
        for i in np.flatnonzero(~decided).tolist():
            problem[i] = ("easting", "no location: give easting and northing, or longitude and latitude")
        return out, problem

    def parse_columns(self, chunk: ColumnChunk) -> tuple[OffenceChunk, list[Reject]]:
        """Validate whole columns (each distinct category and date once, coordinates as
        arrays); a row that breaks a rule is rejected with the first rule it breaks."""
        n = len(chunk)
        if not n:
            return OffenceChunk(), []
        refs_ = refs(chunk.columns[self.index["offence_ref"]])
        category_codes, category_texts = codes(self._col(chunk, "category"))
        categories = np.array([cats.normalise(t) if t else None for t in category_texts] + [None],
                              dtype=object)[category_codes]
        start, start_date_only, start_error = self._dates(self._col(chunk, "committed_from"), "committed_from")
        end, _, end_error = self._dates(self._col(chunk, "committed_to"), "committed_to", end_of_day=True)
        reported, _, reported_error = self._dates(self._col(chunk, "reported_at"), "reported_at")
        location, location_problem = self._location(chunk, n)
        status = pc.utf8_lower(self._col(chunk, "status")).to_pylist()
        victims = refs(self._col(chunk, "victim_ref"))
        # The rules in the order a row is checked; the first one broken is its reason.
        rules = [
            (lambda i: not category_texts[category_codes[i]], "category", lambda i: "category is empty"),
            (lambda i: categories[i] is None, "category",
             lambda i: f"unknown category {category_texts[category_codes[i]]!r}"),
            (lambda i: start[i] is None and start_error[i] is None, "committed_from",
             lambda i: "committed_from is empty"),
            (lambda i: start_error[i] is not None, "committed_from", lambda i: start_error[i]),
            (lambda i: end_error[i] is not None, "committed_to", lambda i: end_error[i]),
            (lambda i: order_wrong[i], "committed_to",
             lambda i: f"committed_to {self._raw(chunk, i, 'committed_to')} is before committed_from "
                       f"{self._raw(chunk, i, 'committed_from')}"),
            (lambda i: reported_error[i] is not None, "reported_at", lambda i: reported_error[i]),
            (lambda i: location_problem[i] is not None, None, None),
            (lambda i: status[i] not in ("", "solved", "unsolved"), "status",
             lambda i: f"status must be solved or unsolved, not {self._raw(chunk, i, 'status')!r}"),
            (lambda i: bool(victims[i]) and not any(c.isdigit() for c in victims[i]), "victim_ref",
             lambda i: f"victim_ref {victims[i]!r} has no digit, so it looks like a name: "
                       "give the force's pseudonymous victim reference"),
        ]
        order_wrong = np.array([e is not None and s is not None and e < s for e, s in zip(end, start)], dtype=bool)
        suspect = (np.equal(categories, None) | np.equal(start, None) | ~np.equal(end_error, None) | order_wrong
                   | ~np.equal(reported_error, None) | ~np.equal(location_problem, None)
                   | np.array([s not in ("", "solved", "unsolved") for s in status], dtype=bool)
                   | np.array([bool(v) and not any(c.isdigit() for c in v) for v in victims], dtype=bool))
        rejects, valid = [], []
        for i, ref in enumerate(refs_):
            line = int(chunk.lines[i])
            if not ref:
                rejects.append(self._reject(chunk, i, "offence_ref", "offence_ref is empty"))
            elif ref in self.seen:
                rejects.append(self._reject(chunk, i, "offence_ref",
                                            f"offence_ref {ref!r} already appears at line {self.seen[ref]} of this file"))
            elif suspect[i]:
                _, column, message = next(rule for rule in rules if rule[0](i))
                if message is None:
                    column, reason = location_problem[i]
                else:
                    reason = message(i)
                rejects.append(self._reject(chunk, i, column, reason))
            else:
                self.seen[ref] = line
                valid.append(i)
        return self._chunk(chunk, np.asarray(valid, dtype=np.int64), refs_, categories, start, start_date_only,
                           end, reported, location, status, victims), rejects

    def _chunk(self, chunk, valid, refs_, categories, start, date_only, end, reported, location, status,
               victims) -> OffenceChunk:
        """The valid rows as an offence chunk with their features and offenders."""
        rows = None if len(valid) == len(chunk) else valid
        pick = (lambda values: values) if rows is None else (lambda values: [values[i] for i in valid.tolist()])
        column_list = lambda name: [v or None for v in take(self._col(chunk, name), rows).to_pylist()]
        # No committed_to: the end of committed_from's day when that is a date, else the same moment.
        default_end = np.array([s[:10] + "T23:59:59" if whole_day else s for s, whole_day in zip(start, date_only)]
                               + [None], dtype=object)[:-1]
        out = OffenceChunk(len(valid), {
            "source": self.source, "offence_ref": pick(refs_), "category": categories[valid],
            "committed_from": start[valid], "committed_to": np.where(np.equal(end, None), default_end, end)[valid],
            "reported_at": reported[valid],
            **{name: values[valid] for name, values in location.items()},
            "location_desc": column_list("location_desc"),
            "location_type": [v.lower() if v else None for v in column_list("location_type")],
            "borough": column_list("borough"), "ward": column_list("ward"),
            "status": [s or "unsolved" for s in pick(status)],
            "series_ref": [normalise_ref(v) if v else None for v in column_list("series_ref")],
            "victim_ref": [v or None for v in pick(victims)],
            "extra": self._extras(chunk, rows)})
        for index, kind, name in self.features:
            row_codes, values = codes(take(text(chunk.columns[index]), rows))
            parsed = [[] if not value else [normalise_behaviour(v) for v in split_list(value)] if kind == "mo"
                      else [value] for value in values]
            out.features.extend((row, kind, name, v) for row, code in enumerate(row_codes.tolist())
                                for v in parsed[code])
        out.features.sort(key=lambda f: f[0])
        if "offender_ids" in self.index:
            row_codes, values = codes(take(self._col(chunk, "offender_ids"), rows))
            parsed = [split_refs(value) if value else [] for value in values]
            out.offenders.extend((row, key) for row, code in enumerate(row_codes.tolist()) for key in parsed[code])
        return out

    def _extras(self, chunk: ColumnChunk, rows) -> Distinct | None:
        """The other columns of each row as JSON (None when all are empty)."""
        if not self.extras:
            return None
        return self.extra_texts([take(text(chunk.columns[i]), rows) for _, i in self.extras])

    def _raw(self, chunk: ColumnChunk, i: int, name: str) -> str:
        return chunk.columns[self.index[name]][i].as_py().strip() if name in self.index else ""

    def _reject(self, chunk: ColumnChunk, i: int, column: str | None, reason: str) -> Reject:
        return Reject(self.label, int(chunk.lines[i]), column, reason, raw_row(self.header, chunk_row(chunk, i)))


def import_offences(store: Store, paths: str | Path | Sequence[str | Path], *, source: str | None = None,
                    progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import canonical offence CSV file(s). ``source`` defaults to ``force``."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = run_import(store, paths, CanonicalParser(source or "force"), source or "force",
                        progress=progress, cancelled=cancelled)
    return warn_without_boundaries(store, result)
