"""The hotspot, near-repeat and street-map tests run on both engines, SQLite and PostgreSQL."""

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    return engine_checked(request.param)
