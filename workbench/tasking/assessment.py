"""The tactical assessment for a TTCG period: new series, hotspots, emerging trends and
active offenders, as agenda items with the evidence behind each.

Trends compare the period with the mean of the three periods of the same length before
it (a short-term picture against the recent norm); a category is *emerging* when it has
at least ``min_count`` offences and is ``rise`` times its norm or more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from workbench.domain.categories import LABELS
from workbench.store import Store
from workbench.store.offences import OffenceFilter, load_frame, load_offender_links
from workbench.tasking import sources


@dataclass
class TacticalPicture:
    """What happened in a period. ``items`` are agenda entries; ``notes`` say what
    could not be assessed (e.g. no hotspot module) so the analyst knows the gap."""

    period_from: date
    period_to: date
    trends: list[dict] = field(default_factory=list)
    offenders: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    hotspots: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def items(self) -> list[dict]:
        out = []
        for s in self.series:
            out.append({"kind": "series", "ref": s["id"], "title": f"New series {s['id']}",
                        "detail": f"{s['offences']} offences ({s['categories']}), first on {s['first']}"})
        for h in self.hotspots:
            out.append({"kind": "hotspot", "ref": h["id"], "title": f"Hotspot {h['id']}", "detail": h["detail"]})
        for t in self.trends:
            out.append({"kind": "trend", "ref": t["category"], "title": f"Emerging: {t['label']}",
                        "detail": f"{t['count']} offences against a norm of {t['norm']:.1f} ({t['change']:+.0%})"})
        for o in self.offenders:
            out.append({"kind": "offender", "ref": o["offender"], "title": f"Active offender {o['offender']}",
                        "detail": f"{o['offences']} offences in the period ({o['categories']})"})
        out.extend({"kind": "note", "title": "Not assessed", "detail": n} for n in self.notes)
        return out


def tactical_assessment(store: Store, period_from: date, period_to: date, borough: str | None = None, *,
                        min_count: int = 5, rise: float = 1.25, min_offender_offences: int = 2) -> TacticalPicture:
    """Assess ``period_from``..``period_to`` (inclusive dates) for one borough (or all)."""
    picture = TacticalPicture(period_from, period_to)
    length = (period_to - period_from).days + 1
    history_from = period_from - timedelta(days=3 * length)
    frame = load_frame(store, OffenceFilter(date_from=history_from.isoformat(),
                                            date_to=(period_to + timedelta(days=1)).isoformat(),
                                            boroughs=[borough] if borough else None),
                       columns=("category", "committed_from"))
    in_period = frame[frame["committed_from"] >= pd.Timestamp(period_from)]
    picture.trends = _emerging(frame, in_period, min_count, rise)
    picture.offenders = _active_offenders(store, in_period, min_offender_offences)
    picture.series = _new_series(store, period_from, period_to, borough)
    try:
        picture.hotspots = sources.hotspots_for_period(store, period_from, period_to, borough)
    except sources.NotAvailable as exc:
        picture.notes.append(str(exc))
    return picture


def _emerging(frame: pd.DataFrame, in_period: pd.DataFrame, min_count: int, rise: float) -> list[dict]:
    now = in_period["category"].value_counts()
    norm = frame.loc[~frame.index.isin(in_period.index), "category"].value_counts() / 3.0
    out = []
    for category, count in now.items():
        base = float(norm.get(category, 0.0))
        if count >= min_count and count >= rise * max(base, 1e-9):
            out.append({"category": category, "label": LABELS.get(category, category), "count": int(count),
                        "norm": base, "change": (count - base) / base if base else 1.0})
    return sorted(out, key=lambda t: -t["count"])


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


def _new_series(store: Store, period_from: date, period_to: date, borough: str | None) -> list[dict]:
    out = []
    for series in sources.list_series(store):
        frame = load_frame(store, OffenceFilter(ids=series.offence_ids), columns=("category", "committed_from",
                                                                                  "borough"))
        if frame.empty or (borough and borough not in set(frame["borough"])):
            continue
        first = frame["committed_from"].min().date()
        if period_from <= first <= period_to:
            out.append({"id": series.source_ref, "offences": len(frame), "first": first.isoformat(),
                        "categories": ", ".join(sorted(frame["category"].unique()))})
    return out
