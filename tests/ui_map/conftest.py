"""A hand-made store for the map tests: two square boroughs, each with two wards, and a
known grid of offences, so a rectangle selects known ids."""

from __future__ import annotations

import pytest
import shapely
from map_store import X0, Y0, write_offences

from workbench.app.session import Session
from workbench.store.boundaries import Boundary, assign_areas, write_boundaries


@pytest.fixture
def map_session(tmp_path):
    """A session on a store with 2 boroughs, 4 wards and a 10 x 10 grid of offences
    100 m apart (ids 1..100 row by row from the south-west; burglary in the west half,
    robbery in the east)."""
    path = tmp_path / "map.sqlite"
    session = Session(path)
    store = session.store
    boroughs = [Boundary("borough", name, None, None, shapely.box(X0 + i * 500, Y0, X0 + (i + 1) * 500, Y0 + 1000))
                for i, name in enumerate(("West", "East"))]
    wards = [Boundary("ward", f"{b.name} {half}", None, b.name,
                      shapely.box(b.geometry.bounds[0], Y0 + j * 500, b.geometry.bounds[2], Y0 + (j + 1) * 500))
             for b in boroughs for j, half in enumerate(("South", "North"))]
    with store.atomic():
        write_boundaries(store, boroughs + wards, None)
    rows = [{"ref": f"M/{r * 10 + c + 1}", "category": "burglary-residential" if c < 5 else "robbery-personal",
             "committed_from": f"2025-03-{1 + (r * 10 + c) % 28:02d}T12:00",
             "easting": X0 + 50 + c * 100, "northing": Y0 + 50 + r * 100} for r in range(10) for c in range(10)]
    write_offences(store, rows)
    with store.atomic():
        assign_areas(store)
    yield session
    session.close()
