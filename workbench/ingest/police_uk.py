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
from functools import lru_cache
from json.encoder import encode_basestring as quote
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.domain.refs import normalise_ref
from workbench.ingest.coords import WGS_BOUNDS
from workbench.ingest.errors import ImportFailed
from workbench.ingest.offence_import import ImportResult, raw_row, run_import, warn_without_boundaries
from workbench.ingest.timeparse import BadDate, london_now, month_window, not_after
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject
from workbench.store.offences import OffenceChunk

SOURCE = "police.uk"
CONTENT_KEY = ("month", "longitude", "latitude", "location", "lsoa code", "crime type", "falls within",
               "last outcome category")
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
    """Row parser for police.uk street-level crime files."""

    kind = "police-uk"
    zip_suffix = "-street.csv"

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

    def parse_chunk(self, lines: list[int], rows: list[list[str]]) -> tuple[OffenceChunk, list[Reject]]:
        """Vectorised over the chunk: column lists in, valid offences and rejects out."""
        width = len(self.header)
        rejects = [Reject(self.label, ln, None, f"row has {len(r)} fields but the header has {width}",
                          raw_row(self.header, r)) for ln, r in zip(lines, rows) if len(r) != width]
        if rejects:
            pairs = [(ln, r) for ln, r in zip(lines, rows) if len(r) == width]
            lines, rows = [p[0] for p in pairs], [p[1] for p in pairs]
        chunk = OffenceChunk()
        if not rows:
            return chunk, rejects
        columns = list(zip(*rows))
        col = lambda name: columns[self.ix[name]] if name in self.ix else ("",) * len(rows)
        crime_types, months = col("crime type"), col("month")
        lon_text, lat_text = col("longitude"), col("latitude")
        lon = pd.to_numeric(pd.Series(lon_text), errors="coerce").to_numpy(float)
        lat = pd.to_numeric(pd.Series(lat_text), errors="coerce").to_numpy(float)
        windows = {m: self._window(m) for m in set(months)}
        categories = [CRIME_TYPES.get(t.strip().lower()) for t in crime_types]
        ids, locations, lsoa_codes, lsoa_names = col("crime id"), col("location"), col("lsoa code"), col("lsoa name")
        outcomes, contexts, forces = col("last outcome category"), col("context"), col("falls within")
        west, south, east, north = WGS_BOUNDS
        valid = []
        for i, line in enumerate(lines):
            reason = None
            if categories[i] is None:
                reason = ("Crime type", f"unknown police.uk crime type {crime_types[i].strip()!r}")
            elif isinstance(windows[months[i]], str):
                reason = ("Month", windows[months[i]])
            elif not lon_text[i].strip() or not lat_text[i].strip():
                reason = ("Longitude", "no location (police.uk could not map this crime)")
            elif lon[i] != lon[i] or lat[i] != lat[i]:
                reason = ("Longitude", f"longitude/latitude {lon_text[i]!r}, {lat_text[i]!r} are not numbers")
            elif not (west <= lon[i] <= east and south <= lat[i] <= north):
                reason = ("Longitude", f"longitude/latitude {lon[i]:g}, {lat[i]:g} is outside Great Britain")
            if reason:
                rejects.append(Reject(self.label, line, reason[0], reason[1], raw_row(self.header, rows[i])))
            else:
                valid.append(i)
        n = len(valid)
        out = chunk.columns
        out["source"] = [SOURCE] * n
        out["offence_ref"] = [normalise_ref(ids[i]) or self._content_ref(rows[i]) for i in valid]
        out["category"] = [categories[i] for i in valid]
        out["committed_from"] = [windows[months[i]][0] for i in valid]
        out["committed_to"] = [windows[months[i]][1] for i in valid]
        out["easting"], out["northing"] = np.full(n, np.nan), np.full(n, np.nan)
        out["longitude"], out["latitude"] = lon[valid], lat[valid]
        out["status"] = ["unsolved"] * n
        out["location_desc"] = [locations[i].strip() or None for i in valid]
        out["extra"] = [_extra_json(lsoa_codes[i], lsoa_names[i], outcomes[i], contexts[i], forces[i])
                        for i in valid]
        for name in ("reported_at", "location_type", "borough", "ward", "series_ref", "victim_ref", "area_given"):
            out[name] = [None] * n
        return chunk, rejects

    def _window(self, month: str) -> tuple[str, str] | str:
        try:
            window = month_window(month)
            not_after("Month", window[0], self.now)
            return window
        except BadDate as exc:
            return str(exc)

    def _content_ref(self, row: list[str]) -> str:
        """A stable reference for a row without a Crime ID: its content plus its position
        among identical rows of the file."""
        content = "|".join(row[self.ix[c]].strip() if c in self.ix else "" for c in CONTENT_KEY)
        digest = hashlib.sha1(content.encode()).hexdigest()[:16]
        nth = self.occurrences.get(digest, 0)
        self.occurrences[digest] = nth + 1
        return f"~{digest}-{nth}"


@lru_cache(maxsize=1 << 16)
def _extra_json(lsoa_code: str, lsoa_name: str, outcome: str, context: str, force: str) -> str | None:
    """police.uk columns kept with the offence as extra attributes (JSON, built directly
    and cached because this runs for every row of files of millions of rows, most of
    which share their LSOA, outcome and force with many others)."""
    parts = [f'"{key}": {quote(value.strip())}' for key, value in (
        ("lsoa_code", lsoa_code), ("lsoa_name", lsoa_name), ("last_outcome", outcome),
        ("context", context), ("falls_within", force)) if value.strip()]
    return "{" + ", ".join(parts) + "}" if parts else None


def import_police_uk(store: Store, paths: str | Path | Sequence[str | Path], *,
                     progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import police.uk street-level crime file(s) as one batch."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = run_import(store, paths, PoliceUkParser(), SOURCE, progress=progress, cancelled=cancelled)
    return warn_without_boundaries(store, result)
