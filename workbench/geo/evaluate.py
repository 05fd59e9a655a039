"""How well hotspots from one period predict the next: PAI, hit rate and area share.

Chainey, Tompson & Uhlig (2008): fit hotspots on a training period (e.g. three months),
cap them at a share of the study area (3%), then count the following period's offences:

* hit rate ``n / N``: share of test-period offences (in the study area) inside hotspots;
* area share ``a / A``: share of the study area the hotspots cover;
* PAI (Predictive Accuracy Index) = hit rate / area share; 1 is no better than chance.

Areas are counted in grid cells (a cell belongs to the study area when its centre does),
so hit rate and area share are measured on the same footing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from workbench.errors import BadInput
from workbench.geo.defaults import CONFIDENCE, COVERAGE, HOTSPOT_METHOD, KERNEL
from workbench.geo.grid import Grid
from workbench.geo.hotspots import surface


@dataclass
class Evaluation:
    """Predictive accuracy of a set of hotspot cells.

    Attributes
    ----------
    pai, hit_rate, area_share : float
        PAI is NaN when the hotspots cover no area.
    hits, test_offences : int
        Test-period offences inside hotspots / inside the study area.
    hotspot_area_km2, study_area_km2 : float
    method : str
    """

    pai: float
    hit_rate: float
    area_share: float
    hits: int
    test_offences: int
    hotspot_area_km2: float
    study_area_km2: float
    method: str = ""

    def as_json(self) -> dict:
        out = asdict(self)
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


def evaluate_cells(grid: Grid, hotspots: np.ndarray, study: np.ndarray, easting, northing,
                   *, method: str = "") -> Evaluation:
    """Score hotspot cells (``hotspots``, a boolean grid within ``study``) against the
    test-period offences at (easting, northing); offences outside the study area are
    not counted."""
    row, col = grid.index(easting, northing)
    on_grid = row >= 0
    in_study = np.zeros(len(row), bool)
    hit = np.zeros(len(row), bool)
    in_study[on_grid] = study[row[on_grid], col[on_grid]]
    hit[on_grid] = hotspots[row[on_grid], col[on_grid]]
    hit &= in_study
    n_test = int(in_study.sum())
    study_cells = int(study.sum())
    hot_cells = int((hotspots & study).sum())
    hit_rate = hit.sum() / n_test if n_test else float("nan")
    area_share = hot_cells / study_cells if study_cells else float("nan")
    pai = hit_rate / area_share if area_share and np.isfinite(hit_rate) else float("nan")
    km2 = grid.cell_area / 1e6
    return Evaluation(pai=float(pai), hit_rate=float(hit_rate), area_share=float(area_share),
                      hits=int(hit.sum()), test_offences=n_test, hotspot_area_km2=hot_cells * km2,
                      study_area_km2=study_cells * km2, method=method)


def evaluate(train: pd.DataFrame, test: pd.DataFrame, *, method: str = HOTSPOT_METHOD, clip=None,
             cell: float | None = None, bandwidth: float | None = None, kernel: str = KERNEL,
             coverage: float = COVERAGE, confidence: float = CONFIDENCE) -> Evaluation:
    """Fit hotspots (KDE or Gi*, capped at ``coverage`` of the study area ``clip``) on the
    ``train`` offences and score them on the ``test`` offences."""
    if train.empty:
        raise BadInput("no offences in the training period")
    result = surface(train["easting"].to_numpy(float), train["northing"].to_numpy(float), method=method,
                     clip=clip, cell=cell, bandwidth=bandwidth, kernel=kernel)
    selected = (result.hotspot_mask(coverage) if method == "kde"
                else result.hotspot_mask(coverage, confidence))
    return evaluate_cells(result.grid, selected, result.mask, test["easting"].to_numpy(float),
                          test["northing"].to_numpy(float), method=method)
