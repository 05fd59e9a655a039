"""``workbench scan`` and ``workbench search``: the JSON keys of specs/cli.md and clear errors."""

from __future__ import annotations

import json

from workbench.cli import main
from workbench.store import open_store


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_scan_json_keys_and_since(new_store, capsys, offences):
    db = new_store()
    with open_store(db) as store:
        offences(store, [{"category": "rape", "committed_from": "2025-03-02T01:00", "easting": 529000,
                          "northing": 184000, "borough": "Camden", "ref": "R/1"},
                         {"category": "drugs", "committed_from": "2025-01-02", "easting": 529000,
                          "northing": 184500, "borough": "Camden"}])
    code, out = run(capsys, "scan", "--db", db, "--json", "--since", "2025-01")
    assert code == 0
    assert out["new_offences"] == 2
    assert out["by_category"] == {"rape": 1, "drugs": 1} or out["by_category"] == {"drugs": 1, "rape": 1}
    assert all({"kind", "summary"} <= set(a) for a in out["alerts"])
    assert [a["kind"] for a in out["alerts"]] == ["sexual_offence"]
    code, out = run(capsys, "scan", "--db", db, "--json")
    assert code == 0 and out["new_offences"] == 0 and out["basis"] == "last_scan"


def test_search_commands(new_store, capsys, offences):
    db = new_store()
    with open_store(db) as store:
        ids = offences(store, [{"category": "burglary-business", "committed_from": "2025-03-02", "easting": 529000,
                                "northing": 184000, "borough": "Camden"}])
    code, out = run(capsys, "search", "save", "Camden burglary", "--category", "burglary", "--borough", "Camden",
                    "--from", "2025-01", "--db", db, "--json")
    assert code == 0
    assert out["saved"]["filter"] == {"categories": ["burglary"], "boroughs": ["Camden"],
                                      "date_from": "2025-01-01T00:00:00"}
    assert out["saved"]["subscribed"] is True
    code, out = run(capsys, "search", "run", "Camden burglary", "--db", db, "--json")
    assert out["matches"] == 1 and out["new"] == 1 and out["ids"] == [str(ids[0])]
    code, out = run(capsys, "search", "subscribe", "Camden burglary", "--off", "--db", db, "--json")
    assert out == {"search": "Camden burglary", "subscribed": False}
    code, out = run(capsys, "search", "list", "--db", db, "--json")
    assert [s["name"] for s in out["searches"]] == ["Camden burglary"]
    code, out = run(capsys, "search", "delete", "Camden burglary", "--db", db, "--json")
    assert out == {"deleted": "Camden burglary"}
    code, out = run(capsys, "search", "run", "Camden burglary", "--db", db, "--json")
    assert code == 1 and "no saved search called 'Camden burglary'" in out["error"]


def test_search_save_rejects_bad_input(empty_db, capsys):
    db = empty_db
    code, out = run(capsys, "search", "save", "x", "--category", "burglry", "--db", db, "--json")
    assert code == 1 and "unknown category 'burglry'" in out["error"]
    code, out = run(capsys, "search", "save", "x", "--bbox", "1,2,3", "--db", db, "--json")
    assert code == 1 and "--bbox" in out["error"]
    code, out = run(capsys, "search", "save", "x", "--grading", "1A", "--db", db, "--json")
    assert code == 1 and "only applies to --kind intel" in out["error"]
    run(capsys, "search", "save", "x", "--db", db, "--json")
    code, out = run(capsys, "search", "save", "x", "--db", db, "--json")
    assert code == 1 and "already have a saved search called 'x'" in out["error"]


def test_search_save_keeps_the_text_filter(empty_db, capsys):
    db = empty_db
    code, out = run(capsys, "search", "save", "Tesco", "--text", "Tesco", "--db", db, "--json")
    assert code == 0 and out["saved"]["filter"] == {"text": "Tesco"}
    code, out = run(capsys, "search", "save", "Van", "--kind", "intel", "--text", "silver van", "--db", db, "--json")
    assert out["saved"]["filter"] == {"text": "silver van"}
    assert main(["search", "list", "--db", db]) == 0
    assert "'Tesco' (offences, test.analyst, subscribed): text Tesco" in capsys.readouterr().out
