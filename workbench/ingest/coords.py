"""Coordinates: everything is stored in British National Grid (EPSG:27700) metres with
WGS84 longitude/latitude beside it. Transforms are vectorised with pyproj, and each
distinct point is transformed once: police.uk publishes anonymised snap points, so a
million London rows hold about 43,000 distinct points."""

from __future__ import annotations

import threading

import numpy as np
from pyproj import Transformer

#: Points a transform remembers (beyond this it starts again, so memory stays bounded).
MEMO_POINTS = 500_000


class _MemoTransform:
    """A pyproj transform that remembers the points it has converted (exact values as
    keys, kept sorted for vectorised lookup), so repeated points cost a lookup."""

    def __init__(self, source: str, target: str):
        self._transformer = Transformer.from_crs(source, target, always_xy=True)
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self._keys = np.zeros(0, dtype=complex)
        self._x = self._y = np.zeros(0)

    def __call__(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        finite = np.isfinite(x) & np.isfinite(y)
        out_x, out_y = np.full(x.shape, np.nan), np.full(x.shape, np.nan)
        out_x[~finite], out_y[~finite] = self._transformer.transform(x[~finite], y[~finite])
        points, inverse = np.unique(x[finite] + 1j * y[finite], return_inverse=True)
        with self._lock:
            if len(self._keys) + len(points) > MEMO_POINTS:
                self._clear()
            at = np.minimum(np.searchsorted(self._keys, points), max(len(self._keys) - 1, 0))
            known = self._keys[at] == points if len(self._keys) else np.zeros(len(points), dtype=bool)
            new = points[~known]
            new_x, new_y = self._transformer.transform(new.real, new.imag)
            keys = np.concatenate((self._keys, new))
            order = np.argsort(keys, kind="stable")
            self._keys = keys[order]
            self._x, self._y = np.concatenate((self._x, new_x))[order], np.concatenate((self._y, new_y))[order]
            at = np.searchsorted(self._keys, points)
            found_x, found_y = self._x[at], self._y[at]
        out_x[finite], out_y[finite] = found_x[inverse], found_y[inverse]
        return out_x, out_y


_TO_BNG = _MemoTransform("EPSG:4326", "EPSG:27700")
_TO_WGS = _MemoTransform("EPSG:27700", "EPSG:4326")

# Generous bounds of Great Britain, to catch swapped or mistyped coordinates.
BNG_BOUNDS = (0.0, 0.0, 700000.0, 1300000.0)
WGS_BOUNDS = (-9.0, 49.0, 3.0, 61.0)


def to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude arrays to BNG easting/northing arrays."""
    return _TO_BNG(lon, lat)


def to_wgs84(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """BNG easting/northing arrays to WGS84 longitude/latitude arrays."""
    return _TO_WGS(easting, northing)


def in_bng_bounds(easting: float, northing: float) -> bool:
    minx, miny, maxx, maxy = BNG_BOUNDS
    return minx <= easting <= maxx and miny <= northing <= maxy


def in_wgs_bounds(lon: float, lat: float) -> bool:
    minx, miny, maxx, maxy = WGS_BOUNDS
    return minx <= lon <= maxx and miny <= lat <= maxy
