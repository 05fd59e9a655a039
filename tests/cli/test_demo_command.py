"""`workbench demo --headless` builds the bundled demo store once and reports what it holds."""

import json

from workbench.cli import main


def test_demo_headless_builds_the_store_once_with_real_and_synthetic_data(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--headless", "--db", str(db), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["built"] is True and first["store"] == str(db)
    assert first["boundaries"] == {"borough": 33, "ward": 654}
    assert first["by_category"]["anti-social-behaviour"] > 10000          # the real police.uk sample
    assert first["by_category"].get("rape", 0) > 0                       # synthetic sexual offences
    assert first["solved"] > 0 and first["offenders"] > 0
    assert set(first["by_borough"]) >= {"Camden", "Islington"}
    assert not list(tmp_path.glob("*.building*"))                        # no half-built leftovers
    assert main(["--db", str(db), "streets", "find", "go", "to", "holloway", "road", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)["streets"][0]               # street names from police.uk
    assert found["name"] == "Holloway Road" and 529000 < found["easting"] < 532000

    assert main(["demo", "--headless", "--db", str(db), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["built"] is False and second["offences"] == first["offences"]


def test_demo_headless_builds_into_an_empty_team_store_once(pg_server, capsys, tmp_path, monkeypatch):
    """On a team store the demo is built in a temporary file and copied into the database
    in one transaction; a database that holds offences is left as it is. (A smaller
    demo: the bundled police.uk year is replaced by one row.)"""
    from workbench.app import demo

    sources = demo.demo_sources()
    police = tmp_path / "2017-02-metropolitan-street.csv"
    police.write_text("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                      "Crime type,Last outcome category,Context\npu1,2017-02,Metropolitan Police Service,"
                      "Metropolitan Police Service,-0.1405,51.5426,On or near Camden Road,E01000907,Camden 001A,"
                      "Burglary,Under investigation,\n", encoding="utf-8")
    monkeypatch.setattr(demo, "demo_sources", lambda: {**sources, "police_uk": police})
    monkeypatch.setattr(demo, "DEMO_OFFENCES", 1500)
    url = pg_server.new_database()
    try:
        assert main(["demo", "--headless", "--db", url, "--json"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert first["built"] is True and first["store"] == url
        assert first["offences"] == 1501 and first["boundaries"] == {"borough": 33, "ward": 654}
        assert main(["--db", url, "streets", "find", "camden", "road", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["streets"][0]["name"] == "Camden Road"
        assert main(["--db", url, "audit", "verify", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["ok"] is True
        assert main(["demo", "--headless", "--db", url, "--json"]) == 0
        second = json.loads(capsys.readouterr().out)
        assert second["built"] is False and second["offences"] == first["offences"]
    finally:
        pg_server.drop_all()
