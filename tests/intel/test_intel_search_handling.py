"""Full-text search with filters, and handling codes enforced on export."""

from __future__ import annotations

import csv
import json

import pytest
from sqlpeek import sql

from workbench.intel.handling import export_reports
from workbench.intel.importer import import_intel
from workbench.intel.search import fts_query, search_reports
from workbench.release import Content, decide, policy, release

HEADER = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,vehicles,security_marking,text\n"
ROWS = [
    "R/1,2025-01-10,3x5x2,1,A,P,,O17,,,O17 is dealing cocaine from a red van AB12 CDE",
    "R/2,2025-02-10,3x5x2,2,B,C,Not to be shared with the subject's school,,,,Red van seen outside the school",
    "R/3,2025-03-10,5x5x5,B,2,4,,,,,Cocaine stored at the lock-up on High Street",
    "R/4,2025-03-20,5x5x5,A,1,1,,O17,,,O17 drives AB12CDE to the High Street lock-up",
    "R/5,2025-03-25,5x5x5,C,3,5,,,,,Refer to originator: informant says cocaine arrives Fridays",
    "R/6,2025-03-26,5x5x5,B,2,3,,,,,Housing officer reports cocaine use at flat 4",
    "R/7,2025-03-27,3x5x2,1,A,P,,,,SECRET,Cocaine supply route detail",
]


@pytest.fixture
def loaded(store, tmp_path):
    path = tmp_path / "intel.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    store.set_setting("accreditation_level", "SECRET")        # R/7 is SECRET
    assert import_intel(store, path).imported == len(ROWS)
    return store


def refs(reports):
    return sorted(r["intel_ref"] for r in reports)


def test_fts_query_is_safe_for_analyst_text():
    assert fts_query('red van "high street"') == '"red" "van" "high street"'
    assert fts_query("AND ( NEAR") == '"and" "near"'
    assert fts_query("   ") is None


def test_text_search_alone_and_with_filters(loaded):
    assert refs(search_reports(loaded, "cocaine")) == ["R/1", "R/3", "R/5", "R/6", "R/7"]
    assert refs(search_reports(loaded, '"red van"')) == ["R/1", "R/2"]
    assert refs(search_reports(loaded, "cocaine", date_from="2025-03-01", date_to="2025-03-20")) == ["R/3"]
    assert refs(search_reports(loaded, "cocaine", grading="5x5x5")) == ["R/3", "R/5", "R/6"]
    assert refs(search_reports(loaded, "cocaine", grading=["1A"])) == ["R/1", "R/7"]
    assert refs(search_reports(loaded, "cocaine", entity="AB12 CDE")) == ["R/1"]
    assert refs(search_reports(loaded, "van OR lock-up", entity="AB12 CDE")) == ["R/1", "R/4"]
    assert refs(search_reports(loaded, "lock-up", entity="person:O17")) == ["R/4"]
    assert refs(search_reports(loaded, "burglary")) == []


def test_filters_without_text_and_date_to_includes_the_whole_month(loaded):
    assert refs(search_reports(loaded, date_to="2025-02")) == ["R/1", "R/2"]
    assert refs(search_reports(loaded, handling=["C", "5"])) == ["R/2", "R/5"]
    assert refs(search_reports(loaded, entity="ab12cde")) == ["R/1", "R/4"]


def test_search_results_carry_grade_badge_and_snippet(loaded):
    report = search_reports(loaded, "school")[0]
    assert report["grade"] == "2B C" and report["badge"].startswith("#")
    assert "[school]" in report["snippet"].lower()


def test_bad_grading_filter_is_a_clear_error(loaded):
    with pytest.raises(ValueError, match="not a system"):
        search_reports(loaded, grading="9Z")


@pytest.mark.parametrize("ref,destination,ok", [
    ("R/1", "overseas-law-enforcement", True),    # 3x5x2 P: any destination
    ("R/2", "internal", True),                    # C: within the agency
    ("R/2", "uk-police", False),                  # C: beyond it only on accepted conditions
    ("R/3", "internal", True),                    # 5x5x5 4: originating agency only
    ("R/3", "uk-police", False),
    ("R/4", "overseas-law-enforcement", True),    # 5x5x5 1
    ("R/4", "partner-agency", False),
    ("R/5", "internal", False),                   # 5x5x5 5: no further dissemination
    ("R/6", "partner-agency", True),              # 5x5x5 3
    ("R/7", "internal", False),                   # SECRET never leaves Workbench
])
def test_releasable_per_handling_code(loaded, ref, destination, ok):
    report = next(r for r in search_reports(loaded) if r["intel_ref"] == ref)
    assert decide(report, policy(loaded, destination))[0] is ok


def test_conditions_accepted_release_c_with_its_notice(loaded):
    reports = search_reports(loaded, handling="C")
    view = release(Content(reports=reports), policy(loaded, "uk-police", accept_conditions=True))
    assert [r["intel_ref"] for r in view.reports] == ["R/2"]
    assert "school" in view.reports[0]["handling_notice"]


def test_export_never_writes_withheld_text_and_says_what_was_withheld(loaded, tmp_path):
    reports = search_reports(loaded)
    out = tmp_path / "for-police.csv"
    result = export_reports(loaded, reports, "uk-police", out, why="test")
    body = out.read_text(encoding="utf-8")
    withheld = {w["intel_ref"] for w in result.withheld}
    assert withheld == {"R/2", "R/3", "R/5", "R/7"}
    for report in reports:
        if report["intel_ref"] in withheld:
            assert report["text"] not in body
        else:
            assert report["text"] in body
    assert body.startswith("# OFFICIAL-SENSITIVE")
    rows = list(csv.DictReader(body.splitlines()[1:]))
    assert {r["intel_ref"] for r in rows if r["text"].startswith("WITHHELD:")} == withheld
    audit = sql(loaded, "SELECT action, detail FROM audit_log WHERE action = 'export.intel'").fetchone()
    assert audit is not None and "R/5" in audit[1]

    out_json = tmp_path / "for-partners.json"
    export_reports(loaded, reports, "partner-agency", out_json)
    payload = json.loads(out_json.read_text(encoding="utf-8"))
    assert sorted(r["intel_ref"] for r in payload["reports"]) == ["R/1", "R/6"]
    assert {w["intel_ref"] for w in payload["withheld"]} == {"R/2", "R/3", "R/4", "R/5", "R/7"}
