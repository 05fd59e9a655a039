"""The PATP workflow: draft -> submitted for QA -> returned with comments | approved by a
Higher Analyst -> on a TTCG agenda -> accepted / rejected / deferred (with reasons).

Each transition is an undoable :class:`PatpTransition` command: it refuses a move the
workflow does not allow with a message saying why and what is allowed, records who,
when and the comment in ``patp_transitions`` and in the audit log, and undo puts the
PATP (and any decision or agenda entry it made) back exactly as it was.
"""

from __future__ import annotations

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.domain.roles import Role
from workbench.errors import NotAllowed, NotFound
from workbench.events import Changed
from workbench.identity import current_user
from workbench.store import Store
from workbench.store import tasking as db
from workbench.store.db import now_iso
from workbench.store.roles import roles_of
from workbench.tasking.editing import load_patp, save_patp
from workbench.tasking.patp import DECISIONS, Patp
from workbench.tasking.strategy import require_priority

STATUS_LABELS = {
    "draft": "draft",
    "submitted": "submitted for QA",
    "returned": "returned with comments",
    "approved": "approved by a Higher Analyst",
    "scheduled": "on a TTCG agenda",
    "accepted": "accepted by the TTCG",
    "rejected": "rejected by the TTCG",
    "deferred": "deferred by the TTCG",
}

#: action -> (statuses it may start from, resulting status; None = the decision taken)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "submit": (("draft", "returned"), "submitted"),
    "return": (("submitted",), "returned"),
    "approve": (("submitted",), "approved"),
    "schedule": (("approved", "deferred"), "scheduled"),
    "decide": (("scheduled",), None),
}


class WorkflowError(NotAllowed):
    """A transition the workflow does not allow; the message says why."""


def allowed_actions(status: str) -> list[str]:
    """The actions possible from ``status`` (for menus and error messages)."""
    return [action for action, (sources, _) in TRANSITIONS.items() if status in sources]


def check_transition(patp: Patp, action: str, *, user: str, comment: str | None = None,
                     decision: str | None = None, meeting_id: int | None = None,
                     roles: frozenset[Role] | None = None, submitted_by: str | None = None) -> str:
    """The status ``action`` leads to, or :class:`WorkflowError` saying why it may not.

    ``submitted_by`` (who last submitted it) may not approve it either. ``roles`` are the
    roles ``user`` holds in the store: a PATP's approver needs ``higher-analyst`` (the
    PATP workflow always passes them; None leaves roles unchecked)."""
    if action not in TRANSITIONS:
        raise WorkflowError(f"unknown action {action!r}; one of: {', '.join(TRANSITIONS)}")
    sources, target = TRANSITIONS[action]
    if patp.status not in sources:
        possible = allowed_actions(patp.status)
        raise WorkflowError(
            f"cannot {action} {patp.reference}: it is {STATUS_LABELS.get(patp.status, patp.status)}; "
            f"only a PATP that is {' or '.join(STATUS_LABELS[s] for s in sources)} can be. "
            + (f"Possible now: {', '.join(possible)}." if possible else "Its workflow is complete."))
    if action == "submit":
        missing = patp.missing_for_submission()
        if missing:
            raise WorkflowError(f"cannot submit {patp.reference}: fill in {', '.join(missing)}")
    if action == "return" and not (comment or "").strip():
        raise WorkflowError("returning a PATP needs comments saying what to change")
    if action == "approve":
        if user in (patp.author, submitted_by):
            done = "wrote" if user == patp.author else "submitted"
            raise WorkflowError(f"{user} {done} {patp.reference}; a different (Higher) Analyst must "
                                "quality-assure and approve it")
        if roles is not None and Role.HIGHER_ANALYST not in roles:
            raise WorkflowError(f"{user} may not approve {patp.reference}: approving needs the "
                                f"higher-analyst role (an admin grants it: workbench roles grant "
                                f"{user} higher-analyst)")
    if action == "schedule" and meeting_id is None:
        raise WorkflowError("scheduling a PATP needs the TTCG meeting to put it on (--meeting ID)")
    if action == "decide":
        if decision not in DECISIONS:
            raise WorkflowError(f"the TTCG decision must be one of: {', '.join(DECISIONS)}")
        if not (comment or "").strip():
            raise WorkflowError("a TTCG decision needs its reasons")
        return decision
    return target


