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
    """Finds the borough and ward of many points at once, by one spatial join per level.

    The points go into an STR-tree that each (prepared) polygon queries with
    ``intersects``, so the cost grows with the points near each polygon rather than with
    points x polygons. A point on an edge shared by two areas goes to the first by name.
    """

    def __init__(self, store: Store):
        self._levels: dict[str, tuple[list[Boundary], np.ndarray]] = {}
        for level in ("borough", "ward"):
            rows = load_boundaries(store, level)
            if rows:
                geometries = np.array([row.geometry for row in rows], dtype=object)
                shapely.prepare(geometries)
                self._levels[level] = (rows, geometries)

    @property
    def empty(self) -> bool:
        return not self._levels

    def _find(self, level: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index into the level's boundaries for each point (-1 outside all)."""
        if level not in self._levels or not len(x):
            return np.full(len(x), -1, dtype=np.int64)
        rows, geometries = self._levels[level]
        area, point = shapely.STRtree(shapely.points(x, y)).query(geometries, predicate="intersects")
        first = np.full(len(x), len(rows), dtype=np.int64)
        np.minimum.at(first, point, area)
        return np.where(first < len(rows), first, -1)

    def locate(self, easting: np.ndarray, northing: np.ndarray) -> tuple[list, list]:
        """Borough and ward names (None outside every boundary) for each point."""
        x, y = np.asarray(easting, float), np.asarray(northing, float)
        boroughs = np.full(len(x), None, dtype=object)
        wards = np.full(len(x), None, dtype=object)
        ward_ix = self._find("ward", x, y)
        inside = ward_ix >= 0
        if inside.any():
            rows = self._levels["ward"][0]
            wards[inside] = np.array([r.name for r in rows], dtype=object)[ward_ix[inside]]
            boroughs[inside] = np.array([r.parent for r in rows], dtype=object)[ward_ix[inside]]
        missing = np.flatnonzero(np.equal(boroughs, None))
        if len(missing) and "borough" in self._levels:
            found = self._find("borough", x[missing], y[missing])
            names = np.array([r.name for r in self._levels["borough"][0]], dtype=object)
            boroughs[missing[found >= 0]] = names[found[found >= 0]]
        return boroughs.tolist(), wards.tolist()


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
