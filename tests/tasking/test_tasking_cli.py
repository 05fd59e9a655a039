"""The tasking commands: JSON keys, the workflow through the CLI, packs and refusals."""

import json
from pathlib import Path

from acting import grant
from handmade import SERIES_REF, make_borough

from workbench.cli import main
from workbench.store import open_store


def cli(capsys, db, *argv):
    code = main([*argv[:1], *argv[1:], "--db", str(db), "--json"])
    out = json.loads(capsys.readouterr().out)
    return code, out


def test_patp_workflow_meeting_results_and_pack(tmp_path, capsys, act_as, new_store):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    code, made = cli(capsys, db, "patp", "create", "--from-series", SERIES_REF)
    assert code == 0 and made["reference"].startswith("PATP/") and made["status"] == "draft"
    assert made["offences"] == 8
    ref = made["reference"]
    code, edited = cli(capsys, db, "patp", "edit", ref, "--set", "owner=DI Smith", "--set",
                       'tactics={"Prevent": ["Cocooning"]}')
    assert code == 0 and edited["changed"] == ["owner", "tactics"]
    assert edited["missing"] == []
    assert cli(capsys, db, "patp", "submit", ref)[1]["status"] == "submitted"
    code, refused = cli(capsys, db, "patp", "approve", ref)  # the author (test.analyst)
    assert code == 1 and "different (Higher) Analyst" in refused["error"]
    grant(db, "h.analyst")
    act_as("h.analyst")
    assert cli(capsys, db, "patp", "approve", ref, "--comment", "ok")[1]["status"] == "approved"
    act_as("test.analyst")
    code, meeting = cli(capsys, db, "meeting", "create", "--date", "2025-03-01", "--borough", "Testborough")
    assert code == 0 and {"id", "held_on", "agenda", "decisions", "actions"} <= set(meeting)
    mid = str(meeting["id"])
    assert cli(capsys, db, "patp", "schedule", ref, "--meeting", mid)[1]["status"] == "scheduled"
    code, agenda = cli(capsys, db, "meeting", "agenda", mid)
    item = next(i for i, a in enumerate(agenda["agenda"], 1) if a.get("ref") == ref or a.get("patp_id") == made["id"])
    code, _decided = cli(capsys, db, "meeting", "decide", mid, str(item), "--decision", "accepted",
                        "--comment", "Series still active")
    assert code == 0
    assert cli(capsys, db, "patp", "show", ref)[1]["decision"]["decision"] == "accepted"
    code, action = cli(capsys, db, "meeting", "action", mid, "Cocooning visits", "--owner", "PS Brown",
                       "--due", "2025-03-08", "--patp", ref, "--force")
    assert code == 0 and action["patp"] == made["id"]
    code, listed = cli(capsys, db, "meeting", "list")
    assert listed["meetings"][0]["actions"] == 1
    code, patps = cli(capsys, db, "patp", "list", "--status", "accepted")
    assert [p["reference"] for p in patps["patps"]] == [ref]
    code, history = cli(capsys, db, "patp", "show", ref)
    assert [h["action"] for h in history["history"]] == ["submit", "approve", "schedule", "decide"]

    code, results = cli(capsys, db, "results", ref, "--chart", str(tmp_path / "r.png"))
    assert code == 0 and {"target_before", "target_after", "buffer_before", "wdq", "before", "after"} <= set(results)
    assert Path(results["chart"]).stat().st_size > 0

    code, pack = cli(capsys, db, "pack", ref, "--out", str(tmp_path / "pack"))
    assert code == 0 and list(pack) == ["files"]
    assert sorted(Path(f).suffix for f in pack["files"]) == [".docx", ".pdf"]
    assert all(Path(f).stat().st_size > 1000 for f in pack["files"])
    code, mpack = cli(capsys, db, "pack-meeting", mid, "--out", str(tmp_path / "mpack"), "--format", "pdf")
    assert code == 0 and len(mpack["files"]) == 1


def test_errors_are_one_line(tmp_path, capsys, empty_db):
    db = empty_db
    code, out = cli(capsys, db, "pack", "PATP/2025/9999", "--out", str(tmp_path))
    assert code == 1 and "\n" not in out["error"]
    code, out = cli(capsys, db, "patp", "create", "--from-hotspot", "530000,180000")
    assert code == 1 and "--from D --to D" in out["error"]
    code, out = cli(capsys, db, "patp", "create", "--from-offences", "NOPE/1")
    assert code == 1 and "NOPE/1" in out["error"]
