"""Importing intelligence CSV: every grading rule and reject reason of intel-csv.md."""

from __future__ import annotations

import json

from sqlpeek import sql

from workbench.cli import main
from workbench.intel.importer import import_intel
from workbench.store.intel import mentions

HEADER = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,vehicles,phones,text\n"

GOOD = [
    "I/1,2025-03-01,3x5x2,1,A,P,,O17,AB12 CDE,07700 900123,O17 seen driving AB12 CDE",
    "I/2,2025-03-02T10:30,3x5x2,2,c,C,Not for disclosure to the subject,,,,Sold drugs near SW1A 1AA",
    "I/3,2025-03-03,5x5x5,B,2,4,,,,,Legacy record about O17",
    "I/4,2025-03-04,5X5X5,e,5,1,,,,,Untested source; suspected false",
]

BAD = {
    # line: (row, column, reason fragment)
    "3x5x2 source letter": ("B/1,2025-03-01,3x5x2,A,A,P,,,,,text", "source_eval", "not a 3x5x2 source evaluation"),
    "3x5x2 intel digit": ("B/2,2025-03-01,3x5x2,1,1,P,,,,,text", "intel_eval", "not a 3x5x2 intelligence evaluation"),
    "3x5x2 handling digit": ("B/3,2025-03-01,3x5x2,1,A,4,,,,,text", "handling", "not a 3x5x2 handling code"),
    "5x5x5 source digit": ("B/4,2025-03-01,5x5x5,1,1,1,,,,,text", "source_eval", "not a 5x5x5 source evaluation"),
    "5x5x5 intel letter": ("B/5,2025-03-01,5x5x5,A,A,1,,,,,text", "intel_eval", "not a 5x5x5 intelligence evaluation"),
    "5x5x5 handling P": ("B/6,2025-03-01,5x5x5,A,1,P,,,,,text", "handling", "not a 5x5x5 handling code"),
    "5x5x5 handling 6": ("B/7,2025-03-01,5x5x5,A,1,6,,,,,text", "handling", "not a 5x5x5 handling code"),
    "C without conditions": ("B/8,2025-03-01,3x5x2,1,A,C,,,,,text", "handling_conditions", "needs its conditions"),
    "unknown system": ("B/9,2025-03-01,4x4,1,A,P,,,,,text", "grading", "not 3x5x2 or 5x5x5"),
    "empty grading": ("B/10,2025-03-01,,1,A,P,,,,,text", "grading", "grading is empty"),
    "empty source": ("B/11,2025-03-01,3x5x2,,A,P,,,,,text", "source_eval", "source_eval is empty"),
    "empty text": ("B/12,2025-03-01,3x5x2,1,A,P,,,,,", "text", "text is empty"),
    "bad date": ("B/13,someday,3x5x2,1,A,P,,,,,text", "recorded_at", ""),
    "empty ref": (",2025-03-01,3x5x2,1,A,P,,,,,text", "intel_ref", "intel_ref is empty"),
    "repeated ref": ("I/1,2025-03-09,3x5x2,1,A,P,,,,,again", "intel_ref", "already appears at line 2"),
}


def write(tmp_path, rows, name="intel.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_good_rows_of_both_systems_are_imported_with_their_grades(store, tmp_path):
    result = import_intel(store, write(tmp_path, GOOD))
    assert (result.imported, result.rejected) == (4, 0)
    rows = {r[0]: r[1:] for r in sql(store,
        "SELECT intel_ref, grading, source_eval, intel_eval, handling, handling_conditions FROM intel_reports")}
    assert rows["I/1"] == ("3x5x2", "1", "A", "P", None)
    assert rows["I/2"] == ("3x5x2", "2", "C", "C", "Not for disclosure to the subject")
    assert rows["I/3"] == ("5x5x5", "B", "2", "4", None)
    assert rows["I/4"] == ("5x5x5", "E", "5", "1", None)


def test_every_reject_reason_names_line_column_and_reason(store, tmp_path):
    cases = list(BAD.items())
    rows = GOOD + [row for _, (row, _, _) in cases]
    result = import_intel(store, write(tmp_path, rows))
    assert (result.imported, result.rejected) == (4, len(cases))
    by_line = {r.line: r for r in result.rejects}
    for i, (name, (_, column, reason)) in enumerate(cases):
        line = 2 + len(GOOD) + i          # header is line 1
        assert line in by_line, name
        assert by_line[line].column == column, name
        assert reason in by_line[line].reason, (name, by_line[line].reason)
    assert sql(store, "SELECT count(*) FROM intel_reports WHERE intel_ref LIKE 'B/%'").fetchone()[0] == 0


def test_reimport_adds_nothing_but_another_source_is_another_report(store, tmp_path):
    path = write(tmp_path, GOOD)
    import_intel(store, path)
    again = import_intel(store, path)
    assert (again.imported, again.duplicates) == (0, 4)
    other = import_intel(store, path, source="legacy")
    assert other.imported == 4
    assert sql(store, "SELECT count(*) FROM intel_reports").fetchone()[0] == 8


def test_column_and_text_entities_are_linked_to_the_report(store, tmp_path):
    import_intel(store, write(tmp_path, GOOD))
    found = mentions(store)
    first = found[found.report_id == 1]
    values = set(zip(first.kind, first.value, first.origin))
    assert ("person", "O17", "subject") in values
    assert ("vehicle", "AB12CDE", "column") in values and ("vehicle", "AB12CDE", "text") in values
    assert ("phone", "07700900123", "column") in values
    # O17 is known from I/1's subjects, so I/3's text mentions a person.
    third = found[found.report_id == 3]
    assert ("person", "O17") in set(zip(third.kind, third.value))
    assert ("postcode", "SW1A 1AA") in set(zip(found.kind, found.value))


def test_cli_import_intel_prints_contract_keys(tmp_path, new_store, capsys):
    path = write(tmp_path, GOOD + [BAD["C without conditions"][0]])
    db = new_store()
    code = main(["--db", db, "import", "intel", str(path), "--source", "crimint", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"imported", "rejected", "batch"} <= set(result)
    assert (result["imported"], result["rejected"]) == (4, 1)
    assert result["rejects"][0]["line"] == 6 and result["rejects"][0]["column"] == "handling_conditions"


def test_cli_import_intel_of_a_non_intel_file_is_one_line_error(tmp_path, new_store, capsys):
    path = tmp_path / "o.csv"
    path.write_text("offence_ref,category\nB/1,burglary\n")
    code = main(["--db", new_store(), "import", "intel", str(path)])
    err = capsys.readouterr().err
    assert code != 0 and "missing column" in err and "Traceback" not in err
