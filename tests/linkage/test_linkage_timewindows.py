"""Known answers for expected differences over uncertain time windows."""

import numpy as np
import pytest

from workbench.linkage import timewindows as tw


def test_identical_unit_windows_expect_one_third():
    assert tw.expected_abs_diff(0.0, 1.0, 0.0, 1.0) == pytest.approx(1 / 3)


def test_disjoint_windows_expect_midpoint_difference():
    assert tw.expected_abs_diff(0.0, 2.0, 10.0, 12.0) == pytest.approx(10.0)


def test_point_inside_window():
    # x = 0.5 (a one-minute window) against U(0, 1): E|0.5 - Y| = 0.25
    eps = 1 / 1440
    assert tw.expected_abs_diff(0.5 - eps / 2, 0.5 + eps / 2, 0.0, 1.0) == pytest.approx(0.25, abs=1e-4)


def test_overlapping_windows_match_monte_carlo():
    rng = np.random.default_rng(3)
    a1, b1, a2, b2 = 0.0, 3.0, 2.0, 2.5
    sample = np.abs(rng.uniform(a1, b1, 400_000) - rng.uniform(a2, b2, 400_000)).mean()
    assert tw.expected_abs_diff(a1, b1, a2, b2) == pytest.approx(sample, abs=0.01)


def test_vectorised_over_many_pairs():
    out = tw.expected_abs_diff([0, 0], [1, 1], [0, 5], [1, 6])
    assert out.shape == (2,) and out[0] == pytest.approx(1 / 3) and out[1] == pytest.approx(5.0)


def test_hour_profile_splits_window_across_hours():
    # 18:30 to 19:30 -> half in hour 18, half in hour 19
    p = tw.hour_profile(np.array([18.5 / 24]), np.array([19.5 / 24]))[0]
    assert p[18] == pytest.approx(0.5) and p[19] == pytest.approx(0.5) and p.sum() == pytest.approx(1.0)


def test_time_of_day_difference_is_circular():
    # 23:00-23:01 and 01:00-01:01 are two hours apart, not 22
    h1 = tw.hour_profile(np.array([23 / 24]), np.array([23 / 24 + 1 / 1440]))
    h2 = tw.hour_profile(np.array([1 + 1 / 24]), np.array([1 + 1 / 24 + 1 / 1440]))
    diff = tw.expected_cyclic_diff(h1 @ tw.cyclic_distance_matrix(24), h2)
    assert diff[0] == pytest.approx(2.0)


def test_weekday_profile_starts_on_monday():
    # 1970-01-05 was a Monday: day 4 since the epoch
    p = tw.weekday_profile(np.array([4.2]), np.array([4.3]))[0]
    assert p[0] == pytest.approx(1.0)


def test_window_longer_than_a_week_covers_every_day():
    p = tw.weekday_profile(np.array([0.0]), np.array([70.0]))[0]
    assert np.allclose(p, 1 / 7)
