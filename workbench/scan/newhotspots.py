"""New hotspots: hotspots of the recent period that were not hotspots before.

For each category with enough offences, the surface of the recent period and of the
previous period of the same length are computed on the same grid with the same
bandwidth: the kernel density (:func:`workbench.geo.kde.kde`, the default) or Getis-Ord
Gi* (:func:`workbench.geo.gistar.gi_star`, bandwidth as its distance band). The top
``coverage`` share of the study area (3% by default, as in Chainey et al. 2008; for Gi*
only significant hot cells) is taken as the hotspots of each. A recent hotspot polygon
that does not overlap any previous one is *new*.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely
from scipy import stats

from workbench.errors import BadInput
from workbench.geo.defaults import COVERAGE
from workbench.geo.gistar import gi_star
from workbench.geo.grid import auto_bandwidth, study_grid
from workbench.geo.kde import kde
from workbench.scan.defaults import HOTSPOT_METHOD

METHODS = ("kde", "gi")


@dataclass
class NewHotspot:
    """A hotspot of ``category`` in the recent period that did not exist before.

    ``geometry`` is the hotspot polygon (BNG); ``offence_ids`` the recent offences inside
    it; ``peak`` the highest density (offences per km²); ``area_m2`` its area; ``place``
    the ward and borough most of its offences are in.
    """

    category: str
    geometry: shapely.Geometry
    area_m2: float
    peak: float
    offence_ids: list[int] = field(default_factory=list)
    place: str = ""

    @property
    def centre(self) -> tuple[float, float]:
        point = self.geometry.representative_point()
        return float(point.x), float(point.y)


def new_hotspots(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, *, clip=None,
                 coverage: float = COVERAGE, min_offences: int = 20, min_inside: int = 10, alpha: float = 0.01,
                 cell: float | None = None, max_categories: int = 12, top: int = 10,
                 method: str = HOTSPOT_METHOD) -> list[NewHotspot]:
    """Hotspots of ``[start, end)`` that do not overlap the hotspots of the period before.

    ``frame`` needs ``id``, ``category``, ``committed_from``, ``easting``, ``northing``.
    Categories with fewer than ``min_offences`` in either period are not compared (a
    surface of a handful of points is not a hotspot); at most ``max_categories`` of the
    busiest are, to keep the scan quick. A new hotspot must hold at least ``min_inside``
    recent offences (the top 3% of a large area breaks into slivers around single
    addresses, which are repeat locations, not hotspots), and more of them than the
    period before held in the same polygon, beyond chance: a one-sided binomial test of
    the recent count against the two periods' counts inside it, given each period's
    total, at ``alpha`` (sparse data otherwise make "hotspots" of a few scattered
    offences). The ``top`` largest are kept.
    """
    if method not in METHODS:
        raise BadInput(f"unknown hotspot method {method!r}; expected kde or gi")
    length = end - start
    before = start - length
    located = frame[np.isfinite(frame["easting"]) & np.isfinite(frame["northing"])]
    recent = located[(located["committed_from"] >= start) & (located["committed_from"] < end)]
    previous = located[(located["committed_from"] >= before) & (located["committed_from"] < start)]
    counts = recent["category"].value_counts()
    found: list[NewHotspot] = []
    for category in counts.index[:max_categories]:
        now = recent[recent["category"] == category]
        then = previous[previous["category"] == category]
        if len(now) < min_offences or len(then) < min_offences:
            continue
        x = np.concatenate([now["easting"].to_numpy(), then["easting"].to_numpy()])
        y = np.concatenate([now["northing"].to_numpy(), then["northing"].to_numpy()])
        grid = study_grid(x, y, cell=cell, clip=clip)
        share = len(now) / (len(now) + len(then))
        bandwidth = auto_bandwidth(x, y, cell=grid.cell)
        surfaces = [kde(part["easting"], part["northing"], grid=grid, bandwidth=bandwidth, clip=clip)
                    if method == "kde" else
                    gi_star((part["easting"].to_numpy(), part["northing"].to_numpy()), grid=grid,
                            distance_band=bandwidth, clip=clip)
                    for part in (now, then)]
        current, earlier = (s.hotspot_polygons(coverage) for s in surfaces)
        if current.empty:
            continue
        old = shapely.union_all(earlier.geometry.to_numpy()) if len(earlier) else shapely.Point()
        points = shapely.points(now["easting"].to_numpy(), now["northing"].to_numpy())
        before = shapely.points(then["easting"].to_numpy(), then["northing"].to_numpy())
        ids = now["id"].to_numpy()
        for geom, area, peak in zip(current.geometry, current["area_m2"], current["max_score"]):
            if not old.is_empty and geom.intersects(old):
                continue
            inside = shapely.contains(geom, points) | shapely.touches(geom, points)
            n_now = int(inside.sum())
            n_before = int((shapely.contains(geom, before) | shapely.touches(geom, before)).sum())
            if n_now < min_inside or stats.binom.sf(n_now - 1, n_now + n_before, share) > alpha:
                continue
            found.append(NewHotspot(str(category), geom, float(area), float(peak),
                                    [int(i) for i in ids[inside]], _place(now[inside])))
    return sorted(found, key=lambda h: -len(h.offence_ids))[:top]


def _place(offences: pd.DataFrame) -> str:
    """"Ward, Borough" where most of the offences are (empty outside the boundaries)."""
    parts = []
    for column in ("ward", "borough"):
        if column in offences:
            names = offences[column].dropna()
            if len(names):
                parts.append(str(names.mode().iloc[0]))
    return ", ".join(dict.fromkeys(parts))
