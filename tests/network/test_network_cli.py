"""``workbench intel|person|network ...``: JSON keys, handling enforced, one-line errors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from handmade_network import load

from workbench.cli import main
from workbench.store import open_store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    load(store, tmp_path)
    store.close()
    return str(path)


def run(capsys, db, *args):
    code = main(["--db", db, *args, "--json"])
    out = capsys.readouterr()
    return code, json.loads(out.out)


def test_intel_search_show_and_export(db, tmp_path, capsys):
    code, result = run(capsys, db, "intel", "search", "drives", "--entity", "AB12CDE")
    assert code == 0 and result["count"] == 1
    assert {"intel_ref", "grading", "grade", "badge", "text", "snippet"} <= set(result["reports"][0])
    code, result = run(capsys, db, "intel", "search", "--grading", "5x5x5", "--from", "2025-03-01", "--to", "2025-03")
    assert [r["intel_ref"] for r in result["reports"]] == ["I/2"]
    code, result = run(capsys, db, "intel", "show", "I/1")
    report = result["report"]
    assert report["grade"] == "1A P" and "reliable" in report["grade_words"]
    assert {m["value"] for m in report["mentions"]} >= {"P1", "AB12CDE"}
    assert report["offences"] == [{"offence_ref": "B/1", "offence_id": 1}]

    out = tmp_path / "x.json"
    code, result = run(capsys, db, "intel", "export", "--destination", "uk-police", "--out", str(out))
    assert code == 0 and {"out", "destination", "marking", "released", "withheld"} <= set(result)
    assert result["released"] == 1 and [w["intel_ref"] for w in result["withheld"]] == ["I/2"]
    assert "07700 900123" not in out.read_text(encoding="utf-8")


def test_person_show_and_profile(db, tmp_path, capsys):
    code, page = run(capsys, db, "person", "show", "P1")
    assert code == 0
    assert {"person", "offences", "intelligence", "associates", "vehicles", "phones", "locations", "series",
            "first_activity", "last_activity"} <= set(page)
    code, result = run(capsys, db, "person", "profile", "P1", "--out", str(tmp_path / "p1.docx"))
    assert code == 0 and result["intelligence_included"] == 1 and (tmp_path / "p1.docx").exists()


def test_network_commands(db, tmp_path, capsys):
    code, result = run(capsys, db, "network", "expand", "P1", "--steps", "1")
    assert code == 0 and {"entity", "steps", "nodes", "edges"} <= set(result)
    assert result["entity"] == "person:P1" and {n["id"] for n in result["nodes"]} == {"person:P1", "offence:1", "intel:1"}
    code, result = run(capsys, db, "network", "path", "P1", "07700 900123")
    assert result["length"] == 4 and result["paths"][0]["nodes"][-1] == "phone:07700900123"
    assert [s["relation"] for s in result["paths"][0]["steps"]] == ["subject", "mentions", "mentions", "mentions"]
    code, result = run(capsys, db, "network", "measures")
    assert {"nodes", "edges", "measures"} <= set(result)
    assert {"node", "degree", "betweenness", "closeness", "eigenvector"} <= set(result["measures"][0])
    code, result = run(capsys, db, "network", "communities")
    assert {"modularity", "communities"} <= set(result)
    out = tmp_path / "c.anx"
    code, result = run(capsys, db, "network", "export", "--format", "anx", "--out", str(out))
    assert code == 0 and result["nodes"] == len(list(ET.parse(out).getroot().iter("Entity")))


def test_errors_are_one_line(db, capsys):
    assert main(["--db", db, "intel", "show", "NOPE"]) != 0
    assert main(["--db", db, "network", "path", "P1", "P4"]) != 0
    assert main(["--db", db, "person", "show", "NOBODY"]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 3


def test_a_chart_too_large_to_measure_asks_for_an_entity(db, capsys, monkeypatch):
    from workbench.cli import intel
    monkeypatch.setattr(intel, "MAX_MEASURED", 3)
    assert main(["--db", db, "network", "measures"]) != 0
    assert "give --entity" in capsys.readouterr().err
    code, result = run(capsys, db, "network", "measures", "--entity", "P4", "--steps", "1")
    assert code == 0 and result["nodes"] == 2
