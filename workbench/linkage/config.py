"""Per crime group settings for linkage: the space/time blocking windows and the minimum
training data. Forces differ, so every value can be overridden (``Blocking`` objects are
plain dataclasses passed to the functions that use them)."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.categories import group_of

#: The crime groups a model is trained for, in display order.
GROUPS = ("sexual", "burglary", "robbery", "vehicle", "other")


@dataclass(frozen=True)
class Blocking:
    """Two offences are candidates when at most ``radius_m`` metres apart and their time
    windows at most ``days`` days apart (the gap between the windows, 0 if they overlap)."""

    radius_m: float
    days: float


#: Defaults chosen from the research on how far and how long series spread (stranger sexual
#: offenders range further and offend less often than burglars) and checked on the
#: synthetic generator: they keep almost every linked pair while keeping the number of
#: candidate pairs per offence in the tens to low hundreds.
DEFAULT_BLOCKING: dict[str, Blocking] = {
    "sexual": Blocking(radius_m=10_000.0, days=365.0),
    "burglary": Blocking(radius_m=4_500.0, days=240.0),
    "robbery": Blocking(radius_m=3_500.0, days=90.0),
    "vehicle": Blocking(radius_m=4_000.0, days=180.0),
    "other": Blocking(radius_m=1_500.0, days=30.0),
}

#: A group needs at least this many linked training pairs from this many offenders to
#: train its own model; below that the documented default model is used.
MIN_LINKED_PAIRS = 30
MIN_OFFENDERS = 8


def blocking_for(group: str, overrides: dict[str, Blocking] | None = None) -> Blocking:
    """The blocking window of a crime group (``overrides`` first)."""
    if overrides and group in overrides:
        return overrides[group]
    return DEFAULT_BLOCKING[group]


def crime_group(category: str) -> str:
    """The linkage crime group of a canonical category."""
    return group_of(category)
