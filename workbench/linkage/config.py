"""Per crime group settings for linkage: the default space/time search windows and the
minimum training data. Windows are learned from each store's own linked pairs where it
has enough (:mod:`workbench.linkage.candidates`); ``Blocking`` objects are plain
dataclasses passed to the functions that use them."""

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


#: The documented defaults, used only while a crime group has too few known linked pairs
#: to learn its own window from (see :func:`workbench.linkage.candidates.learn_window`).
#: Set from real solved series, not from the generator: the distance between two offences
#: of one offender has a median of about 1 km but a 99th percentile of 17-58 km, and the
#: time gap a median of about 2 weeks and a 95th percentile of about 100 days, so a
#: window holding 99% of linked pairs is wide. Stranger sexual offenders range further.
DEFAULT_BLOCKING: dict[str, Blocking] = {
    "sexual": Blocking(radius_m=30_000.0, days=365.0),
    "burglary": Blocking(radius_m=25_000.0, days=300.0),
    "robbery": Blocking(radius_m=25_000.0, days=300.0),
    "vehicle": Blocking(radius_m=25_000.0, days=300.0),
    "other": Blocking(radius_m=10_000.0, days=180.0),
}

#: A group needs at least this many linked training pairs from this many offenders to
#: train its own model; below that the documented default model is used.
MIN_LINKED_PAIRS = 30
MIN_OFFENDERS = 8


def crime_group(category: str) -> str:
    """The linkage crime group of a canonical category."""
    return group_of(category)