def _submitter(store: Store, patp: Patp) -> str | None:
    """Who last submitted the PATP for QA (None if it never was)."""
    submitted = [t["user"] for t in db.transitions(store, patp.id) if t["action"] == "submit"]
    return submitted[-1] if submitted else None


class PatpTransition(Command):
    """Move a PATP one step along its workflow (undoable, audited both ways).

    ``seen`` is the version of the PATP the analyst was looking at (None: the one
    standing when the command runs): a PATP saved by someone else since is a
    :class:`~workbench.errors.Conflict`, and so is undoing over someone else's change."""

    def __init__(self, key: str | int, action: str, comment: str | None = None, *,
                 decision: str | None = None, meeting_id: int | None = None,
                 why: str | None = None, seen: int | None = None):
        super().__init__(why)
        self.seen = seen
        self._written = 0
        self.key = key
        self.action = action
        self.comment = comment
        self.decision = decision
        self.meeting_id = meeting_id
        self.description = f"{action.capitalize()} PATP"
        self._before: dict | None = None
        self._id: int | None = None
        self._made: dict[str, int] = {}

    def apply(self, store: Store) -> Changed:
        user = current_user()
        patp = load_patp(store, self.key)
        if self.seen is not None:
            db.require_patp_version(store, patp.id, self.seen, f"'{self.action}'", self.action)
        meeting_id = self.meeting_id if self.action == "schedule" else patp.meeting_id
        target = check_transition(patp, self.action, user=user, comment=self.comment,
                                  decision=self.decision, meeting_id=meeting_id,
                                  roles=frozenset(roles_of(store, user)), submitted_by=_submitter(store, patp))
        if self.action == "submit":
            try:
                require_priority(store, patp.priority)
            except NotFound as exc:
                raise WorkflowError(f"cannot submit {patp.reference}: {exc}") from None
        self._id, self._before = patp.id, patp.to_body()
        self._made = {}
        stamp = now_iso()
        if self.action == "approve":
            patp.qa = {"by": user, "at": stamp, "comment": self.comment or ""}
        elif self.action == "return":
            patp.qa = {}
        elif self.action == "schedule":
            self._schedule(store, patp, meeting_id)
        elif self.action == "decide":
            patp.decision = {"decision": target, "reasons": self.comment, "by": user, "at": stamp,
                             "meeting_id": patp.meeting_id}
            if patp.meeting_id is not None:
                self._made["decision"] = db.add_decision(store, patp.meeting_id, patp.id, patp.reference,
                                                         target, self.comment, user)
        from_status, patp.status = patp.status, target
        self._written = save_patp(store, patp, seen=patp.version, yours=f"'{self.action}'", then=self.action)
        self._made["transition"] = db.add_transition(store, patp.id, self.action, from_status, target,
                                                     user, self.comment)
        store.audit(AuditAction.step("patp", self.action), "patp", patp.id,
                    {"reference": patp.reference, "from": from_status, "to": target,
                     "comment": self.comment, "meeting_id": patp.meeting_id}, why=self.why)
        return Changed("tasking", (patp.id,), {"status": target})

    def _schedule(self, store: Store, patp: Patp, meeting_id: int) -> None:
        meeting = db.load_meeting(store, meeting_id)
        if meeting is None:
            raise WorkflowError(f"no TTCG meeting with id {meeting_id}")
        self._made["agenda"] = meeting_id
        self._agenda_before = meeting["agenda"]
        agenda = [item for item in meeting["agenda"] if item.get("patp_id") != patp.id]
        agenda.append({"kind": "patp", "patp_id": patp.id, "ref": patp.reference,
                       "title": f"{patp.reference}: {patp.title}", "detail": patp.problem_summary[:300]})
        db.save_agenda(store, meeting_id, agenda)
        patp.meeting_id = meeting_id

    def revert(self, store: Store) -> Changed:
        self.seen = db.save_patp_body(store, self._id, self._before, seen=self._written, yours="undo",
                                      then=self.action)
        db.delete_transition(store, self._made["transition"])
        if "decision" in self._made:
            db.delete_decision(store, self._made["decision"])
        if "agenda" in self._made:
            db.save_agenda(store, self._made["agenda"], self._agenda_before)
        store.audit(AuditAction.step("patp", self.action, undo=True), "patp", self._id,
                    {"restored_status": self._before["status"]}, why=self.why)
        return Changed("tasking", (self._id,), {"status": self._before["status"]})
