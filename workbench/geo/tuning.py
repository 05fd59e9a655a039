"""Hotspot settings learned from the analyst's own offences by temporal cross-validation.

A fixed rule of thumb (ArcGIS Pro's Silverman bandwidth) smooths London burglary over
~700 m and loses half the predictive accuracy (see the user guide, "Hotspots"). Instead,
the cell size, bandwidth and method are chosen the way they will be used: to predict the
*next* period from the *last* one, inside the training period only.

* **Folds**: the training offences are cut in time into three consecutive blocks of
  equal numbers of offences (or, when they carry only a few distinct dates, as
  police.uk months do, one block per date). Each
  fold fits on the blocks before one block and scores that block; two folds for three
  blocks. No test-period offence is ever seen.
* **Candidates**: cell sizes of 25, 50, 100 and 200 m (the finest three that keep the
  grid under :data:`MAX_GRID_CELLS`), each with bandwidths of 50-400 m wider than the
  cell, half a cell (no smoothing: offences per cell, as police.uk snap points call
  for) and the rule-of-thumb bandwidth; methods plain KDE and prospective KDE
  (:func:`workbench.geo.prospective.age_weights`).
* **Objective**: the mean PAI of the densest ``coverage`` of the study area (less any
  hotspot areas under the minimum area) over the folds (``objective="pai"``), the mean
  PEI (``"pei"``) or the mean hit rate (``"hit_rate"``: the most offences caught within
  the area cap, whatever area is used; PAI rewards hotspots that shrink, which a minimum
  area makes them do). Ties go to the earlier candidate: plain before prospective,
  finer cells first.

Given values are kept: a cell size or bandwidth given by the analyst is not searched, and
with both given and one method there is nothing to learn (``chosen_by = "given"``).
With fewer than two time blocks holding :data:`MIN_FIT` / :data:`MIN_SCORE` offences
the rule of thumb is used (``chosen_by = "rule of thumb"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import BadInput
from workbench.geo.accuracy import evaluate_cells
from workbench.geo.cells import hotspot_shape
from workbench.geo.defaults import COVERAGE, KERNEL
from workbench.geo.grid import Grid, auto_bandwidth, auto_cell, study_grid
from workbench.geo.kde import KdeResult, kde
from workbench.geo.prospective import age_weights
from workbench.jobs import CancelledFn, JobControl, ProgressFn

CELLS = (25.0, 50.0, 100.0, 200.0)
BANDWIDTHS = (50.0, 100.0, 150.0, 200.0, 300.0, 400.0)
MAX_GRID_CELLS = 6_000_000
MAX_CELL_SIZES = 3
BLOCKS = 3
MIN_FIT = 30
MIN_SCORE = 20
KDE_METHODS = ("kde", "prospective")
OBJECTIVES = ("pai", "pei", "hit_rate")


@dataclass
class Settings:
    """The settings a KDE hotspot analysis uses, and how they were chosen.

    Attributes
    ----------
    method : ``"kde"`` or ``"prospective"``
    cell, bandwidth : float
        Metres.
    chosen_by : str
        ``"cross-validation"``, ``"given"`` or ``"rule of thumb"``.
    objective : str
        ``"pai"`` or ``"pei"`` (what cross-validation maximised).
    folds : int
        Folds scored (0 without cross-validation).
    scores : DataFrame
        One row per candidate: ``method``, ``cell``, ``bandwidth``, ``pai``, ``pei``
        (means over the folds), best first.
    note : str
        Why cross-validation was not used, if it was not.
    """

    method: str
    cell: float
    bandwidth: float
    chosen_by: str
    objective: str = "pai"
    folds: int = 0
    scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    note: str = ""

    def as_json(self) -> dict:
        return {"method": self.method, "cell_m": self.cell, "bandwidth_m": self.bandwidth,
                "chosen_by": self.chosen_by, "objective": self.objective, "folds": self.folds}

    def describe(self) -> str:
        how = {"cross-validation": f"learned by temporal cross-validation: best mean {self.objective.upper()} "
                                   f"over {self.folds} fold{'s' if self.folds != 1 else ''}",
               "given": "as given", "rule of thumb": f"rule of thumb: {self.note}" if self.note else "rule of thumb"}
        name = "prospective KDE" if self.method == "prospective" else "KDE"
        return f"{name}, {self.cell:g} m cells, {self.bandwidth:g} m bandwidth ({how[self.chosen_by]})"


def time_blocks(days: np.ndarray, blocks: int = BLOCKS) -> np.ndarray:
    """Block number (0..) of each offence: consecutive periods holding equal numbers of
    offences (so a gap in the data leaves no block empty), or one block per distinct
    date when there are no more dates than blocks (police.uk months)."""
    days = np.asarray(days, float)
    distinct = np.unique(days[np.isfinite(days)])
    if len(distinct) <= blocks:
        return np.searchsorted(distinct, days)
    edges = np.quantile(days, np.arange(1, blocks) / blocks)
    return np.searchsorted(edges, days, side="right")


def folds(days: np.ndarray, blocks: int = BLOCKS) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """``(fit, score, at)`` per fold: fit on earlier blocks, score the next one; ``at``
    (days) is when the scored block starts (the prospective weights' "now")."""
    days = np.asarray(days, float)
    block = time_blocks(days, blocks)
    out = []
    for k in range(1, int(block.max(initial=0)) + 1):
        fit, score = block < k, block == k
        if fit.sum() >= MIN_FIT and score.sum() >= MIN_SCORE:
            out.append((fit, score, float(days[score].min())))
    return out


def cell_sizes(bounds: tuple[float, float, float, float]) -> list[float]:
    """The finest :data:`MAX_CELL_SIZES` of :data:`CELLS` whose grid over ``bounds``
    stays under :data:`MAX_GRID_CELLS` cells."""
    minx, miny, maxx, maxy = bounds
    fits = [c for c in CELLS if ((maxx - minx) / c + 1) * ((maxy - miny) / c + 1) <= MAX_GRID_CELLS]
    return fits[:MAX_CELL_SIZES] or [max(CELLS[-1], auto_cell(bounds))]


def bandwidths(cell: float, rule: float) -> list[float]:
    """Candidate bandwidths for a cell size: half a cell, the fixed steps wider than the
    cell, and the rule of thumb."""
    out = [cell / 2] + [b for b in BANDWIDTHS if b > cell]
    if rule > cell and rule not in out:
        out.append(float(rule))
    return out


def _mean(values: list[float]) -> float:
    """The mean of the finite values (NaN when there are none)."""
    finite = [v for v in values if np.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


class _Grids:
    """One grid and study-area mask per cell size (the mask is the slow part)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, clip):
        self.x, self.y, self.clip = x, y, clip
        self._cache: dict[float, tuple[Grid, np.ndarray]] = {}

    def get(self, cell: float) -> tuple[Grid, np.ndarray]:
        if cell not in self._cache:
            grid = study_grid(self.x, self.y, cell=cell, clip=self.clip, pad=0.0 if self.clip is not None else 400.0)
            self._cache[cell] = (grid, grid.inside(self.clip))
        return self._cache[cell]


def fit(x, y, days, settings: Settings, *, clip=None, kernel: str = KERNEL, at: float | None = None,
        grid: Grid | None = None, mask: np.ndarray | None = None) -> KdeResult:
    """The KDE surface of the settings (prospective: weighted by age at ``at``, default
    the day after the last offence)."""
    weights = None
    if settings.method == "prospective":
        days = np.asarray(days, float)
        weights = age_weights(days, np.nanmax(days) + 1 if at is None else at)
    return kde(x, y, grid=grid, cell=None if grid is not None else settings.cell, bandwidth=settings.bandwidth,
               kernel=kernel, clip=clip, weights=weights, mask=mask,
               warn_blocky=settings.chosen_by != "cross-validation")


def learn(x, y, days, *, clip=None, coverage: float = COVERAGE, methods=KDE_METHODS, cell: float | None = None,
          bandwidth: float | None = None, kernel: str = KERNEL, objective: str = "pai",
          min_area_m2: float = 0.0, progress: ProgressFn | None = None,
          cancelled: CancelledFn | None = None) -> Settings:
    """Choose method, cell size and bandwidth for KDE hotspots of the offences at
    (``x``, ``y``) on ``days`` (see the module docstring). Hotspot areas smaller than
    ``min_area_m2`` are dropped before scoring, as they will be in use, so a minimum
    area steers the choice towards smoother surfaces."""

    if objective not in OBJECTIVES:
        raise BadInput(f"unknown objective {objective!r}; expected pai, pei or hit_rate")
    control = JobControl(progress, cancelled)
    x, y, days = (np.asarray(v, float) for v in (x, y, days))
    bounds = clip.bounds if clip is not None and not clip.is_empty else (x.min(), y.min(), x.max(), y.max())
    methods = tuple(methods)
    if cell is not None and bandwidth is not None and len(methods) == 1:
        return Settings(methods[0], float(cell), float(bandwidth), "given", objective)
    cells = [float(cell)] if cell is not None else cell_sizes(bounds)
    splits = folds(days)
    if not splits:
        fallback = cell or auto_cell(bounds)
        return Settings(methods[0], float(fallback), float(bandwidth or auto_bandwidth(x, y, cell=fallback)),
                        "rule of thumb", objective,
                        note="too few offences in too few periods to cross-validate")
    rule = auto_bandwidth(x, y)
    grids = _Grids(x, y, clip if clip is not None and not clip.is_empty else None)
    candidates = [(m, c, b) for c in cells for b in ([float(bandwidth)] if bandwidth else bandwidths(c, rule))
                  for m in methods]
    rows = []
    for n, (method, c, b) in enumerate(candidates):
        control.report(n / len(candidates), f"cross-validating settings: {n + 1} of {len(candidates)}")
        grid, mask = grids.get(c)
        pai, pei, hit = [], [], []
        for fit_rows, score_rows, at in splits:
            control.check()
            surface = fit(x[fit_rows], y[fit_rows], days[fit_rows], Settings(method, c, b, ""), kernel=kernel,
                          at=at, grid=grid, mask=mask)
            selected, _shape = hotspot_shape(grid, surface.hotspot_mask(coverage), min_area_m2)
            result = evaluate_cells(grid, selected, mask, x[score_rows], y[score_rows])
            pai.append(result.pai)
            pei.append(result.pei)
            hit.append(result.hit_rate)
        rows.append({"method": method, "cell": c, "bandwidth": b, "pai": _mean(pai), "pei": _mean(pei),
                     "hit_rate": _mean(hit)})
    control.report(1.0, "settings chosen")
    scores = pd.DataFrame(rows)
    ranked = scores.assign(order=np.arange(len(scores))).sort_values([objective, "order"], ascending=[False, True],
                                                                     na_position="last")
    best = ranked.iloc[0]
    return Settings(str(best["method"]), float(best["cell"]), float(best["bandwidth"]), "cross-validation",
                    objective, len(splits), ranked.drop(columns="order").reset_index(drop=True))
