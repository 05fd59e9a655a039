"""Hand-made boroughs for tasking and report tests: known series, offenders, wards."""

from __future__ import annotations

import numpy as np
import shapely
from sqlpeek import sql

from workbench.domain.categories import SEXUAL
from workbench.store.boundaries import Boundary, assign_areas, write_boundaries
from workbench.store.offences import write_offences
from workbench.tasking.strategy import AddPriority

SERIES_REF = "S-NORTH-1"

#: The hand-made borough's control strategy: (name, categories, owner).
PRIORITIES = (("Burglary", ["burglary"], "DI Khan"), ("Vehicle crime", ["vehicle-crime"], "DI Khan"),
              ("Serious sexual offences", list(SEXUAL), "DCI Ayodele"))


def add_control_strategy(store):
    """The priorities of :data:`PRIORITIES` (every hand-made borough has them)."""
    for name, categories, owner in PRIORITIES:
        AddPriority(name, categories, owner).do(store)


def make_borough(store, borough="Testborough", x0=530000.0, y0=180000.0, *, offender="O-17", prefix="TB",
                 series_ref=SERIES_REF, seed=0):
    """A 4 x 4 km borough of two wards with one burglary series of 8 offences (three
    by ``offender``) in the north ward in Jan-Mar 2025, and 80 background offences."""
    rng = np.random.default_rng(seed)
    north = shapely.box(x0, y0 + 2000, x0 + 4000, y0 + 4000)
    south = shapely.box(x0, y0, x0 + 4000, y0 + 2000)
    with store.atomic():
        write_boundaries(store, [Boundary("borough", borough, None, None, shapely.box(x0, y0, x0 + 4000, y0 + 4000)),
                                 Boundary("ward", f"{borough} North", None, borough, north),
                                 Boundary("ward", f"{borough} South", None, borough, south)], None)
        records = []
        for i in range(8):
            day = 5 + i * 9
            records.append(dict(
                source="test", offence_ref=f"{prefix}/S{i + 1:02d}", category="burglary-residential",
                committed_from=f"2025-{1 + day // 31:02d}-{1 + day % 28:02d}T19:00:00",
                committed_to=f"2025-{1 + day // 31:02d}-{1 + day % 28:02d}T22:30:00",
                easting=x0 + 1000 + rng.uniform(-150, 150), northing=y0 + 3000 + rng.uniform(-150, 150),
                longitude=-0.1, latitude=51.5, location_desc=f"{10 + i} Acacia Avenue", location_type="dwelling", reported_at=None, extra=None,
                borough=None, ward=None,
                status="solved" if i < 3 else "unsolved", series_ref=series_ref,
                features=[("mo", "entry", "rear window"), ("mo", "search", "untidy"), ("victim", "age", str(70 + i))],
                offenders=[offender] if i < 3 else []))
        for i in range(80):
            month = 1 + i % 6
            records.append(dict(
                source="test", offence_ref=f"{prefix}/B{i:03d}",
                category=["theft-from-vehicle", "criminal-damage", "burglary-residential"][i % 3],
                committed_from=f"2025-{month:02d}-{1 + i % 27:02d}T{i % 24:02d}:00:00",
                committed_to=f"2025-{month:02d}-{1 + i % 27:02d}T{i % 24:02d}:00:00",
                easting=x0 + rng.uniform(0, 4000), northing=y0 + rng.uniform(0, 4000), longitude=-0.1, latitude=51.5,
                location_type="street", reported_at=None, extra=None, borough=None, ward=None,
                location_desc=None, status="unsolved", series_ref=None))
        write_offences(store, records)
        assign_areas(store)
    if not sql(store, "SELECT count(*) FROM priorities").fetchone()[0]:
        add_control_strategy(store)
    return [r[0] for r in sql(store, "SELECT id FROM offences WHERE series_ref = ? ORDER BY id",
                                             (series_ref,))]
