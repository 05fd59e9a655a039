"""A team store on PostgreSQL: who acts, one writer at a time, no store where none was made."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import psycopg
import pytest

from workbench import identity
from workbench.domain.audit import AuditAction
from workbench.errors import NotFound, StoreError
from workbench.store import audit, db, open_store, roles

#: The real function (the ``act_as`` fixture keeps the database login from taking over).
USE_DATABASE_LOGIN = identity.use_database_login


@pytest.fixture
def analyst_login(pg_server):
    """A new login with the table rights the guide tells a DBA to grant an analyst."""
    name = f"analyst_{uuid.uuid4().hex[:8]}"
    location = pg_server.new_database()
    open_store(location).close()                       # the schema, made by the owner
    with psycopg.connect(location, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN")
        conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}")
        conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {name}")
    yield name, location.replace("postgres@", f"{name}@", 1)
    with psycopg.connect(location, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {name}")
        conn.execute(f"DROP ROLE {name}")
    pg_server.drop_all()


def test_the_database_login_is_who_acts(analyst_login, monkeypatch):
    monkeypatch.setattr(identity, "use_database_login", USE_DATABASE_LOGIN)
    name, location = analyst_login
    with open_store(location) as store:
        assert identity.current_user() == name
        store.audit(AuditAction.SETTING_CHANGE, "setting", "borough", {"value": "Camden"})
        assert audit.entries(store, limit=1)[0]["user"] == name
        assert audit.verify(store)["ok"]
    assert identity.current_user() == "test.analyst"      # closed: the operating-system login again


def test_one_writer_at_a_time_and_the_waiting_one_is_told_who(pg_server, monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.6)
    monkeypatch.setattr(db, "WAIT_STEP_S", 0.1)
    store = open_store(pg_server.new_database())
    other = open_store(store.location)
    told = []
    other.on_wait = lambda fraction, message: told.append(message)
    try:
        with store.atomic():
            store.set_setting("borough", "Camden")
            with pytest.raises(StoreError, match="is busy: waited 0.6 s for postgres"):
                other.set_setting("borough", "Islington")
        assert told and "postgres" in told[0]
        other.set_setting("borough", "Islington")        # free again
        assert store.setting("borough") == "Islington"
    finally:
        other.close()
        store.close()
        pg_server.drop_all()


def test_reading_never_makes_a_store_in_an_empty_database(pg_server, capsys):
    location = pg_server.new_database()
    with pytest.raises(NotFound, match="no Workbench store in the database"):
        open_store(location, must_exist=True)
    from workbench.cli import main
    assert main(["--db", location, "stats", "--json"]) == 1
    assert "no Workbench store" in capsys.readouterr().out
    with psycopg.connect(location) as conn:
        assert conn.execute("SELECT to_regclass('offences')").fetchone()[0] is None
    pg_server.drop_all()


def test_a_database_of_another_program_is_left_alone(pg_server):
    location = pg_server.new_database()
    with psycopg.connect(location, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    with pytest.raises(StoreError, match="of another program .tables customers"):
        open_store(location)
    pg_server.drop_all()


def guide_setup_sql() -> list[str]:
    """The SQL blocks the Team store chapter tells a database administrator to run."""
    text = (Path(__file__).resolve().parents[2] / "resources" / "help" / "team-store.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, re.S)


def run_sql(url: str, script: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in filter(str.strip, re.sub(r"--.*", "", script).split(";")):
            conn.execute(statement)


def test_the_guides_server_setup_works(pg_server, monkeypatch, capsys):
    """Owner, analyst and reader logins set up exactly as the guide says (names made
    unique for this run): the owner makes the schema and is the store's first admin, an
    analyst works and is who the audit log names, a reader reads and may not write, and
    an analyst never upgrades the schema."""
    from workbench.cli import main

    monkeypatch.setattr(identity, "use_database_login", USE_DATABASE_LOGIN)
    tag = uuid.uuid4().hex[:8]
    names = {"workbench_owner": f"wbowner_{tag}", "workbench_analyst": f"wbanalyst_{tag}",
             "workbench_reader": f"wbreader_{tag}", "workbench_admin": f"wbadmin_{tag}", "jsmith": f"jsmith_{tag}",
             "gis_viewer": f"gis_{tag}", "camden": f"camden_{tag}"}
    first, logins = (re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: names[m.group(1)], block)
                     for block in guide_setup_sql())
    before, after = first.split(f"\\c {names['camden']}")
    database = pg_server.address(names["camden"])
    address = database.replace("postgres@", "{}@", 1)
    try:
        run_sql(pg_server.url, before)
        run_sql(database, after)
        owner = address.format(names["workbench_owner"])
        with open_store(owner) as store:
            assert roles.holders(store)[0]["user"] == names["workbench_owner"]
        capsys.readouterr()
        assert main(["--db", owner, "store", "grants", "--reader", names["workbench_reader"],
                     "--analyst", names["workbench_analyst"], "--admin", names["workbench_admin"]]) == 0
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(capsys.readouterr().out)
        run_sql(database, logins)
        with open_store(address.format(names["jsmith"])) as store:
            store.set_setting("borough", "Camden")
            assert audit.entries(store, limit=1)[0]["user"] == names["jsmith"]
        with open_store(address.format(names["gis_viewer"])) as store:
            assert store.setting("borough") == "Camden"
            with pytest.raises(StoreError, match=f"your login {names['gis_viewer']} may read .* but not change it"):
                store.set_setting("borough", "Islington")
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute("UPDATE workbench_schema SET version = version - 1")
        with pytest.raises(StoreError, match="needs its schema upgraded .* by its owner"):
            open_store(address.format(names["jsmith"]))
    finally:
        with psycopg.connect(pg_server.url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {names['camden']} WITH (FORCE)")
            for role in ("jsmith", "gis_viewer", "workbench_admin", "workbench_analyst", "workbench_reader",
                         "workbench_owner"):
                admin.execute(f"DROP ROLE IF EXISTS {names[role]}")
