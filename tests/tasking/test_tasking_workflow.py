"""The PATP workflow: every transition, the refused ones, history, audit and undo."""

import json

import pytest
from acting import grant
from handmade import add_control_strategy
from sqlpeek import sql

from workbench.store import tasking as db
from workbench.tasking.editing import CreatePatp, EditPatp, load_patp
from workbench.tasking.meetings import CreateMeeting
from workbench.tasking.patp import Patp
from workbench.tasking.workflow import PatpTransition, WorkflowError

AUTHOR, QA = "a.analyst", "h.analyst"


@pytest.fixture(autouse=True)
def _identity(act_as):
    """``run(..., user=...)`` acts as that user (the login, as Workbench records it)."""
    global act
    act = act_as


def ready_patp(store) -> int:
    grant(store, QA)
    if not db.list_patps(store):
        add_control_strategy(store)
    patp = Patp(reference="", title="Rear-window burglaries", author=AUTHOR, date="2025-03-10",
                borough="Camden", priority="Burglary", problem_type="series",
                problem_summary="Six burglaries", threat_harm_risk="High",
                tactics={"Prevent": ["Cocooning"], "Intelligence": [], "Enforcement": [], "Reassurance": []},
                objectives="Reduce burglary", success_measures="20% fewer", owner="DI Smith",
                review_date="2025-04-30")
    cmd = CreatePatp(patp)
    cmd.do(store)
    return cmd.patp_id


def run(store, key, action, comment=None, user=AUTHOR, **kw):
    act(user)
    cmd = PatpTransition(key, action, comment, **kw)
    cmd.do(store)
    return cmd


def meeting(store):
    cmd = CreateMeeting("2025-03-20")
    cmd.do(store)
    return cmd.meeting_id


def test_full_workflow_records_every_transition(store):
    pid = ready_patp(store)
    assert load_patp(store, pid).reference == "PATP/2025/0001"
    run(store, pid, "submit", "ready")
    run(store, pid, "return", "add the near-repeat table", user=QA)
    assert load_patp(store, pid).status == "returned"
    run(store, pid, "submit", "added")
    run(store, pid, "approve", "good", user=QA)
    patp = load_patp(store, pid)
    assert patp.status == "approved" and patp.qa["by"] == QA
    mid = meeting(store)
    run(store, pid, "schedule", meeting_id=mid)
    agenda = db.load_meeting(store, mid)["agenda"]
    assert any(item.get("patp_id") == pid for item in agenda)
    run(store, pid, "decide", "Resources available", decision="accepted", user="Supt Jones")
    patp = load_patp(store, pid)
    assert patp.status == "accepted"
    assert patp.decision["decision"] == "accepted" and patp.decision["reasons"] == "Resources available"
    history = db.transitions(store, pid)
    assert [(h["action"], h["to_status"]) for h in history] == [
        ("submit", "submitted"), ("return", "returned"), ("submit", "submitted"),
        ("approve", "approved"), ("schedule", "scheduled"), ("decide", "accepted")]
    assert history[1]["user"] == QA and history[1]["comment"] == "add the near-repeat table"
    assert all(h["at"] for h in history)
    decisions = db.load_meeting(store, mid)["decisions"]
    assert [(d["patp_id"], d["decision"]) for d in decisions] == [(pid, "accepted")]
    audited = [r[0] for r in sql(store,
        "SELECT action FROM audit_log WHERE object_type = 'patp' ORDER BY id")]
    assert audited == ["patp.create", "patp.submit", "patp.return", "patp.submit", "patp.approve",
                       "patp.schedule", "patp.decide"]
    detail = json.loads(sql(store,
        "SELECT detail FROM audit_log WHERE action = 'patp.return'").fetchone()[0])
    assert detail["comment"] == "add the near-repeat table" and detail["from"] == "submitted"


