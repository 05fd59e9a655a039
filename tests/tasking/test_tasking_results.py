"""Results analysis: known-answer WDQ on a hand-made before/after case."""

from datetime import date

import pandas as pd
import pytest
import shapely

from workbench.tasking.results import analyse, chart, displacement


def test_displacement_known_answer():
    d = displacement(rb=100, ra=60, bb=50, ba=55, cb=1000, ca=1000)
    assert d.success_measure == pytest.approx(-0.04)
    assert d.buffer_measure == pytest.approx(0.005)
    assert d.wdq == pytest.approx(-0.125)
    assert d.total_net_effect == pytest.approx(35.0)
    assert "some displacement" in d.interpretation


def test_no_reduction_means_no_wdq():
    d = displacement(10, 12, 5, 5, 100, 100)
    assert d.wdq is None and "did not fall" in d.interpretation
    assert displacement(1, 1, 1, 1, 0, 5).success_measure is None


def _points(x, y, day, n):
    return [{"easting": x, "northing": y, "committed_from": pd.Timestamp(day)}] * n


def test_analyse_counts_each_zone_and_period(tmp_path):
    target = shapely.box(0, 0, 1000, 1000)
    comparison = shapely.box(-5000, -5000, 6000, 6000)
    start = date(2025, 3, 1)
    rows = (_points(500, 500, "2025-02-10", 20) + _points(500, 500, "2025-03-10", 8)        # target
            + _points(1200, 500, "2025-02-10", 10) + _points(1200, 500, "2025-03-10", 6)    # buffer (ring 500 m)
            + _points(4000, 4000, "2025-02-10", 100) + _points(4000, 4000, "2025-03-10", 100)  # control
            + _points(500, 500, "2024-10-01", 50))                                          # outside the periods
    result = analyse(pd.DataFrame(rows), target, start, weeks=8, comparison=comparison)
    m = result.measures
    assert (m.target_before, m.target_after, m.buffer_before, m.buffer_after,
            m.control_before, m.control_after) == (20, 8, 10, 6, 100, 100)
    # SM = 0.08 - 0.20 = -0.12; BDM = 0.06 - 0.10 = -0.04; WDQ = 0.333
    assert m.wdq == pytest.approx(1 / 3)
    assert m.total_net_effect == pytest.approx(16.0)
    assert "diffusion of benefits" in m.interpretation
    assert result.before == ("2025-01-04", "2025-03-01") and result.after == ("2025-03-01", "2025-04-26")
    png = chart(result, tmp_path / "r.png")
    assert png.stat().st_size > 5000
