"""The Proactive Assessment and Tasking Proforma (PATP) and the neutral "problem" it is
built from.

A :class:`Problem` is what every source (a series, a hotspot, a person, a saved search)
reduces to: a set of offence ids, an optional area polygon, a title and a reference back
to where it came from. A :class:`Patp` holds every field DOMAIN.md lists; all of them
stay editable (``Patp.apply_changes``) until the PATP is submitted for QA.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, cast

import shapely

from workbench.errors import BadInput, NotAllowed

PROBLEM_TYPES = ("series", "hotspot", "offender", "vulnerable location or victim")
NIM_LEVELS = {1: "Level 1 (local)", 2: "Level 2 (cross-border)", 3: "Level 3 (national)"}
TACTIC_HEADINGS = ("Prevent", "Intelligence", "Enforcement", "Reassurance")
DECISIONS = ("accepted", "rejected", "deferred")

#: Fields that must be filled before a PATP can be submitted for QA, with their labels.
REQUIRED_FOR_SUBMISSION = {
    "title": "title",
    "borough": "borough",
    "priority": "control-strategy priority",
    "nim_level": "NIM level",
    "problem_type": "problem type",
    "problem_summary": "problem summary",
    "threat_harm_risk": "threat, harm and risk assessment",
    "tactics": "recommended tactics (at least one)",
    "objectives": "objectives",
    "success_measures": "success measures",
    "owner": "owner",
    "review_date": "review date",
}

#: Fields the analyst may change with ``patp edit`` (the workflow owns the others).
EDITABLE = (
    "title", "borough", "priority", "nim_level", "problem_type", "problem_summary",
    "threat_harm_risk", "tactics", "resources_requested", "objectives", "success_measures",
    "community_impact", "owner", "review_date", "graded_intelligence", "result_review",
    "supporting_analysis",
)
#: Fields that may still be edited after submission (the review of an accepted tasking).
EDITABLE_AFTER_SUBMISSION = ("result_review", "owner", "review_date")


@dataclass
class Problem:
    """What a PATP is about, whatever it was created from.

    Attributes
    ----------
    title : str
    offence_ids : tuple of int
        The offences of the problem (store ids).
    area : shapely geometry or None
        The tasked area (BNG); None for a problem that is a set of offences only.
    source_kind : str
        ``series``, ``hotspot``, ``person``, ``search`` or ``offences``.
    source_ref : str or None
        The id of the series, hotspot, person or saved search.
    problem_type : str
        One of :data:`PROBLEM_TYPES`.
    subjects : tuple of str
        Offender/person identifiers the problem is about.
    """

    title: str
    offence_ids: tuple[int, ...]
    area: shapely.Geometry | None = None
    source_kind: str = "offences"
    source_ref: str | None = None
    problem_type: str = "series"
    subjects: tuple[str, ...] = ()
    local: bool = False      # a series of this store's own linkage (not a force-wide reference)

    def __post_init__(self) -> None:
        if self.problem_type not in PROBLEM_TYPES:
            raise BadInput(f"unknown problem type {self.problem_type!r}; one of: {', '.join(PROBLEM_TYPES)}")
        self.offence_ids = tuple(int(i) for i in self.offence_ids)


class StoredDocument:
    """A product kept as one JSON document (a PATP, an assessment): its fields but the
    store's own (:data:`STORE_FIELDS`: ``id``, ``created_at``, ``updated_at``...)."""

    #: Fields the store keeps beside the document, not in it.
    STORE_FIELDS: tuple[str, ...] = ("id", "created_at", "updated_at")

    def to_body(self) -> dict:
        """The JSON document stored for this product."""
        body = asdict(cast(Any, self))       # every subclass is a dataclass
        for key in self.STORE_FIELDS:
            body.pop(key)
        return body

    @classmethod
    def from_body(cls, body: dict):
        """The product from its stored document (unknown keys from newer versions are ignored)."""
        known = {f.name for f in fields(cast(Any, cls))}
        return cls(**{k: v for k, v in body.items() if k in known})


