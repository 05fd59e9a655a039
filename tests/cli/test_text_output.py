"""Every command's text output is for people: sentences and tables, never a Python
``None``, ``True``/``False``, dict or list representation."""

from __future__ import annotations

import json
import re

import pytest

from workbench.cli import main

REPR = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\{'|\['|\[\{|': |\bnan\b")


@pytest.fixture(scope="module")
def demo(module_store_location):
    """A small generated store (a file, then a team store), and references to ask about."""
    db = module_store_location
    assert main(["--db", db, "generate", "--seed", "5", "--offences", "1500", "--json"]) == 0
    return db


def _json(capsys, db, *argv):
    assert main(["--db", db, *argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _commands(capsys, db, tmp) -> list[list[str]]:
    stats = _json(capsys, db, "stats")
    first = _json(capsys, db, "intel", "search", "--limit", "1")["reports"][0]
    report, word = first["intel_ref"], max(first["text"].split(), key=len).strip(".,;:")
    series = _json(capsys, db, "link", "series")["series"]
    offence = series[0]["offences"][0]
    month = stats["date_max"][:7]
    return [
        ["stats"], ["import", "history"], ["import", "rejects"], ["scan"], ["search", "list"],
        ["link", "series"], ["link", "suggest", offence], ["link", "decisions"], ["series", "list"],
        ["hotspots", "--from", month, "--to", month],
        ["nearrepeat", "--distance-band", "200", "--time-band", "7", "--permutations", "19"],
        ["intel", "search", word], ["intel", "show", report],
        ["network", "expand", report], ["network", "measures", "--entity", report],
        ["network", "communities", "--entity", report],
        ["patp", "list"], ["meeting", "list"],
        ["returns", "export", "--borough", "Camden", "--from", month, "--to", month, "--out", str(tmp / "r.json")],
        ["returns", "import", str(tmp / "r.json")], ["returns", "list"],
        ["settings", "show"], ["priorities", "list"], ["assessment", "list"], ["products", "search"],
        ["insight", "taskings", "--from", month, "--to", month],
        ["people", "nominals"], ["people", "victims"], ["people", "missing"],
        ["roles", "list"], ["audit", "show"], ["audit", "verify"],
    ]


def test_text_output_has_no_python_reprs(demo, capsys, tmp_path):
    bad = {}
    for argv in _commands(capsys, demo, tmp_path):
        code = main(["--db", demo, *argv])
        out = capsys.readouterr().out
        assert code == 0, f"workbench {' '.join(argv)} failed"
        found = REPR.findall(out)
        if found:
            bad[" ".join(argv)] = found[:5]
    assert bad == {}
