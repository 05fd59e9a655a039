"""Reviews of taskings due: every accepted tasking is reviewed 3, 6 and 9 months after the
TTCG meeting that accepted it; a scan lists the reviews that fall due within one TTCG
cycle either side of the day it runs, so each comes up at the meeting before and the
meeting after its date.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from workbench.domain.alerts import Alert
from workbench.store import Store
from workbench.store import tasking as db

REVIEW_MONTHS = (3, 6, 9)


def tasking_start(store: Store, body: dict) -> tuple[date, str]:
    """When a tasking started, and why that date: the date of the TTCG meeting that decided
    it (not the day the decision was typed in), else the decision's date, else the PATP's."""
    decision = body.get("decision") or {}
    meeting_id = decision.get("meeting_id") or body.get("meeting_id")
    meeting = db.load_meeting(store, meeting_id) if meeting_id else None
    if meeting is not None:
        return date.fromisoformat(meeting["held_on"]), f"TTCG meeting of {meeting['held_on']}"
    if decision.get("at"):
        return date.fromisoformat(decision["at"][:10]), "date the decision was recorded"
    return date.fromisoformat(body["date"][:10]), "date of the PATP"


def reviews_due(store: Store, today: date, window_days: int) -> list[dict]:
    """The 3/6/9-month reviews of accepted taskings due within ``window_days`` of ``today``."""
    out = []
    for row in db.list_patps(store, ["accepted"]):
        body = db.load_patp_body(store, row["id"])
        start, _ = tasking_start(store, body)
        for months in REVIEW_MONTHS:
            due = (pd.Timestamp(start) + pd.DateOffset(months=months)).date()
            if abs((due - today).days) <= window_days:
                out.append({"patp": row["reference"], "title": row["title"], "months": months,
                            "due": due.isoformat(), "tasked": start.isoformat(),
                            "offence_ids": [int(i) for i in body.get("supporting_analysis", {}).get("offence_ids", [])]})
    return sorted(out, key=lambda r: (r["due"], r["patp"]))


def review_alert(review: dict, today: date) -> Alert:
    due = date.fromisoformat(review["due"])
    when = "overdue since" if due < today else "due on"
    summary = (f"{review['months']}-month review of {review['patp']} ({review['title']}) {when} "
               f"{due.day} {due:%B %Y}; tasked at the TTCG of {review['tasked']}")
    return Alert("tasking_review", summary, review["offence_ids"], None,
                 {k: review[k] for k in ("patp", "months", "due", "tasked")})
