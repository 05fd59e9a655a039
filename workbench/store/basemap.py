"""The offline street map: vector features by kind (roads, buildings, water, rail,
street-name labels), each source's attribution, and the street finder's query.

A source is replaced whole when imported again (same source name), so re-importing a
newer basemap never leaves old roads behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import shapely

from workbench.store.db import Store, now_iso

KINDS = ("road", "building", "water", "rail", "street_label")


@dataclass
class Feature:
    """One basemap feature (EPSG:27700); ``weight`` ranks labels (offences near them)."""

    kind: str
    name: str | None
    geometry: shapely.Geometry
    weight: int = 1


def replace_source(store: Store, source: str, attribution: str, features: Iterable[Feature],
                   batch_id: int | None) -> dict[str, int]:
    """Replace every feature of ``source`` with ``features`` (inside the caller's
    transaction); returns how many of each kind were written."""
    conn = store._conn
    conn.execute("DELETE FROM basemap_features WHERE source = ?", (source,))
    conn.execute("INSERT INTO basemap_sources (source, attribution, imported_at) VALUES (?,?,?) ON CONFLICT (source) "
                 "DO UPDATE SET attribution = excluded.attribution, imported_at = excluded.imported_at",
                 (source, attribution, now_iso()))
    counts: dict[str, int] = {}
    rows = []
    for f in features:
        minx, miny, maxx, maxy = f.geometry.bounds
        rows.append((source, f.kind, f.name, shapely.to_wkb(f.geometry), minx, miny, maxx, maxy, f.weight, batch_id))
        counts[f.kind] = counts.get(f.kind, 0) + 1
    conn.executemany("INSERT INTO basemap_features (source, kind, name, geometry, minx, miny, maxx, maxy, weight, "
                     "batch_id) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    return counts


def load_features(store: Store, kinds: Sequence[str] = KINDS,
                  bbox: tuple[float, float, float, float] | None = None) -> list[Feature]:
    """Features of ``kinds`` (those touching ``bbox`` when given), heaviest labels first."""
    sql = (f"SELECT kind, name, geometry, weight FROM basemap_features WHERE kind IN "
           f"({','.join('?' * len(kinds))})")
    params: list = list(kinds)
    if bbox is not None:
        sql += " AND maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?"
        params += [bbox[0], bbox[2], bbox[1], bbox[3]]
    rows = store._conn.execute(sql + " ORDER BY weight DESC, id", params).fetchall()
    return [Feature(k, n, shapely.from_wkb(g), w) for k, n, g, w in rows]


def attributions(store: Store) -> list[str]:
    """The attribution line of every basemap source, for map exports."""
    return [r[0] for r in store._conn.execute("SELECT attribution FROM basemap_sources ORDER BY source")]


def named_features(store: Store, kinds: Sequence[str] = ("road", "street_label")) -> list[Feature]:
    """Every named road or street label (the street finder's index)."""
    rows = store._conn.execute(
        f"SELECT kind, name, geometry, weight FROM basemap_features WHERE name IS NOT NULL AND kind IN "
        f"({','.join('?' * len(kinds))})", list(kinds)).fetchall()
    return [Feature(k, n, shapely.from_wkb(g), w) for k, n, g, w in rows]


def street_locations(store: Store, prefix: str = "On or near ") -> tuple[list[str], list[float], list[float]]:
    """Location descriptions starting ``prefix`` (police.uk's) with the offences'
    coordinates: the raw material of street-name labels."""
    rows = store._conn.execute(
        "SELECT location_desc, easting, northing FROM offences WHERE location_desc LIKE ? "
        "AND easting IS NOT NULL AND northing IS NOT NULL", (prefix + "%",)).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
