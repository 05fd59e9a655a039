"""Intelligence grading: the 3x5x2 system and the legacy 5x5x5 side by side.

Every intelligence report carries a source evaluation, an intelligence evaluation and a
handling code (``shared/DOMAIN.md``, "Intelligence grading"). This module holds the
vocabularies with their British English meanings, validates a grade as it arrives
(:func:`validate`), and says which export *destinations* each handling code permits
(:func:`permitted_destinations`), which is what :mod:`workbench.intel.handling` enforces.

Destinations (where a report's text may be sent):

``internal``
    Within the originating agency: the borough's own products and TTCG papers.
``central-bureau``
    The force's central intelligence bureau (the same agency, outside the borough).
``uk-police``
    Other UK police forces and UK law-enforcement agencies.
``partner-agency``
    Non-prosecuting partners: local authority, housing, health, education.
``overseas-law-enforcement``
    Non-UK law-enforcement and prosecuting agencies.

Decisions (documented in the user guide): 5x5x5 handling 1 permits every law-enforcement
destination but not non-prosecuting partners; 2 permits UK police only; 3 permits
non-prosecuting partners as well as UK police; 4 permits the originating agency only
(``internal`` and ``central-bureau``); 5 permits no dissemination at all (refer to the
originator). 3x5x2 ``P`` permits every destination; ``C`` permits the originating agency,
and any other destination only when the exporter accepts the recorded conditions, which
then travel with the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workbench.errors import BadInput

SYSTEMS = ("3x5x2", "5x5x5")

SOURCE = {
    "3x5x2": {"1": "Reliable", "2": "Untested", "3": "Not reliable"},
    "5x5x5": {"A": "Always reliable", "B": "Mostly reliable", "C": "Sometimes reliable",
              "D": "Unreliable", "E": "Untested"},
}

INTELLIGENCE = {
    "3x5x2": {"A": "Known directly to the source",
              "B": "Known indirectly to the source but corroborated",
              "C": "Known indirectly to the source",
              "D": "Not known",
              "E": "Suspected to be false"},
    "5x5x5": {"1": "Known to be true without reservation",
              "2": "Known personally to the source but not to the officer",
              "3": "Not known personally to the source but corroborated",
              "4": "Cannot be judged",
              "5": "Suspected to be false or malicious"},
}

HANDLING = {
    "3x5x2": {"P": "Lawful sharing permitted",
              "C": "Lawful sharing permitted with conditions"},
    "5x5x5": {"1": "May be shared with UK and non-UK law enforcement and prosecuting agencies",
              "2": "UK police and law enforcement only",
              "3": "May be shared with non-prosecuting agencies",
              "4": "Within the originating agency only",
              "5": "No further dissemination: refer to the originator"},
}

DESTINATIONS = {
    "internal": "Within the originating agency (the borough's own products and TTCG)",
    "central-bureau": "The force's central intelligence bureau",
    "uk-police": "Other UK police forces and law-enforcement agencies",
    "partner-agency": "Non-prosecuting partner agencies (local authority, housing, health)",
    "overseas-law-enforcement": "Non-UK law-enforcement and prosecuting agencies",
}

_AGENCY = ("internal", "central-bureau")
_PERMITTED = {
    ("5x5x5", "1"): _AGENCY + ("uk-police", "overseas-law-enforcement"),
    ("5x5x5", "2"): _AGENCY + ("uk-police",),
    ("5x5x5", "3"): _AGENCY + ("uk-police", "partner-agency"),
    ("5x5x5", "4"): _AGENCY,
    ("5x5x5", "5"): (),
    ("3x5x2", "P"): tuple(DESTINATIONS),
    ("3x5x2", "C"): _AGENCY,
}

#: Government Security Classifications; OFFICIAL-SENSITIVE is a marking within OFFICIAL.
MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


class GradingError(BadInput):
    """A grade that does not belong to its grading system; ``column`` says which part."""

    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Grade:
    """A validated grade: system, source and intelligence evaluations, handling code."""

    system: str
    source: str
    intelligence: str
    handling: str
    conditions: str | None = None

    @property
    def evaluation(self) -> str:
        """Source and intelligence evaluation as analysts write it: ``1A`` or ``B2``."""
        return f"{self.source}{self.intelligence}"

    @property
    def code(self) -> str:
        """The full grade, e.g. ``1A P`` (3x5x2) or ``B2 4`` (5x5x5)."""
        return f"{self.evaluation} {self.handling}"

    def describe(self) -> str:
        """The grade in words, for tooltips and profiles."""
        text = (f"{self.system} {self.code}: source {SOURCE[self.system][self.source].lower()}; "
                f"intelligence {INTELLIGENCE[self.system][self.intelligence].lower()}; "
                f"handling {HANDLING[self.system][self.handling].lower()}")
        if self.conditions:
            text += f" (conditions: {self.conditions})"
        return text

def _choices(values: Iterable[str]) -> str:
    items = list(values)
    return ", ".join(items[:-1]) + f" or {items[-1]}"


def normalise_system(text: str) -> str | None:
    """``3x5x2``/``5x5x5`` (case and spaces ignored, ``X`` accepted), or None."""
    value = text.strip().lower().replace(" ", "")
    return value if value in SYSTEMS else None


def validate(system: str, source: str, intelligence: str, handling: str,
             conditions: str | None = None) -> Grade:
    """Check a grade against its system and return it, or raise :class:`GradingError`.

    Letters are accepted in either case. A 3x5x2 ``C`` handling code needs its
    conditions recorded.

    >>> validate("3x5x2", "1", "a", "P").code
    '1A P'
    >>> validate("5x5x5", "b", "2", "4").describe()[:40]
    '5x5x5 B2 4: source mostly reliable; inte'
    """
    if not (system or "").strip():
        raise GradingError("grading", "grading is empty (give 3x5x2 or 5x5x5)")
    name = normalise_system(system)
    if name is None:
        raise GradingError("grading", f"grading {system!r} is not 3x5x2 or 5x5x5")
    parts = {}
    for column, value, vocabulary, what in (
            ("source_eval", source, SOURCE, "source evaluation"),
            ("intel_eval", intelligence, INTELLIGENCE, "intelligence evaluation"),
            ("handling", handling, HANDLING, "handling code")):
        code = (value or "").strip().upper()
        if not code:
            raise GradingError(column, f"{column} is empty")
        if code not in vocabulary[name]:
            raise GradingError(column, f"{column} {value.strip()!r} is not a {name} {what} "
                                       f"({_choices(vocabulary[name])})")
        parts[column] = code
    conditions = (conditions or "").strip() or None
    if name == "3x5x2" and parts["handling"] == "C" and not conditions:
        raise GradingError("handling_conditions", "handling C needs its conditions in handling_conditions")
    return Grade(name, parts["source_eval"], parts["intel_eval"], parts["handling"], conditions)


def permitted_destinations(system: str, handling: str) -> tuple[str, ...]:
    """Destinations a handling code permits outright (3x5x2 ``C`` more with conditions)."""
    return _PERMITTED.get((system, handling), ())


def needs_conditions(system: str, handling: str) -> bool:
    """True for 3x5x2 ``C``: sharing beyond the agency depends on accepted conditions."""
    return system == "3x5x2" and handling == "C"


def normalise_marking(text: str | None) -> str | None:
    """A security marking in canonical form, or None if it is not a GSC marking.

    Descriptors after the marking are kept (``OFFICIAL-SENSITIVE PERSONAL``).
    """
    value = " ".join((text or "").strip().upper().split())
    if not value:
        return DEFAULT_MARKING
    for marking in sorted(MARKINGS, key=len, reverse=True):
        if value == marking or value.startswith(marking + " "):
            return value
    return None


def badge_colour(system: str, source: str, intelligence: str) -> str:
    """A colour for a grading badge: green for the most reliable, red for the least.

    Reliability is ranked on the source evaluation, then the intelligence evaluation,
    so ``1A``/``A1`` are green and ``3E``/``D5`` red.
    """
    sources = list(SOURCE.get(system, {}))
    intels = list(INTELLIGENCE.get(system, {}))
    if source not in sources or intelligence not in intels:
        return "#7f7f7f"
    if system == "5x5x5":
        # E (untested) sits between C and D in reliability, not below D.
        sources = ["A", "B", "C", "E", "D"]
    score = (sources.index(source) / max(1, len(sources) - 1)
             + intels.index(intelligence) / max(1, len(intels) - 1)) / 2
    palette = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]
    return palette[min(len(palette) - 1, int(score * len(palette)))]
