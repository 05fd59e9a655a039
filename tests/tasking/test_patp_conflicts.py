"""Two analysts at once on one PATP: an edit or a workflow step names the version its
author saw; a save made meanwhile by someone else is a conflict saying who changed what
and when, never a silent overwrite (both engines; two real processes at the end)."""

import json

import pytest
from acting import acting_as
from handmade import add_control_strategy
from racing import race
from sqlpeek import sql

from workbench.app.history import CommandStack
from workbench.cli import main
from workbench.errors import Conflict
from workbench.store.conflicts import when
from workbench.tasking.editing import CreatePatp, EditPatp, load_patp
from workbench.tasking.patp import Patp
from workbench.tasking.workflow import PatpTransition


def draft(store) -> int:
    """A PATP ready to submit, at version 1."""
    add_control_strategy(store)
    create = CreatePatp(Patp(reference="", title="Rear-window burglaries", author="test.analyst", date="2025-03-10", borough="Camden",
                             priority="Burglary", problem_summary="Six burglaries", threat_harm_risk="High",
                             tactics={"Prevent": ["Cocooning"]}, objectives="Reduce burglary",
                             success_measures="20% fewer", owner="DI Smith", review_date="2025-04-30"))
    create.do(store)
    return create.patp_id


def edit_entries(store, pid):
    return sql(store, "SELECT action, \"user\" FROM audit_log WHERE object_type = 'patp' AND object_id = ? "
                      "AND action <> 'patp.create' ORDER BY id", (str(pid),)).fetchall()


def test_an_edit_saved_meanwhile_is_kept_and_the_second_edit_is_refused_saying_what_changed(store):
    pid = draft(store)
    seen = load_patp(store, pid).version
    assert seen == 1
    with acting_as("jsmith"):
        EditPatp(pid, {"owner": "DI Khan", "objectives": "Arrest the offender"}, seen=seen).do(store)
    theirs = load_patp(store, pid)
    with pytest.raises(Conflict) as refused:
        EditPatp(pid, {"owner": "DI Jones"}, seen=seen).do(store)
    assert str(refused.value) == (f"PATP/2025/0001 was edited (objectives, owner) by jsmith at "
                                  f"{when(theirs.updated_at)} while you were looking; your edit of owner was not "
                                  "saved: look again and edit")
    now = load_patp(store, pid)
    assert (now.owner, now.version) == ("DI Khan", 2)
    assert edit_entries(store, pid) == [("patp.edit", "jsmith")]


def test_a_workflow_step_on_a_stale_version_is_refused_and_names_the_step_taken_meanwhile(store):
    pid = draft(store)
    with acting_as("jsmith"):
        PatpTransition(pid, "submit", "ready", seen=1).do(store)
    with pytest.raises(Conflict, match=r"^PATP/2025/0001 was moved from draft to submitted by jsmith at .* "
                                       "your edit of owner was not saved: look again and edit$"):
        EditPatp(pid, {"owner": "DI Jones"}, seen=1).do(store)
    with pytest.raises(Conflict, match="moved from draft to submitted by jsmith .* your 'submit' was not saved: "
                                       "look again and submit$"):
        PatpTransition(pid, "submit", "me too", seen=1).do(store)
    assert load_patp(store, pid).status == "submitted"
    assert edit_entries(store, pid) == [("patp.submit", "jsmith")]


def test_undo_never_puts_back_over_someone_elses_save(store):
    pid = draft(store)
    stack = CommandStack(lambda: store)
    stack.push(EditPatp(pid, {"owner": "DI Jones"}, seen=1))
    with acting_as("jsmith"):
        EditPatp(pid, {"owner": "DI Khan"}, seen=2).do(store)
    with pytest.raises(Conflict, match="edited \\(owner\\) by jsmith .* your undo was not saved"):
        stack.undo()
    assert load_patp(store, pid).owner == "DI Khan"


def test_undo_and_redo_of_a_step_name_the_versions_they_wrote(store):
    pid = draft(store)
    stack = CommandStack(lambda: store)
    stack.push(PatpTransition(pid, "submit", "ready", seen=1))
    stack.undo()
    assert (load_patp(store, pid).status, load_patp(store, pid).version) == ("draft", 3)
    stack.redo()
    assert (load_patp(store, pid).status, load_patp(store, pid).version) == ("submitted", 4)


def test_a_new_patp_reports_the_version_it_was_stored_at_so_a_first_edit_can_name_it(store):
    add_control_strategy(store)
    create = CreatePatp(Patp(reference="", title="Shed burglaries", author="test.analyst", date="2025-03-10"))
    create.do(store)
    assert create.patp.version == load_patp(store, create.patp_id).version == 1   # what `patp create` prints
    EditPatp(create.patp_id, {"owner": "DI Khan"}, seen=create.patp.version).do(store)
    assert load_patp(store, create.patp_id).version == 2


def test_patp_commands_take_the_version_seen_and_report_a_conflict_in_one_line(store, capsys):
    pid = draft(store)
    location = store.location

    def run(*argv):
        code = main(["--db", location, *argv, "--json"])
        return code, json.loads(capsys.readouterr().out)

    code, shown = run("patp", "show", str(pid))
    assert code == 0 and shown["version"] == 1
    code, edited = run("patp", "edit", str(pid), "--set", "owner=DI Khan", "--seen-version", "1")
    assert code == 0 and edited["version"] == 2
    code, refused = run("patp", "edit", str(pid), "--set", "owner=DI Jones", "--seen-version", "1")
    assert code == 1 and refused["error"].startswith("PATP/2025/0001 was edited (owner) by test.analyst at ")
    code, refused = run("patp", "submit", str(pid), "--seen-version", "1")
    assert code == 1 and refused["error"].endswith("your 'submit' was not saved: look again and submit")
    code, submitted = run("patp", "submit", str(pid))                # default: the version standing
    assert code == 0 and (submitted["status"], submitted["version"]) == ("submitted", 3)


def read_patp(store, owner):
    return load_patp(store, "PATP/2025/0001").version


def save_patp(store, owner, seen):
    EditPatp("PATP/2025/0001", {"owner": owner}, seen=seen).do(store)


def test_two_processes_save_one_patp_at_once_one_wins_and_nothing_is_lost(store):
    pid = draft(store)
    owners = {"jsmith": "DI Khan", "akhan": "DI Jones"}
    outcomes = race(store.location, read_patp, save_patp, owners)
    saved = [user for user, (outcome, _) in outcomes.items() if outcome == "saved"]
    refused = [(user, message) for user, (outcome, message) in outcomes.items() if outcome == "conflict"]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    winner, (_, message) = saved[0], refused[0]
    assert message.startswith(f"PATP/2025/0001 was edited (owner) by {winner} at ")
    assert message.endswith("your edit of owner was not saved: look again and edit")
    now = load_patp(store, pid)
    assert (now.owner, now.version) == (owners[winner], 2)
    assert edit_entries(store, pid) == [("patp.edit", winner)]
