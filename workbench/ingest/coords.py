"""Coordinates: everything is stored in British National Grid (EPSG:27700) metres with
WGS84 longitude/latitude beside it. Transforms are vectorised with pyproj, and each
distinct point is transformed once (:class:`workbench.domain.points.PointMemo`)."""

from __future__ import annotations

import numpy as np
from pyproj import Transformer

from workbench.domain.points import PointMemo

_TO_BNG = PointMemo(Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform)
_TO_WGS = PointMemo(Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform)

# Generous bounds of Great Britain, to catch swapped or mistyped coordinates.
BNG_BOUNDS = (0.0, 0.0, 700000.0, 1300000.0)
WGS_BOUNDS = (-9.0, 49.0, 3.0, 61.0)


def to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude arrays to BNG easting/northing arrays."""
    east, north = _TO_BNG(lon, lat)
    return east, north


def to_wgs84(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing arrays to WGS84 longitude/latitude arrays."""
    lon, lat = _TO_WGS(easting, northing)
    return lon, lat


def in_bng_bounds(easting: float, northing: float) -> bool:
    minx, miny, maxx, maxy = BNG_BOUNDS
    return minx <= easting <= maxx and miny <= northing <= maxy


def in_wgs_bounds(lon: float, lat: float) -> bool:
    minx, miny, maxx, maxy = WGS_BOUNDS
    return minx <= lon <= maxx and miny <= lat <= maxy
