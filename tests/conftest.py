"""Test configuration: Qt offscreen, a private user folder, shared fixtures."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_DATA = SHARED / "data"


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    """Keep every test's default store and logs out of the real user folder."""
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(autouse=True)
def act_as(monkeypatch):
    """Who the test is acting as: ``test.analyst`` unless it calls ``act_as("name")``.

    Workbench records the operating-system login, or a team store's database login
    (``workbench.identity``); tests replace the first and keep the second from taking
    over, instead of logging in as someone else."""
    from workbench import identity

    def switch(name: str) -> str:
        monkeypatch.setattr(identity, "_os_login", lambda: name)
        monkeypatch.setattr(identity, "_database_login", None)
        return name

    monkeypatch.setattr(identity, "use_database_login", lambda name: None)

    switch("test.analyst")
    return switch


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread(request):
    """As the app does (workbench.ui.gc_guard): in Qt tests, no automatic garbage
    collection, which could run in a worker thread and destroy Qt objects there;
    collect on the main thread after the test instead."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Every test skipped for want of a PostgreSQL server is reported at one place, so
    the summary says it in one line with their count instead of a line per test."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple):
        import inspect

        import pgserver

        if pgserver.SKIP_REASON in str(report.longrepr[2]):
            line = inspect.getsourcelines(pgserver.server_or_skip)[1]        # pytest shows it plus one
            report.longrepr = (pgserver.__file__, line, f"Skipped: {pgserver.SKIP_REASON}")


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL test server (see tests/pgserver.py), or skip saying why."""
    from pgserver import server_or_skip

    return server_or_skip()


@pytest.fixture
def engine():
    """The store engine of this test: SQLite, except in the folders whose conftest runs
    their tests on both engines (``engine_checked``)."""
    return "sqlite"


@pytest.fixture
def engine_checked(request):
    """For a folder's ``engine`` fixture with ``params=["sqlite", "postgresql"]``: gives
    the engine back, with the PostgreSQL server checked (skip, or fail under CI=true)."""
    def check(name: str) -> str:
        if name == "postgresql":
            request.getfixturevalue("pg_server")
        return name

    return check


@pytest.fixture
def new_store(engine, tmp_path, request):
    """``new_store("name")``: the location of a new store on this test's engine (a file
    in the test's folder, or a new PostgreSQL database), as ``--db`` takes it."""
    def make(name: str = "store") -> str:
        if engine == "postgresql":
            return request.getfixturevalue("pg_server").new_database()
        return str(tmp_path / f"{name}.sqlite")

    yield make
    if engine == "postgresql":
        request.getfixturevalue("pg_server").drop_all()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_store_location(request, tmp_path_factory):
    """The location of a new store that the tests of one module share (a module fixture
    builds it once), on each engine in turn; the module fixture acts as ``test.analyst``,
    as the tests do (``act_as``)."""
    from workbench import identity

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(identity, "_os_login", lambda: "test.analyst")
        patch.setattr(identity, "_database_login", None)
        patch.setattr(identity, "use_database_login", lambda name: None)
        if request.param == "postgresql":
            with request.getfixturevalue("pg_server").database() as address:
                yield address
        else:
            yield str(tmp_path_factory.mktemp("store") / "store.sqlite")


@pytest.fixture
def store(new_store):
    """A fresh, empty store."""
    from workbench.store import open_store

    s = open_store(new_store("store"))
    yield s
    s.close()


@pytest.fixture
def empty_db(new_store):
    """The location of a new, empty store (reading commands refuse a store that does not exist)."""
    from workbench.store import open_store

    location = new_store("empty")
    open_store(location).close()
    return location


@pytest.fixture
def shared_data():
    """``shared_data("police-uk", ...)``: a path under ../shared/data, or skip saying why
    (a user's clone has no shared/ folder; developer machines and CI do)."""

    def find(*parts: str) -> Path:
        path = SHARED_DATA.joinpath(*parts)
        if not path.exists():
            pytest.skip(f"needs the shared data folder ({path}), which only developer machines and CI have")
        return path

    return find
