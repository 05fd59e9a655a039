"""Selecting grid cells (the top N% of a surface) and turning cells into polygons.

Shared by KDE and Gi* results, hotspot evaluation and GeoPackage export.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import shapely
from scipy import ndimage

from workbench.errors import BadInput
from workbench.geo.grid import Grid

CRS = "EPSG:27700"


def top_share(score: np.ndarray, mask: np.ndarray, coverage: float, *, eligible: np.ndarray | None = None) -> np.ndarray:
    """The highest-scoring cells covering ``coverage`` (0..1) of the study area.

    ``mask`` marks the study-area cells; ``eligible`` (optional) restricts which cells
    may be chosen (e.g. only significant Gi* hot spots), so the result may cover less
    than ``coverage``. Cells with a score of zero or less, or NaN, are never chosen.
    Ties at the threshold are broken by position, so the cap is never exceeded.
    """
    if not 0 < coverage <= 1:
        raise BadInput("coverage must be a share of the area between 0 and 1 (e.g. 0.03)")
    cap = int(math.floor(coverage * int(mask.sum()) + 1e-9))
    ok = mask & np.isfinite(score) & (score > 0)
    if eligible is not None:
        ok &= eligible
    flat = np.where(ok, score, -np.inf).ravel()
    take = min(cap, int(ok.sum()))
    chosen = np.zeros(flat.shape, bool)
    if take > 0:
        chosen[np.argpartition(-flat, take - 1)[:take]] = True
    return chosen.reshape(score.shape)


def cells_frame(grid: Grid, values: dict[str, np.ndarray], select: np.ndarray) -> gpd.GeoDataFrame:
    """The selected cells as square polygons with their values (one row per cell)."""
    rows, cols = np.nonzero(select)
    data = {"row": rows, "col": cols}
    data.update({name: np.asarray(arr)[rows, cols] for name, arr in values.items()})
    return gpd.GeoDataFrame(data, geometry=grid.boxes(rows, cols), crs=CRS)


def dissolve_cells(grid: Grid, select: np.ndarray, score: np.ndarray | None = None) -> gpd.GeoDataFrame:
    """Selected cells merged into polygons (cells sharing an edge join; cells touching at
    a corner stay apart), largest first, with their area, cell count and the highest
    score inside each."""
    rows, cols = np.nonzero(select)
    if len(rows) == 0:
        return gpd.GeoDataFrame({"hotspot": [], "area_m2": [], "cells": [], "max_score": []},
                                geometry=[], crs=CRS)
    merged = shapely.coverage_union_all(grid.boxes(rows, cols))
    parts = list(getattr(merged, "geoms", [merged]))
    tree = shapely.STRtree(parts)
    centres_x = grid.x0 + (cols + 0.5) * grid.cell
    centres_y = grid.top - (rows + 0.5) * grid.cell
    owner = tree.query(shapely.points(centres_x, centres_y), predicate="within")
    part_of = np.full(len(rows), -1)
    part_of[owner[0]] = owner[1]
    n_parts = len(parts)
    cells = np.bincount(part_of[part_of >= 0], minlength=n_parts)
    best = np.full(n_parts, np.nan)
    if score is not None:
        vals = score[rows, cols]
        for_part = part_of >= 0
        best = np.full(n_parts, -np.inf)
        np.maximum.at(best, part_of[for_part], vals[for_part])
    order = np.argsort(-cells, kind="stable")
    return gpd.GeoDataFrame(
        {"hotspot": np.arange(1, n_parts + 1), "area_m2": [parts[i].area for i in order],
         "cells": cells[order], "max_score": best[order]},
        geometry=[parts[i] for i in order], crs=CRS)


def hotspot_shape(grid, selected: np.ndarray, min_area_m2: float = 0.0) -> tuple[np.ndarray, dict]:
    """The separate hotspot areas (cells sharing an edge join, as in the polygons) and their
    sizes; areas smaller than ``min_area_m2`` are dropped (so a patrol plan is a few
    areas, not thousands of single cells). Returns the kept cells and a summary:
    ``areas``, ``largest_m2``, ``median_m2``, ``smallest_m2``, ``single_cells``,
    ``dropped_areas``."""
    labels, n = ndimage.label(selected)          # edge neighbours, as the merged polygons join
    sizes = np.bincount(labels.ravel(), minlength=n + 1)[1:] * grid.cell_area
    keep = sizes >= min_area_m2 if min_area_m2 > 0 else np.ones(n, bool)
    kept = np.isin(labels, np.flatnonzero(keep) + 1) if not keep.all() else selected.copy()
    areas = np.sort(sizes[keep])[::-1]
    summary = {"areas": int(keep.sum()), "largest_m2": float(areas[0]) if len(areas) else 0.0,
               "median_m2": float(np.median(areas)) if len(areas) else 0.0,
               "smallest_m2": float(areas[-1]) if len(areas) else 0.0,
               "single_cells": int((areas <= grid.cell_area).sum()), "dropped_areas": int((~keep).sum()),
               "min_area_m2": float(min_area_m2)}
    return kept, summary
