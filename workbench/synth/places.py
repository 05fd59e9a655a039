"""Where synthetic offences happen: inside the real London borough polygons.

The bundled boundaries (``data/boundaries/london.gpkg``) give the study area. Residential
crime is spread over wards with uneven density (each ward gets a random weight, so some
neighbourhoods are busier than others); volume crime also clusters at planted hotspots
(town centres, transport hubs, night-time economy), whose truth is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

from workbench.errors import BadInput
from workbench.paths import data_path

GPKG = ("boundaries", "london.gpkg")


@lru_cache(maxsize=1)
def _layers():
    """(borough names, borough geometries, ward geometries, ward borough names), EPSG:27700."""
    import geopandas as gpd

    path = data_path(*GPKG)
    boroughs = gpd.read_file(path, layer="boroughs").to_crs("EPSG:27700")
    wards = gpd.read_file(path, layer="wards").to_crs("EPSG:27700")
    return (tuple(boroughs["name"]), tuple(boroughs.geometry), tuple(wards.geometry),
            tuple(wards["borough"]))


def borough_names() -> tuple[str, ...]:
    """The 33 London borough names in the bundled boundaries, sorted."""
    return tuple(sorted(_layers()[0]))


def resolve_boroughs(boroughs) -> tuple[str, ...]:
    """Canonical borough names for ``boroughs`` (a name, names, or ``"all"``).

    Case and surrounding spaces are not significant; an unknown name is a ValueError
    listing the valid ones.
    """
    known = borough_names()
    if isinstance(boroughs, str):
        boroughs = (boroughs,)
    wanted = [str(b).strip() for b in boroughs]
    if not wanted:
        raise BadInput("no borough given; name at least one London borough, or all")
    if any(w.lower() == "all" for w in wanted):
        return known
    lookup = {k.lower(): k for k in known}
    out = []
    for name in wanted:
        if name.lower() not in lookup:
            raise BadInput(f"unknown borough {name!r}; expected 'all' or one of: {', '.join(known)}")
        if lookup[name.lower()] not in out:
            out.append(lookup[name.lower()])
    return tuple(out)


@dataclass
class Area:
    """The study area: the chosen boroughs and their wards."""

    boroughs: tuple[str, ...]
    union: shapely.Geometry
    ward_geoms: np.ndarray          # shapely geometries
    ward_weight: np.ndarray         # relative residential density (sums to 1)
    borough_geoms: tuple            # one geometry per name in ``boroughs``

    @classmethod
    def load(cls, boroughs, rng: np.random.Generator) -> Area:
        names = resolve_boroughs(boroughs)
        b_names, b_geoms, w_geoms, w_boroughs = _layers()
        chosen = tuple(b_geoms[b_names.index(n)] for n in names)
        union = shapely.union_all(chosen)
        shapely.prepare(union)
        wards = np.array([g for g, b in zip(w_geoms, w_boroughs) if b in names], dtype=object)
        for w in wards:
            shapely.prepare(w)
        areas = shapely.area(wards)
        weight = areas * rng.lognormal(0.0, 0.6, len(wards))
        return cls(names, union, wards, weight / weight.sum(), chosen)

    @property
    def area_km2(self) -> float:
        return float(self.union.area) / 1e6

    def inside(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Which points fall inside the study area."""
        return shapely.contains_xy(self.union, x, y)

    def borough_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The borough name of each point (empty outside the area)."""
        out = np.full(len(x), "", dtype=object)
        for name, geom in zip(self.boroughs, self.borough_geoms):
            out[shapely.contains_xy(geom, x, y) & (out == "")] = name
        return out

    def snap(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        """Coordinates rounded to whole metres (as records give them), still inside the area.

        Rounding can push a point on the boundary just outside; such a point takes the
        first of the four neighbouring whole-metre positions that is inside, else a new
        residential point (a handful in a million).
        """
        ex, ny = np.round(x), np.round(y)
        bad = np.flatnonzero(~self.inside(ex, ny))
        for fx, fy in ((np.floor, np.floor), (np.floor, np.ceil), (np.ceil, np.floor), (np.ceil, np.ceil)):
            if not len(bad):
                break
            cx, cy = fx(x[bad]), fy(y[bad])
            ok = self.inside(cx, cy)
            ex[bad[ok]], ny[bad[ok]] = cx[ok], cy[ok]
            bad = bad[~ok]
        if len(bad):
            rx, ry = self.residential(len(bad), rng)
            ex[bad], ny[bad] = np.round(rx), np.round(ry)
            return self.snap(ex, ny, rng)
        return ex.astype(np.int64), ny.astype(np.int64)

    def residential(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``n`` points spread over the wards by their density weight, in random order."""
        counts = rng.multinomial(n, self.ward_weight)
        xs, ys = [], []
        for geom, k in zip(self.ward_geoms, counts):
            if k:
                x, y = _uniform_in(geom, int(k), rng)
                xs.append(x)
                ys.append(y)
        if not xs:
            return np.empty(0), np.empty(0)
        x, y = np.concatenate(xs), np.concatenate(ys)
        order = rng.permutation(len(x))
        x, y = x[order], y[order]
        return self.repair(x, y, x, y, rng)

    def repair(self, x, y, fallback_x, fallback_y, rng, tries: int = 6):
        """Move points that left the area: retry near the fallback, else use the fallback.

        Offsets around an anchor can fall outside the boroughs (across the Thames or a
        borough edge); each is redrawn closer to its anchor, and after ``tries`` halvings
        it takes the anchor itself, which is inside by construction.
        """
        x, y = np.array(x, dtype=float), np.array(y, dtype=float)
        bad = ~self.inside(x, y)
        scale = 1.0
        for _ in range(tries):
            if not bad.any():
                break
            idx = np.flatnonzero(bad)
            scale *= 0.5
            dx, dy = x[idx] - fallback_x[idx], y[idx] - fallback_y[idx]
            angle = rng.uniform(0, 2 * np.pi, len(idx))
            r = np.hypot(dx, dy) * scale
            x[idx] = fallback_x[idx] + r * np.cos(angle)
            y[idx] = fallback_y[idx] + r * np.sin(angle)
            bad[idx] = ~self.inside(x[idx], y[idx])
        if bad.any():
            idx = np.flatnonzero(bad)
            x[idx], y[idx] = fallback_x[idx], fallback_y[idx]
            still = idx[~self.inside(x[idx], y[idx])]
            if len(still):
                x[still], y[still] = self.residential(len(still), rng)
        return x, y


