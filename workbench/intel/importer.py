"""``workbench import intel``: the canonical intelligence CSV (``shared/specs/intel-csv.md``).

File rules are those of the offence CSV and reuse its machinery: the same readers
(plain, gzip or zip; UTF-8 with or without BOM), batches and kept rejects, location and
date parsing, and the one transaction per import (a crash or cancel leaves the store as
it was). Each row's grade is validated against its own system
(:func:`workbench.domain.grading.validate`), entities are taken from the columns and
recognised in the text (:mod:`workbench.intel.entities`), and borough/ward come from the
loaded boundaries when the report has a location.

Decisions the spec leaves to us (documented in the user guide):
- a reference that appears twice in one file is rejected at its second line;
- the text must not be empty (a report without text cannot be assessed);
- a location is optional, but one that is given must be complete and inside Great Britain;
- an unknown security marking (not OFFICIAL, OFFICIAL-SENSITIVE, SECRET or TOP SECRET,
  optionally followed by descriptors) is rejected rather than guessed;
- a row marked above the store's accreditation level (setting ``accreditation_level``,
  default OFFICIAL-SENSITIVE) is rejected before anything else is read from it, and its
  reject keeps only its reference and marking: none of its content enters the store;
- entity columns are normalised, not validated (foreign plates and numbers are kept);
- any other column is kept with the report as an extra attribute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from workbench.domain.grading import DEFAULT_MARKING, GradingError, normalise_marking, validate
from workbench.domain.refs import normalise_ref
from workbench.errors import BadInput
from workbench.ingest.coords import in_bng_bounds, in_wgs_bounds, to_bng, to_wgs84
from workbench.ingest.offence_import import ImportResult, raw_row, run_import
from workbench.ingest.rowparser import above_accreditation
from workbench.ingest.textfiles import checked_header
from workbench.ingest.timeparse import BadDate, london_now, not_after, parse_when
from workbench.intel.entities import NORMALISERS, find_entities, people_index
from workbench.jobs import CancelledFn, ProgressFn
from workbench.release.marking import accreditation
from workbench.store import Store
from workbench.store.batches import Reject
from workbench.store.boundaries import AreaLocator
from workbench.store.intel import IntelRecord, IntelWriter, Mention, known_people

REQUIRED = ("intel_ref", "recorded_at", "grading", "source_eval", "intel_eval", "handling", "text")
KNOWN = set(REQUIRED) | {"handling_conditions", "subjects", "vehicles", "phones", "offences", "easting",
                         "northing", "longitude", "latitude", "location_desc", "security_marking",
                         "review_date"}
ENTITY_COLUMNS = (("subjects", "person", "subject"), ("vehicles", "vehicle", "column"),
                  ("phones", "phone", "column"))
CHUNK_ROWS = 5000



class IntelParser:
    """Row parser for the canonical intelligence CSV (one per import)."""

    kind = "intel"
    zip_suffix = None

    def __init__(self, source: str, accreditation: str = DEFAULT_MARKING):
        self.source = source
        self.accreditation = accreditation
        self.seen: dict[str, int] = {}
        self.now = london_now()

    def start_member(self, label: str, header: list[str]) -> None:
        """Check the header: required columns present, none twice."""
        self.label = label
        self.header = header
        names = checked_header(label, header, REQUIRED, "an intelligence CSV")
        self.index = {n: i for i, n in enumerate(names) if n}
        self.extras = [(n, i) for n, i in self.index.items() if n not in KNOWN]
        self.seen = {}

    def parse_chunk(self, lines: list[int], rows: list[list[str]]) -> tuple[list[IntelRecord], list[Reject]]:
        """Parse a chunk of rows into reports and rejects (see :meth:`parse`)."""
        records, rejects = [], []
        for line, row in zip(lines, rows):
            outcome = self.parse(line, row)
            (rejects if isinstance(outcome, Reject) else records).append(outcome)
        return records, rejects

    def parse(self, line: int, row: list[str]) -> IntelRecord | Reject:
        """One row as a record (entities from columns only) or a reject with its reason."""
        header = self.header

        def reject(column: str | None, reason: str) -> Reject:
            return Reject(self.label, line, column, reason, raw_row(header, row))

        refused = above_accreditation(self.index, row, "intel_ref", self.accreditation)
        if refused is not None:
            return Reject(self.label, line, "security_marking", refused[0], refused[1])
        if len(row) != len(header):
            return reject(None, f"row has {len(row)} fields but the header has {len(header)}")

        def get(name: str) -> str:
            return row[self.index[name]].strip() if name in self.index else ""

        ref = normalise_ref(get("intel_ref"))
        if not ref:
            return reject("intel_ref", "intel_ref is empty")
        if ref in self.seen:
            return reject("intel_ref", f"intel_ref {ref!r} already appears at line {self.seen[ref]} of this file")
        if not get("recorded_at"):
            return reject("recorded_at", "recorded_at is empty")
        try:
            recorded, _ = parse_when(get("recorded_at"))
            not_after("recorded_at", recorded, self.now)
        except BadDate as exc:
            return reject("recorded_at", str(exc))
        try:
            grade = validate(get("grading"), get("source_eval"), get("intel_eval"), get("handling"),
                             get("handling_conditions"))
        except GradingError as exc:
            return reject(exc.column, exc.reason)
        text = get("text")
        if not text:
            return reject("text", "text is empty")
        marking = normalise_marking(get("security_marking"))
        if marking is None:
            return reject("security_marking", f"security_marking {get('security_marking')!r} is not OFFICIAL, "
                                              "OFFICIAL-SENSITIVE, SECRET or TOP SECRET")
        review = None
        if get("review_date"):
            try:
                review = parse_when(get("review_date"))[0][:10]
            except BadDate as exc:
                return reject("review_date", str(exc))
        try:
            easting, northing, lon, lat = parse_location(get)
        except LocationError as exc:
            return reject(exc.column, exc.reason)

        mentions = [Mention(kind, NORMALISERS[kind](value), origin)
                    for column, kind, origin in ENTITY_COLUMNS for value in get(column).split(";")]
        mentions = [m for m in mentions if m.value]
        self.seen[ref] = line
        return IntelRecord(
            source=self.source, intel_ref=ref, recorded_at=recorded, grade=grade, text=text,
            easting=easting, northing=northing, longitude=lon, latitude=lat,
            location_desc=get("location_desc") or None, security_marking=marking, review_date=review,
            extra={n: row[i].strip() for n, i in self.extras if row[i].strip()} or None,
            mentions=mentions, offence_refs=[r for r in map(normalise_ref, get("offences").split(";")) if r])


class LocationError(BadInput):
    """A location that is incomplete, not a number or outside Great Britain."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


