"""The tactical assessment of a period: what happened against the control strategy.

Structured by priority: for each active priority, its offences in the period, its
emerging trends, the series and the hotspots of its crimes, and recommendations that can
become PATPs; across priorities, new sexual offences, near-repeat risk after the
period's burglaries, active offenders and the intelligence picture against the
intelligence requirements.

Emerging trends are the scan's own seasonal test (:func:`workbench.scan.scanner.trends_for_period`),
so an assessment of a period and ``workbench scan --since`` its first day (on data
ending on its last day) list the same trends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from workbench.domain.categories import LABELS, expand, is_sexual
from workbench.jobs import JobControl
from workbench.scan.trends import ALL_AREAS
from workbench.store import Store
from workbench.store import strategy as strategy_db
from workbench.store.offences import OffenceFilter, load_frame, load_offender_links
from workbench.tasking import sources

OTHER = "Other crime (no priority)"


@dataclass
class TacticalPicture:
    """What happened in a period, by priority.

    ``trends``, ``series`` and ``hotspots`` are the JSON lists of ``workbench assessment
    tactical``; ``priorities`` maps each priority to its part of the picture; ``notes``
    say what could not be assessed and why, so the analyst knows the gap.
    """

    period_from: date
    period_to: date
    boroughs: list[str] = field(default_factory=list)
    trends: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    hotspots: list[dict] = field(default_factory=list)
    offenders: list[dict] = field(default_factory=list)
    sexual: list[dict] = field(default_factory=list)
    near_repeat: list[dict] = field(default_factory=list)
    priorities: list[dict] = field(default_factory=list)
    requirements: list[dict] = field(default_factory=list)
    recommendations: list[dict] = field(default_factory=list)
    trend_period: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[dict]:
        """The picture as TTCG agenda items."""
        out = [{"kind": "sexual", "ref": s["offence"], "title": f"New sexual offence {s['offence']}",
                "detail": s["summary"]} for s in self.sexual]
        for s in self.series:
            out.append({"kind": "series", "ref": s["id"], "title": s["title"] + (" (new)" if s["new"] else ""),
                        "detail": f"{s['in_period']} of {s['offences']} offences in the period ({s['categories']}); "
                                  f"priority: {s['priority']}"})
        for h in self.hotspots:
            out.append({"kind": "hotspot", "ref": h["id"], "title": f"{h['priority']} hotspot {h['id']}",
                        "detail": h["detail"]})
        for t in self.trends:
            out.append({"kind": "trend", "ref": t["category"], "title": f"Emerging: {t['label']} ({t['area']})",
                        "detail": t["summary"]})
        for o in self.offenders:
            out.append({"kind": "offender", "ref": o["offender"], "title": f"Active offender {o['offender']}",
                        "detail": f"{o['offences']} offences in the period ({o['categories']})"})
        out.extend({"kind": "note", "title": "Not assessed", "detail": n} for n in self.notes)
        return out

    def as_json(self) -> dict:
        return {"period_from": self.period_from.isoformat(), "period_to": self.period_to.isoformat(),
                "boroughs": self.boroughs, "trends": self.trends, "series": self.series, "hotspots": self.hotspots,
                "offenders": self.offenders, "sexual_offences": self.sexual, "near_repeat": self.near_repeat,
                "priorities": self.priorities, "requirements": self.requirements,
                "recommendations": self.recommendations, "trend_period": self.trend_period, "notes": self.notes}

    @classmethod
    def from_json(cls, data: dict) -> TacticalPicture:
        return cls(date.fromisoformat(data["period_from"]), date.fromisoformat(data["period_to"]),
                   data.get("boroughs", []), data.get("trends", []), data.get("series", []),
                   data.get("hotspots", []), data.get("offenders", []), data.get("sexual_offences", []),
                   data.get("near_repeat", []), data.get("priorities", []), data.get("requirements", []),
                   data.get("recommendations", []), data.get("trend_period", {}), data.get("notes", []))


def tactical_assessment(store: Store, period_from: date, period_to: date, boroughs: Sequence[str] | None = None, *,
                        alpha: float = 0.05, min_count: int = 5, min_offender_offences: int = 2,
                        hotspots: bool = True, progress=None, cancelled=None) -> TacticalPicture:
    """Assess ``period_from``..``period_to`` (inclusive dates) for some boroughs (or all)."""
    from workbench.scan.scanner import trends_for_period

    control = JobControl(progress, cancelled)
    boroughs = [b for b in (boroughs or []) if b]
    picture = TacticalPicture(period_from, period_to, boroughs)
    end = period_to + timedelta(days=1)
    frame = load_frame(store, OffenceFilter(date_from=period_from.isoformat(), date_to=end.isoformat(),
                                            boroughs=boroughs or None),
                       columns=("offence_ref", "category", "committed_from", "easting", "northing", "borough", "ward"))
    priorities = strategy_db.list_priorities(store)
    owner = _category_owner(priorities)

    control.report(0.05, "testing for emerging trends (the scan's seasonal test)")
    report = trends_for_period(store, period_from.isoformat(), period_to.isoformat(), alpha=alpha,
                               min_count=min_count)
    if report is not None:
        picture.trend_period = {"unit": report.unit, "periods": report.periods,
                                "from": report.period_start.date().isoformat(),
                                "to": (report.period_end - pd.Timedelta(days=1)).date().isoformat()}
        picture.trends = [_trend(r, report, owner) for r in report.emerging
                          if not boroughs or r.area in boroughs]
    control.report(0.2, "new sexual offences")
    picture.sexual = _sexual(store, frame, picture.notes)
    control.report(0.35, "series")
    picture.series = _series(store, period_from, period_to, boroughs, owner)
    picture.offenders = _active_offenders(store, frame, min_offender_offences)
    control.report(0.45, "near-repeat risk")
    picture.near_repeat = _near_repeat(store, frame, period_to, picture.notes)
    if hotspots:
        picture.hotspots = _hotspots(store, period_from, period_to, boroughs, priorities, picture.notes,
                                     control.sub(0.5, 0.9))
    control.report(0.9, "intelligence requirements")
    picture.requirements = _requirements(store, period_from, period_to)
    picture.priorities = _by_priority(frame, priorities, picture, owner)
    picture.recommendations = _recommendations(picture)
    if not priorities:
        picture.notes.append("the control strategy has no priorities: add them (`workbench priorities add`) to "
                             "structure the assessment")
    control.report(1.0, "assessment done")
    return picture


def _category_owner(priorities: list[dict]) -> dict[str, str]:
    """Category -> the first priority that covers it."""
    owner: dict[str, str] = {}
    for p in priorities:
        for category in expand(p["categories"]) or []:
            owner.setdefault(category, p["name"])
    return owner


def _trend(result, report, owner: dict[str, str]) -> dict:
    where = "all areas" if result.area == ALL_AREAS else result.area
    span = f"{report.periods} {report.unit}{'s' if report.periods > 1 else ''}"
    return {"category": result.category, "label": LABELS.get(result.category, result.category), "area": result.area,
            "observed": result.observed, "expected": round(result.expected, 3),
            "ratio": round(result.ratio, 3) if np.isfinite(result.ratio) else None,
            "p_value": result.p_value, "q_value": result.q_value, "baseline": result.baseline,
            "priority": owner.get(result.category, OTHER),
            "summary": f"{result.observed} in {where} in the last {span} against {result.expected:.1f} expected "
                       f"from the {result.baseline} baseline (FDR q = {result.q_value:.2g})"}


def _sexual(store: Store, frame: pd.DataFrame, notes: list[str]) -> list[dict]:
    from workbench.scan.alerts import sexual_offence_alerts

    sexual = frame[frame["category"].map(is_sexual)]
    if sexual.empty:
        return []
    alerts, extra = sexual_offence_alerts(store, sexual)
    notes.extend(extra)
    refs = dict(zip(sexual["id"], sexual["offence_ref"]))
    return [{"offence": refs.get(a.offence_ids[0], str(a.offence_ids[0])), "summary": a.summary,
             "candidates": a.detail.get("candidates", [])} for a in alerts]


def _series(store: Store, period_from: date, period_to: date, boroughs: list[str], owner: dict) -> list[dict]:
    """Series with an offence in the period (``new`` when their first offence is in it)."""
    out = []
    for series in sources.list_series(store):
        frame = load_frame(store, OffenceFilter(ids=series.offence_ids), columns=("category", "committed_from",
                                                                                  "borough"))
        if frame.empty or (boroughs and not set(boroughs) & set(frame["borough"].dropna())):
            continue
        days = frame["committed_from"].dt.date
        in_period = int(((days >= period_from) & (days <= period_to)).sum())
        if not in_period:
            continue
        categories = frame["category"].value_counts()
        out.append({"id": series.source_ref, "title": series.title, "offences": len(frame),
                    "in_period": in_period, "first": days.min().isoformat(), "last": days.max().isoformat(),
                    "new": bool(days.min() >= period_from),
                    "categories": ", ".join(LABELS.get(c, c) for c in categories.index),
                    "priority": owner.get(categories.index[0], OTHER)})
    return sorted(out, key=lambda s: (not s["new"], -s["in_period"], str(s["id"])))


def _active_offenders(store: Store, in_period: pd.DataFrame, minimum: int) -> list[dict]:
    if in_period.empty:
        return []
    links = load_offender_links(store, in_period["id"].tolist())
    if links.empty:
        return []
    links = links.merge(in_period[["id", "category"]], left_on="offence_id", right_on="id")
    out = []
    for key, group in links.groupby("offender_key"):
        if len(group) >= minimum:
            out.append({"offender": key, "offences": int(group["offence_id"].nunique()),
                        "categories": ", ".join(sorted(group["category"].unique()))})
    return sorted(out, key=lambda o: (-o["offences"], o["offender"]))[:10]


def _near_repeat(store: Store, frame: pd.DataFrame, period_to: date, notes: list[str]) -> list[dict]:
    from workbench.scan.alerts import near_repeat_alerts
    from workbench.scan.scanner import _history

    history, unit, _ = _history(store, until=pd.Timestamp(period_to))
    alerts, extra = near_repeat_alerts(history, frame.assign(committed_to=frame["committed_from"]), JobControl(),
                                       unit=unit)
    notes.extend(extra)
    return [{"summary": a.summary, "offences": len(a.offence_ids), **{k: a.detail[k] for k in (
        "borough", "radius_m", "days") if k in a.detail}} for a in alerts]


def _hotspots(store: Store, period_from: date, period_to: date, boroughs: list[str], priorities: list[dict],
              notes: list[str], control: JobControl) -> list[dict]:
    """KDE hotspots of each priority's crimes in the period (per borough when given)."""
    out = []
    areas = boroughs or [None]
    for n, priority in enumerate(priorities):
        control.report(n / max(1, len(priorities)), f"hotspots of {priority['name'].lower()}")
        for borough in areas:
            try:
                found = sources.hotspots_for_period(store, period_from, period_to, borough, priority["categories"],
                                                    label=f"P{priority['id']}-")
            except sources.NotAvailable as exc:
                notes.append(str(exc))
                return out
            for h in found:
                h.pop("wkt", None)
                out.append({**h, "priority": priority["name"], "borough": borough})
    return out


