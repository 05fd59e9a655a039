"""police.uk street-level crime CSVs (``.csv``, ``.csv.gz`` or the downloaded ``.zip``).

Crime types map to the canonical categories (coarse where police.uk is coarse). The
month becomes a whole-month window. Rows without a Crime ID (anti-social behaviour,
months before 2011-12) get a stable reference made from their content and their
position among identical rows, so importing the same file again adds nothing. Rows
police.uk could not map (no coordinates) are rejected with that reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

from workbench.ingest.coords import in_wgs_bounds
from workbench.ingest.errors import ImportFailed
from workbench.ingest.offence_import import ImportResult, raw_row, run_import
from workbench.ingest.timeparse import BadDate, month_window
from workbench.jobs import CancelledFn, ProgressFn
from workbench.store import Store
from workbench.store.batches import Reject
from workbench.store.offences import OffenceRecord

SOURCE = "police.uk"
REQUIRED = ("crime id", "month", "longitude", "latitude", "crime type")

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
        if missing:
            raise ImportFailed(f"{label}: not a police.uk street-level crime CSV: missing column(s) "
                               f"{', '.join(m.title() for m in missing)}")
        self.label, self.header = label, header
        self.ix = {n: i for i, n in enumerate(names)}
        self.occurrences: dict[str, int] = {}

    def _get(self, row: list[str], name: str) -> str:
        i = self.ix.get(name)
        return row[i].strip() if i is not None else ""

    def parse(self, line: int, row: list[str]) -> OffenceRecord | Reject:
        def reject(column, reason):
            return Reject(self.label, line, column, reason, raw_row(self.header, row))

        if len(row) != len(self.header):
            return reject(None, f"row has {len(row)} fields but the header has {len(self.header)}")
        get = lambda name: self._get(row, name)
        crime_type = get("crime type")
        category = CRIME_TYPES.get(crime_type.lower())
        if category is None:
            return reject("Crime type", f"unknown police.uk crime type {crime_type!r}")
        try:
            start, end = month_window(get("month"))
        except BadDate as exc:
            return reject("Month", str(exc))
        if not get("longitude") or not get("latitude"):
            return reject("Longitude", "no location (police.uk could not map this crime)")
        try:
            lon, lat = float(get("longitude")), float(get("latitude"))
        except ValueError:
            return reject("Longitude", f"longitude/latitude {get('longitude')!r}, {get('latitude')!r} are not numbers")
        if not in_wgs_bounds(lon, lat):
            return reject("Longitude", f"longitude/latitude {lon:g}, {lat:g} is outside Great Britain")
        ref = get("crime id")
        if not ref:
            content = "|".join(get(c) for c in ("month", "longitude", "latitude", "location", "lsoa code",
                                                 "crime type", "falls within", "last outcome category"))
            digest = hashlib.sha1(content.encode()).hexdigest()[:16]
            nth = self.occurrences.get(digest, 0)
            self.occurrences[digest] = nth + 1
            ref = f"~{digest}-{nth}"
        extra = {k: v for k, v in (("lsoa_code", get("lsoa code")), ("lsoa_name", get("lsoa name")),
                                   ("last_outcome", get("last outcome category")),
                                   ("context", get("context")), ("falls_within", get("falls within"))) if v}
        nan = float("nan")
        return OffenceRecord(source=SOURCE, offence_ref=ref, category=category, committed_from=start,
                             committed_to=end, easting=nan, northing=nan, longitude=lon, latitude=lat,
                             location_desc=get("location") or None, extra=extra or None)


def import_police_uk(store: Store, paths: str | Path | Sequence[str | Path], *,
                     progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import police.uk street-level crime file(s) as one batch."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return run_import(store, paths, PoliceUkParser(), SOURCE, progress=progress, cancelled=cancelled)
