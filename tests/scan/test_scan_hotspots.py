"""New hotspots: a cluster that appears this period is reported, a lasting one is not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from workbench.scan.newhotspots import new_hotspots


def cluster(rng, n, x, y, start, days, category="burglary-residential", spread=60.0, ward="Ward A"):
    return pd.DataFrame({
        "category": category, "ward": ward, "borough": "Borough",
        "committed_from": pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D"),
        "easting": x + rng.normal(0, spread, n), "northing": y + rng.normal(0, spread, n)})


def test_only_the_cluster_that_appeared_is_new():
    rng = np.random.default_rng(3)
    area = shapely.box(520000, 170000, 530000, 180000)
    parts = [
        cluster(rng, 300, 522000, 172000, "2025-01-01", 28, ward="Old Ward"),    # both periods
        cluster(rng, 300, 522000, 172000, "2025-01-29", 28, ward="Old Ward"),
        cluster(rng, 150, 528000, 178000, "2025-01-29", 28, ward="New Ward"),    # this period only
        pd.DataFrame({"category": "burglary-residential", "ward": None, "borough": "Borough",
                      "committed_from": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 56, 400), unit="D"),
                      "easting": rng.uniform(520000, 530000, 400), "northing": rng.uniform(170000, 180000, 400)}),
    ]
    frame = pd.concat(parts, ignore_index=True)
    frame["id"] = np.arange(1, len(frame) + 1)
    found = new_hotspots(frame, pd.Timestamp("2025-01-29"), pd.Timestamp("2025-02-26"), clip=area)
    assert len(found) == 1
    spot = found[0]
    assert spot.category == "burglary-residential" and spot.place == "New Ward, Borough"
    assert spot.geometry.contains(shapely.Point(528000, 178000))
    planted = set(range(601, 751))
    assert len(planted & set(spot.offence_ids)) >= 100
    assert all(frame.loc[frame["id"].isin(spot.offence_ids), "committed_from"] >= "2025-01-29")


def test_too_few_offences_are_not_compared():
    rng = np.random.default_rng(4)
    frame = cluster(rng, 10, 522000, 172000, "2025-01-29", 28)
    frame["id"] = np.arange(1, 11)
    assert new_hotspots(frame, pd.Timestamp("2025-01-29"), pd.Timestamp("2025-02-26")) == []


def test_gi_star_finds_the_same_new_cluster():
    rng = np.random.default_rng(3)
    area = shapely.box(520000, 170000, 530000, 180000)
    frame = pd.concat([
        cluster(rng, 300, 522000, 172000, "2025-01-01", 28, ward="Old Ward"),
        cluster(rng, 300, 522000, 172000, "2025-01-29", 28, ward="Old Ward"),
        cluster(rng, 150, 528000, 178000, "2025-01-29", 28, ward="New Ward"),
    ], ignore_index=True)
    frame["id"] = np.arange(1, len(frame) + 1)
    found = new_hotspots(frame, pd.Timestamp("2025-01-29"), pd.Timestamp("2025-02-26"), clip=area, method="gi")
    assert [h.place for h in found] == ["New Ward, Borough"]
    assert found[0].geometry.contains(shapely.Point(528000, 178000))
