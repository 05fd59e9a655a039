"""Make the hand-made stores of the tasking and network tests importable here."""

import sys
from pathlib import Path

import pytest

for folder in ("tasking", "network"):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / folder))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    """These tests run on both engines, SQLite and PostgreSQL."""
    return engine_checked(request.param)
