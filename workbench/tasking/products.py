"""Assessments as products: a tactical or strategic assessment is stored with its
picture and goes through the same QA workflow as a PATP (draft -> submitted -> returned
| approved by a holder of the higher-analyst role who neither wrote nor submitted it),
each step undoable and audited.

The products register (:func:`search_products`) finds PATPs and assessments by text,
author, date and status, like a force's searchable analysis library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.events import Changed
from workbench.identity import current_user
from workbench.store import Store
from workbench.store import strategy as db
from workbench.store.db import now_iso
from workbench.store.roles import roles_of
from workbench.tasking.patp import StoredDocument
from workbench.tasking.workflow import STATUS_LABELS, check_transition

KINDS = ("tactical", "strategic")
#: The workflow steps of an assessment (a PATP's, without the TTCG steps).
ASSESSMENT_ACTIONS = ("submit", "return", "approve")


@dataclass
class Assessment(StoredDocument):
    """A stored assessment: what it covers, its picture (the analysis as JSON) and its QA."""

    reference: str
    kind: str
    title: str
    author: str
    period_from: str
    period_to: str
    borough: str | None = None
    status: str = "draft"
    picture: dict = field(default_factory=dict)
    qa: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def missing_for_submission(self) -> list[str]:
        """An assessment is complete when it has its picture (made when it is created)."""
        return [] if self.picture else ["the assessment itself"]

    @property
    def draft(self) -> str:
        """``DRAFT`` until a Higher Analyst approves it (printed on every page)."""
        return "" if self.qa else "DRAFT"


def load_assessment(store: Store, key: str | int) -> Assessment:
    body = db.load_assessment(store, key)
    if body is None:
        raise NotFound(f"no assessment {key!r} (give its id or reference; see `workbench assessment list`)")
    return Assessment.from_body(body)


class CreateAssessment(Command):
    """Store a new assessment as a draft (undo removes it)."""

    description = "Create assessment"

    def __init__(self, assessment: Assessment, why: str | None = None):
        super().__init__(why)
        if assessment.kind not in KINDS:
            raise BadInput(f"an assessment is {' or '.join(KINDS)}")
        self.assessment = assessment

    def apply(self, store: Store) -> Changed:
        a = self.assessment
        if not a.reference:
            a.reference = db.next_assessment_reference(store, a.kind, int(a.period_to[:4]))
        a.id = db.insert_assessment(store, a.to_body())
        store.audit(AuditAction.ASSESSMENT_CREATE, "assessment", a.id, {"reference": a.reference, "kind": a.kind,
                                                              "period": [a.period_from, a.period_to]}, why=self.why)
        return Changed("tasking", (a.id,), {"created": a.reference})

    def revert(self, store: Store) -> Changed:
        db.delete_assessment(store, self.assessment.id)
        return Changed("tasking", (self.assessment.id,), {"deleted": self.assessment.reference})


class AssessmentTransition(Command):
    """Submit, return or approve an assessment under the PATP workflow's rules."""

    def __init__(self, key: str | int, action: str, comment: str | None = None, why: str | None = None):
        super().__init__(why)
        if action not in ASSESSMENT_ACTIONS:
            raise BadInput(f"an assessment can be {', '.join(ASSESSMENT_ACTIONS)}; not {action!r}")
        self.key, self.action, self.comment = key, action, comment
        self.description = f"{action.capitalize()} assessment"
        self._before: dict | None = None
        self._id: int | None = None

    def apply(self, store: Store) -> Changed:
        user = current_user()
        a = load_assessment(store, self.key)
        submitted = [h["user"] for h in a.history if h["action"] == "submit"]
        target = check_transition(a, self.action, user=user, comment=self.comment,
                                  roles=frozenset(roles_of(store, user)), submitted_by=(submitted or [None])[-1])
        self._id, self._before = a.id, a.to_body()
        stamp = now_iso()
        if self.action == "approve":
            a.qa = {"by": user, "at": stamp, "comment": self.comment or ""}
        elif self.action == "return":
            a.qa = {}
        a.history.append({"action": self.action, "from": a.status, "to": target, "user": user, "at": stamp,
                          "comment": self.comment})
        from_status, a.status = a.status, target
        db.save_assessment(store, a.id, a.to_body())
        store.audit(AuditAction.step("assessment", self.action), "assessment", a.id,
                    {"reference": a.reference, "from": from_status, "to": target, "comment": self.comment}, why=self.why)
        return Changed("tasking", (a.id,), {"status": target})

    def revert(self, store: Store) -> Changed:
        db.save_assessment(store, self._id, self._before)
        return Changed("tasking", (self._id,), {"status": self._before["status"]})


def search_products(store: Store, text: str = "", *, author: str | None = None, date_from: str | None = None,
                    date_to: str | None = None, status: str | None = None, kind: str | None = None) -> list[dict]:
    """PATPs, assessments and issued subject profiles whose stored document contains every
    word of ``text`` (any case), by ``author``, dated ``date_from``..``date_to`` (inclusive
    ISO dates), in ``status`` and of ``kind`` (``patp``, ``tactical assessment``,
    ``strategic assessment``, ``subject profile``);
    newest first, each with the words' first context as ``snippet``."""
    words = [w.lower() for w in text.split()]
    for bound in (date_from, date_to):
        if bound:
            try:
                date.fromisoformat(bound)
            except ValueError:
                raise BadInput(f"{bound!r} is not an ISO date (YYYY-MM-DD)") from None
    out = []
    for row in db.product_rows(store):
        if author and author.lower() not in row["author"].lower():
            continue
        if status and row["status"] != status:
            continue
        if kind and not row["kind"].startswith(kind.lower()):
            continue
        if (date_from and row["date"] < date_from) or (date_to and row["date"] > date_to):
            continue
        haystack = _searchable(row["text"]).lower()
        if not all(w in haystack for w in words):
            continue
        out.append({"kind": row["kind"], "id": row["id"], "reference": row["reference"], "title": row["title"],
                    "author": row["author"], "date": row["date"], "status": row["status"],
                    "status_label": STATUS_LABELS.get(row["status"], row["status"]),
                    "snippet": _snippet(_searchable(row["text"]), words[0]) if words else ""})
    return out


def _searchable(body: str) -> str:
    """The words of a stored document (its JSON values, not its keys)."""
    values: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            values.append(str(value))

    walk(json.loads(body))
    return " ".join(values)


def _snippet(text: str, word: str, width: int = 60) -> str:
    at = text.lower().find(word)
    start = max(0, at - width)
    return ("…" if start else "") + text[start:at + len(word) + width].strip() + "…"