_SYSTEMS = (("easting", "northing", in_bng_bounds, "outside Great Britain's National Grid"),
            ("longitude", "latitude", in_wgs_bounds, "outside Great Britain"))


def parse_location(get) -> tuple[float, float, float, float]:
    """``(easting, northing, longitude, latitude)`` with NaN for what was not given.

    A location is optional; one that is given must be a complete pair of finite numbers
    inside Great Britain (BNG preferred when both systems are given).
    """
    nan = float("nan")
    for x_col, y_col, inside, where in _SYSTEMS:
        x_text, y_text = get(x_col), get(y_col)
        if not (x_text or y_text):
            continue
        values = []
        for col, text, other in ((x_col, x_text, y_col), (y_col, y_text, x_col)):
            if not text:
                raise LocationError(col, f"{other} is given but {col} is empty")
            try:
                value = float(text)
            except ValueError:
                value = nan
            if not math.isfinite(value):
                raise LocationError(col, f"{col} {text!r} is not a number")
            values.append(value)
        if not inside(*values):
            raise LocationError(x_col, f"{x_col}/{y_col} {values[0]:g}, {values[1]:g} is {where}")
        return (values[0], values[1], nan, nan) if x_col == "easting" else (nan, nan, values[0], values[1])
    return nan, nan, nan, nan


def complete_locations(records: Sequence[IntelRecord], locator: AreaLocator) -> None:
    """Fill the coordinate system not given, then borough and ward, for located records."""
    located = [r for r in records if r.located]
    if not located:
        return
    east = np.array([r.easting for r in located])
    north = np.array([r.northing for r in located])
    lon = np.array([r.longitude for r in located])
    lat = np.array([r.latitude for r in located])
    need = np.isnan(east)
    if need.any():
        east[need], north[need] = (np.round(v, 1) for v in to_bng(lon[need], lat[need]))
    need = np.isnan(lon)
    if need.any():
        lon[need], lat[need] = (np.round(v, 6) for v in to_wgs84(east[need], north[need]))
    boroughs, wards = locator.locate(east, north) if not locator.empty else ([None] * len(located),) * 2
    for i, rec in enumerate(located):
        rec.easting, rec.northing = float(east[i]), float(north[i])
        rec.longitude, rec.latitude = float(lon[i]), float(lat[i])
        rec.borough, rec.ward = boroughs[i], wards[i]


def recognise(records: Sequence[IntelRecord], people: dict[str, str]) -> None:
    """Add the entities found in each record's text (and location) to its mentions."""
    for rec in records:
        rec.mentions.extend(find_entities(rec.text, people))
        if rec.location_desc:
            rec.mentions.extend(Mention(m.kind, m.value, "column")
                                for m in find_entities(rec.location_desc) if m.kind == "postcode")


def import_intel(store: Store, paths: str | Path | Sequence[str | Path], *, source: str | None = None,
                 progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import intelligence CSV file(s) as one batch in one transaction.

    ``source`` (default ``force``) names the intelligence system: the same reference
    from the same source is the same report. Returns an
    :class:`~workbench.ingest.offence_import.ImportResult` (``imported``, ``rejected``,
    ``duplicates``, ``batch``, ``rejects``, ``as_json()``). Raises ImportFailed when a
    file is not an intelligence CSV and :class:`workbench.jobs.Cancelled` when cancelled;
    either way nothing is kept. The reading, chunking, batch and reject handling are the
    offence importer's (:func:`workbench.ingest.offence_import.run_import`).
    """
    source = source or "force"
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    people = known_people(store)

    def complete(records: list[IntelRecord], locator: AreaLocator) -> None:
        complete_locations(records, locator)
        people.update(m.value for r in records for m in r.mentions if m.kind == "person")
        recognise(records, people_index(people))

    return run_import(store, paths, IntelParser(source, accreditation(store)), source, progress=progress,
                      cancelled=cancelled, writer=IntelWriter, complete=complete, bulk_offences=False)
