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

    Workbench records the operating-system login (``workbench.identity``); tests replace
    that one function instead of logging in as someone else."""
    from workbench import identity

    def switch(name: str) -> str:
        monkeypatch.setattr(identity, "_os_login", lambda: name)
        return name

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


@pytest.fixture
def store(tmp_path):
    """A fresh, empty store."""
    from workbench.store import open_store

    s = open_store(tmp_path / "store.sqlite")
    yield s
    s.close()


@pytest.fixture
def empty_db(tmp_path):
    """The path of a new, empty store (reading commands refuse a store that does not exist)."""
    from workbench.store import open_store

    path = tmp_path / "empty.sqlite"
    open_store(path).close()
    return str(path)


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