def _uniform_in(geom, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``k`` points uniformly inside ``geom`` by rejection from its bounding box."""
    minx, miny, maxx, maxy = geom.bounds
    fill = max(geom.area / max((maxx - minx) * (maxy - miny), 1.0), 0.05)
    xs, ys, have = [], [], 0
    while have < k:
        m = int((k - have) / fill * 1.2) + 8
        x = rng.uniform(minx, maxx, m)
        y = rng.uniform(miny, maxy, m)
        ok = shapely.contains_xy(geom, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        have += int(ok.sum())
    return np.concatenate(xs)[:k], np.concatenate(ys)[:k]


@dataclass
class Hotspots:
    """Planted volume-crime hotspots: centres, radii, kinds and relative pull."""

    x: np.ndarray
    y: np.ndarray
    radius: np.ndarray
    kind: np.ndarray
    weight: np.ndarray

    KINDS = ("town centre", "transport hub", "night-time economy")

    @classmethod
    def plant(cls, area: Area, rng: np.random.Generator, per_km2: float = 0.3) -> Hotspots:
        """About one hotspot per 3 km2 (at least 3), inside the area."""
        n = max(3, int(round(area.area_km2 * per_km2)))
        x, y = area.residential(n, rng)
        kind = np.array(cls.KINDS)[rng.choice(3, n, p=[0.45, 0.30, 0.25])]
        kind[0] = cls.KINDS[0]
        radius = np.round(rng.uniform(120, 380, n), -1)
        weight = rng.lognormal(0.0, 0.5, n)
        return cls(x, y, radius, kind, weight)

    def sample(self, n: int, kinds: tuple[str, ...], area: Area, rng: np.random.Generator):
        """``n`` points around hotspots of the given kinds; returns (x, y, hotspot index)."""
        allowed = np.isin(self.kind, kinds)
        if not allowed.any():
            allowed[:] = True
        p = np.where(allowed, self.weight, 0.0)
        which = rng.choice(len(p), n, p=p / p.sum())
        r = self.radius[which] * np.sqrt(rng.uniform(0, 1, n)) ** 1.3
        angle = rng.uniform(0, 2 * np.pi, n)
        x = self.x[which] + r * np.cos(angle)
        y = self.y[which] + r * np.sin(angle)
        x, y = area.repair(x, y, self.x[which], self.y[which], rng)
        return x, y, which

    def as_truth(self, categories: dict[str, tuple[str, ...]]) -> list[dict]:
        """The hotspots as plain dicts for ``SyntheticData.hotspots``."""
        return [{"id": f"H{i + 1:03d}", "easting": round(float(self.x[i]), 1),
                 "northing": round(float(self.y[i]), 1), "radius_m": float(self.radius[i]),
                 "kind": str(self.kind[i]), "weight": round(float(self.weight[i]), 3),
                 "categories": sorted(c for c, kinds in categories.items() if self.kind[i] in kinds)}
                for i in range(len(self.x))]
