"""Hotspot analysis of a set of offences: the surface (KDE or Gi*), the hotspot polygons
(the top N% of the study area, 3% by default), repeat locations and counts by borough
and ward, in one result the CLI, the map view and reports share.

Example
-------
>>> from workbench.geo.hotspots import analyse
>>> result = analyse(frame, method="kde", clip=study_area)          # doctest: +SKIP
>>> result.polygons.head(), result.counts.head()                     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.errors import BadInput
from workbench.geo.defaults import CONFIDENCE, COVERAGE, HOTSPOT_METHOD, HOTSPOT_METHODS, KERNEL
from workbench.geo.gistar import GiStarResult, gi_star
from workbench.geo.kde import KdeResult, kde
from workbench.geo.repeats import repeat_locations
from workbench.jobs import CancelledFn, JobControl, ProgressFn

METHODS = HOTSPOT_METHODS


def surface(easting, northing, *, method: str = HOTSPOT_METHOD, clip=None, cell: float | None = None,
            bandwidth: float | None = None, kernel: str = KERNEL) -> KdeResult | GiStarResult:
    """The hotspot surface of points: a KDE (``bandwidth`` = kernel bandwidth) or Gi* on
    cell counts (``bandwidth`` = distance band). Both results offer ``.grid``, ``.mask``,
    ``.score``, ``.warnings``, ``.hotspot_mask(coverage)``, ``.hotspot_polygons(coverage)``
    and ``.cells()``."""
    if method == "kde":
        return kde(easting, northing, cell=cell, bandwidth=bandwidth, kernel=kernel, clip=clip)
    if method == "gi":
        return gi_star((easting, northing), cell=cell, distance_band=bandwidth, clip=clip)
    raise BadInput(f"unknown method {method!r}; expected kde or gi")


def counts_by_area(frame: pd.DataFrame, in_hotspot: np.ndarray | None = None) -> pd.DataFrame:
    """Offences per borough and per ward (with how many fall in hotspots), most first.

    Columns: ``level`` (borough/ward), ``name``, ``borough`` (a ward's borough),
    ``offences``, ``in_hotspots``, ``share_in_hotspots``.
    """
    data = pd.DataFrame({"borough": frame.get("borough", pd.Series(index=frame.index, dtype=object)),
                         "ward": frame.get("ward", pd.Series(index=frame.index, dtype=object))})
    data["hot"] = np.zeros(len(frame), bool) if in_hotspot is None else np.asarray(in_hotspot, bool)
    data = data.fillna({"borough": "(outside the boundaries)", "ward": "(outside the boundaries)"})
    parts = []
    for level, keys in (("borough", ["borough"]), ("ward", ["ward", "borough"])):
        grouped = data.groupby(keys, sort=False)["hot"].agg(["size", "sum"]).reset_index()
        parts.append(pd.DataFrame({
            "level": level, "name": grouped[keys[0]],
            "borough": grouped["borough"] if level == "ward" else None,
            "offences": grouped["size"].astype(int), "in_hotspots": grouped["sum"].astype(int)}))
    out = pd.concat(parts, ignore_index=True)
    out["share_in_hotspots"] = (out["in_hotspots"] / out["offences"]).round(4)
    return out.sort_values(["level", "offences"], ascending=[True, False], kind="stable").reset_index(drop=True)


@dataclass
class HotspotAnalysis:
    """Everything about where a set of offences is concentrated.

    Attributes
    ----------
    method : str
        ``"kde"`` or ``"gi"``.
    surface : KdeResult or GiStarResult
    selected : ndarray of bool
        The hotspot cells (top ``coverage`` of the study area; for Gi*, significant hot
        cells only).
    polygons : GeoDataFrame
        The hotspot cells merged into polygons, largest first.
    points : GeoDataFrame
        The offences (id, reference, category, date, borough, ward, ``in_hotspot``).
    counts : DataFrame
        Offences by borough and ward (:func:`counts_by_area`).
    repeats : DataFrame
        Repeat locations (:func:`workbench.geo.repeats.repeat_locations`).
    coverage : float
    warnings : list of str
    """

    method: str
    surface: KdeResult | GiStarResult
    selected: np.ndarray
    polygons: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    counts: pd.DataFrame
    repeats: pd.DataFrame
    coverage: float
    warnings: list[str] = field(default_factory=list)

    @property
    def grid(self):
        return self.surface.grid

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """GeoPackage layers: the surface cells, hotspot polygons and offence points."""
        cells = self.surface.cells()
        cells["hotspot"] = self.selected[cells["row"], cells["col"]]
        return {f"{self.method}_cells": cells, "hotspots": self.polygons, "offences": self.points}


POINT_COLUMNS = ("id", "offence_ref", "category", "committed_from", "committed_to", "location_desc",
                 "borough", "ward")


def analyse(frame: pd.DataFrame, *, method: str = HOTSPOT_METHOD, clip=None, cell: float | None = None,
            bandwidth: float | None = None, kernel: str = KERNEL, coverage: float = COVERAGE,
            confidence: float = CONFIDENCE, progress: ProgressFn | None = None,
            cancelled: CancelledFn | None = None) -> HotspotAnalysis:
    """Hotspots of the offences in ``frame`` (columns of
    :func:`workbench.store.offences.load_frame`) within the study area ``clip``."""
    control = JobControl(progress, cancelled)
    if frame.empty:
        raise BadInput("no offences match the filter")
    data = frame[np.isfinite(frame["easting"].to_numpy(float)) & np.isfinite(frame["northing"].to_numpy(float))]
    if data.empty:
        raise BadInput("no offences with coordinates match the filter")
    control.report(0.1, f"computing the {'density surface' if method == 'kde' else 'Gi* statistic'}")
    x = data["easting"].to_numpy(float)
    y = data["northing"].to_numpy(float)
    result = surface(x, y, method=method, clip=clip, cell=cell, bandwidth=bandwidth, kernel=kernel)
    control.report(0.5, "drawing hotspot polygons")
    selected = result.hotspot_mask(coverage) if method == "kde" else result.hotspot_mask(coverage, confidence)
    polygons = result.hotspot_polygons(coverage) if method == "kde" else result.hotspot_polygons(coverage, confidence)
    in_hot = result.grid.sample(selected, x, y, outside=False).astype(bool)
    keep = [c for c in POINT_COLUMNS if c in data]
    points = gpd.GeoDataFrame(data[keep].reset_index(drop=True).assign(in_hotspot=in_hot),
                              geometry=gpd.points_from_xy(x, y), crs="EPSG:27700")
    control.report(0.8, "counting by area and finding repeat locations")
    counts = counts_by_area(data, in_hot)
    repeats = repeat_locations(data)
    warnings = list(result.warnings)
    if method == "gi" and selected.sum() < np.floor(coverage * result.mask.sum()):
        share = selected.sum() / max(1, result.mask.sum())
        warnings.append(f"only {share:.1%} of the area is a significant hot spot "
                        f"({confidence:.0%} after FDR correction), less than the {coverage:.0%} cap")
    control.report(1.0, "done")
    return HotspotAnalysis(method=method, surface=result, selected=selected, polygons=polygons,
                           points=points, counts=counts, repeats=repeats, coverage=coverage,
                           warnings=warnings)
