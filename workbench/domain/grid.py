"""Limits of the British National Grid, for checking areas before any work is done.

A typo such as ``--radius 5e9`` or a box spanning the planet would otherwise reach a
buffer, a grid or a spatial query sized by it; these checks refuse it first, in one line.
"""

from __future__ import annotations

import math

from workbench.errors import BadInput

#: The National Grid's extent in metres (minx, miny, maxx, maxy): Great Britain and its seas.
GB_EXTENT = (0.0, 0.0, 700_000.0, 1_300_000.0)
#: The widest radius an area round a point may have (a borough is ~10 km across).
MAX_RADIUS_M = 50_000.0


def check_radius(metres: float, what: str = "--radius") -> float:
    """``metres`` if it is a usable radius, else :class:`BadInput` saying the limits."""
    if not math.isfinite(metres) or not 0 < metres <= MAX_RADIUS_M:
        raise BadInput(f"{what} {metres:g} is out of range: give a radius above 0 and at most "
                       f"{MAX_RADIUS_M:,.0f} metres")
    return float(metres)


def check_point(x: float, y: float, what: str) -> tuple[float, float]:
    """(x, y) if it lies on the National Grid, else :class:`BadInput`."""
    minx, miny, maxx, maxy = GB_EXTENT
    if not (math.isfinite(x) and math.isfinite(y) and minx <= x <= maxx and miny <= y <= maxy):
        raise BadInput(f"{what} {x:g},{y:g} is outside the British National Grid "
                       f"(eastings 0 to 700,000, northings 0 to 1,300,000 metres)")
    return float(x), float(y)


def check_bbox(box, what: str = "--bbox") -> tuple[float, float, float, float]:
    """A (minx, miny, maxx, maxy) box inside the National Grid with min < max, else BadInput."""
    try:
        minx, miny, maxx, maxy = (float(v) for v in box)
    except (TypeError, ValueError):
        raise BadInput(f"{what} must be MINX,MINY,MAXX,MAXY in metres") from None
    check_point(minx, miny, f"{what} corner")
    check_point(maxx, maxy, f"{what} corner")
    if not (minx < maxx and miny < maxy):
        raise BadInput(f"{what} must have MINX < MAXX and MINY < MAXY")
    return minx, miny, maxx, maxy
