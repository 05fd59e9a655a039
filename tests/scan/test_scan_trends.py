"""Emerging trends: planted surges are detected, flat and seasonal series are not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.scan.trends import ALL_AREAS, benjamini_hochberg, detect_unit, emerging_trends, exceedance_p


def frame_of(rows):
    f = pd.DataFrame(rows)
    f["committed_from"] = pd.to_datetime(f["committed_from"])
    f["id"] = np.arange(1, len(f) + 1)
    return f


def result(report, category, area=ALL_AREAS):
    return next(r for r in report.results if r.category == category and r.area == area)


def test_exceedance_flat_is_not_significant_and_tripling_is():
    baseline = np.array([[10, 9, 11, 10, 12, 8, 10, 10]] * 2)
    expected, phi, p = exceedance_p(np.array([11, 30]), baseline)
    assert expected[0] == 10.0
    assert phi[0] == 1.0                       # less spread than Poisson: no extra dispersion
    assert p[0] > 0.3
    assert p[1] < 1e-5


def test_overdispersed_baseline_needs_a_bigger_rise():
    steady = np.array([[10, 10, 10, 10, 10, 10, 10, 10]])
    erratic = np.array([[2, 18, 4, 16, 3, 17, 5, 15]])      # same mean, phi about 5
    _, phi_s, p_s = exceedance_p(np.array([20]), steady)
    _, phi_e, p_e = exceedance_p(np.array([20]), erratic)
    assert phi_s[0] == 1.0 and phi_e[0] > 4
    assert p_s[0] < 0.01 < p_e[0]


def test_benjamini_hochberg_known_values():
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5]))
    np.testing.assert_allclose(q, [0.04, 0.16 / 3, 0.16 / 3, 0.5], rtol=1e-12)


def test_planted_surge_is_detected_and_flat_series_is_not(series):
    days = 730
    surge = series("2024-01-01", days, lambda d: 9.0 if d >= days - 7 else 3.0, "burglary-residential", seed=1)
    flat = series("2024-01-01", days, 3.0, "shoplifting", seed=2)
    other = series("2024-01-01", days, 3.0, "burglary-residential", borough="Islington", seed=3)
    report = emerging_trends(frame_of(surge + flat + other))
    assert report.unit == "week" and report.periods == 1
    hit = result(report, "burglary-residential", "Camden")
    assert hit.emerging and hit.baseline == "seasonal" and hit.q_value < 0.001
    assert 15 <= hit.expected <= 27 and hit.observed >= 45
    assert len(hit.offence_ids) == hit.observed
    assert not result(report, "shoplifting", "Camden").emerging
    assert not result(report, "burglary-residential", "Islington").emerging
    assert {(r.category, r.area) for r in report.emerging} == {
        ("burglary-residential", "Camden"), ("burglary-residential", ALL_AREAS)}


def test_seasonal_peak_matching_last_year_is_not_an_alert(series):
    # Every summer (days 180-240 of the year) robbery triples; the recent week is the
    # first week of the third summer. Against the previous weeks it is a surge; against
    # the same weeks of previous summers it is normal.
    def rate(d):
        return 9.0 if 180 <= d % 365 < 240 else 3.0
    rows = series("2023-01-01", 365 * 2 + 187, rate, "robbery-personal", seed=4)
    report = emerging_trends(frame_of(rows))
    assert not result(report, "robbery-personal").emerging
    assert result(report, "robbery-personal").baseline == "seasonal"
    short = emerging_trends(frame_of([r for r in rows if r["committed_from"] >= pd.Timestamp("2025-04-01")]))
    assert short.results[0].baseline == "recent"
    assert result(short, "robbery-personal").emerging


def test_small_counts_are_not_alerts_even_when_doubled(series):
    rows = series("2024-01-01", 365, lambda d: 0.6 if d >= 358 else 0.15, "exposure", seed=5)
    report = emerging_trends(frame_of(rows), min_count=5)
    assert all(not r.emerging for r in report.results if r.observed < 5)


def test_month_precision_data_is_tested_by_month():
    rng = np.random.default_rng(6)
    rows = []
    for m in range(1, 13):
        n = rng.poisson(150 if m == 12 else 60)
        start = pd.Timestamp(f"2017-{m:02d}-01")
        end = start + pd.offsets.MonthEnd(0) + pd.Timedelta(hours=23, minutes=59)
        rows += [{"category": "burglary", "committed_from": start, "committed_to": end, "borough": "Camden"}] * n
    f = frame_of(rows)
    f["committed_to"] = pd.to_datetime(f["committed_to"])
    unit = detect_unit(f["committed_from"], f["committed_to"])
    assert unit == "month"
    report = emerging_trends(f, unit=unit)
    assert report.period_start == pd.Timestamp("2017-12-01") and report.period_end == pd.Timestamp("2018-01-01")
    hit = result(report, "burglary")
    assert hit.emerging and hit.baseline == "recent" and hit.baseline_periods == 8
    assert 45 < hit.expected < 75
