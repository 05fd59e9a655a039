"""Settings, the control strategy (priorities, requirements) and TTCG actions closed,
through the command line, on a hand-made borough with hand-worked expected values."""

import json
from datetime import date

from acting import acting_as, grant
from handmade import SERIES_REF, make_borough
from sqlpeek import sql

from workbench.cli import main
from workbench.store import open_store
from workbench.tasking.meetings import SetActionStatus, next_meeting_date


def cli(capsys, db, *argv):
    code = main([*argv, "--db", str(db), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_settings_show_set_and_refusals(new_store, capsys):
    db = new_store("s")
    open_store(db).close()
    code, shown = cli(capsys, db, "settings", "show")
    assert code == 0
    assert shown["settings"] == {"borough": "", "organisation": "Metropolitan Police Service",
                                 "security_marking": "OFFICIAL-SENSITIVE", "accreditation_level": "OFFICIAL-SENSITIVE",
                                 "ttcg_cycle_days": "14", "ttcg_weekday": "Thursday"}
    assert shown["roles"] == {"admin": ["test.analyst"]}         # whoever created the store
    assert cli(capsys, db, "settings", "set", "ttcg_cycle_days", "weekly")[1] == {
        "key": "ttcg_cycle_days", "value": "7", "previous": "14"}
    assert cli(capsys, db, "settings", "set", "ttcg_weekday", "tue")[1]["value"] == "Tuesday"
    assert cli(capsys, db, "settings", "set", "borough", "Testborough")[1]["value"] == "Testborough"
    code, refused = cli(capsys, db, "settings", "set", "security_marking", "SECRET")
    assert code == 1 and "above this installation's accreditation level" in refused["error"]
    code, refused = cli(capsys, db, "settings", "set", "ttcg_cycle_days", "10")
    assert code == 1 and "weekly or fortnightly" in refused["error"]
    assert cli(capsys, db, "settings", "set", "accreditation_level", "secret")[1]["value"] == "SECRET"
    assert cli(capsys, db, "settings", "set", "security_marking", "SECRET")[0] == 0
    code, refused = cli(capsys, db, "settings", "set", "accreditation_level", "OFFICIAL")
    assert code == 1 and "above" in refused["error"]       # would leave the marking above the level
    with open_store(db) as store:
        assert store.setting("ttcg_cycle_days") == "7"
        # No meeting yet: the first is on the next Tuesday; 3 March 2025 is a Monday.
        assert next_meeting_date(store, date(2025, 3, 3)) == date(2025, 3, 4)
        assert next_meeting_date(store, date(2025, 3, 4)) == date(2025, 3, 4)
        changes = sql(store, "SELECT count(*) FROM audit_log WHERE action = 'setting.change'").fetchone()[0]
        assert changes == 5


def test_priorities_requirements_and_patp_priority(new_store, capsys):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)               # Burglary, Vehicle crime, Serious sexual offences
    code, added = cli(capsys, db, "priorities", "add", "Criminal damage", "--category", "criminal damage",
                      "--owner", "Insp Patel")
    assert code == 0 and added["categories"] == ["criminal-damage"] and added["priority"] == 4
    code, refused = cli(capsys, db, "priorities", "add", "burglary", "--category", "burglary", "--owner", "X")
    assert code == 1 and "already a priority" in refused["error"]
    code, req = cli(capsys, db, "priorities", "requirement", "Burglary", "Who is handling stolen jewellery?")
    assert code == 0
    code, listed = cli(capsys, db, "priorities", "list")
    assert [p["name"] for p in listed["priorities"]] == ["Burglary", "Vehicle crime", "Serious sexual offences",
                                                         "Criminal damage"]
    assert listed["priorities"][0]["categories"] == ["burglary", "burglary-business", "burglary-residential"]
    assert [r["text"] for r in listed["priorities"][0]["requirements"]] == ["Who is handling stolen jewellery?"]

    # The series is 8 residential burglaries: the pre-filled priority is Burglary.
    code, made = cli(capsys, db, "patp", "create", "--from-series", SERIES_REF)
    ref = made["reference"]
    assert cli(capsys, db, "patp", "show", ref)[1]["priority"] == "Burglary"
    code, refused = cli(capsys, db, "patp", "edit", ref, "--set", "priority=Knife crime")
    assert code == 1 and "not a priority of the control strategy" in refused["error"]
    assert "Criminal damage" in refused["error"]
    assert cli(capsys, db, "patp", "edit", ref, "--set", "priority=vehicle crime")[0] == 0
    assert cli(capsys, db, "patp", "show", ref)[1]["priority"] == "Vehicle crime"     # stored as named
    cli(capsys, db, "patp", "edit", ref, "--set", "owner=DI Smith")
    code, retired = cli(capsys, db, "priorities", "retire", "Vehicle crime")
    assert code == 0 and retired["retired"] == date.today().isoformat()
    code, refused = cli(capsys, db, "patp", "submit", ref)
    assert code == 1 and "not a priority" in refused["error"]           # retired: may not be used now
    assert [p["name"] for p in cli(capsys, db, "priorities", "list")[1]["priorities"]] == [
        "Burglary", "Serious sexual offences", "Criminal damage"]
    assert len(cli(capsys, db, "priorities", "list", "--all")[1]["priorities"]) == 4
    cli(capsys, db, "patp", "edit", ref, "--set", "priority=Burglary")
    assert cli(capsys, db, "patp", "submit", ref)[1]["status"] == "submitted"


def _accepted_tasking(capsys, db) -> tuple[str, int]:
    code, made = cli(capsys, db, "patp", "create", "--from-series", SERIES_REF)
    ref = made["reference"]
    cli(capsys, db, "patp", "edit", ref, "--set", "owner=DI Smith")
    cli(capsys, db, "patp", "submit", ref)
    grant(db, "h.analyst")
    with acting_as("h.analyst"):
        cli(capsys, db, "patp", "approve", ref)
    code, first = cli(capsys, db, "meeting", "create", "--date", "2025-03-06")
    cli(capsys, db, "patp", "schedule", ref, "--meeting", str(first["id"]))
    with acting_as("Supt Jones"):
        cli(capsys, db, "patp", "decide", ref, "--decision", "accepted", "--comment", "Active series")
    return ref, first["id"]


def test_action_status_changes_the_review_counts(new_store, capsys):
    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    ref, first = _accepted_tasking(capsys, db)
    code, refused = cli(capsys, db, "meeting", "action", str(first), "Cocooning", "--owner", "PS Brown",
                        "--due", "2025-03-10", "--patp", ref)
    assert code == 1 and "before today" in refused["error"]             # due before the day it is created
    ids = []
    for text, due in (("Cocooning", "2025-03-10"), ("Warrant", "2025-03-13"), ("Leaflets", "2025-04-01")):
        code, made = cli(capsys, db, "meeting", "action", str(first), text, "--owner", "PS Brown", "--due", due,
                         "--patp", ref, "--force")
        ids.append(made["action"])
    assert cli(capsys, db, "meeting", "action-status", str(ids[0]), "--status", "done", "--note", "42 homes")[1] == {
        "action": ids[0], "status": "done"}
    code, second = cli(capsys, db, "meeting", "create", "--date", "2025-03-20")
    review = next(a for a in second["agenda"] if a["kind"] == "review")
    # Held 20 March: Warrant (due 13 March, open) is overdue; Leaflets (1 April) is not yet.
    assert (review["actions"], review["open"], review["done"], review["overdue"]) == (3, 2, 1, 1)
    assert review["detail"] == "3 actions: 2 open, 1 done, 1 overdue"
    assert cli(capsys, db, "meeting", "action-status", str(ids[1]), "--status", "in-progress")[0] == 0
    review = next(a for a in cli(capsys, db, "meeting", "agenda", str(second["id"]))[1]["agenda"]
                  if a["kind"] == "review")
    assert (review["open"], review["done"], review["overdue"]) == (2, 1, 1)  # in progress is still open
    cli(capsys, db, "meeting", "action-status", str(ids[1]), "--status", "done")
    review = next(a for a in cli(capsys, db, "meeting", "agenda", str(second["id"]))[1]["agenda"]
                  if a["kind"] == "review")
    assert (review["open"], review["done"], review["overdue"]) == (1, 2, 0)
    code, refused = cli(capsys, db, "meeting", "action-status", "999", "--status", "done")
    assert code == 1 and "no action with id 999" in refused["error"]
    with open_store(db) as store:
        row = sql(store, "SELECT status, note, closed_at FROM ttcg_actions WHERE id = ?", (ids[0],)).fetchone()
        assert row[0] == "done" and row[1] == "42 homes" and row[2]
        cmd = SetActionStatus(ids[0], "cancelled", "duplicate")
        cmd.do(store)
        cmd.undo(store)                                                  # undo restores status, note and date
        assert sql(store, "SELECT status, note, closed_at FROM ttcg_actions WHERE id = ?",
                                  (ids[0],)).fetchone() == row


def test_results_dated_from_the_meeting_with_no_after_bar_until_it_has_elapsed(new_store, capsys):
    from workbench.tasking.editing import load_patp
    from workbench.tasking.results import analyse_patp, results_figure

    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    ref, first = _accepted_tasking(capsys, db)        # decided at the meeting of 6 March 2025 (recorded today)
    code, r = cli(capsys, db, "results", ref)
    assert code == 0 and r["start"] == "2025-03-06" and r["start_basis"] == "TTCG meeting of 2025-03-06"
    assert r["before"] == ["2025-01-09", "2025-03-06"] and r["after"] == ["2025-03-06", "2025-05-01"]
    assert r["complete"] is True and isinstance(r["target_after"], int)
    with open_store(db) as store:
        patp = load_patp(store, ref)
        early = analyse_patp(store, patp, today=date(2025, 4, 1))
        done = analyse_patp(store, patp, today=date(2025, 5, 1))
    m = early.measures
    assert not early.complete and (m.target_after, m.buffer_after, m.control_after, m.wdq) == (None,) * 4
    assert "26 of 56 days have passed" in m.interpretation and "until 01 May 2025" in m.interpretation
    assert m.target_before == done.measures.target_before                 # the before bar is the same
    assert done.complete and done.measures.target_after is not None
    bars = [len(ax.patches) for ax in results_figure(early).axes]
    assert bars == [2, 1]                                                  # before bars only
    assert [len(ax.patches) for ax in results_figure(done).axes] == [4, 2]


def test_three_six_nine_month_reviews_appear_in_the_scan(new_store, capsys):
    from workbench.scan.scanner import run_scan

    db = new_store("s")
    with open_store(db) as store:
        make_borough(store)
    ref, first = _accepted_tasking(capsys, db)        # accepted at the TTCG of 6 March 2025
    with open_store(db) as store:                     # fortnightly cycle: due within 14 days either side
        def reviews(day):
            return [a for a in run_scan(store, record=False, today=day).alerts if a.kind == "tasking_review"]

        found = reviews(date(2025, 6, 10))
        assert [(a.detail["months"], a.detail["due"]) for a in found] == [(3, "2025-06-06")]
        assert found[0].summary.startswith(f"3-month review of {ref}")
        assert "overdue since 6 June 2025" in found[0].summary and len(found[0].offence_ids) == 8
        assert "due on 6 September 2025" in reviews(date(2025, 8, 25))[0].summary
        assert reviews(date(2025, 7, 20)) == []
        assert [a.detail["months"] for a in reviews(date(2025, 12, 1))] == [9]
