"""Knox near-repeat table: against pointpats on one band, against a brute-force count of
every pair on several bands, exact band labels, and the risk window."""

import numpy as np
import pytest

from workbench.geo.nearrepeat import KnoxResult, distance_labels, knox, risk_window, risk_zones, time_labels


def seeded_events(n=300, planted=4, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3000, n)
    y = rng.integers(0, 3000, n)
    t = rng.integers(0, 365, n)
    source = rng.choice(n, planted, replace=False)
    x[:planted] = x[source] + rng.integers(1, 40, planted)     # a few near repeats, never the same point
    y[:planted] = y[source]
    t[:planted] = t[source] + rng.integers(0, 5, planted)
    return x, y, t


def test_single_band_matches_pointpats_knox():
    from pointpats.spacetime import Knox

    x, y, t = seeded_events()
    np.random.seed(3)
    ref = Knox(np.column_stack([x, y]).astype(float), t.reshape(-1, 1).astype(float), delta=100, tau=7,
               permutations=999)
    ours = knox(x, y, t, distance_band=100, distance_bands=1, time_band=7, time_bands=1, permutations=999, seed=3)
    # pointpats' close pairs (<= 100 m, <= 7 days) are our "same location" plus "0 to 100 m" rows.
    assert ours.observed[0].sum() == 0
    assert ours.observed[0, 0] + ours.observed[1, 0] == ref.nst == 12
    assert ours.p_value[1, 0] == pytest.approx(ref.p_sim, abs=0.03)
    assert ours.p_value[1, 0] < 0.05
    assert ours.expected[1, 0] == pytest.approx(ref.expected[0, 0], rel=0.1)


