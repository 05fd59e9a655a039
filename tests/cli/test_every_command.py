"""Every command that reads or writes a store runs on a generated store, on SQLite and on
a PostgreSQL team store alike: imports of every kind, linkage and series, people,
hotspots, the scan and saved searches, intelligence and the link chart, the control
strategy, the PATP and TTCG workflow, packs, assessments, returns, audit and roles.
The last check makes a new command join this list."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta

import geopandas as gpd
import pytest
import shapely
from acting import grant

from workbench.cli import build_parser, main

#: Commands this test does not run, and where they are tested.
ELSEWHERE = {
    "generate": "builds this test's store",
    "demo": "tests/cli/test_demo_command.py (SQLite and a team store)",
    "gui": "opens a window: tests/ui",
    "store copy": "tests/store (the lead's copy tests, both ways)",
    "store encrypt": "a store file only: tests/store/test_encryption.py; a team store refuses it (below)",
    "store grants": "prints SQL for a DBA, reads no store: tests/cli/test_store_grants.py",
}

POLICE_UK = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
             "Last outcome category,Context\n"
             "pu1,2026-02,Metropolitan Police Service,Metropolitan Police Service,-0.1405,51.5426,"
             "On or near Camden Road,E01000907,Camden 001A,Burglary,Under investigation,\n")


def every_command() -> set[str]:
    """Every command and sub-command of the parser, as typed (``patp create``)."""
    found = set()

    def walk(parser, prefix):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
                    if nested:
                        walk(sub, [*prefix, name])
                    if not nested or sub.get_default("handler"):
                        found.add(" ".join([*prefix, name]))
    walk(build_parser(), [])
    return found


@pytest.fixture(scope="module")
def generated(module_store_location, tmp_path_factory):
    """A generated store (offences, intelligence, people, boundaries) and its CSV files."""
    out = tmp_path_factory.mktemp("generated")
    assert main(["--db", module_store_location, "generate", "--seed", "5", "--offences", "1500",
                 "--out", str(out), "--json"]) == 0
    return module_store_location, out


class Runner:
    """Runs commands on one store with --json, remembering which commands ran."""

    def __init__(self, db, capsys):
        self.db, self.capsys, self.ran = db, capsys, set()
        self.commands = every_command()

    def __call__(self, *argv, code: int = 0) -> dict:
        argv = [str(a) for a in argv]
        got = main(["--db", self.db, *argv, "--json"])
        captured = self.capsys.readouterr()
        assert got == code, f"workbench {' '.join(argv)} exited {got}: {captured.err.strip()[-400:]}"
        words = [a for a in argv[:2] if not a.startswith("-")]
        self.ran.add(" ".join(words) if " ".join(words) in self.commands else words[0])
        return json.loads(captured.out)


def test_every_command_runs_on_the_store(generated, capsys, tmp_path, act_as, shared_data):
    db, out = generated
    run = Runner(db, capsys)
    stats = run("stats")
    last = date.fromisoformat(stats["date_max"][:10])
    month, first_month = stats["date_max"][:7], stats["date_min"][:7]

    # Imports of every kind: a few rows of each generated file (the intelligence and
    # people again, so nothing new), a police.uk file, population, boundaries, a street map.
    for kind in ("offences", "intel", "nominals", "missing"):
        lines = (out / f"{kind}.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (tmp_path / f"{kind}.csv").write_text("".join(lines[:4]).replace("CR5-", "CRX-"), encoding="utf-8")
        run("import", kind, tmp_path / f"{kind}.csv")
    assert run("stats")["offences"] == stats["offences"] + 3
    (tmp_path / "police.csv").write_text(POLICE_UK, encoding="utf-8")
    assert run("import", "police-uk", tmp_path / "police.csv")["imported"] == 1
    (tmp_path / "population.csv").write_text("area_code,area_name,residents\nE09000007,Camden,210000\n")
    run("import", "population", tmp_path / "population.csv")
    square = gpd.GeoDataFrame({"NAME": ["Testshire"]}, geometry=[shapely.box(600000, 100000, 601000, 101000)],
                              crs="EPSG:27700")
    square.to_file(tmp_path / "testshire.geojson", driver="GeoJSON")
    assert run("import", "boundaries", tmp_path / "testshire.geojson", "--level", "borough")["imported"] == 1
    gpd.GeoDataFrame({"name1": ["Testing Road"]}, geometry=[shapely.LineString([(529000, 184000), (529400, 184600)])],
                     crs="EPSG:27700").to_file(tmp_path / "streets.gpkg", layer="road_link")
    run("import", "basemap", tmp_path / "streets.gpkg", "--attribution", "Test data")
    run("import", "rejects")
    run("import", "history")
    run("streets", "build")
    assert run("streets", "find", "testing", "road")["streets"][0]["name"] == "Testing Road"

    # Linkage and series.
    run("link", "train")
    run("link", "evaluate", "--folds", "3")
    series = run("link", "series")["series"]
    a, b, c, d = series[0]["offences"][:2] + series[1]["offences"][:2]
    run("link", "suggest", a)
    run("link", "suspects", a)
    run("link", "suspects", "--evaluate")
    run("link", "confirm", a, b, "--why", "same MO")
    run("link", "reject", a, c, "--why", "different MO")
    assert len(run("link", "decisions")["decisions"]) >= 2
    run("link", "cca", a, b, c, "--out", tmp_path / "cca.csv")
    first = run("series", "create", a, b, "--name", "Test series one")
    first_id = first.get("id") or first["series"]["id"]
    second = run("series", "create", c, "--name", "Test series two")
    second_id = second.get("id") or second["series"]["id"]
    run("series", "add", first_id, d)
    run("series", "remove", first_id, d)
    run("series", "merge", first_id, second_id)
    run("series", "split", first_id, c, "--name", "Split off")
    run("series", "name", first_id, "--name", "Test series", "--notes", "renamed")
    run("series", "show", first_id)
    assert run("series", "list")["series"]

    # People, places and the scan.
    run("people", "nominals")
    run("people", "victims")
    run("people", "missing")
    run("people", "suspects", a)
    run("hotspots", "--from", first_month, "--to", month)
    run("hotspots", "evaluate", "--train-from", first_month, "--train-to", (last - timedelta(days=60)).isoformat(),
        "--test-from", (last - timedelta(days=59)).isoformat(), "--test-to", last.isoformat())
    run("nearrepeat", "--distance-band", "200", "--time-band", "7", "--permutations", "19")
    run("scan", "--permutations", "19")
    run("search", "save", "Camden burglary", "--category", "burglary", "--borough", "Camden")
    run("search", "list")
    run("search", "run", "Camden burglary")
    run("search", "subscribe", "Camden burglary", "--off")
    run("search", "delete", "Camden burglary")

    # Intelligence and the link chart.
    report = run("intel", "search", "--limit", "1")["reports"][0]
    word = max(report["text"].split(), key=len).strip(".,;:")
    assert run("intel", "search", word)["reports"]
    run("intel", "show", report["intel_ref"])
    run("intel", "export", "--destination", "internal", "--out", tmp_path / "intel-export.csv")
    person = run("people", "nominals")["nominals"][0]["nominal"]
    run("person", "show", person)
    run("person", "profile", person, "--out", tmp_path / "profile.docx")
    ref = report["intel_ref"]
    around = run("network", "expand", ref)
    edge = around["edges"][0]
    assert run("network", "path", edge["source"], edge["target"])
    run("network", "measures", "--entity", ref)
    run("network", "communities", "--entity", ref)
    run("network", "export", "--entity", ref, "--format", "graphml", "--out", tmp_path / "chart.graphml")

    # The control strategy, the PATP and TTCG workflow, packs and results.
    run("settings", "set", "borough", "Camden")
    run("settings", "show")
    run("priorities", "add", "Burglary", "--category", "burglary-residential", "--owner", "DI Khan")
    run("priorities", "requirement", "Burglary", "Who is fencing the jewellery?")
    run("priorities", "add", "Old", "--category", "robbery", "--owner", "DI Khan")
    run("priorities", "retire", "Old")
    run("priorities", "list")
    patp = run("patp", "create", "--from-series", first_id)["reference"]
    run("patp", "edit", patp, "--set", "owner=DI Smith", "--set", "priority=Burglary",
        "--set", 'tactics={"Prevent": ["Cocooning"]}')
    run("patp", "submit", patp)
    grant(db, "h.analyst")
    act_as("h.analyst")
    run("patp", "return", patp, "--comment", "more on the offender")
    act_as("test.analyst")
    run("patp", "submit", patp)
    act_as("h.analyst")
    run("patp", "approve", patp, "--comment", "ok")
    act_as("test.analyst")
    meeting = run("meeting", "create", "--date", (date.today() + timedelta(days=7)).isoformat(), "--borough", "Camden")
    mid = meeting["id"]
    run("patp", "schedule", patp, "--meeting", mid)
    agenda = run("meeting", "agenda", mid)["agenda"]
    item = next(i for i, entry in enumerate(agenda, 1) if entry.get("ref") == patp)
    run("meeting", "decide", mid, item, "--decision", "accepted", "--comment", "still active")
    action = run("meeting", "action", mid, "Cocooning visits", "--owner", "PS Brown",
                 "--due", (date.today() + timedelta(days=14)).isoformat(), "--patp", patp)
    run("meeting", "action-status", action["action"], "--status", "done")
    run("meeting", "list")
    run("patp", "list")
    run("patp", "show", patp)
    other = run("patp", "create", "--from-offences", a, b, "--title", "Decided directly")["reference"]
    run("patp", "edit", other, "--set", "owner=DI Smith", "--set", "priority=Burglary",
        "--set", 'tactics={"Prevent": ["Cocooning"]}')
    run("patp", "submit", other)
    act_as("h.analyst")
    run("patp", "approve", other)
    act_as("test.analyst")
    run("patp", "schedule", other, "--meeting", mid)
    run("patp", "decide", other, "--decision", "deferred", "--comment", "next cycle")
    run("results", patp, "--chart", tmp_path / "results.png")
    run("pack", patp, "--out", tmp_path / "pack", "--format", "docx")
    run("pack-meeting", mid, "--out", tmp_path / "meeting-pack", "--format", "docx")

    # Assessments, products, insight.
    tactical = run("assessment", "tactical", "--from", first_month, "--to", month, "--out", tmp_path / "ta",
                   "--format", "docx", "--no-hotspots")
    ta = tactical.get("reference") or tactical["assessment"]["reference"]
    run("assessment", "strategic", "--from", first_month, "--to", month, "--out", tmp_path / "sa", "--format", "docx")
    run("assessment", "submit", ta)
    act_as("h.analyst")
    run("assessment", "return", ta, "--comment", "say more")
    act_as("test.analyst")
    run("assessment", "submit", ta)
    act_as("h.analyst")
    run("assessment", "approve", ta)
    act_as("test.analyst")
    run("assessment", "export", ta, "--out", tmp_path / "final", "--format", "docx")
    run("assessment", "show", ta)
    run("assessment", "list")
    assert run("products", "search")["products"]
    run("insight", "taskings", "--from", first_month, "--to", month)

    # Returns, audit and roles.
    run("returns", "export", "--borough", "Camden", "--from", first_month, "--to", month, "--out", tmp_path / "r.json")
    run("returns", "import", tmp_path / "r.json")
    run("returns", "list")
    run("roles", "grant", "c.chair", "ttcg-chair")
    run("roles", "revoke", "c.chair", "ttcg-chair")
    run("roles", "list")
    run("audit", "show", "--limit", "5")
    assert run("audit", "verify")["ok"] is True

    missing = run.commands - run.ran - set(ELSEWHERE)
    assert missing == set(), f"add these commands to this test: {sorted(missing)}"


@pytest.mark.parametrize("engine", ["postgresql"])
def test_file_only_commands_refuse_a_team_store_in_one_line(empty_db, capsys, tmp_path):
    key = tmp_path / "key"
    key.write_text("a long passphrase\n")
    for argv in (["store", "encrypt"], ["store", "encrypt", "--key-file", str(key)],
                 ["demo", "--headless", "--rebuild"]):
        assert main(["--db", empty_db, *argv]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "team store" in err and "Traceback" not in err, err
