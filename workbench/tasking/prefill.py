"""Draft a PATP from a problem: every section pre-filled from the analysis, all editable.

:func:`build_patp` takes a neutral :class:`~workbench.tasking.patp.Problem` (offence ids,
optional area) and fills the problem summary (counts, dates, trend), the map (the area
and offences), the comparative case analysis, the near-repeat table, the nominals of
interest (:mod:`workbench.people.patp`), the relevant graded intelligence (only what its
handling code lets the borough share) and suggested tactics under Prevent / Intelligence /
Enforcement / Reassurance. An evidence source this installation does not provide is named
in ``supporting_analysis["notes"]`` rather than filled with anything invented.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from workbench.domain.categories import GROUPS, LABELS, SEXUAL
from workbench.identity import current_user
from workbench.people.patp import nominals_of_interest
from workbench.store import Store
from workbench.store.offences import OffenceFilter, load_frame, load_offender_links
from workbench.tasking import evidence
from workbench.tasking.patp import Patp, Problem
from workbench.tasking.strategy import best_priority
from workbench.tasking.tactics import suggest_tactics
from workbench.tasking.timing import peak, peak_text

#: Weeks compared for the short-term trend ("last 4 weeks against the 4 before").
TREND_WEEKS = 4


def summarise(frame: pd.DataFrame) -> dict:
    """Counts, dates, monthly series, weekday/hour peaks and trend of a set of offences."""
    if frame.empty:
        return {"offences": 0, "counts": {}, "monthly": {}, "trend": {"direction": "none"}}
    when = frame["committed_from"]
    end = when.max().normalize() + pd.Timedelta(days=1)
    recent = int((when >= end - pd.Timedelta(weeks=TREND_WEEKS)).sum())
    before = int(((when >= end - pd.Timedelta(weeks=2 * TREND_WEEKS))
                  & (when < end - pd.Timedelta(weeks=TREND_WEEKS))).sum())
    if recent > before * 1.2 and recent - before >= 2:
        direction = "rising"
    elif recent < before * 0.8 and before - recent >= 2:
        direction = "falling"
    else:
        direction = "stable"
    monthly = when.dt.strftime("%Y-%m").value_counts().sort_index()
    timing = peak(when, frame.get("committed_to", when))
    return {
        "offences": int(len(frame)),
        "counts": {k: int(v) for k, v in frame["category"].value_counts().items()},
        "date_from": when.min().date().isoformat(),
        "date_to": when.max().date().isoformat(),
        "monthly": {k: int(v) for k, v in monthly.items()},
        "peak_day": timing["day"],
        "peak_hours": timing["hours"],
        "timing": timing,
        "solved": int((frame["status"] == "solved").sum()),
        "boroughs": {k: int(v) for k, v in frame["borough"].dropna().value_counts().items()},
        "wards": {k: int(v) for k, v in frame["ward"].dropna().value_counts().head(5).items()},
        "trend": {"direction": direction, "weeks": TREND_WEEKS, "recent": recent, "before": before},
    }


def summary_text(problem: Problem, stats: dict, offenders: list[str]) -> str:
    """The problem summary paragraph, in words an analyst would write."""
    if not stats["offences"]:
        return f"{problem.title}: no offences recorded."
    counts = ", ".join(f"{n} {LABELS.get(c, c).lower()}" for c, n in stats["counts"].items())
    where = ", ".join(stats["boroughs"]) or "an area outside the loaded boundaries"
    wards = f" (mainly {', '.join(list(stats['wards'])[:3])})" if stats["wards"] else ""
    trend = stats["trend"]
    lines = [
        f"{stats['offences']} offences ({counts}) between {_day(stats['date_from'])} and "
        f"{_day(stats['date_to'])} in {where}{wards}.",
        f"The trend is {trend['direction']}: {_offences(trend['recent'])} in the last {trend['weeks']} weeks "
        f"against {trend['before']} in the {trend['weeks']} weeks before.",
        peak_text(stats["timing"]),
        f"{stats['solved']} of {stats['offences']} are solved"
        + (f"; known offenders: {', '.join(offenders[:5])}." if offenders else "; no offender is known."),
    ]
    return " ".join(lines)


def _offences(n: int) -> str:
    return f"{n} offence{'s' if n != 1 else ''}"


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def build_patp(store: Store, problem: Problem, *, author: str | None = None, today: date | None = None,
               include_doubtful: bool = False) -> Patp:
    """A draft PATP for ``problem`` with every section pre-filled (not yet stored); intelligence
    graded as suspected false is left out unless ``include_doubtful``."""
    today = today or date.today()
    frame = load_frame(store, OffenceFilter(ids=problem.offence_ids),
                       columns=("offence_ref", "category", "committed_from", "committed_to", "easting", "northing",
                                "borough", "ward", "status", "location_type"))
    stats = summarise(frame)
    links = load_offender_links(store, problem.offence_ids)
    offenders = sorted(set(links["offender_key"])) if not links.empty else []
    notes: list[str] = []
    analysis = {
        "offence_ids": list(problem.offence_ids),
        "area_wkt": problem.area.wkt if problem.area is not None else None,
        "summary": stats,
        "offenders": offenders,
        "cca": evidence.collect(notes, evidence.cca_matrix, store, problem.offence_ids),
        "near_repeat": evidence.collect(notes, evidence.near_repeat_table, store, problem.offence_ids),
        "nominals_of_interest": nominals_of_interest(store, problem.offence_ids, offenders),
        "notes": notes,
    }
    if problem.source_kind == "series":
        analysis["series_risk"] = evidence.collect(notes, evidence.series_risk, store, problem.offence_ids)
    intel = evidence.collect(notes, evidence.graded_intelligence, store, problem, offenders, include_doubtful) or []
    boroughs = list(stats.get("boroughs", {}))
    categories = list(stats.get("counts", {}))
    return Patp(
        reference="",
        title=problem.title,
        author=author or current_user(),
        date=today.isoformat(),
        borough=boroughs[0] if boroughs else None,
        priority=best_priority(store, stats.get("counts", {})),
        nim_level=2 if len(boroughs) > 1 else 1,
        problem_type=problem.problem_type,
        problem_summary=summary_text(problem, stats, offenders),
        supporting_analysis=analysis,
        graded_intelligence=intel,
        threat_harm_risk=_threat_harm_risk(categories, stats, analysis.get("series_risk")),
        tactics=suggest_tactics(problem.problem_type, categories, stats, offenders),
        objectives=(f"Reduce {_crime_words(categories)} in the tasked area and identify, "
                    "arrest and charge those responsible."),
        success_measures=("Fewer offences in the tasked area in the eight weeks after tasking than in the "
                          "eight weeks before, against the trend in a comparison area, with no displacement "
                          "into the surrounding 500 m (weighted displacement quotient not below 0)."),
        community_impact="",
        review_date=(today + timedelta(weeks=6)).isoformat(),
        source_kind=problem.source_kind,
        source_ref=problem.source_ref,
        subjects=list(problem.subjects) or offenders[:10],
    )


#: A problem whose offences all fall in one crime group is named by the group.
_GROUP_WORDS = {"sexual": "sexual offences", "burglary": "burglary", "robbery": "robbery",
                "vehicle": "vehicle crime"}


def _crime_words(categories: list[str]) -> str:
    """The offences of a problem in words for its objectives: the crime group when they share
    one (``sexual offences``), else their labels (``shoplifting and bicycle theft``), with
    "offences" said once (never "sexual offences offences")."""
    for group, members in GROUPS.items():
        if categories and all(c in members for c in categories):
            return _GROUP_WORDS[group]
    labels = [LABELS.get(c, c).lower() for c in categories[:2]]
    if not labels:
        return "offences"
    words = " and ".join(labels) + (" and other offences" if len(categories) > 2 else "")
    return words if words.endswith(("offences", "crime", "behaviour")) else f"{words} offences"


def _threat_harm_risk(categories: list[str], stats: dict, series_risk: dict | None = None) -> str:
    """A first draft of the threat, harm and risk paragraph for the analyst to finish;
    a series' own risk indicator (escalation, shortening intervals) is carried in."""
    harm = "high" if any(c in SEXUAL or c.startswith("robbery") or c == "violence-with-injury"
                         for c in categories) else "medium"
    threat = {"rising": "increasing", "falling": "reducing", "stable": "continuing"}.get(
        stats["trend"]["direction"], "unknown")
    return (f"Threat: {threat} ({_offences(stats['trend']['recent'])} in the last {stats['trend']['weeks']} weeks). "
            f"Harm: {harm}. Risk: further offences in and near the tasked area are likely while the "
            "offending continues unchecked." + _series_risk_text(series_risk))


def _series_risk_text(series_risk: dict | None) -> str:
    if not series_risk:
        return ""
    why = "; ".join(series_risk["reasons"]) or "no escalation or shortening intervals"
    return f" Series risk: {series_risk['risk']} ({why})."