@pytest.mark.parametrize("decision", ["rejected", "deferred"])
def test_other_decisions_and_deferred_can_return_to_agenda(store, decision):
    pid = ready_patp(store)
    run(store, pid, "submit")
    run(store, pid, "approve", user=QA)
    mid = meeting(store)
    run(store, pid, "schedule", meeting_id=mid)
    run(store, pid, "decide", "No resources this cycle", decision=decision, user="Supt Jones")
    assert load_patp(store, pid).status == decision
    if decision == "deferred":
        run(store, pid, "schedule", meeting_id=meeting(store))
        assert load_patp(store, pid).status == "scheduled"
    else:
        with pytest.raises(WorkflowError, match="workflow is complete"):
            run(store, pid, "schedule", meeting_id=mid)


def test_invalid_transitions_are_refused_with_reasons(store):
    pid = ready_patp(store)
    with pytest.raises(WorkflowError, match="cannot approve .* it is draft.*Possible now: submit"):
        run(store, pid, "approve", user=QA)
    with pytest.raises(WorkflowError, match="cannot decide"):
        run(store, pid, "decide", "x", decision="accepted")
    with pytest.raises(WorkflowError, match="cannot schedule"):
        run(store, pid, "schedule", meeting_id=1)
    run(store, pid, "submit")
    with pytest.raises(WorkflowError, match="needs comments"):
        run(store, pid, "return", "  ", user=QA)
    with pytest.raises(WorkflowError, match="different .*Analyst"):
        run(store, pid, "approve", user=AUTHOR)
    with pytest.raises(WorkflowError, match="cannot submit"):
        run(store, pid, "submit")
    run(store, pid, "approve", user=QA)
    with pytest.raises(WorkflowError, match="needs the TTCG meeting"):
        run(store, pid, "schedule")
    run(store, pid, "schedule", meeting_id=meeting(store))
    with pytest.raises(WorkflowError, match="must be one of"):
        run(store, pid, "decide", "why", decision="maybe")
    with pytest.raises(WorkflowError, match="needs its reasons"):
        run(store, pid, "decide", "", decision="rejected")
    assert load_patp(store, pid).status == "scheduled"
    assert len(db.transitions(store, pid)) == 3


def test_submission_needs_the_required_fields(store):
    cmd = CreatePatp(Patp(reference="", title="Thin", author=AUTHOR, date="2025-03-10"))
    cmd.do(store)
    with pytest.raises(WorkflowError) as err:
        run(store, cmd.patp_id, "submit")
    for label in ("borough", "problem summary", "recommended tactics", "owner", "review date"):
        assert label in str(err.value)


def test_undo_puts_the_patp_back(store):
    pid = ready_patp(store)
    run(store, pid, "submit")
    run(store, pid, "approve", user=QA)
    mid = meeting(store)
    run(store, pid, "schedule", meeting_id=mid)
    decide = run(store, pid, "decide", "Go", decision="accepted", user="Supt")
    decide.undo(store)
    patp = load_patp(store, pid)
    assert patp.status == "scheduled" and patp.decision == {}
    assert db.load_meeting(store, mid)["decisions"] == []
    assert [h["action"] for h in db.transitions(store, pid)] == ["submit", "approve", "schedule"]
    decide.do(store)        # redo
    assert load_patp(store, pid).status == "accepted"


def test_editing_is_limited_after_submission(store):
    pid = ready_patp(store)
    edit = EditPatp(pid, {"title": "Rear-window burglaries, Kentish Town"})
    edit.do(store)
    assert load_patp(store, pid).title.endswith("Kentish Town")
    edit.undo(store)
    assert load_patp(store, pid).title == "Rear-window burglaries"
    with pytest.raises(ValueError, match="NIM level"):
        EditPatp(pid, {"nim_level": 4}).do(store)
    run(store, pid, "submit")
    with pytest.raises(ValueError, match="is submitted"):
        EditPatp(pid, {"title": "x"}).do(store)
    EditPatp(pid, {"result_review": "Arrests made"}).do(store)
    assert load_patp(store, pid).result_review == "Arrests made"
