"""Hand-made stores for the scan tests: offences written straight through the store's
writer, so each test states exactly what the store holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlpeek import sql

from workbench.ingest.offence_import import complete_chunk
from workbench.store.batches import start_batch
from workbench.store.boundaries import AreaLocator
from workbench.store.offences import OffenceChunk, OffenceWriter


def add_offences(store, rows, source: str = "test") -> list[int]:
    """Store offences given as dicts (category, committed_from, easting, northing,
    optional borough, ward, ref, committed_to) through the store's writer; return their ids."""
    if not rows:
        return []
    start = sql(store, "SELECT coalesce(max(id), 0) FROM offences").fetchone()[0]
    chunk = OffenceChunk()
    for i, r in enumerate(rows):
        when = pd.Timestamp(r["committed_from"]).isoformat()
        chunk.append({"source": source, "offence_ref": r.get("ref", f"T/{start + i + 1}"),
                      "category": r["category"], "committed_from": when,
                      "committed_to": pd.Timestamp(r.get("committed_to", when)).isoformat(),
                      "easting": float(r["easting"]), "northing": float(r["northing"]),
                      "longitude": np.nan, "latitude": np.nan, "borough": r.get("borough"),
                      "ward": r.get("ward"), "status": "unsolved"})
    complete_chunk(chunk, AreaLocator(store))
    with store.atomic():
        batch = start_batch(store, "offences", source, "hand-made", f"h{start}")
        written = OffenceWriter(store, batch).write(chunk)
    return list(range(start + 1, start + 1 + written))      # the writer numbers new offences on


def daily_series(start: str, days: int, rate, category: str, *, borough: str = "Camden", seed: int = 0,
                 x: float = 529000, y: float = 184000, spread: float = 800) -> list[dict]:
    """Poisson counts per day (``rate`` a number or a function of the day index) at
    random points around (x, y)."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start)
    rows = []
    for d in range(days):
        lam = rate(d) if callable(rate) else rate
        for _ in range(rng.poisson(lam)):
            rows.append({"category": category, "borough": borough,
                         "committed_from": first + pd.Timedelta(days=d, hours=int(rng.integers(0, 24))),
                         "easting": x + rng.normal(0, spread), "northing": y + rng.normal(0, spread)})
    return rows


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, engine_checked):
    """These tests run on both engines, SQLite and PostgreSQL."""
    return engine_checked(request.param)


@pytest.fixture
def offences():
    """The :func:`add_offences` helper."""
    return add_offences


@pytest.fixture
def series():
    """The :func:`daily_series` helper."""
    return daily_series
