"""Repeat locations: the same point to the metre, ranked, with the most common
description and the offences in date order."""

import numpy as np
import pandas as pd

from workbench.geo.repeats import repeat_locations


def test_repeat_locations_known_answer():
    frame = pd.DataFrame({
        "id": [1, 2, 3, 4, 5, 6, 7, 8],
        "easting": [100.2, 99.8, 100.0, 500.0, 500.4, 900.0, 100.0, np.nan],
        "northing": [200.0, 200.3, 199.9, 600.0, 600.0, 900.0, 200.0, np.nan],
        "location_desc": ["On or near A", "On or near A", None, "B Road", "B Rd", "C", "On or near Z", "X"],
        "category": ["burglary-residential", "robbery", "burglary-residential", "robbery", "robbery", "robbery",
                     None, "robbery"],
        "committed_from": pd.to_datetime(["2025-03-05", "2025-03-01", "2025-03-09", "2025-04-01", "2025-04-02",
                                          "2025-01-01", None, "2025-01-01"]),
        "borough": ["Camden", "Camden", "Camden", None, None, "Brent", "Camden", None],
    })
    out = repeat_locations(frame)
    assert list(out["rank"]) == [1, 2]
    first, second = out.iloc[0], out.iloc[1]
    assert (first["easting"], first["northing"], first["offences"]) == (100.0, 200.0, 4)
    assert first["location"] == "On or near A" and first["borough"] == "Camden"
    assert first["categories"] == "burglary-residential, robbery"
    assert first["offence_ids"] == [2, 1, 3, 7]                       # date order, undated last
    assert (first["first"], first["last"]) == (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-09"))
    assert second["offences"] == 2 and second["location"] == "B Rd"   # tie: the first alphabetically
    assert pd.isna(second["borough"]) and pd.isna(second["ward"])
    assert len(repeat_locations(frame, min_offences=3)) == 1
    assert repeat_locations(frame, min_offences=5).empty
    assert len(repeat_locations(frame, top=1)) == 1


def test_ties_rank_by_the_most_recent():
    frame = pd.DataFrame({"id": range(4), "easting": [0.0, 0.0, 50.0, 50.0], "northing": [0.0] * 4,
                          "committed_from": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-02-01", "2025-01-01"])})
    out = repeat_locations(frame)
    assert list(out["easting"]) == [50.0, 0.0]
    assert out["location"].isna().all() and (out["categories"] == "").all()
