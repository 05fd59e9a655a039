"""Offences' text sorts byte by byte on both engines (SQLite's BINARY, PostgreSQL's "C"
collation from schema 21), whatever the server's own collation."""

import uuid

import psycopg
import pytest
from sqlpeek import sql

from workbench.store import migrations, open_store, postgres
from workbench.store.migrations.m021_binary_text_order import COLUMNS
from workbench.store.offences import write_offences

REFS = ["b/2", "B/10", "a/1", "É/3", "e/4", "_/5", "Z/6", "z/7", "B/9", "ä/8"]


def offence(ref: str, borough: str) -> dict:
    return {"source": "test", "offence_ref": ref, "category": "burglary", "committed_from": "2025-01-01T00:00:00",
            "committed_to": "2025-01-01T00:00:00", "easting": 531000.0, "northing": 181000.0,
            "longitude": -0.1, "latitude": 51.5, "borough": borough}


def test_references_and_boroughs_sort_byte_by_byte_on_both_engines(store):
    with store.atomic():
        write_offences(store, [offence(ref, ref.split("/")[0] + "borough") for ref in REFS])
    by_bytes = sorted(REFS, key=str.encode)
    assert by_bytes[:4] == ["B/10", "B/9", "Z/6", "_/5"]          # capitals, then "_", then small letters
    assert [r for (r,) in sql(store, "SELECT offence_ref FROM offences ORDER BY offence_ref")] == by_bytes
    assert [b for (b,) in sql(store, "SELECT DISTINCT borough FROM offences ORDER BY borough")] == sorted(
        {ref.split("/")[0] + "borough" for ref in REFS}, key=str.encode)
    assert sql(store, "SELECT count(*) FROM offences WHERE offence_ref > 'Z'").fetchone()[0] == 8


def test_a_team_stores_offence_text_sorts_in_the_c_collation(store):
    if store.engine != "postgresql":
        pytest.skip("SQLite compares text byte by byte (BINARY) unless told otherwise")
    found = {(t, c): collation for t, c, collation in sql(
        store, "SELECT table_name, column_name, collation_name FROM information_schema.columns "
               "WHERE table_schema = current_schema() AND data_type = 'text'")}
    assert {found[(table, column)] for table, columns in COLUMNS.items() for column in columns} == {"C"}
    assert found[("offenders", "display_name")] != "C"                     # text nobody sorts in bulk: as it was


def test_the_migration_keeps_the_views_on_those_columns_with_their_owner_and_grants(pg_server):
    url = pg_server.new_database()
    reader = f"reader_{uuid.uuid4().hex[:8]}"
    conn = postgres.PgConnection(postgres.connect(url))
    try:
        migrations.upgrade(conn, url, upto=20)
        raw = conn.raw
        raw.execute(f"CREATE ROLE {reader}")
        raw.execute(f"GRANT SELECT ON series_areas TO {reader}")
        raw.execute("CREATE VIEW burglary_refs AS SELECT offence_ref, borough FROM offences "
                    "WHERE category LIKE 'burg%'")
        raw.execute(f"GRANT SELECT ON burglary_refs TO {reader}")
        conn.close()
        store = open_store(url)
        assert store.schema_version >= 21
        with store.atomic():
            write_offences(store, [offence(ref, "Camden") for ref in REFS])
        assert sql(store, "SELECT count(*) FROM burglary_refs").fetchone()[0] == len(REFS)
        assert sql(store, "SELECT count(*) FROM series_areas").fetchone()[0] == 0
        for view in ("series_areas", "burglary_refs"):
            assert sql(store, "SELECT has_table_privilege(?, ?, 'SELECT')", (reader, view)).fetchone()[0]
        assert sql(store, "SELECT collation_name FROM information_schema.columns "
                          "WHERE table_name = 'burglary_refs' AND column_name = 'offence_ref'").fetchone()[0] == "C"
        store.close()
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {reader}")
            admin.execute(f"DROP ROLE {reader}")
        pg_server.drop_all()
