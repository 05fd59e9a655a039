"""Tactical and strategic assessments, their QA, the agenda that takes them and the
products register, on hand-made data with hand-worked expected values."""

import json
from datetime import date
from pathlib import Path

from acting import grant
from handmade import SERIES_REF, make_borough
from pypdf import PdfReader
from sqlpeek import sql

from workbench.cli import main
from workbench.store import open_store
from workbench.store.offences import write_offences
from workbench.tasking.strategic import change_test, strategic_assessment
from workbench.tasking.strategy import AddPriority

LATEST = "2025-06-27"        # the hand-made borough's last offence


def cli(capsys, db, *argv):
    code = main([*argv, "--db", str(db), "--json"])
    return code, json.loads(capsys.readouterr().out)


def offence(ref, category, day, x=531000.0, y=181000.0, hour=12):
    return dict(source="test", offence_ref=ref, category=category, committed_from=f"{day}T{hour:02d}:00:00",
                committed_to=f"{day}T{hour:02d}:00:00", easting=x, northing=y, longitude=-0.1, latitude=51.5,
                location_type="street", location_desc=None, reported_at=None, extra=None, borough=None, ward=None,
                status="unsolved", series_ref=None)


def surge(store):
    """Twelve thefts from vehicles in the last fortnight (14 to 27 June 2025): about 4 in
    every fortnight before it, so a significant rise by any fair test."""
    from workbench.store.boundaries import assign_areas

    with store.atomic():
        write_offences(store, [offence(f"TB/V{i:02d}", "theft-from-vehicle", f"2025-06-{14 + i:02d}",
                                       531000 + 30 * i) for i in range(12)])
        assign_areas(store)


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_tactical_assessment_lists_the_scans_trends(tmp_path, capsys, new_store):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
        surge(store)
    code, scan = cli(capsys, db, "scan", "--since", "2025-06-14", "--preview")
    assert code == 0
    scan_trends = sorted((a["category"], a["area"]) for a in scan["alerts"] if a["kind"] == "trend")
    code, ta = cli(capsys, db, "assessment", "tactical", "--from", "2025-06-14", "--to", LATEST,
                   "--out", str(tmp_path / "ta"), "--no-hotspots")
    assert code == 0 and {"files", "trends", "series", "hotspots"} <= set(ta)
    assert sorted((t["category"], t["area"]) for t in ta["trends"]) == scan_trends
    # Hand-worked: the surge is the one rise, store-wide and in Testborough (the only borough).
    assert scan_trends == [("theft-from-vehicle", "Testborough"), ("theft-from-vehicle", "all areas")]
    assert {t["priority"] for t in ta["trends"]} == {"Vehicle crime"}
    assert ta["trend_period"] == {"unit": "week", "periods": 2, "from": "2025-06-14", "to": LATEST}
    vehicle = next(p for p in ta["priorities"] if p["priority"] == "Vehicle crime")
    assert vehicle["trends"] == ["theft-from-vehicle"]
    # 12 surge thefts + background thefts from vehicles dated 14-27 June (i % 3 == 0, month 6, day 14..27).
    background = sum(1 for i in range(80) if i % 3 == 0 and 1 + i % 6 == 6 and 14 <= 1 + i % 27 <= 27)
    assert vehicle["offences"] == 12 + background
    assert sorted(Path(f).suffix for f in ta["files"]) == [".docx", ".pdf"]
    assert ta["reference"] == "TA/2025/0001" and ta["status"] == "draft"


def test_assessment_qa_draft_mark_agenda_and_register(tmp_path, capsys, act_as, new_store):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    code, ta = cli(capsys, db, "assessment", "tactical", "--from", "2025-03-01", "--to", "2025-03-13",
                   "--out", str(tmp_path / "draft"), "--no-hotspots")
    ref = ta["reference"]
    pdf = next(f for f in ta["files"] if f.endswith(".pdf"))
    text = pdf_text(pdf)
    assert text.count("DRAFT: NOT APPROVED") == len(PdfReader(pdf).pages)     # every page
    assert "Priority: Burglary" in text and "S-NORTH-1" in text
    assert cli(capsys, db, "assessment", "submit", ref)[1]["status"] == "submitted"
    code, refused = cli(capsys, db, "assessment", "approve", ref)                 # by its author
    assert code == 1 and "different (Higher) Analyst" in refused["error"]
    act_as("h.analyst")
    code, refused = cli(capsys, db, "assessment", "approve", ref)                 # not a Higher Analyst yet
    assert code == 1 and "needs the higher-analyst role" in refused["error"]
    grant(db, "h.analyst")
    code, refused = cli(capsys, db, "assessment", "return", ref)
    assert code == 1 and "comments" in refused["error"]
    assert cli(capsys, db, "assessment", "approve", ref)[1]["status"] == "approved"
    act_as("test.analyst")
    code, again = cli(capsys, db, "assessment", "export", ref, "--out", str(tmp_path / "final"))
    assert code == 0 and again["draft"] is False
    assert "DRAFT" not in pdf_text(next(f for f in again["files"] if f.endswith(".pdf")))
    code, refused = cli(capsys, db, "assessment", "export", ref, "--out", str(tmp_path / "final"))
    assert code == 1 and "already exists" in refused["error"]                     # the release gate's rule
    with open_store(db) as store:
        audited = sql(store, "SELECT count(*) FROM audit_log WHERE action = 'export.assessment'").fetchone()
        assert audited[0] == 2

    # The meeting of 14 March (period 28 Feb to 13 March) takes the approved assessment.
    code, meeting = cli(capsys, db, "meeting", "create", "--date", "2025-03-14")
    first = meeting["agenda"][0]
    assert first["kind"] == "assessment" and first["ref"] == ref and "h.analyst" in first["detail"]
    assert [a["ref"] for a in meeting["agenda"] if a["kind"] == "series"] == [SERIES_REF]

    cli(capsys, db, "patp", "create", "--from-series", SERIES_REF)
    code, found = cli(capsys, db, "products", "search", "S-NORTH-1")
    assert code == 0 and sorted(p["kind"] for p in found["products"]) == ["patp", "tactical assessment"]
    assert "S-NORTH-1" in found["products"][0]["snippet"]
    assert cli(capsys, db, "products", "search", "S-NORTH-1", "--status", "approved")[1]["count"] == 1
    assert cli(capsys, db, "products", "search", "--kind", "patp")[1]["count"] == 1
    assert cli(capsys, db, "products", "search", "acacia nonsense")[1]["count"] == 0
    assert cli(capsys, db, "products", "search", "--author", "nobody")[1]["count"] == 0
    today = date.today().isoformat()
    assert cli(capsys, db, "products", "search", "--from", today, "--to", today)[1]["count"] == 2
    assert cli(capsys, db, "products", "search", "--to", "2024-12-31")[1]["count"] == 0


