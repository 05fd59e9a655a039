"""A bulk load (an import larger than the store) writes without indexes and takes the
repeats out at the end: the result must be exactly what an ordinary import gives."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlpeek import indexes, plan, sql

import workbench.ingest.offence_import as loop
from workbench.ingest.offences_csv import import_offences
from workbench.jobs import Cancelled
from workbench.store import open_store
from workbench.store.offences import find_by_ref, offence_detail, select_list

ROOT = str(Path(__file__).resolve().parents[2])
HEADER = "offence_ref,category,committed_from,easting,northing,offender_ids,mo_entry\n"
STORED = HEADER + "B/1,burglary,2025-01-01,531200,181450,O1,front door\n"
FILE = HEADER + ("B/1,burglary,2025-01-02,531200,181450,O1,rear window\n"       # stored already
                 "B/2,robbery,2025-01-03,531300,181450,O2,street\n"
                 "B/3,burglary,2025-01-04,531400,181450,,side gate\n")
LATER = HEADER + ("B/2,robbery,2025-01-05,531500,181450,O9,park\n"              # repeat, in another file
                  "B/4,burglary,2025-01-06,531600,181450,,roof\n")


def write(tmp_path, text, name="offences.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def files(tmp_path):
    """The two files of one import (a canonical file may not repeat a reference itself)."""
    return [write(tmp_path, FILE), write(tmp_path, LATER, "later.csv")]


@pytest.fixture
def bulk(monkeypatch):
    """Every import runs as a bulk load, in chunks of two rows."""
    monkeypatch.setattr(loop, "BULK_BYTES", 0)
    monkeypatch.setattr(loop, "CHUNK_ROWS", 2)


@pytest.fixture
def bulk_only(monkeypatch):
    """Every import runs as a bulk load."""
    monkeypatch.setattr(loop, "BULK_BYTES", 0)


def test_ordinary_and_bulk_imports_keep_the_same_offences(store, new_store, tmp_path, monkeypatch):
    monkeypatch.setattr(loop, "CHUNK_ROWS", 2)
    import_offences(store, write(tmp_path, STORED))
    ordinary = import_offences(store, files(tmp_path))
    expected = sql(store, "SELECT id, offence_ref, committed_from FROM offences ORDER BY id").fetchall()
    assert (ordinary.imported, ordinary.duplicates) == (3, 2)

    other = open_store(new_store("other"))
    monkeypatch.setattr(loop, "BULK_BYTES", 0)
    import_offences(other, write(tmp_path, STORED))
    bulk = import_offences(other, files(tmp_path))
    assert (bulk.imported, bulk.duplicates) == (3, 2)
    kept = sql(other, "SELECT offence_ref, committed_from FROM offences ORDER BY id").fetchall()
    assert kept == [(ref, when) for _, ref, when in expected]


def foreign_keys(store):
    """The offences table's foreign keys on PostgreSQL (a bulk load drops and adds them); none on SQLite."""
    if store.engine != "postgresql":
        return []
    return sql(store, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
                      "AND conrelid = CAST('offences' AS regclass) ORDER BY conname").fetchall()


def test_first_bulk_load_keeps_the_first_of_each_repeat_with_its_own_features_and_offenders(store, tmp_path, bulk):
    before, keys = indexes(store, "offences"), foreign_keys(store)
    result = import_offences(store, files(tmp_path))
    assert (result.imported, result.duplicates, result.rejected) == (4, 1, 0)
    assert sql(store, "SELECT imported, duplicates FROM batches WHERE id = ?", (result.batch,)).fetchone() == (4, 1)
    assert sql(store, "SELECT offence_ref FROM offences ORDER BY id").fetchall() == [
        ("B/1",), ("B/2",), ("B/3",), ("B/4",)]
    second = offence_detail(store, find_by_ref(store, "B/2"))
    assert second["committed_from"].startswith("2025-01-03") and second["mo"] == {"entry": ["street"]}
    assert second["offenders"] == ["O2"]
    # The repeat's features, offender link and the offender only the repeat named are gone.
    assert sql(store, "SELECT count(*) FROM offence_features").fetchone()[0] == 4
    assert sql(store, "SELECT count(*) FROM offence_offenders").fetchone()[0] == 2
    assert sql(store, "SELECT offender_key FROM offenders ORDER BY 1").fetchall() == [("O1",), ("O2",)]
    assert indexes(store, "offences") == before                                       # every index rebuilt
    assert foreign_keys(store) == keys and (store.engine == "sqlite" or keys)       # and every key added again
    assert "offences_ref" in plan(store, "SELECT id FROM offences WHERE offence_ref = 'B/2'")


