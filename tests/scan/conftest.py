"""Hand-made stores for the scan tests: offences written straight through the store's
writer, so each test states exactly what the store holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.ingest.coords import to_wgs84
INSERT = ("INSERT INTO offences (source, offence_ref, category, committed_from, committed_to, easting, "
          "northing, longitude, latitude, cell, borough, ward, area_given) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")


def add_offences(store, rows, source: str = "test") -> list[int]:
    """Store offences given as dicts (category, committed_from, easting, northing,
    optional borough, ward, ref, committed_to) and return their ids. Written with plain
    SQL so the tests state exactly what the store holds, whatever the importers do."""
    if not rows:
        return []
    start = store.conn.execute("SELECT coalesce(max(id), 0) FROM offences").fetchone()[0]
    east = np.array([r["easting"] for r in rows], float)
    north = np.array([r["northing"] for r in rows], float)
    lon, lat = to_wgs84(east, north)
    values = []
    for i, r in enumerate(rows):
        when = pd.Timestamp(r["committed_from"]).isoformat()
        values.append((source, r.get("ref", f"T/{start + i + 1}"), r["category"], when,
                       pd.Timestamp(r.get("committed_to", when)).isoformat(), east[i], north[i],
                       float(lon[i]), float(lat[i]), int(east[i] // 1000) * 10000 + int(north[i] // 1000),
                       r.get("borough"), r.get("ward"), int(bool(r.get("borough")))))
    with store.atomic():
        store.conn.executemany(INSERT, values)
    return list(range(start + 1, start + 1 + len(rows)))


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


@pytest.fixture
def offences():
    """The :func:`add_offences` helper."""
    return add_offences


@pytest.fixture
def series():
    """The :func:`daily_series` helper."""
    return daily_series
