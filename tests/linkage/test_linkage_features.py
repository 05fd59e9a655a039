"""Known answers for pairwise features on hand-made offences."""

import numpy as np
import pandas as pd
import pytest

from workbench.linkage.features import feature_columns, jaccard, pair_features


def pos(data, ref):
    return int(np.flatnonzero(data.refs == ref)[0])


def test_distance_and_time(small_data):
    f = pair_features(small_data, [pos(small_data, "B1")], [pos(small_data, "B2")]).iloc[0]
    assert f["distance_m"] == pytest.approx(500.0)          # 300 m east, 400 m north
    # B1 18:00-20:00 on 1 March, B2 18:30-19:30 on 3 March: midpoints 2 days apart
    assert f["days_apart"] == pytest.approx(2.0, abs=1e-4)
    assert f["hours_apart"] < 1.0
    assert f["weekdays_apart"] == pytest.approx(2.0, abs=1e-6)


def test_mo_jaccard_per_domain(small_data):
    b1, b3, b4 = (pos(small_data, r) for r in ("B1", "B3", "B4"))
    f = pair_features(small_data, [b1, b1], [b3, b4])
    assert f["mo_entry"].tolist() == pytest.approx([0.5, 0.0])   # {rear window, forced} vs {rear window}
    assert f["mo_search"].tolist() == pytest.approx([1.0, 0.0])  # single values: match / mismatch


def test_missing_values_are_nan_not_zero(small_data):
    b1, b6 = pos(small_data, "B1"), pos(small_data, "B6")
    f = pair_features(small_data, [b1], [b6]).iloc[0]
    assert np.isnan(f["victim_sex"]) and np.isnan(f["victim_age"])   # only B6 records a victim


def test_victim_attributes_match_and_difference():
    from workbench.linkage.dataset import from_canonical

    rows = pd.DataFrame([
        dict(offence_ref="S1", category="rape", committed_from="2025-01-01T22:00", easting=0, northing=0,
             victim_sex="F", victim_age="20", location_type="park"),
        dict(offence_ref="S2", category="sexual-assault", committed_from="2025-01-02T22:00", easting=0, northing=0,
             victim_sex="f", victim_age="27", location_type=""),
    ])
    data = from_canonical(rows)
    f = pair_features(data, [0], [1]).iloc[0]
    assert f["victim_sex"] == 1.0 and f["victim_age"] == pytest.approx(7.0)
    assert f["same_category"] == 0.0 and np.isnan(f["same_location_type"])


def test_jaccard_of_empty_sets_is_nan():
    masks = np.array([[0b101], [0b100], [0]], dtype=np.uint64)
    out = jaccard(masks, np.array([0, 0]), np.array([1, 2]))
    assert out[0] == pytest.approx(0.5) and np.isnan(out[1])


def test_columns_follow_the_data(small_data):
    cols = feature_columns(small_data)
    assert cols[:4] == ["distance_m", "days_apart", "hours_apart", "weekdays_apart"]
    assert {"mo_entry", "mo_search", "victim_sex", "victim_age", "same_category"} <= set(cols)
    assert list(pair_features(small_data, [0], [1]).columns) == cols


def test_domains_with_more_than_64_behaviours():
    from workbench.linkage.dataset import from_canonical

    many = [f"b{k}" for k in range(70)]
    rows = pd.DataFrame([
        dict(offence_ref="X1", category="other", committed_from="2025-01-01", easting=0, northing=0,
             mo_tools=";".join(many[:68]), mo_entry="door"),
        dict(offence_ref="X2", category="other", committed_from="2025-01-02", easting=0, northing=0,
             mo_tools=";".join(many[34:]), mo_entry="door;window"),
    ])
    data = from_canonical(rows)
    assert data.mo["tools"].shape[1] == 2
    f = pair_features(data, [0], [1]).iloc[0]
    assert f["mo_tools"] == pytest.approx(34 / 70) and f["mo_entry"] == pytest.approx(0.5)
