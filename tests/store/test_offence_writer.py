"""The offence writer puts a value shared by a whole chunk into the statement once (on
SQLite) or copies it into every row (PostgreSQL's COPY): text with quotes, tabs,
backslashes and line ends, numbers and missing values must land exactly as bound values do."""

import numpy as np
import pytest
from sqlpeek import sql

from workbench.store.offences import OffenceChunk, OffenceWriter, select_list

READ = ("source", "offence_ref", "category", "committed_to", "location_desc", "area_given", "status", "extra",
        "batch_id")

#: A NUL is kept by SQLite only: a PostgreSQL text value cannot hold one (the importers
#: drop NULs, see workbench.ingest.csvblocks).
AWKWARD = "O'Brien's\tyard \\N, \\. and a\nnew line"


def test_shared_values_land_exactly_like_bound_ones(store):
    where = AWKWARD + ("\x00b" if store.engine == "sqlite" else "")
    columns = {"source": "O'Brien's force", "offence_ref": ["A1", "A2"], "category": "burglary",
               "committed_from": ["2025-01-01T00:00:00", "2025-01-02T00:00:00"],
               "committed_to": "2025-01-03T00:00:00", "easting": np.array([530000.0, 531000.0]),
               "northing": np.array([180000.0, 181000.0]), "longitude": np.array([-0.1, -0.09]),
               "latitude": np.array([51.5, 51.51]), "location_desc": where, "area_given": np.int64(0),
               "status": "solved", "extra": None}
    with store.atomic():
        writer = OffenceWriter(store, None)
        assert writer.write(OffenceChunk(2, columns)) == 2
        assert writer.write(OffenceChunk(2, columns)) == 0       # a re-import adds nothing
    rows = sql(store, f"SELECT {select_list(READ)} FROM offences ORDER BY id").fetchall()
    assert rows == [("O'Brien's force", "A1", "burglary", "2025-01-03T00:00:00", where, 0, "solved", None, None),
                    ("O'Brien's force", "A2", "burglary", "2025-01-03T00:00:00", where, 0, "solved", None, None)]


def test_many_rows_land_in_order_through_multi_row_statements(store):
    """A chunk longer than one statement's rows (and not a multiple of them) lands whole
    and in order, each value with its own row."""
    n = 1234
    refs = [f"R{i:05d}" for i in range(n)]
    columns = {"source": "force", "offence_ref": refs, "category": ["burglary", "robbery"] * (n // 2),
               "committed_from": "2025-01-01T00:00:00", "committed_to": "2025-01-02T00:00:00",
               "easting": 530000.0 + np.arange(n), "northing": np.full(n, 180000.0),
               "longitude": np.full(n, -0.1), "latitude": np.full(n, 51.5), "area_given": np.int64(0),
               "location_desc": [None if i % 3 else f"{i} High St" for i in range(n)]}
    with store.atomic():
        assert OffenceWriter(store, None).write(OffenceChunk(n, columns)) == n
    rows = sql(store, "SELECT offence_ref, category, easting, location_desc FROM offences ORDER BY id").fetchall()
    assert rows == [(refs[i], columns["category"][i], 530000.0 + i, columns["location_desc"][i]) for i in range(n)]


def test_a_bulk_load_sets_the_index_build_settings_back(store):
    """A bulk load builds its indexes with a small cache and sorter threads (SQLite),
    then gives the connection back as it was, indexes all there."""
    if store.engine != "sqlite":
        pytest.skip("PostgreSQL's sort memory is SET LOCAL: it ends with the transaction")
    before = (store._value("PRAGMA cache_size"), store._value("PRAGMA threads"))
    indexes = sorted(name for name, _ in store._indexes("offences"))
    with store.atomic():
        writer = OffenceWriter(store, None)
        with writer.bulk_load():
            writer.write(_one("A1"))
    assert (store._value("PRAGMA cache_size"), store._value("PRAGMA threads")) == before
    assert sorted(name for name, _ in store._indexes("offences")) == indexes


def _one(ref: str) -> OffenceChunk:
    return OffenceChunk(1, {"source": "force", "offence_ref": [ref], "category": "burglary",
                            "committed_from": "2025-01-01T00:00:00", "committed_to": "2025-01-02T00:00:00",
                            "easting": np.array([530000.0]), "northing": np.array([180000.0]),
                            "longitude": np.array([-0.1]), "latitude": np.array([51.5]), "area_given": np.int64(0)})


def test_ids_the_store_gave_are_the_ones_the_writer_counted(store):
    """On SQLite the writer leaves the ids to the store and checks they are the ones it
    counted (its features and offender links use them): a row written by someone else
    in between is caught, never silently shifted."""
    if store.engine != "sqlite":
        pytest.skip("PostgreSQL gets every id written explicitly")
    with store.atomic():
        first, second = OffenceWriter(store, None), OffenceWriter(store, None)
        assert second.write(_one("B1")) == 1
        with pytest.raises(RuntimeError, match="numbered up to 2, not 1"):
            first.write(_one("B2"))
