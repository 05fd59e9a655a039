"""Roles: the store's creator is its admin; only admins grant and revoke (audited); the
last admin stays; approving a PATP needs the higher-analyst role and someone other than
its author and its submitter, each refusal one line."""

import json

import pytest
from acting import acting_as, grant
from handmade import make_borough
from sqlpeek import sql

from workbench.cli import main
from workbench.domain.roles import Role
from workbench.errors import NotAllowed
from workbench.store import open_store, roles
from workbench.tasking.editing import CreatePatp
from workbench.tasking.patp import Patp
from workbench.tasking.workflow import PatpTransition, WorkflowError


def run(capsys, *argv):
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_creator_is_admin_and_roles_list_says_who_you_are(new_store, capsys):
    db = new_store("s")
    open_store(db).close()
    code, listed = run(capsys, "--db", db, "roles", "list")
    assert code == 0 and listed["you"] == "test.analyst" and listed["your_roles"] == ["admin"]
    assert [(r["user"], r["role"], r["granted_by"]) for r in listed["roles"]] == [
        ("test.analyst", "admin", "(created the store)")]


def test_only_an_admin_grants_and_every_change_is_audited(new_store, capsys):
    db = new_store("s")
    open_store(db).close()
    code, granted = run(capsys, "--db", db, "roles", "grant", "h.analyst", "higher-analyst")
    assert code == 0 and granted == {"user": "h.analyst", "role": "higher-analyst", "changed": True}
    with acting_as("h.analyst"):
        code, refused = run(capsys, "--db", db, "roles", "grant", "h.analyst", "admin")
    assert code == 1 and refused["error"] == (
        "h.analyst may not grant roles: that needs the admin role in this store "
        "(an admin grants it: workbench roles grant h.analyst admin)")
    assert run(capsys, "--db", db, "roles", "revoke", "h.analyst", "higher-analyst")[1]["changed"] is True
    with open_store(db) as store:
        rows = sql(store, "SELECT user, action, object_id, detail FROM audit_log WHERE action LIKE 'role.%' "
                          "ORDER BY id").fetchall()
    assert [(u, a, o, json.loads(d)["role"]) for u, a, o, d in rows] == [
        ("test.analyst", "role.grant", "h.analyst", "higher-analyst"),
        ("test.analyst", "role.revoke", "h.analyst", "higher-analyst")]


def test_the_last_admin_cannot_be_revoked(store):
    with pytest.raises(NotAllowed, match="only admin; grant admin to someone else first"):
        roles.revoke(store, "test.analyst", Role.ADMIN)
    roles.grant(store, "second.admin", Role.ADMIN)
    assert roles.revoke(store, "test.analyst", Role.ADMIN)
    assert roles.roles_of(store, "test.analyst") == set()


def test_an_old_store_makes_the_first_person_to_open_it_admin(tmp_path):
    import sqlite3

    from workbench.store import migrations

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.upgrade(conn, path, upto=11)
    conn.close()
    with acting_as("biu.lead"), open_store(path) as store:
        assert roles.roles_of(store) == {Role.ADMIN}


def submitted_patp(store) -> str:
    make_borough(store)
    patp = Patp(reference="", title="Rear-window burglaries", author="a.analyst", date="2025-03-10",
                borough="Testborough", priority="Burglary", problem_type="series",
                problem_summary="Six burglaries", threat_harm_risk="High",
                tactics={"Prevent": ["Cocooning"]}, objectives="Reduce burglary",
                success_measures="20% fewer", owner="DI Smith", review_date="2025-04-30")
    create = CreatePatp(patp)
    create.do(store)
    with acting_as("s.analyst"):
        PatpTransition(create.patp_id, "submit").do(store)
    return create.patp_id


def test_approval_needs_the_role_and_another_person(store):
    pid = submitted_patp(store)
    with acting_as("h.analyst"), pytest.raises(WorkflowError) as refused:
        PatpTransition(pid, "approve").do(store)
    assert str(refused.value) == ("h.analyst may not approve PATP/2025/0001: approving needs the higher-analyst "
                                  "role (an admin grants it: workbench roles grant h.analyst higher-analyst)")
    grant(store, "s.analyst")
    grant(store, "a.analyst")
    with acting_as("s.analyst"), pytest.raises(WorkflowError, match="s.analyst submitted PATP/2025/0001; a different"):
        PatpTransition(pid, "approve").do(store)
    with acting_as("a.analyst"), pytest.raises(WorkflowError, match="a.analyst wrote PATP/2025/0001; a different"):
        PatpTransition(pid, "approve").do(store)
    grant(store, "h.analyst")
    with acting_as("h.analyst"):
        PatpTransition(pid, "approve", "sound").do(store)
    assert sql(store, "SELECT user FROM audit_log WHERE action = 'patp.approve'").fetchall() == [("h.analyst",)]
