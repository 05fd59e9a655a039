"""``workbench import nominals``: people the force manages or wants (format in the guide,
``resources/help/people.md``).

Rules are those of the offence CSV, on the same import loop
(:func:`workbench.ingest.offence_import.run_import`): one transaction, every bad row
rejected with line, column and reason and kept in the store, re-imports add nothing (the
``nominal_ref`` is unique in the store). Decisions an analyst should know:

- ``nominal_ref`` is the identifier offences (``offender_ids``) and intelligence
  (``subjects``) use for the person, so both resolve to the nominal;
- ``sex`` is ``M`` or ``F`` (``male``/``female`` accepted); ``build`` and
  ``ethnicity_code`` use the words of the offence CSV's suspect columns;
- a ``conditions`` text that mentions a curfew must give its hours
  (``curfew 19:00-07:00``), so the scan can test breaches rather than guess;
- ``exclusion_wkt`` is a polygon in British National Grid metres;
- the home location is optional, but one that is given must be complete.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import shapely
from shapely.errors import ShapelyError

from workbench.domain import categories as cats
from workbench.domain.people import BUILDS, ETHNICITY_CODES, SEXES, normalise_flag
from workbench.ingest.coords import BNG_BOUNDS
from workbench.ingest.offence_import import ImportResult, run_import
from workbench.ingest.rowparser import (
    BadField,
    Getter,
    KeyedRowParser,
    choice,
    day,
    marking,
    number,
    point,
    split,
)
from workbench.jobs import CancelledFn, ProgressFn
from workbench.release.marking import accreditation
from workbench.store import Store
from workbench.store.boundaries import AreaLocator
from workbench.store.people import NominalWriter

COLUMNS = ("nominal_ref", "surname", "forenames", "date_of_birth", "sex", "height_cm", "build",
           "ethnicity_code", "home_easting", "home_northing", "flags", "offending", "conditions",
           "exclusion_wkt", "review_date", "security_marking")
_CURFEW = re.compile(r"curfew\D{0,20}?(\d{1,2})[:.]?(\d{2})\s*(?:-|–|to)\s*(\d{1,2})[:.]?(\d{2})", re.IGNORECASE)
_SEX_WORDS = {"m": "M", "male": "M", "f": "F", "female": "F"}


def curfew_hours(conditions: str) -> tuple[str, str] | None:
    """``("19:00", "07:00")`` from a conditions text such as ``curfew 19:00-07:00``;
    None when it mentions no curfew; BadField when it mentions one without valid hours."""
    if "curfew" not in conditions.lower():
        return None
    match = _CURFEW.search(conditions)
    if not match:
        raise BadField("conditions", "conditions mention a curfew but give no hours (write e.g. 'curfew 19:00-07:00')")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise BadField("conditions", f"curfew hours {match.group(0)!r} are not times of day")
    return f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"


def exclusion_zone(text: str) -> str | None:
    """A valid polygon WKT in British National Grid metres (normalised), or None."""
    if not text:
        return None
    try:
        geometry = shapely.from_wkt(text)
    except (ShapelyError, ValueError):
        raise BadField("exclusion_wkt", "exclusion_wkt is not valid WKT") from None
    if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
        raise BadField("exclusion_wkt", "exclusion_wkt must be a POLYGON or MULTIPOLYGON")
    if not geometry.is_valid:
        raise BadField("exclusion_wkt", f"exclusion_wkt is not a valid polygon ({shapely.is_valid_reason(geometry)})")
    minx, miny, maxx, maxy = geometry.bounds
    if minx < BNG_BOUNDS[0] or miny < BNG_BOUNDS[1] or maxx > BNG_BOUNDS[2] or maxy > BNG_BOUNDS[3]:
        raise BadField("exclusion_wkt", "exclusion_wkt is outside Great Britain's National Grid (give metres, EPSG:27700)")
    return geometry.wkt


class NominalParser(KeyedRowParser):
    """Row parser for the nominals CSV."""

    kind = "nominals"
    what = "a nominals CSV"
    key = "nominal_ref"
    REQUIRED = ("nominal_ref",)
    KNOWN = frozenset(COLUMNS)

    def __init__(self, today: date | None = None, accreditation: str | None = None):
        self.today = today or date.today()
        self.accreditation = accreditation

    def record(self, get: Getter) -> dict:
        born = day(get, "date_of_birth")
        if born and born > self.today.isoformat():
            raise BadField("date_of_birth", f"date_of_birth {born} is in the future")
        flags = []
        for text in split(get("flags")):
            flag = normalise_flag(text)
            if flag is None:
                raise BadField("flags", f"unknown flag {text!r} (rso, iom, ppo, mappa-1/2/3, bail, licence, wanted)")
            flags.append(flag)
        offending = []
        for text in split(get("offending")):
            category = cats.normalise(text)
            if category is None:
                raise BadField("offending", f"unknown offence category {text!r} in offending")
            offending.append(category)
        curfew = curfew_hours(get("conditions"))
        home_x, home_y = point(get, "home_easting", "home_northing")
        return {
            "nominal_ref": get("nominal_ref"), "surname": get("surname") or None,
            "forenames": get("forenames") or None, "date_of_birth": born,
            "sex": choice(get, "sex", SEXES, lambda s: _SEX_WORDS.get(s.lower(), s.upper())),
            "height_cm": number(get, "height_cm", 100, 230),
            "build": choice(get, "build", BUILDS),
            "ethnicity_code": choice(get, "ethnicity_code", ETHNICITY_CODES, lambda s: s.upper().replace(" ", "")),
            "home_easting": home_x, "home_northing": home_y, "home_borough": None, "home_ward": None,
            "flags": list(dict.fromkeys(flags)), "offending": ";".join(dict.fromkeys(offending)) or None,
            "conditions": get("conditions") or None,
            "curfew_from": curfew[0] if curfew else None, "curfew_to": curfew[1] if curfew else None,
            "exclusion_wkt": exclusion_zone(get("exclusion_wkt")), "review_date": day(get, "review_date"),
            "security_marking": marking(get),
        }


def locate_homes(records: list[dict], locator: AreaLocator, x: str = "home_easting", y: str = "home_northing",
                 borough: str = "home_borough", ward: str | None = "home_ward") -> None:
    """Fill the borough (and ward) of each record's point from the loaded boundaries."""
    located = [r for r in records if r[x] is not None]
    if not located or locator.empty:
        return
    boroughs, wards = locator.locate(np.array([r[x] for r in located]), np.array([r[y] for r in located]))
    for rec, b, w in zip(located, boroughs, wards):
        rec[borough] = b
        if ward:
            rec[ward] = w


def import_nominals(store: Store, paths: str | Path | Sequence[str | Path], *,
                    progress: ProgressFn | None = None, cancelled: CancelledFn | None = None) -> ImportResult:
    """Import nominals CSV file(s) as one batch in one transaction (see the module text)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    return run_import(store, paths, NominalParser(accreditation=accreditation(store)), "force", progress=progress, cancelled=cancelled,
                      writer=NominalWriter, complete=locate_homes, bulk_offences=False)