def test_bulk_load_into_a_store_with_offences_checks_each_chunk_against_it(store, tmp_path, bulk):
    import_offences(store, write(tmp_path, STORED, "stored.csv"))
    before = indexes(store, "offences")
    result = import_offences(store, files(tmp_path))
    assert (result.imported, result.duplicates) == (3, 2)
    first = offence_detail(store, find_by_ref(store, "B/1"))
    assert first["committed_from"].startswith("2025-01-01") and first["mo"] == {"entry": ["front door"]}
    assert offence_detail(store, find_by_ref(store, "B/2"))["offenders"] == ["O2"]
    assert sql(store, "SELECT offender_key FROM offenders ORDER BY 1").fetchall() == [("O1",), ("O2",)]
    assert indexes(store, "offences") == before

    again = import_offences(store, files(tmp_path))
    assert (again.imported, again.duplicates) == (0, 5)
    assert sql(store, "SELECT count(*) FROM offences").fetchone()[0] == 4


def test_bulk_load_tells_sources_apart(store, tmp_path, bulk):
    import_offences(store, files(tmp_path), source="force-a")
    other = import_offences(store, files(tmp_path), source="force-b")
    assert (other.imported, other.duplicates) == (4, 1)
    assert sql(store, "SELECT source, count(*) FROM offences GROUP BY source ORDER BY source").fetchall() == [
        ("force-a", 4), ("force-b", 4)]


def test_cancelled_bulk_load_leaves_the_store_and_its_indexes_as_they_were(store, tmp_path, bulk):
    import_offences(store, write(tmp_path, STORED))
    before = indexes(store, "offences")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(Cancelled):
        import_offences(store, files(tmp_path), cancelled=cancelled)
    assert sql(store, "SELECT count(*) FROM offences").fetchone()[0] == 1
    assert indexes(store, "offences") == before


def test_real_police_uk_month_gives_the_same_offences_in_bulk(store, new_store, shared_data, monkeypatch):
    from workbench.ingest.police_uk import import_police_uk

    path = shared_data("police-uk", "met-2017-all", "2017-01-metropolitan-street.csv.gz")
    ordinary = import_police_uk(store, path)
    monkeypatch.setattr(loop, "BULK_BYTES", 0)
    bulk_store = open_store(new_store("bulk"))
    bulk = import_police_uk(bulk_store, path)
    assert ordinary.duplicates > 0                      # police.uk repeats Crime IDs within a month
    assert (bulk.imported, bulk.duplicates, bulk.rejected) == (ordinary.imported, ordinary.duplicates,
                                                               ordinary.rejected)
    query = f"SELECT {select_list(('offence_ref', 'committed_from', 'easting', 'northing', 'extra'))} FROM offences"
    query += " ORDER BY id"
    assert sql(bulk_store, query).fetchall() == sql(store, query).fetchall()


POLICE_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                 "Crime type,Last outcome category,Context\n")


def police_file(tmp_path, rows, name="police.csv"):
    """``rows`` police.uk burglaries with Crime IDs c0, c1, ..., spread over a few streets."""
    lines = [f"c{i},2017-0{1 + i % 9},Metropolitan Police Service,Metropolitan Police Service,"
             f"{-0.14 + (i % 97) / 1e4:.4f},{51.54 + (i % 89) / 1e4:.4f},On or near Road {i % 50},"
             f"E0100{i % 700:04d},Camden {i % 700:03d}A,Burglary,Status update unavailable,\n" for i in range(rows)]
    return write(tmp_path, POLICE_HEADER + "".join(lines), name)


def journal(store):
    return store._conn.execute("PRAGMA journal_mode").fetchone()[0]


@pytest.fixture
def sqlite_store(tmp_path):
    """For the tests of SQLite's journal and holder files (a team store has neither)."""
    with open_store(tmp_path / "store.sqlite") as opened:
        yield opened


KILLED_IMPORT = """
import os, signal, sys
import workbench.ingest.offence_import as loop
from workbench.ingest.police_uk import import_police_uk
from workbench.store import open_store

loop.BULK_BYTES, loop.CHUNK_ROWS = 0, 500
store = open_store(sys.argv[1])
store._conn.execute("PRAGMA cache_size = 20")      # spill pages into the file long before the end
done = []

def progress(fraction, message):
    done.append(message)
    if len(done) == 8:                             # rows written, the file changed: die
        os.kill(os.getpid(), signal.SIGKILL)

import_police_uk(store, sys.argv[2], progress=progress)
"""


