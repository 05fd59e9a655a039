"""How well hotspot cells capture offences: PAI, PEI and the recapture rate index.

Chainey, Tompson & Uhlig (2008); Hunt (2016); Levine (2008). For hotspot cells fitted on
one period and the offences of a later (test) period, all counted inside the study area:

* hit rate ``n / N``: share of test-period offences inside hotspots;
* area share ``a / A``: share of the study area the hotspots cover;
* PAI (Predictive Accuracy Index) = hit rate / area share; 1 is no better than chance;
* PEI (Predictive Efficiency Index) = hits / the most hits any set of as many cells could
  have had (the cells with the most test-period offences): 1 is perfect at that area,
  so PEI compares methods whose hotspots cover different areas fairly;
* RRI (Recapture Rate Index) = (test hits / training offences in the hotspots) /
  (test offences / training offences): above 1, the hotspots recapture more of the next
  period's offences than their share of the last period's, i.e. they hold.

Areas are counted in grid cells (a cell belongs to the study area when its centre does),
so hit rate and area share are measured on the same footing.

Example
-------
>>> import numpy as np
>>> from workbench.geo.grid import Grid
>>> grid = Grid(0.0, 0.0, 10.0, 2, 2)
>>> hot = np.array([[True, False], [False, False]])
>>> score = evaluate_cells(grid, hot, np.ones((2, 2), bool), [5, 5, 15], [15, 15, 5])
>>> score.pai, round(score.pei, 3)
(2.6666666666666665, 1.0)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from workbench.geo.grid import Grid


@dataclass
class Evaluation:
    """Predictive accuracy of a set of hotspot cells.

    Attributes
    ----------
    pai, hit_rate, area_share, pei : float
        NaN when undefined (no hotspot area, no test offences).
    rri : float
        Recapture rate index; NaN without training offences in the hotspots.
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
    pei: float = float("nan")
    rri: float = float("nan")
    method: str = ""

    def as_json(self) -> dict:
        out = asdict(self)
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


def _in_study(grid: Grid, study: np.ndarray, hotspots: np.ndarray, easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """Per point: inside the study area, and inside a hotspot (and the study area)."""
    row, col = grid.index(easting, northing)
    on_grid = row >= 0
    in_study = np.zeros(len(row), bool)
    hit = np.zeros(len(row), bool)
    in_study[on_grid] = study[row[on_grid], col[on_grid]]
    hit[on_grid] = hotspots[row[on_grid], col[on_grid]]
    return in_study, hit & in_study


def evaluate_cells(grid: Grid, hotspots: np.ndarray, study: np.ndarray, easting, northing,
                   *, train_easting=None, train_northing=None, method: str = "") -> Evaluation:
    """Score hotspot cells (``hotspots``, a boolean grid within ``study``) against the
    test-period offences at (easting, northing); offences outside the study area are
    not counted. With the training offences given, the recapture rate index too."""
    in_study, hit = _in_study(grid, study, hotspots, easting, northing)
    n_test = int(in_study.sum())
    study_cells = int(study.sum())
    hot_cells = int((hotspots & study).sum())
    hits = int(hit.sum())
    hit_rate = hits / n_test if n_test else float("nan")
    area_share = hot_cells / study_cells if study_cells else float("nan")
    pai = hit_rate / area_share if area_share and np.isfinite(hit_rate) else float("nan")
    counts = grid.count(np.asarray(easting, float)[in_study], np.asarray(northing, float)[in_study])
    best = float(np.sort(counts[study])[::-1][:hot_cells].sum()) if hot_cells else 0.0
    pei = hits / best if best > 0 else float("nan")
    rri = float("nan")
    if train_easting is not None and n_test:
        train_in, train_hit = _in_study(grid, study, hotspots, train_easting, train_northing)
        if train_hit.sum() and train_in.sum():
            rri = (hits / train_hit.sum()) / (n_test / train_in.sum())
    km2 = grid.cell_area / 1e6
    return Evaluation(pai=float(pai), hit_rate=float(hit_rate), area_share=float(area_share),
                      hits=hits, test_offences=n_test, hotspot_area_km2=hot_cells * km2,
                      study_area_km2=study_cells * km2, pei=float(pei), rri=float(rri), method=method)
