"""Security markings: their order, the highest of several, and the store's accreditation.

Government Security Classifications rank OFFICIAL < OFFICIAL-SENSITIVE < SECRET < TOP
SECRET (OFFICIAL-SENSITIVE is a handling caveat within OFFICIAL, ranked between them
here because it restricts more). Descriptors after a marking (``OFFICIAL-SENSITIVE
PERSONAL``) do not change its rank but are kept when a marking is printed.

Two store settings matter (read through :meth:`Store.setting`):

``security_marking``
    The marking of the store's own records (offences, PATPs, series); default
    OFFICIAL-SENSITIVE.
``accreditation_level``
    The highest marking the store (and the machine it is on) is accredited to hold;
    default OFFICIAL-SENSITIVE. An intelligence import refuses rows marked above it.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.domain.grading import DEFAULT_MARKING, MARKINGS, normalise_marking
from workbench.errors import BadInput

ACCREDITATION_KEY = "accreditation_level"
MARKING_KEY = "security_marking"
#: Nothing marked above this ever leaves Workbench, whatever the store is accredited to hold.
RELEASE_CEILING = "OFFICIAL-SENSITIVE"


def marking_rank(marking: str | None) -> int:
    """Order of a marking (descriptors ignored); an empty marking counts as the default.

    >>> marking_rank("OFFICIAL") < marking_rank("OFFICIAL-SENSITIVE PERSONAL") < marking_rank("SECRET")
    True
    """
    value = (marking or DEFAULT_MARKING).upper().strip()
    return max((i for i, m in enumerate(MARKINGS) if value == m or value.startswith(m + " ")),
               default=MARKINGS.index(DEFAULT_MARKING))


def highest(markings: Iterable[str | None], default: str = DEFAULT_MARKING) -> str:
    """The highest of ``markings`` (the first of equal rank, so put the one whose
    descriptors should be kept first); ``default`` when there are none."""
    found = [m or DEFAULT_MARKING for m in markings]
    return max(found, key=marking_rank) if found else default


def above(marking: str | None, level: str) -> bool:
    """True when ``marking`` ranks higher than ``level``."""
    return marking_rank(marking) > marking_rank(level)


def store_marking(store) -> str:
    """The marking of the store's own records (setting ``security_marking``)."""
    return store.setting(MARKING_KEY, DEFAULT_MARKING) or DEFAULT_MARKING


def accreditation(store) -> str:
    """The store's accreditation level (setting ``accreditation_level``, default
    OFFICIAL-SENSITIVE); :class:`BadInput` if the setting is not a marking."""
    value = store.setting(ACCREDITATION_KEY, DEFAULT_MARKING) or DEFAULT_MARKING
    level = normalise_marking(value)
    if level is None:
        raise BadInput(f"the store's {ACCREDITATION_KEY} {value!r} is not a security marking "
                         f"({', '.join(MARKINGS)})")
    return level


def release_ceiling(store) -> str:
    """The highest marking that may be released from ``store``: its accreditation or
    OFFICIAL-SENSITIVE, whichever is lower."""
    level = accreditation(store)
    return level if marking_rank(level) < marking_rank(RELEASE_CEILING) else RELEASE_CEILING
