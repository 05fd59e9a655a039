"""How well hotspots from one period predict the next (Chainey, Tompson & Uhlig 2008).

Fit hotspots on a training period (e.g. three months), cap them at a share of the study
area (3%), then score the following period's offences with PAI, PEI and the recapture
rate index (:mod:`workbench.geo.accuracy`). KDE settings not given are learned inside
the training period only (:mod:`workbench.geo.tuning`), so the test period is never
seen before it is scored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.errors import BadInput
from workbench.geo.accuracy import Evaluation, evaluate_cells
from workbench.geo.defaults import CONFIDENCE, COVERAGE, HOTSPOT_METHOD, KERNEL
from workbench.geo.hotspots import HotspotCells, hotspot_cells, located
from workbench.geo.nearrepeat import event_days
from workbench.jobs import JobControl


def evaluate(train: pd.DataFrame, test: pd.DataFrame, *, method: str = HOTSPOT_METHOD, clip=None,
             cell: float | None = None, bandwidth: float | None = None, kernel: str = KERNEL,
             coverage: float = COVERAGE, confidence: float = CONFIDENCE, min_area_m2: float = 0.0,
             objective: str = "pai", progress=None, cancelled=None) -> tuple[Evaluation, HotspotCells]:
    """Fit hotspots (KDE, prospective KDE or Gi*, capped at ``coverage`` of the study
    area ``clip``) on the ``train`` offences (``easting``, ``northing``, and
    ``committed_from`` for learned settings) and score them on the ``test`` offences.
    Returns the evaluation and the fitted :class:`HotspotCells`."""
    train = located(train)
    if train.empty:
        raise BadInput("no offences in the training period")
    x, y = train["easting"].to_numpy(float), train["northing"].to_numpy(float)
    days = event_days(train) if "committed_from" in train else np.zeros(len(train))
    fitted = hotspot_cells(x, y, days, method=method, clip=clip, cell=cell, bandwidth=bandwidth, kernel=kernel,
                           coverage=coverage, confidence=confidence, min_area_m2=min_area_m2,
                           objective=objective, control=JobControl(progress, cancelled))
    score = evaluate_cells(fitted.surface.grid, fitted.selected, fitted.surface.mask,
                           test["easting"].to_numpy(float), test["northing"].to_numpy(float),
                           train_easting=x, train_northing=y, method=fitted.method)
    return score, fitted
