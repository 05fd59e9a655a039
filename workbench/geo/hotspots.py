"""Hotspot analysis of a set of offences: the surface (KDE, prospective KDE or Gi*), the
hotspot polygons (the top N% of the study area, 3% by default), their operational shape
(how many separate areas, how large), repeat locations and counts by borough and ward,
in one result the CLI, the map view and reports share.

KDE settings (method, cell size, bandwidth) not given are learned from the offences by
temporal cross-validation (:mod:`workbench.geo.tuning`).

Example
-------
>>> from workbench.geo.hotspots import analyse
>>> result = analyse(frame, clip=study_area)                         # doctest: +SKIP
>>> result.polygons.head(), result.counts.head()                     # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from workbench.errors import BadInput
from workbench.geo.cells import dissolve_cells, hotspot_shape
from workbench.geo.defaults import CONFIDENCE, COVERAGE, HOTSPOT_METHOD, KERNEL
from workbench.geo.gistar import GiStarResult, gi_star
from workbench.geo.kde import KdeResult
from workbench.geo.nearrepeat import event_days
from workbench.geo.repeats import repeat_locations
from workbench.geo.tuning import KDE_METHODS, Settings, fit, learn
from workbench.jobs import CancelledFn, JobControl, ProgressFn

#: ``auto``: cross-validation picks plain or prospective KDE.
METHODS = ("auto", "kde", "prospective", "gi")
#: Warn when the hotspots hold at least this share of the offences...
NEARLY_ALL = 0.9
#: ...or cover at least this share of a borough.
WHOLE_AREA = 0.9


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


def shape_warnings(points_in_hotspots: np.ndarray, polygons: gpd.GeoDataFrame, areas: dict | None) -> list[str]:
    """Warnings that the hotspots do not discriminate: they hold nearly all the offences,
    or cover a whole borough (a study area much larger than where offences happen)."""
    warnings = []
    share = float(np.mean(points_in_hotspots)) if len(points_in_hotspots) else 0.0
    if len(points_in_hotspots) >= 10 and share >= NEARLY_ALL:
        warnings.append(f"the hotspots hold {share:.0%} of the offences: the area allowed is as large as all "
                        "the places with offences, so they single out nowhere; lower the coverage or narrow "
                        "the study area (--borough)")
    total = float(polygons.area.sum()) if len(polygons) else 0.0
    union = None
    for name, geometry in (areas or {}).items():
        if geometry.area <= 0 or total < WHOLE_AREA * geometry.area:
            continue
        union = union if union is not None else polygons.union_all()
        covered = union.intersection(geometry).area / geometry.area
        if covered >= WHOLE_AREA:
            warnings.append(f"the hotspots cover {covered:.0%} of {name}: a whole borough is not a hotspot; "
                            "the study area is probably too large for these offences")
    return warnings


@dataclass
class HotspotAnalysis:
    """Everything about where a set of offences is concentrated.

    Attributes
    ----------
    method : str
        ``"kde"``, ``"prospective"`` or ``"gi"`` (the method used).
    surface : KdeResult or GiStarResult
    selected : ndarray of bool
        The hotspot cells (top ``coverage`` of the study area; for Gi*, significant hot
        cells only; areas under the minimum area dropped).
    polygons : GeoDataFrame
        The hotspot cells merged into polygons, largest first.
    points : GeoDataFrame
        The offences (id, reference, category, date, borough, ward, ``in_hotspot``).
    counts : DataFrame
        Offences by borough and ward (:func:`counts_by_area`).
    repeats : DataFrame
        Repeat locations (:func:`workbench.geo.repeats.repeat_locations`).
    coverage : float
    settings : Settings or None
        KDE settings and how they were chosen (None for Gi*).
    shape : dict
        Operational shape (:func:`hotspot_shape`).
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
    settings: Settings | None = None
    shape: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def grid(self):
        return self.surface.grid

    @property
    def hotspot_area_km2(self) -> float:
        return float(self.selected.sum()) * self.grid.cell_area / 1e6

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """GeoPackage layers: the surface cells, hotspot polygons and offence points."""
        cells = self.surface.cells()
        cells["hotspot"] = self.selected[cells["row"], cells["col"]]
        return {f"{self.method}_cells": cells, "hotspots": self.polygons, "offences": self.points}


POINT_COLUMNS = ("id", "offence_ref", "category", "committed_from", "committed_to", "location_desc",
                 "borough", "ward")


def kde_methods(method: str) -> tuple[str, ...]:
    """The KDE methods cross-validation may choose from for ``--method``."""
    return KDE_METHODS if method == "auto" else (method,)


@dataclass
class HotspotCells:
    """The surface, the hotspot cells and how they were found (see :func:`hotspot_cells`)."""

    method: str
    surface: KdeResult | GiStarResult
    selected: np.ndarray
    settings: Settings | None
    shape: dict
    warnings: list[str]


