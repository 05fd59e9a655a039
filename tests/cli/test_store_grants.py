"""``workbench store grants``: the GRANT statements a DBA runs on a team store, run here
on a real server: a reader login reads only, an analyst login works but can only add to
the audit log and cannot change who holds which Workbench role, an admin login can."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from workbench.cli import main


def as_login(url: str, login: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{login}@{parts.hostname}:{parts.port}"))


@pytest.fixture
def team(pg_server, tmp_path, capsys):
    """A team store with offences, the statements run on it, and a login in each group."""
    import psycopg

    url = pg_server.new_database()
    offences = tmp_path / "offences.csv"
    offences.write_text("offence_ref,category,committed_from,easting,northing\n"
                        "G/1,burglary-residential,2025-03-01T10:00,529000,184000\n", encoding="utf-8")
    assert main(["--db", url, "import", "offences", str(offences)]) == 0
    tag = uuid.uuid4().hex[:8]
    groups = {kind: f"wbt_{kind}_{tag}" for kind in ("reader", "analyst", "admin")}
    logins = {kind: f"wbt_{kind}_login_{tag}" for kind in groups}
    capsys.readouterr()
    assert main(["--db", url, "store", "grants", *(a for k, n in groups.items() for a in (f"--{k}", n)), "--json"]) == 0
    statements = json.loads(capsys.readouterr().out)["statements"]
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)
        for kind, login in logins.items():
            conn.execute(f"CREATE ROLE {login} LOGIN IN ROLE {groups[kind]}")
    yield url, {kind: as_login(url, login) for kind, login in logins.items()}, offences
    pg_server.drop_all()
    with psycopg.connect(pg_server.url, autocommit=True) as conn:
        for name in [*logins.values(), *groups.values()]:
            conn.execute(f"DROP ROLE IF EXISTS {name}")


def refused(url: str, sql: str) -> bool:
    """True when the server refuses ``sql`` to this login for want of a privilege."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute(sql)
        except psycopg.errors.InsufficientPrivilege:
            return True
    return False


def test_each_group_may_do_what_its_work_needs_and_no_more(team, capsys, tmp_path):
    url, login, offences = team
    more = tmp_path / "more.csv"
    more.write_text(offences.read_text().replace("G/1", "G/2"), encoding="utf-8")

    assert main(["--db", login["reader"], "stats", "--json"]) == 0                 # reads
    assert json.loads(capsys.readouterr().out)["offences"] == 1
    assert main(["--db", login["reader"], "import", "offences", str(more)]) == 1     # never writes
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "may read the team store" in err and "Traceback" not in err

    assert main(["--db", login["analyst"], "import", "offences", str(more), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 1
    assert main(["--db", login["analyst"], "audit", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    for sql in ("UPDATE audit_log SET detail = '{}'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                "INSERT INTO roles (\"user\", role, granted_by, granted_at) VALUES ('me', 'admin', 'me', 'now')",
                "DELETE FROM workbench_schema", "CREATE TABLE mine (x integer)"):
        assert refused(login["analyst"], sql), sql
    # test.analyst holds Workbench's admin role, but this login may not change the roles table
    assert main(["--db", login["analyst"], "roles", "grant", "c.chair", "ttcg-chair"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not change its roles" in err and "workbench_admin" in err
    assert main(["--db", login["admin"], "roles", "grant", "c.chair", "ttcg-chair", "--json"]) == 0
    capsys.readouterr()
    assert refused(login["admin"], "UPDATE audit_log SET detail = '{}'")


def test_grants_need_a_team_store_address_and_plain_names(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "s.sqlite"), "store", "grants"]) == 1
    assert "team store" in capsys.readouterr().err
    assert main(["--db", "postgresql://owner@server/camden", "store", "grants", "--reader", "Robert'); DROP"]) == 1
    assert "not a plain role name" in capsys.readouterr().err
    assert main(["--db", "postgresql://owner@server/camden", "store", "grants"]) == 0
    text = capsys.readouterr().out
    assert "GRANT SELECT ON ALL TABLES IN SCHEMA public TO workbench_reader;" in text
    assert "ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA public" in text