def _requirements(store: Store, period_from: date, period_to: date) -> list[dict]:
    """Each intelligence requirement with what its saved search found in the period."""
    from workbench.scan.searches import run_search
    from workbench.store.scan import find_search, list_searches

    searches = {s.name: s for s in list_searches(store, owner="*")}
    out = []
    for req in strategy_db.list_requirements(store):
        row = {"id": req["id"], "priority": req["priority"], "text": req["text"], "search": req["search_name"]}
        search = searches.get(req["search_name"]) or (find_search(store, req["search_name"])
                                                      if req["search_name"] else None)
        if search is None:
            row["answered"] = "no saved search answers this requirement yet: an intelligence gap"
        else:
            row["matches"] = len(run_search(store, search).matches)
            row["answered"] = f"{row['matches']} match(es) of saved search {search.name!r} now"
        out.append(row)
    return out


def _by_priority(frame: pd.DataFrame, priorities: list[dict], picture: TacticalPicture,
                 owner: dict[str, str]) -> list[dict]:
    counts = frame["category"].map(lambda c: owner.get(c, OTHER)).value_counts()
    out = []
    for name in [p["name"] for p in priorities] + [OTHER]:
        part = {"priority": name, "offences": int(counts.get(name, 0)),
                "trends": sorted({t["category"] for t in picture.trends if t["priority"] == name}),
                "series": [s["id"] for s in picture.series if s["priority"] == name],
                "hotspots": [h["id"] for h in picture.hotspots if h["priority"] == name]}
        if name != OTHER or part["offences"]:
            out.append(part)
    return out


def _recommendations(picture: TacticalPicture) -> list[dict]:
    """What the TTCG could task, each with the command that drafts its PATP."""
    out = []
    for s in picture.series:
        if s["new"] or s["in_period"] >= 2:
            count = f"{s['in_period']} offence{'s' if s['in_period'] != 1 else ''}"
            out.append({"priority": s["priority"], "text": f"Task the investigation of {s['title']} "
                                                           f"({count} in the period)",
                        "patp": f"workbench patp create --from-series {s['id']}"})
    for h in picture.hotspots[:6]:
        out.append({"priority": h["priority"], "text": f"Manage the {h['priority'].lower()} hotspot {h['id']}: "
                                                       f"{h['detail']}",
                    "patp": f"workbench patp create --from-hotspot {h['easting']},{h['northing']} "
                            f"--from {picture.period_from} --to {picture.period_to}"})
    for o in picture.offenders[:3]:
        out.append({"priority": OTHER, "text": f"Target offender {o['offender']} ({o['offences']} offences)",
                    "patp": f"workbench patp create --from-person {o['offender']}"})
    return out
