"""A bulk load into a team store streams its chunks of offences as one COPY; the batch
stays all or nothing, and the store ends up exactly as a chunk-by-chunk load leaves it."""

import numpy as np
import pytest
from sqlpeek import indexes, sql

import workbench.ingest.offence_import as loop
from workbench.ingest.police_uk import import_police_uk
from workbench.jobs import Cancelled
from workbench.store import postgres
from workbench.store.offences import OffenceChunk, OffenceWriter, select_list


def chunk(k: int, *, n: int = 3, place: str = "High Street", extra: str | None = None) -> OffenceChunk:
    """``n`` offences B/k-0.. in one chunk, with the extra attributes ``extra``."""
    return OffenceChunk(n, {
        "source": "test", "offence_ref": [f"B/{k}-{i}" for i in range(n)], "category": "burglary",
        "committed_from": f"2025-01-{k + 1:02d}T00:00:00",
        "committed_to": f"2025-01-{k + 1:02d}T23:59:59", "easting": np.full(n, 531000.0 + k),
        "northing": np.full(n, 181000.0), "longitude": np.full(n, -0.1), "latitude": np.full(n, 51.5),
        "location_desc": place, "area_given": 0, "status": "unsolved",
        "extra": [extra or f'{{"k": {k}}}'] * n})


@pytest.fixture
def copies(monkeypatch):
    """The COPY statements a bulk load keeps open, as they are opened."""
    opened: list[str] = []

    class Counted(postgres._OpenCopy):
        def __init__(self, raw, statement):
            opened.append(statement)
            super().__init__(raw, statement)

    monkeypatch.setattr(postgres, "_OpenCopy", Counted)
    return opened


def load_five_chunks(store):
    """One bulk load of five chunks of three offences each."""
    with store.atomic():
        writer = OffenceWriter(store, None)
        with writer.bulk_load():
            for k in range(5):
                writer.write(chunk(k))


def test_a_bulk_load_streams_its_chunks_as_one_copy_and_keeps_their_extras(store, copies):
    load_five_chunks(store)
    assert len(copies) == (1 if store.engine == "postgresql" else 0)
    rows = sql(store, f"SELECT offence_ref, {select_list(['extra'])} FROM offences ORDER BY id").fetchall()
    assert rows == [(f"B/{k}-{i}", f'{{"k": {k}}}') for k in range(5) for i in range(3)]


def test_a_row_the_server_refuses_midway_through_the_copy_rolls_the_whole_load_back(store, copies):
    if store.engine != "postgresql":
        pytest.skip("only a PostgreSQL text value cannot hold a NUL (SQLite keeps it)")
    import psycopg

    before = indexes(store, "offences")
    with pytest.raises(psycopg.Error, match="0x00"), store.atomic():
        writer = OffenceWriter(store, None)
        with writer.bulk_load():
            for k in range(5):
                writer.write(chunk(k, place="a\x00b" if k == 2 else "High Street"))
    assert len(copies) == 1                      # the refused row came in the middle of one COPY
    assert sql(store, "SELECT count(*) FROM offences").fetchone()[0] == 0
    assert sql(store, "SELECT count(*) FROM offence_extras").fetchone()[0] == 0
    assert indexes(store, "offences") == before


def test_an_error_in_the_loop_abandons_the_open_copy(store):
    with pytest.raises(KeyError), store.atomic():
        writer = OffenceWriter(store, None)
        with writer.bulk_load():
            writer.write(chunk(0))
            writer.write(chunk(1))
            raise KeyError("cancelled")
    assert sql(store, "SELECT count(*) FROM offences").fetchone()[0] == 0
    with store.atomic():                         # the connection is in a good state
        assert OffenceWriter(store, None).write(chunk(0)) == 3


def test_extras_kept_back_are_written_when_there_are_many(store, copies, monkeypatch):
    from workbench.store import offences

    monkeypatch.setattr(offences, "PENDING_EXTRAS", 2)
    load_five_chunks(store)
    # Extras written after chunks 1 and 3 end the COPY each time; the next chunk opens one.
    assert len(copies) == (3 if store.engine == "postgresql" else 0)
    assert sql(store, "SELECT count(*) FROM offence_extras").fetchone()[0] == 5
    assert sql(store, f"SELECT {select_list(['extra'])} FROM offences WHERE offence_ref = 'B/4-2'").fetchone() == (
        '{"k": 4}',)


def test_the_binary_copy_sends_every_value_exactly(store):
    if store.engine != "postgresql":
        pytest.skip("the binary COPY is PostgreSQL's")
    conn = store._conn
    with store.atomic():
        conn.execute("CREATE TABLE sent (i BIGINT, n BIGINT, x DOUBLE PRECISION, t TEXT, k BIGINT, s TEXT, z DOUBLE PRECISION)")
        columns = {"i": np.arange(3), "n": [1, None, 2**62 + 3], "x": np.array([-0.0, np.nan, 0.1 + 0.2]),
                   "t": ["", None, "Straße\t“q”\\N\n🚓"], "k": 7, "s": "shared", "z": None}
        conn.copy_columns("sent", columns, conn.column_types("sent"), 3)
        rows = conn.execute("SELECT n, x, t, k, s, z, CAST(x AS text) FROM sent ORDER BY i").fetchall()
    assert rows == [(1, 0.0, "", 7, "shared", None, "-0"),
                    (None, None, None, 7, "shared", None, None),
                    (2**62 + 3, 0.30000000000000004, "Straße\t“q”\\N\n🚓", 7, "shared", None, "0.30000000000000004")]


def police_uk_file(tmp_path, rows: int = 10):
    """A police.uk street file of ``rows`` burglaries in one street (one set of extra attributes)."""
    path = tmp_path / "2017-02-metropolitan-street.csv"
    path.write_text("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                    "Crime type,Last outcome category,Context\n" + "".join(
                        f"c{i},2017-02,Metropolitan Police Service,Metropolitan Police Service,-0.1405,51.5426,"
                        f"On or near Camden Road,E01000907,Camden 001A,Burglary,Under investigation,\n"
                        for i in range(rows)), encoding="utf-8")
    return path


def test_a_police_uk_bulk_import_is_one_copy_and_a_cancel_leaves_nothing(store, tmp_path, copies, monkeypatch):
    monkeypatch.setattr(loop, "BULK_BYTES", 0)
    monkeypatch.setattr(loop, "CHUNK_ROWS", 2)
    reports = []

    def cancelled():
        reports.append(1)
        return len(reports) > 3

    with pytest.raises(Cancelled):
        import_police_uk(store, police_uk_file(tmp_path), cancelled=cancelled)
    assert sql(store, "SELECT count(*) FROM offences").fetchone()[0] == 0
    assert sql(store, "SELECT count(*) FROM batches").fetchone()[0] == 0

    copies.clear()
    result = import_police_uk(store, police_uk_file(tmp_path))
    assert (result.imported, result.rejected) == (10, 0)
    assert len(copies) == (1 if store.engine == "postgresql" else 0)    # five chunks, one COPY
    assert sql(store, "SELECT count(DISTINCT extra_id), count(*) FROM offences").fetchone() == (1, 10)
