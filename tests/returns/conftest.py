"""Make the hand-made borough builder of the tasking tests importable here."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tasking"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    """These tests run on both engines, SQLite and PostgreSQL."""
    return engine_checked(request.param)
