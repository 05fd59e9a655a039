"""police.uk street-level crime CSVs (``.csv``, ``.csv.gz`` or the downloaded ``.zip``).

Crime types map to the canonical categories (coarse where police.uk is coarse). The
month becomes a whole-month window. Rows without a Crime ID (anti-social behaviour,
months before 2011-12) get a stable reference made from their content and their
position among identical rows, so importing the same file again adds nothing. Rows
police.uk could not map (no coordinates) are rejected with that reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ingest.columns import JsonObjects, blank, codes, nulls_for_blanks, numbers, refs, take, text
from workbench.ingest.coords import WGS_BOUNDS
from workbench.ingest.csvblocks import ColumnChunk
from workbench.ingest.errors import ImportFailed
from workbench.ingest.offence_import import (
    ImportResult,
    chunk_row,
    raw_row,
    run_import,
    warn_without_boundaries,
)
from workbench.ingest.timeparse import BadDate, london_now, month_window, not_after
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject
from workbench.store.offences import Distinct, OffenceChunk

SOURCE = "police.uk"
CONTENT_KEY = ("month", "longitude", "latitude", "location", "lsoa code", "crime type", "falls within",
               "last outcome category")
EXTRA_COLUMNS = {"lsoa_code": "lsoa code", "lsoa_name": "lsoa name", "last_outcome": "last outcome category",
                 "context": "context", "falls_within": "falls within"}     # stored key: police.uk column
REQUIRED = ("crime id", "month", "longitude", "latitude", "crime type")
HEADER_NAMES = {"crime id": "Crime ID", "month": "Month", "longitude": "Longitude",
                "latitude": "Latitude", "crime type": "Crime type"}

CRIME_TYPES = {
    "anti-social behaviour": "anti-social-behaviour",
    "bicycle theft": "bicycle-theft",
    "burglary": "burglary",
    "criminal damage and arson": "criminal-damage",
    "drugs": "drugs",
    "other crime": "other",
    "other theft": "other-theft",
    "possession of weapons": "possession-of-weapons",
    "public order": "public-order",
    "robbery": "robbery",
    "shoplifting": "shoplifting",
    "theft from the person": "theft-from-person",
    "vehicle crime": "vehicle-crime",
    "violence and sexual offences": "violence-and-sexual-offences",
    # Names police.uk used before May 2013.
    "violent crime": "violence-and-sexual-offences",
    "public disorder and weapons": "public-order",
    "other theft / shoplifting": "other-theft",
}


class PoliceUkParser:
    """Column parser for police.uk street-level crime files."""

    kind = "police-uk"
    zip_suffix = "-street.csv"

    def __init__(self) -> None:
        self.extras = JsonObjects(list(EXTRA_COLUMNS))      # one memo for every file of the import

    def start_member(self, label: str, header: list[str]) -> None:
        names = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing and {"offence_ref", "category", "committed_from"} <= set(names):
            raise ImportFailed(f"{label}: this looks like a canonical offence CSV: use `import offences` "
                               "(workbench import offences FILE)")
        if missing:
            raise ImportFailed(f"{label}: not a police.uk street-level crime CSV: missing column(s) "
                               f"{', '.join(HEADER_NAMES[m] for m in missing)}")
        self.label, self.header = label, header
        self.ix = {n: i for i, n in enumerate(names)}
        self.occurrences: dict[str, int] = {}
        self.now = london_now()

    def parse_columns(self, chunk: ColumnChunk) -> tuple[OffenceChunk, list[Reject]]:
        """Validate whole columns: crime types and months once per distinct value,
        coordinates as arrays; rows that break a rule become rejects (first rule broken)."""
        n = len(chunk)
        empty = pa.chunked_array([pa.array([""] * n, pa.string())])
        col = lambda name: text(chunk.columns[self.ix[name]]) if name in self.ix else empty
        type_codes, types = codes(pc.utf8_lower(col("crime type")))
        categories = np.array([CRIME_TYPES.get(t) for t in types] + [None], dtype=object)[type_codes]
        month_codes, months = codes(col("month"))
        windows = [self._window(m) for m in months]
        bad_month = np.array([isinstance(w, str) for w in windows], dtype=bool)[month_codes]
        lon_text, lat_text = col("longitude"), col("latitude")
        lon, lat = numbers(lon_text), numbers(lat_text)
        west, south, east, north = WGS_BOUNDS
        # The first rule a row breaks is its reason: later rules are written first and overwritten.
        reason = np.zeros(n, dtype=np.int8)
        with np.errstate(invalid="ignore"):
            reason[~((lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))] = 5
        reason[~(np.isfinite(lon) & np.isfinite(lat))] = 4
        reason[blank(lon_text) | blank(lat_text)] = 3
        reason[bad_month] = 2
        reason[np.equal(categories, None)] = 1
        rejects = [self._reject(chunk, i, int(reason[i]), windows[month_codes[i]], lon[i], lat[i])
                   for i in np.flatnonzero(reason).tolist()]
        valid = np.flatnonzero(reason == 0)
        rows = None if len(valid) == n else valid
        m = len(valid)
        # A police.uk file holds one month: its window is then one value for the whole chunk.
        starts = np.array([w[0] if not isinstance(w, str) else None for w in windows] + [None], dtype=object)
        ends = np.array([w[1] if not isinstance(w, str) else None for w in windows] + [None], dtype=object)
        one_month = m > 0 and bool((month_codes[valid] == month_codes[valid[0]]).all())
        ids = refs(take(col("crime id"), rows))
        missing = [j for j, ref in enumerate(ids) if not ref]
        if missing:
            content = pc.binary_join_element_wise(*(take(col(c), rows) for c in CONTENT_KEY), "|")
            for j in missing:
                ids[j] = self._content_ref(content[j].as_py())
        place = nulls_for_blanks(take(col("location"), rows)).to_pylist()
        out = OffenceChunk(m, {
            "source": SOURCE, "offence_ref": ids, "category": categories[valid],
            "committed_from": starts[month_codes[valid[0]]] if one_month else starts[month_codes[valid]],
            "committed_to": ends[month_codes[valid[0]]] if one_month else ends[month_codes[valid]],
            "longitude": lon[valid], "latitude": lat[valid], "status": "unsolved",
            "location_desc": place, "extra": self._extras(rows, col)})
        return out, rejects

    def _reject(self, chunk: ColumnChunk, i: int, reason: int, window, lon: float, lat: float) -> Reject:
        row = chunk_row(chunk, i)
        get = lambda name: row[self.ix[name]].strip() if name in self.ix else ""
        column, text_ = {
            1: ("Crime type", f"unknown police.uk crime type {get('crime type')!r}"),
            2: ("Month", window),
            3: ("Longitude", "no location (police.uk could not map this crime)"),
            4: ("Longitude", f"longitude/latitude {get('longitude')!r}, {get('latitude')!r} are not numbers"),
            5: ("Longitude", f"longitude/latitude {lon:g}, {lat:g} is outside Great Britain"),
        }[reason]
        return Reject(self.label, int(chunk.lines[i]), column, text_, raw_row(self.header, row))

    def _extras(self, rows, col) -> Distinct:
        """The extra-attribute JSON of each row (police.uk columns kept with the offence)."""
        return self.extras([take(col(name), rows) for name in EXTRA_COLUMNS.values()])

    def _window(self, month: str) -> tuple[str, str] | str:
        try:
            window = month_window(month)
            not_after("Month", window[0], self.now)
            return window
        except BadDate as exc:
            return str(exc)

    def _content_ref(self, content: str) -> str:
        """A stable reference for a row without a Crime ID: its content (the
        ``CONTENT_KEY`` columns joined by ``|``) plus its position among identical rows of
        the file."""
        digest = hashlib.sha1(content.encode()).hexdigest()[:16]
        nth = self.occurrences.get(digest, 0)
        self.occurrences[digest] = nth + 1
        return f"~{digest}-{nth}"


def import_police_uk(store: Store, paths: str | Path | Sequence[str | Path], *,
                     progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import police.uk street-level crime file(s) as one batch."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = run_import(store, paths, PoliceUkParser(), SOURCE, progress=progress, cancelled=cancelled)
    return warn_without_boundaries(store, result)
