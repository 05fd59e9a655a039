"""Borough and ward polygons (British National Grid) and the spatial join that gives every
offence its borough and ward.

Offences whose borough/ward came in their own file (``area_given = 1``) keep them;
every other offence is (re)assigned whenever boundaries are imported, so offences
imported before the boundaries get their areas too.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from workbench.domain.points import PointMemo
from workbench.errors import NotFound
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


#: A borough joins a data-driven study area when it holds at least this share of the
#: offences (one stray offence over the border must not add a whole borough).
MIN_BOROUGH_SHARE = 0.01


class UnknownArea(NotFound):
    """A borough or ward name that matches nothing in the store (shown in one line)."""


def area_names(store: Store, level: str = "borough") -> list[str]:
    """Names of the loaded boundaries of ``level``, plus names only offences (imported
    with their own borough/ward column) or intelligence reports carry, sorted."""
    column = "borough" if level == "borough" else "ward"
    sql = (f"SELECT name FROM boundaries WHERE level = ? UNION SELECT DISTINCT {column} FROM offences "
           f"WHERE {column} IS NOT NULL")
    if level == "borough":
        sql += " UNION SELECT DISTINCT borough FROM intel_reports WHERE borough IS NOT NULL"
    rows = store._conn.execute(sql, (level,)).fetchall()
    return sorted({r[0] for r in rows if r[0]}, key=str.casefold)


def match_area_names(given: Sequence[str] | None, known: Sequence[str], level: str = "borough") -> list[str] | None:
    """The stored spelling of each name in ``given``, matched case- and
    space-insensitively; an unknown name raises :class:`UnknownArea` with a "did you
    mean" suggestion and the names that are loaded. None stays None (no filter).

    >>> match_area_names(["camden", " ISLINGTON "], ["Camden", "Islington"])
    ['Camden', 'Islington']
    """
    if not given:
        return None
    by_key = {" ".join(k.split()).casefold(): k for k in known}
    out = []
    for name in given:
        key = " ".join(str(name).split()).casefold()
        if key in by_key:
            out.append(by_key[key])
            continue
        if not known:
            raise UnknownArea(f"unknown {level} {name!r}: no {level} boundaries are loaded "
                              "(import them with `workbench import boundaries`)")
        close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.6)
        hint = f"did you mean {by_key[close[0]]!r}? " if close else ""
        shown = ", ".join(known[:40]) + (f" and {len(known) - 40} more" if len(known) > 40 else "")
        raise UnknownArea(f"unknown {level} {name!r}: {hint}loaded {level}s: {shown}")
    return list(dict.fromkeys(out))


def resolve_areas(store: Store, given: Sequence[str] | None, level: str = "borough") -> list[str] | None:
    """``--borough``/``--ward`` values as the store spells them (see
    :func:`match_area_names`); the one resolver every command taking area names uses."""
    if not given:
        return None
    return match_area_names(given, area_names(store, level), level)


@dataclass
class StudyArea:
    """Where a hotspot analysis ranks cells.

    Attributes
    ----------
    geometry : shapely geometry or None
        The union of the areas (None: no boundaries, so the offences' extent is used).
    names : list of str
        The boroughs it is made of.
    rule : str
        How it was chosen: ``"given"`` (``--borough``), ``"data"`` (the boroughs holding
        the offences) or ``"extent"`` (no boundaries loaded).
    areas : dict of name -> geometry
        Each borough's polygon (for the "a hotspot covers a whole borough" check).
    left_out : dict of name -> offences
        Boroughs holding too few of the offences to be part of the study area.
    """

    geometry: shapely.Geometry | None
    names: list[str]
    rule: str
    areas: dict
    left_out: dict = field(default_factory=dict)

    @property
    def area_km2(self) -> float | None:
        return None if self.geometry is None else self.geometry.area / 1e6

    def describe(self) -> str:
        """One line for messages, map subtitles and reports."""
        if self.geometry is None:
            return "the extent of the offences (no boundaries loaded)"
        where = ", ".join(self.names) if len(self.names) <= 4 else f"{len(self.names)} boroughs"
        why = "" if self.rule == "given" else " (the boroughs holding the offences)"
        stray = "".join(f"; {n} offence{'s' if n > 1 else ''} in {b} left out" for b, n in sorted(self.left_out.items()))
        return f"{where}{why}, {self.area_km2:,.1f} km²{stray}"


def study_area_for(store: Store, boroughs_of_offences: Sequence[str | None],
                   boroughs: Sequence[str] | None = None) -> StudyArea:
    """The study area of an analysis: the named ``boroughs`` when given, else the loaded
    boroughs that hold the offences (``boroughs_of_offences``: each offence's borough),
    so offences in two boroughs are ranked against those two, not all of London. A
    borough holding less than :data:`MIN_BOROUGH_SHARE` of the offences (a stray
    offence over the border) is left out, and ``left_out`` says so."""
    left_out: dict[str, int] = {}
    if boroughs:
        names, rule = list(boroughs), "given"
    else:
        counts: dict[str, int] = {}
        for b in boroughs_of_offences:
            if isinstance(b, str) and b:
                counts[b] = counts.get(b, 0) + 1
        floor = MIN_BOROUGH_SHARE * sum(counts.values())
        names = sorted((b for b, n in counts.items() if n >= floor), key=str.casefold)
        left_out = {b: n for b, n in counts.items() if n < floor}
        rule = "data"
    rows = load_boundaries(store, "borough", names) if names else []
    if not rows:
        if rule == "given":
            raise UnknownArea(f"no boundary loaded for {', '.join(names)}: "
                              "import boroughs with `workbench import boundaries`")
        return StudyArea(None, [], "extent", {})
    areas = {b.name: b.geometry for b in rows}
    return StudyArea(shapely.union_all(list(areas.values())), sorted(areas, key=str.casefold), rule, areas,
                     left_out)


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
        self._memo = PointMemo(self._locate)

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
        """Borough and ward names (None outside every boundary) for each point; each
        distinct point is looked up once for the life of the locator (police.uk's snap
        points repeat)."""
        boroughs, wards = self._memo(easting, northing)
        return boroughs.tolist(), wards.tolist()

    def _locate(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
        return boroughs, wards


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
        _set_areas(store, ids, boroughs, wards)
        assigned += sum(b is not None for b in boroughs)
        done += len(chunk)
        last_id = ids[-1]
        control.report(done / max(1, total), f"assigning areas: {done:,} of {total:,} offences")
    return assigned


def _set_areas(store: Store, ids: list[int], boroughs: list, wards: list) -> None:
    """Write the borough and ward of the offences ``ids``. On PostgreSQL the rows go to
    the server with COPY into a temporary table and one UPDATE joins them: a million
    single-row UPDATEs would each be a round trip."""
    conn = store._conn
    if store.engine != "postgresql":
        conn.executemany("UPDATE offences SET borough = ?, ward = ? WHERE id = ?", zip(boroughs, wards, ids))
        return
    conn.execute("CREATE TEMPORARY TABLE IF NOT EXISTS offence_areas (id BIGINT PRIMARY KEY, borough TEXT, ward TEXT) "
                 "ON COMMIT DROP")
    conn.copy_rows("offence_areas", ("id", "borough", "ward"), zip(ids, boroughs, wards))
    conn.execute("UPDATE offences SET borough = a.borough, ward = a.ward FROM offence_areas a WHERE offences.id = a.id")
    conn.execute("TRUNCATE offence_areas")
