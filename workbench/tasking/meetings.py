"""TTCG meetings: a configurable cycle, an agenda built from the tactical assessment for
the period and the approved PATPs, a decision log, actions and the review of earlier
taskings.

The cycle length is the store setting ``ttcg_cycle_days`` (default 14, fortnightly). A
meeting covers the cycle before it: a meeting on 20 March with a 14-day cycle looks at
6 to 19 March inclusive.
"""

from __future__ import annotations

from datetime import date, timedelta

from workbench.commands import Command
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.events import Changed
from workbench.identity import current_user
from workbench.store import Store
from workbench.store import strategy as strategy_db
from workbench.store import tasking as db
from workbench.tasking import assessment
from workbench.tasking.workflow import PatpTransition

ACTION_STATUSES = ("open", "in progress", "done", "cancelled")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MEETING_DECISIONS = ("accepted", "rejected", "deferred", "noted")


def cycle_days(store: Store) -> int:
    """The TTCG cycle in days (store setting ``ttcg_cycle_days``)."""
    value = store.setting("ttcg_cycle_days", "14")
    try:
        days = int(value)
    except ValueError:
        raise BadInput(f"the setting ttcg_cycle_days must be a whole number of days, not {value!r}") from None
    if days < 1:
        raise BadInput("the setting ttcg_cycle_days must be at least 1")
    return days


def next_meeting_date(store: Store, today: date | None = None) -> date:
    """One cycle after the last meeting, or (no meeting yet) the next TTCG weekday
    (setting ``ttcg_weekday``) on or after today."""
    last = db.last_meeting_date(store)
    if last is None:
        today = today or date.today()
        weekday = WEEKDAYS.index(store.setting("ttcg_weekday", "Thursday") or "Thursday")
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return date.fromisoformat(last) + timedelta(days=cycle_days(store))


def action_counts(actions: list[dict], on: date) -> dict[str, int]:
    """How many actions there are, open (or in progress), done, cancelled and overdue on ``on``."""
    open_actions = [a for a in actions if a["status"] in ("open", "in progress")]
    return {"actions": len(actions), "open": len(open_actions),
            "done": sum(a["status"] == "done" for a in actions),
            "cancelled": sum(a["status"] == "cancelled" for a in actions),
            "overdue": sum(a["due_date"] < on.isoformat() for a in open_actions)}


def review_item(store: Store, patp: dict, held_on: date) -> dict:
    """The agenda item reviewing an accepted tasking, with its action counts as they are now."""
    counts = action_counts(db.list_actions(store, patp_id=patp["id"]), held_on)
    return {"kind": "review", "patp_id": patp["id"], "ref": patp["reference"],
            "title": f"Review of tasking {patp['reference']}: {patp['title']}",
            "detail": f"{counts['actions']} actions: {counts['open']} open, {counts['done']} done, "
                      f"{counts['overdue']} overdue", **counts}


def live_agenda(store: Store, meeting: dict) -> list[dict]:
    """A meeting's agenda with each review item's action counts brought up to date (so a
    status change shows on the agenda at once, without rebuilding it)."""
    held = date.fromisoformat(meeting["held_on"])
    out = []
    for item in meeting["agenda"]:
        if item["kind"] == "review":
            row = db.patp_row(store, item["patp_id"])
            item = review_item(store, row, held) if row else item
        out.append(item)
    return out


def build_agenda(store: Store, held_on: date, period_from: date, period_to: date,
                 borough: str | None = None) -> list[dict]:
    """The agenda: the tactical assessment, PATPs for decision, review of earlier taskings.

    The tactical assessment is the latest *approved* one that ends within the meeting's
    period (its items as stored, after an ``assessment`` item naming it); without one,
    the picture of the period is assessed now. Each item is ``{"kind", "title",
    "detail", ...}``; ``kind`` is ``assessment``, ``sexual``, ``series``, ``hotspot``,
    ``trend``, ``offender``, ``note``, ``patp`` or ``review``.
    """
    approved = strategy_db.latest_approved_assessment(store, "tactical", held_on.isoformat())
    if approved and approved["period_to"] >= period_from.isoformat() \
            and (not borough or approved["borough"] in (None, borough)):
        picture = assessment.TacticalPicture.from_json(approved["picture"])
        agenda = [{"kind": "assessment", "ref": approved["reference"],
                   "title": f"Tactical assessment {approved['reference']}",
                   "detail": f"{approved['period_from']} to {approved['period_to']}, approved by "
                             f"{approved['qa']['by']}"}] + picture.items
    else:
        picture = assessment.tactical_assessment(store, period_from, period_to, [borough] if borough else None)
        agenda = list(picture.items)
    for row in db.list_patps(store, ["approved", "scheduled", "deferred"]):
        if borough and row["borough"] not in (None, borough):
            continue
        agenda.append({"kind": "patp", "patp_id": row["id"], "ref": row["reference"],
                       "title": f"{row['reference']}: {row['title']}",
                       "detail": f"For decision ({row['status']})"})
    for row in db.list_patps(store, ["accepted"]):
        agenda.append(review_item(store, row, held_on))
    return agenda


