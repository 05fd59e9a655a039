"""Two analysts at once: a link decision names the version its author saw; a decision
made meanwhile by someone else is a conflict that says what they did, never a silent
overwrite (both engines; the race between two processes is in test_concurrent_decisions)."""

import json

import pytest
from acting import acting_as
from sqlpeek import sql

from workbench.app.history import CommandStack
from workbench.cli import main
from workbench.errors import Conflict
from workbench.linkage import decisions as cmd
from workbench.linkage import service
from workbench.store import linkage as db
from workbench.store.conflicts import when


def pair(store):
    return service.resolve(store, "B1"), service.resolve(store, "B2")


def link_entries(store, a, b):
    return sql(store, "SELECT action, \"user\" FROM audit_log WHERE object_type = 'link' AND object_id = ? "
                      "ORDER BY id", (f"{a}-{b}",)).fetchall()


def test_a_decision_made_meanwhile_is_not_overwritten_and_the_message_says_who_and_what(small_store):
    a, b = pair(small_store)
    assert db.decision_version(small_store, a, b) == 0               # both analysts see no decision
    with acting_as("jsmith"):
        cmd.DecideLink(a, b, "rejected", why="alibi", seen=0).do(small_store)
    theirs = db.get_decision(small_store, a, b)
    with pytest.raises(Conflict) as refused:
        cmd.DecideLink(a, b, "confirmed", why="same CCTV vehicle", seen=0).do(small_store)
    assert str(refused.value) == (f"offences B1 and B2 were marked 'rejected' by jsmith at {when(theirs['at'])} "
                                  "while you were looking; your 'confirmed' was not saved: look again and decide")
    assert db.get_decision(small_store, a, b) == theirs and theirs["version"] == 1
    assert link_entries(small_store, a, b) == [("link.reject", "jsmith")]


def test_deciding_over_the_version_seen_moves_it_on_and_a_stale_version_is_refused(small_store):
    a, b = pair(small_store)
    cmd.DecideLink(a, b, "confirmed", why="x", seen=0).do(small_store)
    cmd.DecideLink(a, b, "rejected", why="custody record", seen=1).do(small_store)
    assert db.get_decision(small_store, a, b)["version"] == 2
    with pytest.raises(Conflict, match="marked 'rejected' by test.analyst"):
        cmd.DecideLink(a, b, "confirmed", why="stale", seen=1).do(small_store)
    assert db.get_decision(small_store, a, b)["decision"] == "rejected"
    assert [r[0] for r in link_entries(small_store, a, b)] == ["link.confirm", "link.reject"]


def test_undo_never_puts_back_over_someone_elses_decision(small_store):
    a, b = pair(small_store)
    stack = CommandStack(lambda: small_store)
    stack.push(cmd.DecideLink(a, b, "confirmed", why="mine", seen=0))
    with acting_as("jsmith"):
        cmd.DecideLink(a, b, "rejected", why="theirs", seen=1).do(small_store)
    with pytest.raises(Conflict, match="marked 'rejected' by jsmith .* your undo was not saved"):
        stack.undo()
    assert db.get_decision(small_store, a, b)["user"] == "jsmith"


def test_undo_then_redo_names_the_versions_it_wrote(small_store):
    a, b = pair(small_store)
    cmd.DecideLink(a, b, "confirmed", why="first", seen=0).do(small_store)
    stack = CommandStack(lambda: small_store)
    stack.push(cmd.DecideLink(a, b, "rejected", why="second", seen=1))
    stack.undo()
    assert db.get_decision(small_store, a, b)["decision"] == "confirmed"
    assert db.get_decision(small_store, a, b)["version"] == 3      # a put-back is a change too
    stack.redo()
    assert db.get_decision(small_store, a, b) | {"at": None} == {
        "decision": "rejected", "why": "second", "user": "test.analyst", "at": None, "version": 4}


def test_a_decision_withdrawn_meanwhile_is_a_conflict_too(small_store):
    a, b = pair(small_store)
    with acting_as("jsmith"):
        stack = CommandStack(lambda: small_store)
        stack.push(cmd.DecideLink(a, b, "confirmed", why="x", seen=0))
        stack.undo()
    with pytest.raises(Conflict, match="the decision on offences B1 and B2 was withdrawn while you were looking; "
                                       "your 'rejected' was not saved"):
        cmd.DecideLink(a, b, "rejected", why="seen it", seen=1).do(small_store)
    assert db.get_decision(small_store, a, b) is None


def test_a_decision_withdrawn_and_made_again_is_not_the_one_seen(small_store):
    """Seen: jsmith's confirmation. Meanwhile jsmith undoes it and akhan rejects the pair
    afresh: deciding over the confirmation seen must not replace akhan's rejection."""
    a, b = pair(small_store)
    with acting_as("jsmith"):
        stack = CommandStack(lambda: small_store)
        stack.push(cmd.DecideLink(a, b, "confirmed", why="x", seen=0))
    seen = db.decision_version(small_store, a, b)
    with acting_as("jsmith"):
        stack.undo()
    with acting_as("akhan"):
        cmd.DecideLink(a, b, "rejected", why="alibi", seen=0).do(small_store)
    assert db.get_decision(small_store, a, b)["version"] != seen
    with pytest.raises(Conflict, match="marked 'rejected' by akhan"):
        cmd.DecideLink(a, b, "confirmed", why="CCTV", seen=seen).do(small_store)
    assert db.get_decision(small_store, a, b)["user"] == "akhan"


def test_link_confirm_takes_the_version_seen_and_reports_a_conflict_in_one_line(small_store, capsys):
    location = small_store.location

    def run(*argv):
        code = main(["--db", location, *argv, "--json"])
        return code, json.loads(capsys.readouterr().out)

    assert run("link", "reject", "B1", "B2", "--why", "alibi") == (
        0, {"offences": ["B1", "B2"], "decision": "rejected", "why": "alibi", "version": 1})
    code, listed = run("link", "decisions")
    assert code == 0 and listed["decisions"][0]["version"] == 1
    code, refused = run("link", "confirm", "B1", "B2", "--why", "CCTV", "--seen-version", "0")
    assert code == 1 and refused["error"].startswith("offences B1 and B2 were marked 'rejected' by test.analyst at ")
    assert refused["error"].endswith("; your 'confirmed' was not saved: look again and decide")
    assert run("link", "confirm", "B1", "B2", "--why", "CCTV", "--seen-version", "1")[1]["version"] == 2
    assert run("link", "reject", "B1", "B2", "--why", "no")[1]["version"] == 3   # default: the version standing
