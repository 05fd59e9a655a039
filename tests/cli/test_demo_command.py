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
