"""Borough and ward polygons (British National Grid) and the spatial join that gives every
offence its borough and ward.

Offences whose borough/ward came in their own file (``area_given = 1``) keep them;
every other offence is (re)assigned whenever boundaries are imported, so offences
imported before the boundaries get their areas too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from workbench.jobs import JobControl
from workbench.store.db import Store


@dataclass
class Boundary:
    level: str              # 'borough' | 'ward'
    name: str
    code: str | None
    parent: str | None      # a ward's borough
    geometry: shapely.Geometry  # EPSG:27700


def write_boundaries(store: Store, boundaries: Sequence[Boundary], batch_id: int | None) -> int:
    """Insert or replace boundaries (same level, name and parent = same area)."""
    conn = store._conn
    for b in boundaries:
        minx, miny, maxx, maxy = b.geometry.bounds
        conn.execute("DELETE FROM boundaries WHERE level = ? AND name = ? AND coalesce(parent, '') = coalesce(?, '')",
                     (b.level, b.name, b.parent))
        conn.execute(
            "INSERT INTO boundaries (level, name, code, parent, geometry, minx, miny, maxx, maxy, batch_id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (b.level, b.name, b.code, b.parent, shapely.to_wkb(b.geometry), minx, miny, maxx, maxy, batch_id))
    return len(boundaries)


def area_known(store: Store, level: str, name: str) -> bool:
    """Whether a boundary or an offence names the ``level`` (``borough``/``ward``) ``name``."""
    if level not in ("borough", "ward"):
        raise ValueError(f"level is borough or ward, not {level!r}")
    return store._value(f"SELECT 1 FROM boundaries WHERE level = ? AND name = ? UNION "
                        f"SELECT 1 FROM offences WHERE {level} = ? LIMIT 1", (level, name, name)) is not None


def has_boundaries(store: Store) -> bool:
    """Whether any borough or ward polygon is loaded."""
    return store._conn.execute("SELECT EXISTS (SELECT 1 FROM boundaries)").fetchone()[0] == 1


def load_boundaries(store: Store, level: str | None = None, names: Sequence[str] | None = None) -> list[Boundary]:
    """Stored boundaries, optionally of one level and/or with the given names."""
    sql = "SELECT level, name, code, parent, geometry FROM boundaries"
    clauses, params = [], []
    if level:
        clauses.append("level = ?")
        params.append(level)
    if names:
        clauses.append(f"name IN ({','.join('?' * len(names))})")
        params += list(names)
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return [Boundary(lv, n, c, p, shapely.from_wkb(g))
            for lv, n, c, p, g in store._conn.execute(sql + " ORDER BY level, name", params)]


def boundaries_frame(store: Store, level: str | None = None, names: Sequence[str] | None = None):
    """Boundaries as a GeoDataFrame in EPSG:27700 (for maps and GeoPackage export)."""
    import geopandas as gpd

    rows = load_boundaries(store, level, names)
    return gpd.GeoDataFrame(
        {"level": [b.level for b in rows], "name": [b.name for b in rows],
         "code": [b.code for b in rows], "parent": [b.parent for b in rows]},
        geometry=[b.geometry for b in rows], crs="EPSG:27700")


def study_area(store: Store, boroughs: Sequence[str] | None = None) -> shapely.Geometry | None:
    """Union of the loaded borough polygons (or of the named ones); None if none loaded."""
    rows = load_boundaries(store, "borough", boroughs)
    if not rows:
        return None
    return shapely.union_all([b.geometry for b in rows])


class AreaLocator:
    """Finds the borough and ward of many points at once.

    Each polygon is prepared once; for each polygon only the points inside its bounding
    box are tested (``shapely.contains_xy``), which is several times faster than a tree
    query per point. A point on an edge shared by two areas goes to the first by name.
    """

    def __init__(self, store: Store):
        self._levels: dict[str, list[Boundary]] = {}
        for level in ("borough", "ward"):
            rows = load_boundaries(store, level)
            for row in rows:
                shapely.prepare(row.geometry)
            if rows:
                self._levels[level] = rows

    @property
    def empty(self) -> bool:
        return not self._levels

    def _find(self, level: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index into the level's boundaries for each point (-1 outside all)."""
        found = np.full(len(x), -1, dtype=np.int64)
        for index, area in enumerate(self._levels.get(level, ())):
            minx, miny, maxx, maxy = area.geometry.bounds
            candidates = np.flatnonzero((found < 0) & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
            if len(candidates):
                inside = shapely.intersects_xy(area.geometry, x[candidates], y[candidates])
                found[candidates[inside]] = index
        return found

    def locate(self, easting: np.ndarray, northing: np.ndarray) -> tuple[list, list]:
        """Borough and ward names (None outside every boundary) for each point."""
        x, y = np.asarray(easting, float), np.asarray(northing, float)
        wards = self._levels.get("ward", [])
        boroughs = self._levels.get("borough", [])
        ward_ix = self._find("ward", x, y)
        ward_names = [wards[i].name if i >= 0 else None for i in ward_ix.tolist()]
        borough_names = [wards[i].parent if i >= 0 else None for i in ward_ix.tolist()]
        missing = np.array([b is None for b in borough_names], dtype=bool)
        if boroughs and missing.any():
            rows = np.flatnonzero(missing)
            found = self._find("borough", x[rows], y[rows])
            for r, i in zip(rows.tolist(), found.tolist()):
                if i >= 0:
                    borough_names[r] = boroughs[i].name
        return borough_names, ward_names


def assign_areas(store: Store, control: JobControl | None = None) -> int:
    """Re-derive borough and ward for every offence whose areas were not given.

    Runs inside the caller's transaction; returns how many offences now have a borough.
    """
    control = control or JobControl()
    locator = AreaLocator(store)
    if locator.empty:
        return 0
    conn = store._conn
    total = conn.execute("SELECT count(*) FROM offences WHERE area_given = 0").fetchone()[0]
    done = assigned = 0
    last_id = 0
    while True:
        chunk = conn.execute(
            "SELECT id, easting, northing FROM offences WHERE area_given = 0 AND id > ? ORDER BY id LIMIT 50000",
            (last_id,)).fetchall()
        if not chunk:
            break
        ids = [r[0] for r in chunk]
        boroughs, wards = locator.locate(np.array([r[1] for r in chunk]), np.array([r[2] for r in chunk]))
        conn.executemany("UPDATE offences SET borough = ?, ward = ? WHERE id = ?", zip(boroughs, wards, ids))
        assigned += sum(b is not None for b in boroughs)
        done += len(chunk)
        last_id = ids[-1]
        control.report(done / max(1, total), f"assigning areas: {done:,} of {total:,} offences")
    return assigned
