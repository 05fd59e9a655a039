"""Two analysts in two processes decide on the same pair at once, having both seen the
same version: exactly one decision is saved, the other analyst is told whose decision
stands, and nothing is lost (the store and the audit log hold the winner's, once)."""

import pytest
from racing import race
from sqlpeek import sql

from workbench.linkage import decisions as cmd
from workbench.linkage import service
from workbench.store import linkage as db


def read_version(store, decision):
    return db.decision_version(store, *pair(store))


def decide(store, decision, seen):
    cmd.DecideLink(*pair(store), decision, why=f"{decision} after review", seen=seen).do(store)


def pair(store):
    return service.resolve(store, "B1"), service.resolve(store, "B2")


@pytest.mark.parametrize("decided_before", [False, True], ids=["first-decision", "over-a-decision"])
def test_two_processes_decide_at_once_one_wins_and_nothing_is_lost(small_store, decided_before):
    a, b = pair(small_store)
    if decided_before:
        cmd.DecideLink(a, b, "confirmed", why="earlier", seen=0).do(small_store)
    seen = db.decision_version(small_store, a, b)
    outcomes = race(small_store.location, read_version, decide, {"jsmith": "rejected", "akhan": "confirmed"})

    saved = [user for user, (outcome, _) in outcomes.items() if outcome == "saved"]
    refused = [(user, message) for user, (outcome, message) in outcomes.items() if outcome == "conflict"]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    winner, (loser, message) = saved[0], refused[0]
    mine, theirs = {"jsmith": "rejected", "akhan": "confirmed"}[loser], {"jsmith": "rejected", "akhan": "confirmed"}[winner]
    assert message.startswith(f"offences B1 and B2 were marked '{theirs}' by {winner} at ")
    assert message.endswith(f"while you were looking; your '{mine}' was not saved: look again and decide")
    stored = db.get_decision(small_store, a, b)
    assert (stored["decision"], stored["user"], stored["version"]) == (theirs, winner, seen + 1)
    entries = sql(small_store, "SELECT action, \"user\" FROM audit_log WHERE object_type = 'link' "
                               "AND object_id = ? AND \"user\" <> 'test.analyst'", (f"{a}-{b}",)).fetchall()
    assert entries == [(f"link.{'confirm' if theirs == 'confirmed' else 'reject'}", winner)]
