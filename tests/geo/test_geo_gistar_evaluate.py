"""Gi* against esda.G_Local on a hand-made grid; PAI, hit rate and area share on a
hand-made case."""

import numpy as np
import pytest

from workbench.geo.accuracy import evaluate_cells
from workbench.geo.evaluate import evaluate
from workbench.geo.gistar import gi_star
from workbench.geo.grid import Grid

COUNTS = np.array([
    [0, 1, 0, 2, 0, 0, 1],
    [1, 3, 5, 4, 0, 0, 0],
    [0, 6, 9, 7, 1, 0, 0],
    [0, 2, 8, 5, 0, 1, 0],
    [1, 0, 1, 0, 0, 0, 2],
    [0, 0, 0, 1, 0, 0, 0],
], float)


def esda_z(counts: np.ndarray, grid: Grid, band: float, mask: np.ndarray) -> np.ndarray:
    from esda import G_Local
    from libpysal.weights import DistanceBand

    xs, ys = grid.centres()
    points = np.column_stack([xs[mask], ys[mask]])
    w = DistanceBand(points, threshold=band, binary=True, silence_warnings=True)
    g = G_Local(counts[mask], w, transform="B", star=True, permutations=0)
    return g.Zs


@pytest.mark.parametrize("band", [100.0, 150.0, 250.0])
def test_gi_star_z_scores_equal_esda(band):
    grid = Grid(0.0, 0.0, 100.0, *COUNTS.shape)
    result = gi_star(COUNTS, grid=grid, distance_band=band)
    mask = np.ones(COUNTS.shape, bool)
    np.testing.assert_allclose(result.z[mask], esda_z(COUNTS, grid, band, mask), atol=1e-9)


def test_gi_star_with_a_study_mask_equals_esda_on_the_study_cells():
    grid = Grid(0.0, 0.0, 100.0, *COUNTS.shape)
    mask = np.ones(COUNTS.shape, bool)
    mask[:, 6] = False
    mask[5, :2] = False
    result = gi_star(COUNTS, grid=grid, distance_band=150.0, mask=mask)
    np.testing.assert_allclose(result.z[mask], esda_z(COUNTS, grid, 150.0, mask), atol=1e-9)
    assert np.isnan(result.z[~mask]).all()
    assert result.neighbours[2, 2] == 9 and result.neighbours[0, 0] == 4


def test_gi_star_classes_and_fdr():
    grid = Grid(0.0, 0.0, 100.0, *COUNTS.shape)
    raw = gi_star(COUNTS, grid=grid, distance_band=150.0, fdr=False)
    levels = np.select([raw.p <= 0.01, raw.p <= 0.05, raw.p <= 0.10], [3, 2, 1], 0) * np.sign(raw.z)
    np.testing.assert_array_equal(raw.classes, levels)
    assert raw.classes[2, 2] == 3                             # the cluster's centre: 99% hot spot
    fdr = gi_star(COUNTS, grid=grid, distance_band=150.0)
    assert (fdr.p_fdr >= fdr.p - 1e-12).all()
    assert np.abs(fdr.classes).sum() <= np.abs(raw.classes).sum()
    # Gi* hotspots: the highest significant z-scores, capped by coverage.
    assert fdr.hotspot_mask(0.05, 0.95).sum() == 2
    assert fdr.hotspot_mask(0.05, 0.95)[2, 2]


def test_pai_hit_rate_and_area_share_on_a_hand_made_case():
    grid = Grid(0.0, 0.0, 10.0, 10, 10)                       # 100 cells of 10 m
    study = np.ones(grid.shape, bool)
    study[:, 9] = False                                       # 90 study cells
    hot = np.zeros(grid.shape, bool)
    hot[0, 0] = hot[0, 1] = hot[5, 5] = True                  # 3 hotspot cells
    # 10 test offences in the study area: 4 in hotspots; 2 more outside it (not counted).
    x = np.array([5, 15, 15, 55, 35, 45, 65, 75, 25, 85, 95, 500.0])
    y = np.array([95, 95, 95, 45, 5, 5, 5, 5, 55, 55, 55, 55.0])
    result = evaluate_cells(grid, hot, study, x, y, method="kde")
    assert (result.hits, result.test_offences) == (4, 10)
    assert result.hit_rate == pytest.approx(0.4)
    assert result.area_share == pytest.approx(3 / 90)
    assert result.pai == pytest.approx(0.4 / (3 / 90))        # 12
    assert result.hotspot_area_km2 == pytest.approx(3 * 100 / 1e6)
    assert result.as_json()["pai"] == pytest.approx(12.0)
    empty = evaluate_cells(grid, np.zeros(grid.shape, bool), study, x, y)
    assert empty.as_json()["pai"] is None and empty.hit_rate == 0


def test_evaluate_fits_on_training_and_scores_the_test_period():
    import pandas as pd
    import shapely

    rng = np.random.default_rng(5)
    area = shapely.box(0, 0, 2000, 2000)

    def period(n_cluster, n_spread):
        x = np.concatenate([rng.normal(500, 30, n_cluster), rng.uniform(0, 2000, n_spread)])
        y = np.concatenate([rng.normal(1500, 30, n_cluster), rng.uniform(0, 2000, n_spread)])
        return pd.DataFrame({"easting": x, "northing": y})

    train, test = period(300, 300), period(100, 100)
    kde_eval, fitted = evaluate(train, test, method="kde", clip=area, cell=20, bandwidth=100)
    assert fitted.settings.chosen_by == "given"
    assert kde_eval.area_share == pytest.approx(0.03)
    assert kde_eval.pai > 10                                   # half the test offences in 3% of the area
    gi_eval, _ = evaluate(train, test, method="gi", clip=area, cell=20, bandwidth=100)
    assert gi_eval.area_share <= 0.03 and gi_eval.pai > 10
