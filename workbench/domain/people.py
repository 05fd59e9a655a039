"""Vocabularies of people records: nominal flags, descriptions and missing-person risk.

A *nominal* is a person the force manages or wants (registered sex offender, integrated
offender management, prolific priority offender, MAPPA level, on bail or licence,
wanted). Descriptions use the same words as offence ``suspect_*`` columns so a nominal
can be compared with a witness's description.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

#: Flags a nominal may carry, with what they mean to an analyst.
FLAGS = {
    "rso": "Registered sex offender",
    "iom": "Integrated offender management",
    "ppo": "Prolific and priority offender",
    "mappa-1": "MAPPA level 1",
    "mappa-2": "MAPPA level 2",
    "mappa-3": "MAPPA level 3",
    "bail": "On bail",
    "licence": "On licence",
    "wanted": "Wanted",
}
#: Flags that put a nominal under active management (the scan watches where they live).
MANAGED = ("rso", "iom", "ppo")
SEXES = ("M", "F")
BUILDS = ("slim", "medium", "athletic", "stocky", "heavy")
#: Police identity codes; IC0 means not recorded.
ETHNICITY_CODES = ("IC0", "IC1", "IC2", "IC3", "IC4", "IC5", "IC6")
AGE_BANDS = ("under 18", "18-24", "25-34", "35-44", "45-54", "55+")
AGE_BAND_EDGES = (18, 25, 35, 45, 55)
#: Missing-person risk grades (College of Policing APP).
RISKS = ("high", "medium", "low", "no-apparent-risk")


def normalise_flag(text: str) -> str | None:
    """A flag in canonical form (``MAPPA 2`` and ``mappa_2`` are ``mappa-2``), or None."""
    key = "-".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    return key if key in FLAGS else None


def mappa_level(flags: Iterable[str]) -> int | None:
    """The highest MAPPA level among ``flags`` (None if the nominal is not under MAPPA)."""
    levels = [int(f[-1]) for f in flags if f.startswith("mappa-")]
    return max(levels) if levels else None


def age_on(date_of_birth: str | None, when: date) -> int | None:
    """Age in whole years on ``when`` (None without a date of birth)."""
    if not date_of_birth:
        return None
    born = date.fromisoformat(date_of_birth[:10])
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def age_band(age: int | None) -> str | None:
    """The age band an officer would record for ``age``."""
    if age is None:
        return None
    return AGE_BANDS[sum(age >= edge for edge in AGE_BAND_EDGES)]
