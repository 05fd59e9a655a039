"""The app-layer tests (the session, the store watcher) run on both engines."""

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    return engine_checked(request.param)