def hotspot_cells(x: np.ndarray, y: np.ndarray, days: np.ndarray, *, method: str = HOTSPOT_METHOD, clip=None,
                  cell: float | None = None, bandwidth: float | None = None, kernel: str = KERNEL,
                  coverage: float = COVERAGE, confidence: float = CONFIDENCE, min_area_m2: float = 0.0,
                  objective: str = "pai", control: JobControl | None = None) -> HotspotCells:
    """The hotspot cells of offences at (``x``, ``y``) on ``days``: KDE settings not
    given are learned (:func:`workbench.geo.tuning.learn`), then the densest ``coverage``
    of the study area ``clip`` is kept, minus areas under ``min_area_m2``."""
    if method not in METHODS:
        raise BadInput(f"unknown method {method!r}; expected one of: {', '.join(METHODS)}")
    control = control or JobControl()
    settings = None
    if method == "gi":
        control.report(0.1, "computing the Gi* statistic")
        result = gi_star((x, y), cell=cell, distance_band=bandwidth, clip=clip)
        selected = result.hotspot_mask(coverage, confidence)
    else:
        settings = learn(x, y, days, clip=clip, coverage=coverage, methods=kde_methods(method), cell=cell,
                         bandwidth=bandwidth, kernel=kernel, objective=objective, min_area_m2=min_area_m2,
                         progress=control.sub(0.0, 0.6).report)
        control.report(0.6, "computing the density surface")
        result = fit(x, y, days, settings, clip=clip, kernel=kernel)
        selected = result.hotspot_mask(coverage)
    selected, shape = hotspot_shape(result.grid, selected, min_area_m2)
    warnings = list(result.warnings)
    if method == "gi" and selected.sum() < np.floor(coverage * result.mask.sum()):
        share = selected.sum() / max(1, result.mask.sum())
        warnings.append(f"only {share:.1%} of the area is a significant hot spot "
                        f"({confidence:.0%} after FDR correction), less than the {coverage:.0%} cap")
    return HotspotCells(settings.method if settings else "gi", result, selected, settings, shape, warnings)


def located(frame: pd.DataFrame) -> pd.DataFrame:
    """The offences with coordinates."""
    return frame[np.isfinite(frame["easting"].to_numpy(float)) & np.isfinite(frame["northing"].to_numpy(float))]


def analyse(frame: pd.DataFrame, *, method: str = HOTSPOT_METHOD, clip=None, cell: float | None = None,
            bandwidth: float | None = None, kernel: str = KERNEL, coverage: float = COVERAGE,
            confidence: float = CONFIDENCE, min_area_m2: float = 0.0, objective: str = "pai",
            areas: dict | None = None, progress: ProgressFn | None = None,
            cancelled: CancelledFn | None = None) -> HotspotAnalysis:
    """Hotspots of the offences in ``frame`` (columns of
    :func:`workbench.store.offences.load_frame`, with ``committed_from``/``committed_to``
    for learned settings) within the study area ``clip``; ``areas`` (name -> polygon,
    the boroughs of the study area) for the whole-borough warning."""
    control = JobControl(progress, cancelled)
    if frame.empty:
        raise BadInput("no offences match the filter")
    data = located(frame)
    if data.empty:
        raise BadInput("no offences with coordinates match the filter")
    x = data["easting"].to_numpy(float)
    y = data["northing"].to_numpy(float)
    found = hotspot_cells(x, y, event_days(data), method=method, clip=clip, cell=cell, bandwidth=bandwidth,
                          kernel=kernel, coverage=coverage, confidence=confidence, min_area_m2=min_area_m2,
                          objective=objective, control=control.sub(0.0, 0.7))
    control.report(0.7, "drawing hotspot areas")
    result, selected = found.surface, found.selected
    polygons = dissolve_cells(result.grid, selected, result.score)
    in_hot = result.grid.sample(selected, x, y, outside=False).astype(bool)
    keep = [c for c in POINT_COLUMNS if c in data]
    points = gpd.GeoDataFrame(data[keep].reset_index(drop=True).assign(in_hotspot=in_hot),
                              geometry=gpd.points_from_xy(x, y), crs="EPSG:27700")
    control.report(0.8, "counting by area and finding repeat locations")
    counts = counts_by_area(data, in_hot)
    repeats = repeat_locations(data)
    warnings = found.warnings + shape_warnings(in_hot, polygons, areas)
    control.report(1.0, "done")
    return HotspotAnalysis(method=found.method, surface=result, selected=selected, polygons=polygons,
                           points=points, counts=counts, repeats=repeats, coverage=coverage,
                           settings=found.settings, shape=found.shape, warnings=warnings)
