"""Learned hotspot settings (temporal cross-validation), prospective weights, PEI and the
recapture rate index, and the operational shape of hotspots, on hand-made inputs."""

import numpy as np
import pytest
import shapely

from workbench.geo.accuracy import evaluate_cells
from workbench.geo.cells import hotspot_shape
from workbench.geo.grid import Grid
from workbench.geo.prospective import age_weights
from workbench.geo.tuning import folds, learn, time_blocks


def test_month_dated_offences_make_one_block_per_month_and_two_folds():
    days = np.repeat([15.0, 45.0, 75.0], 40)
    assert time_blocks(days).tolist() == [0] * 40 + [1] * 40 + [2] * 40
    splits = folds(days)
    assert len(splits) == 2
    (fit1, score1, at1), (fit2, score2, _at2) = splits
    assert fit1.sum() == 40 and score1.sum() == 40 and at1 == 45.0
    assert fit2.sum() == 80 and (score2 == (days == 75.0)).all()
    assert folds(np.full(100, 15.0)) == []                # one month: nothing to validate on


def _snap_points(rng, months=3, per_month=150):
    """Offences at 60 fixed snap points (as police.uk publishes them), every month."""
    points = rng.uniform(0, 3000, (60, 2))
    rows = []
    for month in range(months):
        pick = rng.integers(0, 60, per_month)
        for p in pick:
            rows.append((points[p, 0], points[p, 1], 15.0 + 30 * month))
    return np.array(rows)


def test_cross_validation_learns_no_smoothing_for_snap_points():
    rng = np.random.default_rng(2)
    data = _snap_points(rng)
    area = shapely.box(0, 0, 3000, 3000)
    settings = learn(data[:, 0], data[:, 1], data[:, 2], clip=area, coverage=0.03)
    assert settings.chosen_by == "cross-validation" and settings.folds == 2
    assert settings.bandwidth <= settings.cell / 2              # offences per cell: no smoothing
    assert settings.scores.iloc[0]["pai"] >= settings.scores["pai"].max() - 1e-9
    assert set(settings.scores["method"]) == {"kde", "prospective"}
    assert settings.as_json()["cell_m"] == settings.cell


def test_given_settings_are_kept_and_one_period_falls_back_to_the_rule():
    rng = np.random.default_rng(3)
    data = _snap_points(rng)
    given = learn(data[:, 0], data[:, 1], data[:, 2], methods=("kde",), cell=50, bandwidth=200)
    assert (given.cell, given.bandwidth, given.chosen_by) == (50, 200, "given")
    one = learn(data[:, 0], data[:, 1], np.full(len(data), 15.0))
    assert one.chosen_by == "rule of thumb" and "too few" in one.note


def test_prospective_weights_decay_by_weeks():
    assert age_weights([70.0, 63.0, 0.0, 80.0], at=70.0).tolist() == pytest.approx([1.0, 0.5, 1 / 11, 1.0])


def test_pei_and_recapture_rate_index_hand_made():
    grid = Grid(0.0, 0.0, 10.0, 3, 3)
    study = np.ones(grid.shape, bool)
    hot = np.zeros(grid.shape, bool)
    hot[0, 0] = True                                            # the north-west cell
    # Test: 2 offences in the hotspot, 3 in the centre cell (the best single cell), 1 elsewhere.
    tx = np.array([5, 5, 15, 15, 15, 25.0])
    ty = np.array([25, 25, 15, 15, 15, 5.0])
    # Training: 4 offences, 2 in the hotspot.
    rx, ry = np.array([5, 5, 25, 25.0]), np.array([25, 25, 5, 5.0])
    result = evaluate_cells(grid, hot, study, tx, ty, train_easting=rx, train_northing=ry)
    assert result.hit_rate == pytest.approx(2 / 6) and result.pai == pytest.approx((2 / 6) / (1 / 9))
    assert result.pei == pytest.approx(2 / 3)                   # 2 caught of the 3 one cell could catch
    assert result.rri == pytest.approx((2 / 2) / (6 / 4))


def test_hotspot_shape_counts_separate_areas_and_drops_small_ones():
    grid = Grid(0.0, 0.0, 10.0, 6, 6)                           # 100 m² cells
    selected = np.zeros(grid.shape, bool)
    selected[0, 0] = True                                       # a single cell
    selected[2:4, 2:4] = True                                   # 4 cells
    selected[4, 4] = True                                       # touches the block at a corner only: apart
    selected[5, 0] = selected[5, 1] = True                      # 2 cells
    kept, shape = hotspot_shape(grid, selected)
    assert (shape["areas"], shape["largest_m2"], shape["smallest_m2"], shape["single_cells"]) == (4, 400, 100, 2)
    kept, shape = hotspot_shape(grid, selected, min_area_m2=200)
    assert shape["areas"] == 2 and shape["dropped_areas"] == 2 and not kept[0, 0] and not kept[4, 4] and kept[5, 1]
