"""Canonical offence categories (``shared/specs/offence-csv.md``) and how they nest.

Fine categories are what force records carry; coarse ones are what police.uk says.
A coarse category *contains* its fine ones, so a filter on ``burglary`` matches
``burglary``, ``burglary-residential`` and ``burglary-business``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.errors import BadInput

SEXUAL = ("rape", "sexual-assault", "exposure", "other-sexual")
VOLUME = (
    "burglary-residential", "burglary-business", "robbery-personal", "robbery-business",
    "theft-from-vehicle", "theft-of-vehicle", "violence-with-injury",
    "violence-without-injury", "criminal-damage", "theft-from-person", "bicycle-theft",
    "shoplifting", "other-theft", "drugs", "possession-of-weapons", "public-order",
    "anti-social-behaviour", "other",
)
FINE = SEXUAL + VOLUME

COARSE: dict[str, tuple[str, ...]] = {
    "burglary": ("burglary-residential", "burglary-business"),
    "robbery": ("robbery-personal", "robbery-business"),
    "vehicle-crime": ("theft-from-vehicle", "theft-of-vehicle"),
    "violence-and-sexual-offences": ("violence-with-injury", "violence-without-injury") + SEXUAL,
}

ALL = FINE + tuple(COARSE)

#: Crime groups used by linkage models and reports: each category belongs to one.
GROUPS: dict[str, tuple[str, ...]] = {
    "sexual": SEXUAL,
    "burglary": ("burglary", "burglary-residential", "burglary-business"),
    "robbery": ("robbery", "robbery-personal", "robbery-business"),
    "vehicle": ("vehicle-crime", "theft-from-vehicle", "theft-of-vehicle"),
}

#: Human labels in British English for the UI and documents.
LABELS = {c: c.replace("-", " ").capitalize() for c in ALL}
LABELS.update({"anti-social-behaviour": "Anti-social behaviour", "other": "Other crime"})

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(text: str) -> str | None:
    """Return the canonical category for ``text`` or None if it is not one.

    Case, spaces, ``_`` and ``-`` are not significant: ``Burglary Residential``,
    ``burglary_residential`` and ``burglary-residential`` are the same.
    """
    key = _SEPARATORS.sub("-", text.strip().lower()).strip("-")
    return key if key in ALL else None


def expand(categories: Iterable[str] | None) -> list[str] | None:
    """The stored categories a filter on ``categories`` matches (None = no filter).

    A crime group's name (``sexual``, ``vehicle``; ``burglary`` and ``robbery`` are also
    coarse categories) stands for all its categories. Raises :class:`BadInput` naming an
    unknown category, so a CLI typo is a clear error.

    >>> expand(["sexual"])
    ['exposure', 'other-sexual', 'rape', 'sexual-assault']
    >>> expand(["Burglary"])
    ['burglary', 'burglary-business', 'burglary-residential']
    """
    if not categories:
        return None
    out: set[str] = set()
    for given in categories:
        cat = normalise(given)
        group = _SEPARATORS.sub("-", given.strip().lower()).strip("-")
        if cat is None and group in GROUPS:
            out.update(GROUPS[group])
            continue
        if cat is None:
            raise BadInput(f"unknown category {given!r}; expected a crime group "
                           f"({', '.join(GROUPS)}) or one of: {', '.join(ALL)}")
        out.add(cat)
        out.update(COARSE.get(cat, ()))
    return sorted(out)


def group_of(category: str) -> str:
    """The crime group (sexual, burglary, robbery, vehicle or other) of a category."""
    for group, members in GROUPS.items():
        if category in members:
            return group
    return "other"


def is_sexual(category: str) -> bool:
    """True for the sexual-offence categories."""
    return category in SEXUAL