def test_a_bulk_load_killed_midway_leaves_the_store_as_it_was(sqlite_store, tmp_path):
    from workbench.ingest.police_uk import import_police_uk

    first = import_police_uk(sqlite_store, police_file(tmp_path, 300, "first.csv"))
    sqlite_store.close()
    size = sqlite_store.path.stat().st_size
    killed = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(sqlite_store.path),
                             str(police_file(tmp_path, 20000))], env={**os.environ, "PYTHONPATH": ROOT},
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # It was writing with the rollback journal, and had already written into the file.
    assert Path(f"{sqlite_store.path}-journal").exists() and sqlite_store.path.stat().st_size > size

    again = open_store(sqlite_store.path)
    assert sql(again, "PRAGMA integrity_check").fetchone() == ("ok",)
    assert sql(again, "SELECT count(*), max(batch_id) FROM offences").fetchone() == (first.imported, first.batch)
    assert sql(again, "SELECT count(*) FROM batches").fetchone() == (1,)
    assert journal(again) == "wal"
    assert not Path(f"{sqlite_store.path}-journal").exists()
    redo = import_police_uk(again, police_file(tmp_path, 20000))
    assert (redo.imported, redo.duplicates) == (19700, 300)


def test_a_bulk_load_beside_another_connection_keeps_the_write_ahead_log(sqlite_store, tmp_path, bulk_only):
    from workbench.ingest.police_uk import import_police_uk

    worker = open_store(sqlite_store.path)              # as the app's import job does beside its main window
    modes = set()
    result = import_police_uk(worker, police_file(tmp_path, 2000), progress=lambda *_: modes.add(journal(worker)))
    assert result.imported == 2000 and modes == {"wal"}
    assert sqlite_store._conn.execute("SELECT count(*) FROM offences").fetchone() == (2000,)
    assert journal(worker) == "wal"
    worker.close()


def test_after_a_bulk_load_the_store_is_back_in_wal_mode(sqlite_store, tmp_path, bulk_only):
    from workbench.ingest.police_uk import import_police_uk

    modes = set()
    assert import_police_uk(sqlite_store, police_file(tmp_path, 2000),
                            progress=lambda *_: modes.add(journal(sqlite_store))).imported == 2000
    assert modes == {"delete"}                    # the rollback journal while it loaded
    assert journal(sqlite_store) == "wal"
    assert sqlite_store._conn.execute("PRAGMA synchronous").fetchone() == (1,)          # NORMAL again


@pytest.mark.parametrize("readonly", [False, True])
def test_opening_a_store_while_a_bulk_load_locks_it_says_who_is_loading(sqlite_store, monkeypatch, readonly):
    from workbench.store import StoreError, holder

    monkeypatch.setattr(holder, "OPEN_WAIT_S", 0.2)
    assert journal(sqlite_store) == "wal"
    sqlite_store._conn.execute("PRAGMA journal_mode = DELETE")      # as a bulk load writes, once its pages spill
    token = holder.claim(sqlite_store.path)
    sqlite_store._conn.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match=r"store\.sqlite is busy: waited 0\.2 s for test\.analyst \(process"):
            open_store(sqlite_store.path, readonly=readonly)
    finally:
        sqlite_store._conn.execute("ROLLBACK")
        holder.release(sqlite_store.path, token)


def test_first_bulk_load_keeps_no_extra_attributes_only_a_repeat_had(store, tmp_path, bulk_only):
    from workbench.ingest.police_uk import import_police_uk

    rows = ("c1,2017-01,M,Metropolitan Police Service,-0.14,51.54,On or near A Road,E01000907,Camden 001A,"
            "Burglary,Under investigation,\n"
            "c1,2017-01,M,Metropolitan Police Service,-0.14,51.54,On or near A Road,E01000907,Camden 001A,"
            "Burglary,Offender fined,\n")
    result = import_police_uk(store, write(tmp_path, POLICE_HEADER + rows, "repeat.csv"))
    assert (result.imported, result.duplicates) == (1, 1)
    assert offence_detail(store, find_by_ref(store, "c1"))["extra"]["last_outcome"] == "Under investigation"
    assert sql(store, "SELECT count(*) FROM offence_extras").fetchone() == (1,)


def test_references_whose_hashes_collide_are_still_compared_exactly(store, tmp_path, bulk, monkeypatch):
    import numpy as np

    import workbench.store.offences as offences

    monkeypatch.setattr(offences, "reference_hashes", lambda refs: np.zeros(len(refs), dtype=np.uint64))   # all alike
    result = import_offences(store, files(tmp_path))
    assert (result.imported, result.duplicates) == (4, 1)
    assert sql(store, "SELECT offence_ref, committed_from FROM offences ORDER BY id").fetchall() == [
        ("B/1", "2025-01-02T00:00:00"), ("B/2", "2025-01-03T00:00:00"), ("B/3", "2025-01-04T00:00:00"),
        ("B/4", "2025-01-06T00:00:00")]
