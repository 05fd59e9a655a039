"""Analyst decisions: stored with who/when/why, audited, undoable, respected by suggest."""

import pytest
from sqlpeek import sql

from workbench.app.history import CommandStack
from workbench.linkage import decisions as cmd
from workbench.linkage import service
from workbench.store import linkage as db


def ids(store, *refs):
    return [service.resolve(store, r) for r in refs]


def audit_actions(store):
    return [r[0] for r in sql(store, "SELECT action FROM audit_log ORDER BY id")]


def test_confirm_then_undo_restores_nothing(small_store):
    a, b = ids(small_store, "B1", "B2")
    stack = CommandStack(lambda: small_store)
    stack.push(cmd.DecideLink(b, a, "confirmed", why="same CCTV vehicle"))
    got = db.get_decision(small_store, a, b)
    assert got["decision"] == "confirmed" and got["why"] == "same CCTV vehicle" and got["user"] == "test.analyst"
    stack.undo()
    assert db.get_decision(small_store, a, b) is None
    stack.redo()
    assert db.get_decision(small_store, a, b)["decision"] == "confirmed"
    assert audit_actions(small_store)[-3:] == ["link.confirm", "undo", "link.confirm"]


def test_reject_over_confirm_undo_restores_confirm(small_store):
    a, b = ids(small_store, "B1", "B2")
    cmd.DecideLink(a, b, "confirmed", why="x").do(small_store)
    reject = cmd.DecideLink(a, b, "rejected", why="different offender on CCTV")
    reject.do(small_store)
    assert db.get_decision(small_store, a, b)["decision"] == "rejected"
    reject.undo(small_store)
    assert db.get_decision(small_store, a, b)["decision"] == "confirmed"


def test_rejected_link_is_never_suggested(small_store):
    before = [c["offence"] for c in service.suggest(small_store, "B1")["candidates"]]
    assert "B2" in before
    a, b = ids(small_store, "B1", "B2")
    cmd.DecideLink(a, b, "rejected", why="alibi").do(small_store)
    after = service.suggest(small_store, "B1")
    assert "B2" not in [c["offence"] for c in after["candidates"]]
    assert after["default_model"] is True and "link train" in after["model"]


def test_series_create_add_merge_split_and_undo(small_store):
    b1, b2, b3, b4, b6 = ids(small_store, "B1", "B2", "B3", "B4", "B6")
    create = cmd.CreateSeries([b1, b2], "Rear window burglar", why="CCA")
    create.do(small_store)
    s1 = create.series_id
    other = cmd.CreateSeries([b3], "Second")
    other.do(small_store)
    s2 = other.series_id
    cmd.AddToSeries(s2, [b6]).do(small_store)
    with pytest.raises(ValueError, match="already in series"):
        cmd.AddToSeries(s2, [b1]).do(small_store)
    merge = cmd.MergeSeries(s1, [s2], why="same MO")
    merge.do(small_store)
    assert sorted(db.series_members(small_store, s1)) == sorted([b1, b2, b3, b6])
    assert db.get_series(small_store, s2) is None
    merge.undo(small_store)
    assert sorted(db.series_members(small_store, s1)) == sorted([b1, b2])
    assert sorted(db.series_members(small_store, s2)) == sorted([b3, b6])
    split = cmd.SplitSeries(s2, [b6], "Unsolved one")
    split.do(small_store)
    assert db.series_members(small_store, split.new_id) == [b6]
    split.undo(small_store)
    assert sorted(db.series_members(small_store, s2)) == sorted([b3, b6]) and db.get_series(small_store, split.new_id) is None
    name = cmd.NameSeries(s1, "Operation Sash", "rear-window entries")
    name.do(small_store)
    assert db.get_series(small_store, s1)["name"] == "Operation Sash"
    name.undo(small_store)
    assert db.get_series(small_store, s1)["name"] == "Rear window burglar"
    remove = cmd.RemoveFromSeries(s1, [b2])
    remove.do(small_store)
    assert db.series_members(small_store, s1) == [b1]
    remove.undo(small_store)
    create.undo(small_store)
    assert db.get_series(small_store, s1) is None
    assert b4 not in db.series_members(small_store, s2)
    assert {"series.create", "series.add", "series.merge", "series.split", "series.name", "series.remove"} <= set(audit_actions(small_store))


def test_decisions_become_training_labels(small_store):
    a, b = ids(small_store, "B1", "B6")           # B6 is unsolved
    cmd.DecideLink(a, b, "confirmed", why="forensic match").do(small_store)
    data = service.load_data(small_store)
    labels = service.decided_pairs(small_store, data)
    pa, pb = data.positions([a, b])
    assert labels[["i", "j"]].values.tolist() == [[min(pa, pb), max(pa, pb)]] and bool(labels["linked"][0])
