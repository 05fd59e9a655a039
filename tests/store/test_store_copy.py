"""``workbench store copy``: a store file onto a team store and back, nothing lost."""

from __future__ import annotations

import json
import sqlite3

import pytest

from workbench.cli import main
from workbench.store import open_store
from workbench.store.copy import FTS_TABLE, table_order


def run(capsys, *argv) -> tuple[int, dict]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


@pytest.fixture(scope="module")
def source_file(tmp_path_factory):
    """A generated store with offences, intelligence, people, a confirmed link and two PATPs
    (the second's near-repeat table has cells without a Knox ratio: no pairs expected)."""
    import contextlib
    import io

    path = str(tmp_path_factory.mktemp("copy") / "borough.sqlite")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--db", path, "generate", "--seed", "5", "--offences", "1200", "--boroughs", "Camden"]) == 0
        conn = sqlite3.connect(path)
        a, b, c = (r[0] for r in conn.execute(
            "SELECT offence_ref FROM offences WHERE source != 'police.uk' ORDER BY id LIMIT 3"))
        burglaries = [r[0] for r in conn.execute(
            "SELECT offence_ref FROM offences WHERE category = 'burglary-residential' AND source != 'police.uk' "
            "ORDER BY committed_from DESC LIMIT 5")]
        conn.close()
        assert main(["--db", path, "link", "confirm", a, b, "--why", "same MO"]) == 0
        assert main(["--db", path, "patp", "create", "--from-offences", a, b, c, "--title", "Copy test"]) == 0
        assert main(["--db", path, "patp", "create", "--from-offences", *burglaries, "--title", "Burglaries"]) == 0
    return path


def table_rows(location: str, table: str) -> list[tuple]:
    """Every row of a table, without the columns a PostgreSQL store computes, in a stable order."""
    with open_store(location) as store:
        columns = [d[0] for d in store._conn.execute(f"SELECT * FROM {table} LIMIT 0").description]
        keep = [c for c in columns if c not in ("geom", "tsv", "rowid")]
        if table == FTS_TABLE:
            keep = ["rowid", "text", "location_desc", "entities"]
        names = ", ".join(f'"{c}"' for c in keep)
        rows = store._conn.execute(f"SELECT {names} FROM {table}").fetchall()
    return sorted((tuple(r) for r in rows), key=lambda row: [(v is None, repr(v)) for v in row])


def test_a_store_goes_to_the_team_server_and_back_unchanged(source_file, pg_server, tmp_path, capsys):
    original = table_rows(source_file, "audit_log")
    server = pg_server.new_database()
    code, there = run(capsys, "store", "copy", "--from", source_file, "--to", server)
    assert code == 0 and there["counts_match"] and there["audit_ok"]
    assert there["tables"]["offences"] == 1200 and there["tables"]["patps"] == 2
    back = str(tmp_path / "laptop.sqlite")
    code, home = run(capsys, "store", "copy", "--from", server, "--to", back)
    assert code == 0 and home["tables"] == {t: n + (t == "audit_log") for t, n in there["tables"].items()}
    for table in table_order():
        if table not in ("audit_log", "audit_head"):
            assert table_rows(back, table) == table_rows(source_file, table), table
    # The log is the source's, entry for entry, plus one entry for each copy; it verifies everywhere.
    assert [row for row in table_rows(back, "audit_log") if row[0] <= len(original)] == original
    for location in (source_file, server, back):
        code, verified = run(capsys, "--db", location, "audit", "verify")
        assert code == 0 and verified["ok"]
    code, entries = run(capsys, "--db", back, "audit", "show", "--action", "store.copy")
    assert code == 0 and len(entries["entries"]) == 2


def test_the_team_store_has_real_geometry_for_a_gis(source_file, pg_server, capsys):
    import psycopg

    server = pg_server.new_database()
    assert run(capsys, "store", "copy", "--from", source_file, "--to", server)[0] == 0
    with psycopg.connect(server) as conn:
        points = conn.execute("SELECT count(*), min(ST_SRID(geom)), count(*) FILTER (WHERE ST_X(geom) = easting "
                              "AND ST_Y(geom) = northing) FROM offences").fetchone()
        assert points == (1200, 27700, 1200)
        assert conn.execute("SELECT count(*) FROM boundaries WHERE ST_IsValid(geom) AND ST_SRID(geom) = 27700 "
                            "AND level = 'borough'").fetchone()[0] == 33
        areas = conn.execute("SELECT title, ST_GeometryType(geom), ST_Area(geom) > 0 FROM patp_areas "
                             "ORDER BY id").fetchall()
        assert areas == [("Copy test", "ST_Polygon", True), ("Burglaries", "ST_Polygon", True)]
        camden = conn.execute("SELECT count(*) FROM offences o JOIN boundaries b ON b.level = 'borough' "
                              "AND b.name = 'Camden' AND ST_Contains(b.geom, o.geom)").fetchone()[0]
        assert camden > 1000                  # a spatial join a GIS user would run, on the GiST indexes


def test_a_copy_goes_only_into_an_empty_store(source_file, pg_server, tmp_path, capsys):
    server = pg_server.new_database()
    assert run(capsys, "store", "copy", "--from", source_file, "--to", server)[0] == 0
    code, out = run(capsys, "store", "copy", "--from", source_file, "--to", server)
    assert code == 1 and "already holds data" in out["error"]
    code, out = run(capsys, "store", "copy", "--from", server, "--to", source_file)
    assert code == 1 and "already exists" in out["error"]


def test_a_failed_copy_leaves_no_half_made_file(tmp_path, capsys):
    target = tmp_path / "copy.sqlite"
    code, out = run(capsys, "store", "copy", "--from", str(tmp_path / "none.sqlite"), "--to", str(target))
    assert code == 1 and "no store at" in out["error"] and not target.exists()
