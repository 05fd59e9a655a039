"""Shared helpers for the linkage tests: small hand-made stores and linkage data.

The tests that use a store run on both engines, SQLite and PostgreSQL; the pure
computations (no store, no ``engine``) run once."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from workbench.ingest.offences_csv import import_offences
from workbench.linkage.dataset import from_canonical

COLUMNS = ["offence_ref", "category", "committed_from", "committed_to", "easting", "northing", "status",
           "offender_ids", "location_type", "mo_entry", "mo_search", "victim_sex", "victim_age"]


def rows_to_csv(rows: list[dict], path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    return engine_checked(request.param)


@pytest.fixture
def small_rows() -> list[dict]:
    """Six burglaries: B1-B3 one offender's tight series, B4 nearby by another,
    B5 far away, B6 unsolved next to B1."""
    base = dict(category="burglary-residential", status="solved", location_type="dwelling")
    return [
        dict(base, offence_ref="B1", committed_from="2025-03-01T18:00", committed_to="2025-03-01T20:00",
             easting=531000, northing=181000, offender_ids="O1", mo_entry="rear window;forced", mo_search="untidy"),
        dict(base, offence_ref="B2", committed_from="2025-03-03T18:30", committed_to="2025-03-03T19:30",
             easting=531300, northing=181400, offender_ids="O1", mo_entry="rear window;forced", mo_search="untidy"),
        dict(base, offence_ref="B3", committed_from="2025-03-06T19:00", committed_to="2025-03-06T21:00",
             easting=531200, northing=180800, offender_ids="O1", mo_entry="rear window", mo_search="untidy"),
        dict(base, offence_ref="B4", committed_from="2025-03-04T08:00", committed_to="2025-03-04T09:00",
             easting=531900, northing=181500, offender_ids="O2", mo_entry="front door", mo_search="tidy"),
        dict(base, offence_ref="B5", committed_from="2025-03-02T03:00", committed_to="2025-03-02T04:00",
             easting=560000, northing=200000, offender_ids="O3", mo_entry="front door", mo_search="tidy"),
        dict(base, offence_ref="B6", committed_from="2025-03-08T18:00", committed_to="2025-03-08T20:00",
             easting=531100, northing=181100, status="unsolved", mo_entry="rear window;forced", mo_search="untidy",
             victim_sex="F", victim_age="34"),
    ]


@pytest.fixture
def small_store(store, small_rows, tmp_path):
    path = tmp_path / "small.csv"
    rows_to_csv(small_rows, path)
    import_offences(store, [path])
    return store


@pytest.fixture
def small_data(small_rows):
    return from_canonical(pd.DataFrame(small_rows))