class CreateMeeting(Command):
    """Create a TTCG meeting with its agenda (undo removes it)."""

    description = "Create TTCG meeting"

    def __init__(self, held_on: str | None = None, *, borough: str | None = None, chair: str | None = None,
                 why: str | None = None):
        super().__init__(why)
        self.held_on = held_on
        self.borough = borough
        self.chair = chair
        self.meeting_id: int | None = None

    def apply(self, store: Store) -> Changed:
        held = date.fromisoformat(self.held_on) if self.held_on else next_meeting_date(store)
        period_to = held - timedelta(days=1)
        period_from = held - timedelta(days=cycle_days(store))
        agenda = build_agenda(store, held, period_from, period_to, self.borough)
        user = current_user()
        self.meeting_id = db.insert_meeting(store, held.isoformat(), period_from.isoformat(),
                                            period_to.isoformat(), borough=self.borough, chair=self.chair,
                                            user=user, agenda=agenda)
        store.audit(AuditAction.TTCG_CREATE, "ttcg_meeting", self.meeting_id,
                    {"held_on": held.isoformat(), "agenda_items": len(agenda)}, why=self.why)
        return Changed("tasking", (self.meeting_id,), {"meeting": self.meeting_id})

    def revert(self, store: Store) -> Changed:
        db.delete_meeting(store, self.meeting_id)
        return Changed("tasking", (self.meeting_id,), {"meeting": self.meeting_id})


class RefreshAgenda(Command):
    """Rebuild a meeting's agenda from the current picture (undo restores the old one)."""

    description = "Refresh TTCG agenda"

    def __init__(self, meeting_id: int, why: str | None = None):
        super().__init__(why)
        self.meeting_id = meeting_id
        self._old: list | None = None

    def apply(self, store: Store) -> Changed:
        meeting = require_meeting(store, self.meeting_id)
        self._old = meeting["agenda"]
        agenda = build_agenda(store, date.fromisoformat(meeting["held_on"]),
                              date.fromisoformat(meeting["period_from"]),
                              date.fromisoformat(meeting["period_to"]), meeting["borough"])
        db.save_agenda(store, self.meeting_id, agenda)
        store.audit(AuditAction.TTCG_AGENDA, "ttcg_meeting", self.meeting_id, {"agenda_items": len(agenda)}, why=self.why)
        return Changed("tasking", (self.meeting_id,), {"meeting": self.meeting_id})

    def revert(self, store: Store) -> Changed:
        db.save_agenda(store, self.meeting_id, self._old)
        return Changed("tasking", (self.meeting_id,), {"meeting": self.meeting_id})


class RecordDecision(Command):
    """Record the TTCG's decision on one agenda item.

    A PATP item goes through the PATP workflow (:class:`PatpTransition` ``decide``); any
    other item (a series, a hotspot, a review) is written to the meeting's decision log.
    """

    description = "Record TTCG decision"

    def __init__(self, meeting_id: int, item: int, decision: str, reasons: str,
                 why: str | None = None):
        super().__init__(why)
        self.meeting_id, self.item, self.decision, self.reasons = meeting_id, item, decision, reasons
        self._inner: PatpTransition | None = None
        self._decision_id: int | None = None

    def apply(self, store: Store) -> Changed:
        meeting = require_meeting(store, self.meeting_id)
        agenda = meeting["agenda"]
        if not 1 <= self.item <= len(agenda):
            raise BadInput(f"meeting {self.meeting_id} has agenda items 1 to {len(agenda)}, not {self.item}")
        entry = agenda[self.item - 1]
        if entry["kind"] == "patp":
            self._inner = PatpTransition(entry["patp_id"], "decide", self.reasons, decision=self.decision,
                                         why=self.why)
            return self._inner.apply(store)
        if self.decision not in MEETING_DECISIONS:
            raise BadInput(f"the decision must be one of: {', '.join(MEETING_DECISIONS)}")
        if not (self.reasons or "").strip():
            raise BadInput("a TTCG decision needs its reasons")
        user = current_user()
        self._decision_id = db.add_decision(store, self.meeting_id, entry.get("patp_id"), entry["title"],
                                            self.decision, self.reasons, user)
        store.audit(AuditAction.TTCG_DECIDE, "ttcg_meeting", self.meeting_id,
                    {"item": entry["title"], "decision": self.decision, "reasons": self.reasons}, why=self.why)
        return Changed("tasking", (self.meeting_id,), {"meeting": self.meeting_id})

    def revert(self, store: Store) -> Changed:
        if self._inner is not None:
            return self._inner.revert(store)
        db.delete_decision(store, self._decision_id)
        return Changed("tasking", (self.meeting_id,), {"meeting": self.meeting_id})


