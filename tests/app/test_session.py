"""The session on a team store: the database login acts while the window's store is
open, whatever its background jobs' connections do."""

from __future__ import annotations

from workbench import identity
from workbench.app.session import Session
from workbench.identity import use_database_login as real_use_database_login  # before act_as replaces it


def test_a_worker_connection_closing_keeps_the_windows_login(pg_server, monkeypatch):
    monkeypatch.setattr(identity, "use_database_login", real_use_database_login)
    monkeypatch.setattr(identity, "_open_logins", [])
    session = Session(pg_server.new_database())
    assert identity.current_user() == "postgres" == session.store.login
    worker = session.open_worker_store()
    worker.close()
    assert identity.current_user() == "postgres"
    session.close()
    session.close()                                   # closing twice does nothing
    assert identity.current_user() == "test.analyst"