def brute_force_table(x, y, t, dband, dbands, tband, tbands, metric):
    table = np.zeros((dbands + 2, tbands + 1), int)
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            dx, dy = abs(x[i] - x[j]), abs(y[i] - y[j])
            d = dx + dy if metric == "manhattan" else np.hypot(dx, dy)
            row = 0 if d == 0 else min(int(np.ceil(d / dband)), dbands + 1)
            gap = abs(t[i] - t[j])
            col = min(max(int(np.ceil(gap / tband)), 1), tbands + 1) - 1
            table[row, col] += 1
    return table


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_every_pair_lands_in_the_cell_its_labels_describe(metric):
    rng = np.random.default_rng(11)
    x = rng.integers(0, 600, 80).astype(float)
    y = rng.integers(0, 600, 80).astype(float)
    t = rng.integers(0, 60, 80).astype(float)
    x[10:15], y[10:15] = x[0], y[0]                            # same location
    x[20], y[20], t[20] = x[1] + 100, y[1], t[1] + 14          # exactly on band edges
    result = knox(x, y, t, distance_band=100, distance_bands=3, time_band=7, time_bands=4, permutations=19,
                  seed=1, metric=metric)
    expected = brute_force_table(x, y, t, 100, 3, 7, 4, metric)
    np.testing.assert_array_equal(result.observed, expected)
    assert result.observed.sum() == 80 * 79 // 2
    assert result.expected.sum() == pytest.approx(80 * 79 // 2)
    assert result.observed.shape == (len(result.distance_bands), len(result.time_bands))


def test_permutations_are_reproducible_and_independent_of_threads():
    x, y, t = seeded_events(n=200)
    a = knox(x, y, t, distance_band=200, distance_bands=2, time_band=7, time_bands=2, permutations=99, seed=5,
             workers=1)
    b = knox(x, y, t, distance_band=200, distance_bands=2, time_band=7, time_bands=2, permutations=99, seed=5,
             workers=3)
    np.testing.assert_array_equal(a.expected, b.expected)
    np.testing.assert_array_equal(a.p_value, b.p_value)


def test_band_labels_state_their_intervals_exactly():
    assert distance_labels(100, 3) == [
        "same location (0 m)", "more than 0 m, up to 100 m", "more than 100 m, up to 200 m",
        "more than 200 m, up to 300 m", "more than 300 m"]
    assert time_labels(7, 3) == [
        "0 to 7 days (same day included)", "more than 7, up to 14 days", "more than 14, up to 21 days",
        "more than 21 days"]
    assert time_labels(1, 1) == ["0 to 1 day (same day included)", "more than 1 day"]
    assert distance_labels(1500, 1)[-1] == "more than 1,500 m"


def table(p_value, ratio, observed=None):
    p = np.asarray(p_value, float)
    rows, cols = p.shape
    return KnoxResult(
        observed=np.full(p.shape, 50) if observed is None else np.asarray(observed), expected=np.ones(p.shape), knox_ratio=np.asarray(ratio, float),
        p_value=p, distance_bands=distance_labels(100, rows - 2), time_bands=time_labels(7, cols - 1),
        distance_edges=np.concatenate([[0.0], np.arange(1, rows - 1) * 100.0, [np.inf]]),
        time_edges=np.append(np.arange(1, cols) * 7.0, np.inf), distance_band=100.0, time_band=7.0,
        metric="euclidean", n_events=100, permutations=999, seed=1)


def test_risk_window_is_the_contiguous_elevated_area_from_the_first_band():
    # rows: same location, 0-100, 100-200, 200-300, 300-400, >400; columns: 0-7, 7-14, 14-21, >21
    p = np.full((6, 4), 0.5)
    ratio = np.ones((6, 4))
    p[0, 0], ratio[0, 0] = 0.001, 3.0
    p[1, 0], ratio[1, 0] = 0.01, 1.8
    p[1, 1], ratio[1, 1] = 0.02, 1.3
    p[4, 2], ratio[4, 2] = 0.03, 1.2                            # a chance cell far out
    p[5, 3], ratio[5, 3] = 0.001, 1.1                           # "more than" bands never count
    window = risk_window(table(p, ratio))
    assert (window.radius, window.days) == (100.0, 14.0)
    assert window.knox_ratio == 3.0
    assert ("more than 300 m, up to 400 m", "more than 14, up to 21 days") not in window.cells
    assert len(window.cells) == 3
    assert window.summary() == "Repeat risk raised within 100 m for 14 days (up to 3.0 times the expected rate)"
    # No elevated cell in the first time band near the offence: no window.
    p2 = np.full((6, 4), 0.5)
    p2[3, 1] = 0.01
    assert risk_window(table(p2, np.full((6, 4), 2.0))) is None
    # Below-expectation cells are never a risk.
    assert risk_window(table(np.full((6, 4), 0.01), np.full((6, 4), 0.8))) is None


def test_cells_with_fewer_than_five_observed_pairs_are_never_quoted():
    # The case: "up to 22.1 times the expected rate" from a cell with 1 pair.
    p = np.full((6, 4), 0.5)
    ratio = np.ones((6, 4))
    observed = np.full((6, 4), 40)
    p[0, 0], ratio[0, 0], observed[0, 0] = 0.01, 22.1, 1          # 1 pair: too few
    p[1, 0], ratio[1, 0], observed[1, 0] = 0.01, 1.6, 12
    result = table(p, ratio, observed)
    window = risk_window(result)
    assert window.knox_ratio == 1.6 and (window.radius, window.days) == (100.0, 7.0)
    assert "22.1" not in window.summary()
    assert not result.reliable()[0, 0] and result.reliable()[1, 0]
    assert result.as_json()["min_observed"] == 5 and result.as_json()["reliable"][0][0] is False
    # Only the 1-pair cell elevated: no window at all; a lower minimum quotes it.
    p[1, 0] = 0.5
    assert risk_window(table(p, ratio, observed)) is None
    assert risk_window(table(p, ratio, observed), min_observed=1).knox_ratio == 22.1
    assert risk_zones(table(p, ratio, observed), [0.0], [0.0], ["2025-03-01"]).empty


def test_risk_zones_around_new_offences():
    p = np.full((4, 3), 0.5)
    p[1, 0] = 0.01
    zones = risk_zones(table(p, np.full((4, 3), 2.0)), [1000.0, 5000.0], [2000.0, 2000.0],
                       ["2025-03-01", "2025-03-10"], ids=[11, 12])
    assert list(zones["offence"]) == [11, 12]
    assert zones.geometry.iloc[0].area == pytest.approx(np.pi * 100 ** 2, rel=0.01)
    assert str(zones["end"].iloc[0].date()) == "2025-03-08"
    assert risk_zones(table(np.full((4, 3), 0.5), np.ones((4, 3))), [0.0], [0.0], ["2025-03-01"]).empty