class AddAction(Command):
    """Record an action with owner, due date and status (for a meeting and/or a PATP)."""

    description = "Add TTCG action"

    def __init__(self, description_text: str, owner: str, due_date: str, *, meeting_id: int | None = None,
                 patp_id: int | None = None, status: str = "open", force: bool = False, today: date | None = None,
                 why: str | None = None):
        super().__init__(why)
        if not description_text.strip() or not owner.strip():
            raise BadInput("an action needs a description and an owner")
        try:
            due = date.fromisoformat(due_date)
        except ValueError:
            raise BadInput(f"the due date {due_date!r} is not an ISO date (YYYY-MM-DD)") from None
        today = today or date.today()
        if due < today and not force:
            raise BadInput(f"the due date {due_date} is before today ({today.isoformat()}), when the action is "
                             "created; give a later date (or --force to record a past action)")
        if status not in ACTION_STATUSES:
            raise BadInput(f"action status must be one of: {', '.join(ACTION_STATUSES)}")
        if meeting_id is None and patp_id is None:
            raise BadInput("an action belongs to a meeting or a PATP (give --meeting or --patp)")
        self.text, self.owner, self.due_date, self.status = description_text, owner, due_date, status
        self.meeting_id, self.patp_id = meeting_id, patp_id
        self.action_id: int | None = None

    def apply(self, store: Store) -> Changed:
        if self.meeting_id is not None:
            require_meeting(store, self.meeting_id)
        self.action_id = db.add_action(store, meeting_id=self.meeting_id, patp_id=self.patp_id,
                                       description=self.text, owner=self.owner, due_date=self.due_date,
                                       status=self.status)
        store.audit(AuditAction.TTCG_ACTION, "ttcg_action", self.action_id,
                    {"description": self.text, "owner": self.owner, "due": self.due_date,
                     "meeting_id": self.meeting_id, "patp_id": self.patp_id},
                    why=self.why)
        return Changed("tasking", (self.action_id,), {"action": self.action_id})

    def revert(self, store: Store) -> Changed:
        db.delete_action(store, self.action_id)
        return Changed("tasking", (self.action_id,), {"action": self.action_id})


class SetActionStatus(Command):
    """Move an action to another status (open, in progress, done, cancelled) with an
    optional note; undo restores the status, note and closing date it had."""

    description = "Update action"

    def __init__(self, action_id: int, status: str, note: str | None = None, why: str | None = None):
        super().__init__(why)
        status = status.replace("-", " ")
        if status not in ACTION_STATUSES:
            raise BadInput(f"action status must be one of: {', '.join(s.replace(' ', '-') for s in ACTION_STATUSES)}")
        self.action_id, self.status, self.note = int(action_id), status, note
        self._old: dict | None = None

    def apply(self, store: Store) -> Changed:
        self._old = db.set_action_status(store, self.action_id, self.status, self.note)
        store.audit(AuditAction.TTCG_ACTION_STATUS, "ttcg_action", self.action_id,
                    {"from": self._old["status"], "to": self.status, "note": self.note}, why=self.why)
        return Changed("tasking", (self.action_id,), {"action": self.action_id, "status": self.status})

    def revert(self, store: Store) -> Changed:
        db.restore_action_status(store, self.action_id, self._old)
        return Changed("tasking", (self.action_id,), {"action": self.action_id, "status": self._old["status"]})


def require_meeting(store: Store, meeting_id: int) -> dict:
    """A meeting with its agenda, decisions and actions; ValueError if there is none."""
    meeting = db.load_meeting(store, int(meeting_id))
    if meeting is None:
        raise NotFound(f"no TTCG meeting with id {meeting_id} (see `workbench meeting list`)")
    return meeting


def overdue_actions(actions: list[dict], today: date | None = None) -> list[dict]:
    """The open or in-progress actions whose due date has passed."""
    day = (today or date.today()).isoformat()
    return [a for a in actions if a["status"] in ("open", "in progress") and a["due_date"] < day]
