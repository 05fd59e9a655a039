"""A team store on PostgreSQL: who acts, one writer at a time, no store where none was made."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from workbench import identity
from workbench.domain.audit import AuditAction
from workbench.errors import NotFound, StoreError
from workbench.store import audit, db, open_store

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