@dataclass
class Patp(StoredDocument):
    """Every field of a PATP (DOMAIN.md), as stored in ``patps.body``.

    ``supporting_analysis`` holds the pre-filled evidence: ``offence_ids``, ``area_wkt``,
    ``counts`` (by category), ``date_from``/``date_to``, ``trend`` (monthly counts and a
    direction), ``cca`` (offences x features), ``near_repeat`` (Knox table) and
    ``notes`` (what could not be pre-filled and why).
    """

    reference: str
    title: str
    author: str
    date: str
    borough: str | None = None
    status: str = "draft"
    priority: str = ""
    nim_level: int = 1
    problem_type: str = "series"
    problem_summary: str = ""
    supporting_analysis: dict = field(default_factory=dict)
    graded_intelligence: list = field(default_factory=list)
    threat_harm_risk: str = ""
    tactics: dict = field(default_factory=lambda: {h: [] for h in TACTIC_HEADINGS})
    resources_requested: str = ""
    objectives: str = ""
    success_measures: str = ""
    community_impact: str = ""
    owner: str = ""
    review_date: str = ""
    qa: dict = field(default_factory=dict)            # by, at, comment (Higher Analyst sign-off)
    decision: dict = field(default_factory=dict)      # decision, reasons, by, at, meeting_id
    result_review: str = ""
    results: dict = field(default_factory=dict)       # last results analysis (see results.py)
    source_kind: str = "offences"
    source_ref: str | None = None
    subjects: list = field(default_factory=list)
    meeting_id: int | None = None
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int = 0                  # the stored version this copy was read at (a save names it)

    STORE_FIELDS = (*StoredDocument.STORE_FIELDS, "version")


    # -- content ------------------------------------------------------------------
    @property
    def offence_ids(self) -> list[int]:
        return [int(i) for i in self.supporting_analysis.get("offence_ids", [])]

    @property
    def area(self) -> shapely.Geometry | None:
        wkt = self.supporting_analysis.get("area_wkt")
        return shapely.from_wkt(wkt) if wkt else None

    def missing_for_submission(self) -> list[str]:
        """Labels of the required fields still empty (empty list = ready for QA)."""
        missing = []
        for name, label in REQUIRED_FOR_SUBMISSION.items():
            value = getattr(self, name)
            if name == "tactics":
                empty = not any(str(t).strip() for items in (value or {}).values() for t in items)
            else:
                empty = value is None or not str(value).strip()
            if empty:
                missing.append(label)
        return missing

    def apply_changes(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Set the given fields (validated); return their previous values."""
        allowed = EDITABLE if self.status in ("draft", "returned") else EDITABLE_AFTER_SUBMISSION
        old = {}
        for name, value in changes.items():
            if name not in EDITABLE:
                raise NotAllowed(f"{name!r} cannot be edited (editable: {', '.join(EDITABLE)})")
            if name not in allowed:
                raise NotAllowed(f"{self.reference} is {self.status}: only "
                                 f"{', '.join(EDITABLE_AFTER_SUBMISSION)} can be edited now; "
                                 "a Higher Analyst must return it for changes")
            old[name] = getattr(self, name)
            setattr(self, name, _validated(name, value))
        return old


def _validated(name: str, value: Any) -> Any:
    """Check and normalise one edited value."""
    if name == "nim_level":
        level = int(value)
        if level not in NIM_LEVELS:
            raise BadInput("NIM level must be 1 (local), 2 (cross-border) or 3 (national)")
        return level
    if name == "problem_type" and value not in PROBLEM_TYPES:
        raise BadInput(f"problem type must be one of: {', '.join(PROBLEM_TYPES)}")
    if name == "tactics":
        if not isinstance(value, dict) or set(value) - set(TACTIC_HEADINGS):
            raise BadInput(f"tactics are grouped under {', '.join(TACTIC_HEADINGS)}")
        return {h: [str(t) for t in value.get(h, [])] for h in TACTIC_HEADINGS}
    if name == "review_date" and value:
        from datetime import date

        try:
            date.fromisoformat(str(value))
        except ValueError:
            raise BadInput(f"review date {value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value
