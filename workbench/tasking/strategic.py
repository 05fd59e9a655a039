"""The strategic assessment: twelve months (or the period given) by priority against the
year before, to review the control strategy.

For every priority and every crime category: offences in the period and in the same
period a year earlier, the change, a Poisson test of the change (is it more than chance
for counts this size?), and the monthly series. Recommended priorities are the current
ones plus any category outside them that rose significantly and has at least
``min_count`` offences, or that causes high harm (sexual offences, robbery, violence with
injury) and rose at all. The review date is three months after the period ends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import pandas as pd
from scipy import stats

from workbench.domain.categories import LABELS, SEXUAL, expand
from workbench.store import Store
from workbench.store import strategy as strategy_db
from workbench.store.offences import OffenceFilter, load_frame

HIGH_HARM = set(SEXUAL) | {"robbery-personal", "robbery-business", "violence-with-injury"}
REVIEW_MONTHS = 3


@dataclass
class StrategicPicture:
    period_from: str
    period_to: str
    previous_from: str
    previous_to: str
    priorities: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    recommended: list[dict] = field(default_factory=list)
    review_date: str = ""
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def change_test(now: int, before: int) -> float:
    """Two-sided p-value that ``now`` and ``before`` come from one Poisson rate (the
    conditional binomial test of ``now`` out of ``now + before`` at one half).

    >>> round(change_test(30, 10), 4), change_test(10, 10)
    (0.0022, 1.0)
    """
    total = now + before
    if total == 0:
        return 1.0
    return float(stats.binomtest(now, total, 0.5).pvalue)


def _months(when: pd.Series) -> dict[str, int]:
    return {k: int(v) for k, v in when.dt.strftime("%Y-%m").value_counts().sort_index().items()}


def strategic_assessment(store: Store, period_from: date, period_to: date, boroughs=None, *,
                         alpha: float = 0.05, min_count: int = 20) -> StrategicPicture:
    """Assess ``period_from``..``period_to`` (inclusive) against the same dates a year before."""
    prev_from = period_from - pd.DateOffset(years=1)
    prev_to = period_to - pd.DateOffset(years=1)
    picture = StrategicPicture(period_from.isoformat(), period_to.isoformat(), prev_from.date().isoformat(),
                               prev_to.date().isoformat())
    frame = load_frame(store, OffenceFilter(date_from=prev_from.date().isoformat(),
                                            date_to=(period_to + timedelta(days=1)).isoformat(),
                                            boroughs=list(boroughs) if boroughs else None),
                       columns=("category", "committed_from", "ward"))
    now = frame[frame["committed_from"] >= pd.Timestamp(period_from)]
    before = frame[frame["committed_from"] < pd.Timestamp(prev_to + pd.Timedelta(days=1))]
    earliest = frame["committed_from"].min() if len(frame) else None
    if earliest is None or earliest > pd.Timestamp(prev_from) + pd.Timedelta(days=31):
        picture.notes.append("the store holds less than the previous year: changes against it are incomplete")
    now_counts, before_counts = now["category"].value_counts(), before["category"].value_counts()
    for category in sorted(set(now_counts.index) | set(before_counts.index)):
        n, b = int(now_counts.get(category, 0)), int(before_counts.get(category, 0))
        picture.categories.append({"category": category, "label": LABELS.get(category, category), "offences": n,
                                   "previous": b, "change": (n - b) / b if b else None,
                                   "p_value": change_test(n, b)})
    priorities = strategy_db.list_priorities(store)
    covered: set[str] = set()
    for p in priorities:
        cats = expand(p["categories"]) or []
        covered |= set(cats)
        mine = now[now["category"].isin(cats)]
        n, b = len(mine), int(before["category"].isin(cats).sum())
        picture.priorities.append({
            "priority": p["name"], "owner": p["owner"], "offences": n, "previous": b,
            "change": (n - b) / b if b else None, "p_value": change_test(n, b), "monthly": _months(mine["committed_from"]),
            "wards": {k: int(v) for k, v in mine["ward"].dropna().value_counts().head(5).items()}})
    for p in picture.priorities:
        rising = p["change"] is not None and p["change"] > 0 and p["p_value"] <= alpha
        p["direction"] = "rising" if rising else "falling" if (p["change"] or 0) < 0 and p["p_value"] <= alpha \
            else "no significant change"
        picture.recommended.append({"priority": p["priority"], "action": "keep",
                                    "reason": f"{p['offences']} offences, {p['direction']} against the year before"})
    for c in picture.categories:
        if c["category"] in covered:
            continue
        rose = c["offences"] > c["previous"]
        significant = rose and c["p_value"] <= alpha and c["offences"] >= min_count
        harmful = c["category"] in HIGH_HARM and rose
        if significant or harmful:
            why = "high harm and rising" if harmful and not significant else \
                f"rose from {c['previous']} to {c['offences']} (p = {c['p_value']:.2g})"
            picture.recommended.append({"priority": c["label"], "action": "add", "categories": [c["category"]],
                                        "reason": why})
    review = (pd.Timestamp(period_to) + pd.DateOffset(months=REVIEW_MONTHS)).date()
    picture.review_date = review.isoformat()
    return picture
