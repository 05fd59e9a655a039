"""Stores open with WAL and foreign keys, upgrade from old versions and refuse newer ones."""

import sqlite3

import pytest
from sqlpeek import sql

from workbench.domain.audit import AuditAction
from workbench.store import StoreError, migrations, open_store

# The tests that take a file (tmp_path) are about SQLite files: WAL, page size, PRAGMA
# user_version, files that are not stores. The others run on both engines.


def test_new_store_is_at_latest_version_with_wal_and_foreign_keys(tmp_path):
    store = open_store(tmp_path / "s.sqlite")
    assert store.schema_version == migrations.latest_version()
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert {"offences", "offence_features", "offenders", "offence_offenders", "batches", "rejects",
            "boundaries", "audit_log", "settings"} <= set(store._db.table_names())


def test_version_1_store_upgrades_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.upgrade(conn, path, upto=1)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.execute("INSERT INTO batches (kind, source, file_name, file_hash, started_at, user) "
                 "VALUES ('offences', 'force', 'a.csv', 'x', '2025-01-01', 'me')")
    conn.execute("INSERT INTO offences (source, offence_ref, ref_key, category, committed_from, committed_to, "
                 "easting, northing, longitude, latitude, cell, batch_id) VALUES "
                 "('force', 'B1', 7, 'burglary', '2025-01-01T00:00:00', '2025-01-01T00:00:00', 1, 2, 3, 4, 0, 1)")
    conn.close()

    store = open_store(path)
    assert store.schema_version == migrations.latest_version() > 1
    assert store._conn.execute("SELECT offence_ref FROM offences").fetchall() == [("B1",)]
    assert store.setting("security_marking") == "OFFICIAL-SENSITIVE"   # added by migration 2
    indexes = {n for (n,) in store._conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'offences'")}
    assert "offences_ref" in indexes and "offences_ref_key" not in indexes  # dropped by migration 13
    assert "offences_batch" not in indexes                                  # dropped by migration 14
    columns = {r[1] for r in store._conn.execute("PRAGMA table_info(offences)")}
    assert "ref_key" not in columns and "offence_ref" in columns            # dropped by migration 15
    assert store._conn.execute("PRAGMA page_size").fetchone()[0] == 4096  # an existing file keeps its pages


def test_a_patp_stored_with_nan_in_its_near_repeat_table_becomes_strict_json(tmp_path):
    import json

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.upgrade(conn, path, upto=18)
    body = '{"title": "Burglaries", "supporting_analysis": {"near_repeat": {"knox_ratio": [[NaN, 1.5], [Infinity, 0.5]]}}}'
    conn.execute("INSERT INTO patps (reference, title, author, created_at, updated_at, body) VALUES "
                 "('PATP/2026/0001', 'Burglaries', 'me', '2026-01-01', '2026-01-01', ?)", (body,))
    conn.close()

    store = open_store(path)
    stored = store._conn.execute("SELECT body FROM patps").fetchone()[0]
    assert json.loads(stored, parse_constant=lambda c: pytest.fail(f"{c} is not JSON")) == {
        "title": "Burglaries", "supporting_analysis": {"near_repeat": {"knox_ratio": [[None, 1.5], [None, 0.5]]}}}


def test_new_stores_have_16_kb_pages_and_an_existing_one_keeps_its_own(tmp_path):
    assert open_store(tmp_path / "new.sqlite")._conn.execute("PRAGMA page_size").fetchone()[0] == 16384
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute("VACUUM")
    conn.close()
    assert open_store(path)._conn.execute("PRAGMA page_size").fetchone()[0] == 8192


def test_store_from_a_newer_workbench_is_refused_untouched(tmp_path):
    path = tmp_path / "new.sqlite"
    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.latest_version() + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version of Workbench"):
        open_store(path)


def test_a_file_that_is_not_a_store_gets_a_clear_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are not the droids", encoding="utf-8")
    with pytest.raises(StoreError, match="not a Workbench store"):
        open_store(path)


def test_atomic_rolls_back_everything_on_error(store):
    with pytest.raises(RuntimeError), store.atomic():
        store.audit(AuditAction.IMPORT, "thing", 1)
        with store.atomic():
            store.audit(AuditAction.UNDO, "thing", 2)
        raise RuntimeError("boom")
    assert sql(store, "SELECT count(*) FROM audit_log").fetchone()[0] == 0


def test_audit_records_who_when_what_and_why(store):
    store.audit(AuditAction.LINK_CONFIRM, "link", "1-2", {"score": 0.9}, why="same MO")
    row = sql(store, "SELECT user, action, object_type, object_id, detail, at FROM audit_log").fetchone()
    assert row[:4] == ("test.analyst", "link.confirm", "link", "1-2")
    assert '"why": "same MO"' in row[4] and row[5].startswith("20")


def test_settings_change_is_audited(store):
    store.set_setting("security_marking", "OFFICIAL")
    assert store.setting("security_marking") == "OFFICIAL"
    assert sql(store, "SELECT action FROM audit_log").fetchall() == [("setting.change",)]
