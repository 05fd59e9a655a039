"""Returns: the file round-trips, re-imports are skipped, cross-border links are found."""

import json

import pytest
from handmade import SERIES_REF, make_borough

from workbench.cli import main
from workbench.returns.schema import SCHEMA_VERSION
from workbench.store import open_store
from workbench.store import tasking as db


def export(tmp_path, new_store, capsys, borough, x0, offender, prefix, series_ref):
    db_path = new_store(borough)
    with open_store(db_path) as store:
        make_borough(store, borough, x0, 180000.0, offender=offender, prefix=prefix, series_ref=series_ref)
    out = tmp_path / f"{borough}.json"
    code = main(["returns", "export", "--borough", borough, "--from", "2025-01", "--to", "2025-03",
                 "--out", str(out), "--db", str(db_path), "--json"])
    assert code == 0
    return json.loads(capsys.readouterr().out), out


def run_import(capsys, central, *files):
    code = main(["returns", "import", *map(str, files), "--db", str(central), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_return_file_holds_the_series_offender_and_hotspot(tmp_path, new_store, capsys):
    summary, path = export(tmp_path, new_store, capsys, "Northam", 530000.0, "O-17", "NA", SERIES_REF)
    assert summary["series"] == 1 and summary["offenders"] == 1 and summary["schema_version"] == SCHEMA_VERSION
    doc = json.loads(path.read_text())
    assert doc["schema"] == "workbench-return" and doc["period_to"] == "2025-03-31"
    (series,) = doc["series"]
    assert series["id"] == SERIES_REF and series["offences"] == 8 and series["offenders"] == ["O-17"]
    assert series["categories"] == {"burglary-residential": 8}
    (offender,) = doc["offenders"]
    assert offender == {**offender, "key": "O-17", "offences": 3, "series": [SERIES_REF]}
    assert doc["hotspots"] and doc["hotspots"][0]["offences"] >= 8
    assert "Acacia" not in path.read_text()                     # no victim addresses leave the borough


def test_two_boroughs_sharing_an_offender_are_linked(tmp_path, new_store, capsys):
    _, north = export(tmp_path, new_store, capsys, "Northam", 530000.0, "O-17", "NA", "NA-S1")
    _, east = export(tmp_path, new_store, capsys, "Eastham", 540000.0, "O-17", "EA", "EA-S1")
    _, west = export(tmp_path, new_store, capsys, "Westham", 520000.0, "O-99", "WA", "WA-S1")
    central = new_store("central")
    code, out = run_import(capsys, central, north, east, west)
    assert code == 0 and len(out["imported"]) == 3 and out["skipped"] == []
    assert out["cross_border_offenders"] == [
        {"offender": "O-17", "boroughs": ["Eastham", "Northam"], "offences": {"Northam": 3, "Eastham": 3}}]
    (link,) = out["cross_border_series"]          # Westham's series is 6 km away with another offender
    assert {s["id"] for s in link["series"]} == {"NA-S1", "EA-S1"} and link["reason"] == "shared offender O-17"
    code, again = run_import(capsys, central, north)
    assert code == 0 and again["imported"] == [] and again["skipped"] == [str(north)]
    with open_store(central) as store:
        assert len(db.list_returns(store)) == 3
        assert len(db.received_items(store, "offender")) == 3


def test_a_bad_or_newer_file_is_refused_whole_and_the_others_still_import(tmp_path, new_store, capsys):
    summary, good = export(tmp_path, new_store, capsys, "Northam", 530000.0, "O-17", "NA", SERIES_REF)
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**json.loads(good.read_text()), "schema_version": SCHEMA_VERSION + 1}))
    central = new_store("central")
    code, out = run_import(capsys, central, newer, good)
    assert code == 0 and [r["file"] for r in out["imported"]] == [str(good)]
    assert out["rejected"] == [{"file": str(newer), "reason": "newer.json is schema version 2; this Workbench "
                                "reads up to 1: update Workbench to import it"}]
    (tmp_path / "x.json").write_text("{}")
    assert run_import(capsys, central, tmp_path / "x.json")[1]["error"].startswith("x.json is not a Workbench return")


@pytest.mark.parametrize("change, reason", [
    (lambda d: d.update(period_to="2025-02-30"), "period_to: '2025-02-30' is not an ISO date"),
    (lambda d: d["series"][0].update(offences="eight"), "series[0].offences: 'eight' does not fit: 'eight' is not of type 'integer'"),
    (lambda d: d["series"][0].update(easting=1e300), "series[0].easting: 1e+300 does not fit: 1e+300 is greater than the maximum of 700000.0"),
    (lambda d: d["series"][0].update(area_wkt="POLYGON((530000 180000, oops"), "series[0].area_wkt: 'POLYGON((530000 180000, oops' is not valid WKT"),
    (lambda d: d["offenders"][0].update(series="NA-S1"), "offenders[0].series: 'NA-S1' does not fit: 'NA-S1' is not of type 'array'"),
])
def test_every_field_is_checked_before_anything_is_stored(tmp_path, new_store, capsys, change, reason):
    _, good = export(tmp_path, new_store, capsys, "Northam", 530000.0, "O-17", "NA", SERIES_REF)
    doc = json.loads(good.read_text())
    change(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    central = new_store("central")
    code, out = run_import(capsys, central, bad)
    assert code == 1 and out["error"] == f"bad.json: {reason}"
    assert main(["returns", "list", "--db", str(central), "--json"]) == 0      # the store still lists
    assert json.loads(capsys.readouterr().out)["returns"] == []


def test_deeply_nested_json_is_refused_cleanly(tmp_path, new_store, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, out = run_import(capsys, new_store("central"), deep)
    assert code == 1 and out["error"] == "deep.json is nested too deeply to be a return"


def test_export_of_an_unknown_borough_is_one_clear_line(tmp_path, capsys, empty_db):
    code = main(["returns", "export", "--borough", "Nowhere", "--from", "2025-01", "--to", "2025-03",
                 "--out", str(tmp_path / "r.json"), "--db", empty_db, "--json"])
    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 1 and "unknown borough 'Nowhere'" in error and "\n" not in error


def test_a_bureau_team_store_draws_every_boroughs_areas(tmp_path, pg_server, capsys):
    """Returns received into a team store: each borough's hotspots and series areas are
    PostGIS geometry in the ``return_areas`` view (the bureau's GIS layer)."""
    import psycopg

    def in_files(name):
        return str(tmp_path / f"{name}.sqlite")

    _, north = export(tmp_path, in_files, capsys, "Northam", 530000.0, "O-17", "NA", "NA-S1")
    _, east = export(tmp_path, in_files, capsys, "Eastham", 540000.0, "O-17", "EA", "EA-S1")
    central = pg_server.new_database()
    assert run_import(capsys, central, north, east)[0] == 0
    with psycopg.connect(central) as conn:
        rows = conn.execute("SELECT borough, kind, item_key, ST_SRID(geom), ST_Area(geom) > 0 FROM return_areas "
                            "ORDER BY borough, kind, item_key").fetchall()
    boroughs = {(borough, kind) for borough, kind, *_ in rows}
    assert {("Eastham", "hotspot"), ("Eastham", "series"), ("Northam", "hotspot"), ("Northam", "series")} <= boroughs
    assert all(srid == 27700 and has_area for _, _, _, srid, has_area in rows)
    assert ("Northam", "series", "NA-S1") in {r[:3] for r in rows}
    pg_server.drop_all()