def test_strategic_assessment_hand_worked(tmp_path, capsys, new_store):
    db = new_store("s")
    with open_store(db) as store:
        records = [offence(f"P{i}", "burglary-residential", f"2024-{1 + i % 12:02d}-10") for i in range(10)]
        records += [offence(f"N{i}", "burglary-residential", f"2025-{1 + i % 12:02d}-11") for i in range(30)]
        records += [offence(f"RP{i}", "robbery-personal", f"2024-0{1 + i}-05") for i in range(2)]
        records += [offence(f"RN{i}", "robbery-personal", f"2025-0{1 + i}-05") for i in range(3)]
        with store.atomic():
            write_offences(store, records)
        AddPriority("Residential burglary", ["burglary-residential"], "DI Khan").do(store)
        picture = strategic_assessment(store, date(2025, 1, 1), date(2025, 12, 31))
    burglary = picture.priorities[0]
    assert (burglary["offences"], burglary["previous"]) == (30, 10)
    assert burglary["change"] == 2.0 and burglary["direction"] == "rising"
    assert round(burglary["p_value"], 4) == round(change_test(30, 10), 4) == 0.0022
    assert burglary["monthly"]["2025-01"] == 3                       # 30 spread over 12 months: 3,3,3,3,3,3,2...
    # Robbery is outside the strategy, high harm and rose (2 -> 3): recommended as a new priority.
    assert [(r["priority"], r["action"]) for r in picture.recommended] == [("Residential burglary", "keep"),
                                                                           ("Robbery personal", "add")]
    assert picture.review_date == "2026-03-31"
    assert picture.previous_from == "2024-01-01" and picture.previous_to == "2024-12-31"
    code, out = cli(capsys, db, "assessment", "strategic", "--from", "2025-01", "--to", "2025-12",
                    "--out", str(tmp_path / "sa"))
    assert code == 0 and out["reference"] == "SA/2025/0001" and out["review_date"] == "2026-03-31"
    assert "Recommended priorities" in pdf_text(next(f for f in out["files"] if f.endswith(".pdf")))


def test_trends_agree_with_the_scan_on_real_police_uk_data(tmp_path, capsys, new_store):
    """The bundled police.uk crime of Camden and Islington (January to September 2017, by
    month): an assessment of June-September lists the trends `scan --since 2017-06` lists."""
    from workbench.paths import data_path

    db = new_store("real")
    code, imported = cli(capsys, db, "import", "police-uk", str(data_path("police-uk",
                                                                         "camden-islington-2017-street.csv.gz")))
    assert code == 0 and imported["imported"] > 50000
    code, scan = cli(capsys, db, "scan", "--since", "2017-06", "--preview")
    code, ta = cli(capsys, db, "assessment", "tactical", "--from", "2017-06", "--to", "2017-09",
                   "--out", str(tmp_path / "ta"), "--no-hotspots", "--format", "pdf")
    period = {"unit": "month", "periods": 4, "from": "2017-06-01", "to": "2017-09-30"}
    assert code == 0 and ta["trend_period"] == scan["trend_period"] == period
    trends = sorted((t["category"], t["area"], t["observed"]) for t in ta["trends"])
    assert trends == sorted((a["category"], a["area"], a["observed"]) for a in scan["alerts"] if a["kind"] == "trend")
    # Summer against the months before: 9 rises, theft from the person the largest (4,739 against 3,511).
    assert len(trends) == 9 and ("theft-from-person", "all areas", 4739) in trends
