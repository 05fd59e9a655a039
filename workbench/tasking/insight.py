"""Performance and insight: which taskings worked, for which problems, by tactic.

Every accepted PATP whose tasking started (the TTCG meeting that accepted it) in the
period is measured as ``workbench results`` measures it: offences in the tasked area
before and after, the change and the weighted displacement quotient, plus the outcomes
recorded for the offences in the tasked area in both periods (police.uk's last outcome
category where the offence came from police.uk, else its status). The taskings are then
tabulated by tactic (the four headings of the tactical menu a PATP recommended tactics
under) and by problem type. Where a population table is imported (``workbench import
population``), counts are also given per 1,000 residents of the tasking's borough or ward.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from workbench.domain.audit import AuditAction
from workbench.store import Store
from workbench.store import strategy as strategy_db
from workbench.store import tasking as db
from workbench.store.offences import OffenceFilter, load_frame
from workbench.tasking.editing import load_patp
from workbench.tasking.patp import TACTIC_HEADINGS
from workbench.tasking.results import analyse_patp, tasking_start


@dataclass
class Insight:
    taskings: list[dict] = field(default_factory=list)
    by_tactic: list[dict] = field(default_factory=list)
    by_problem_type: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"taskings": self.taskings, "by_tactic": self.by_tactic, "by_problem_type": self.by_problem_type,
                "notes": self.notes}


def _change(before: int | None, after: int | None) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return round((after - before) / before, 4)


def _outcomes(store: Store, patp, result) -> dict[str, int]:
    """Outcome counts of the offences of the tasked area in the before and after periods."""
    area = patp.area
    frame = load_frame(store, OffenceFilter(bbox=area.bounds, date_from=result.before[0], date_to=result.after[1],
                                            categories=list(patp.supporting_analysis.get("summary", {})
                                                            .get("counts", {})) or None),
                       columns=("easting", "northing", "status", "extra"))
    import shapely

    inside = shapely.contains_xy(area, frame["easting"].to_numpy(float), frame["northing"].to_numpy(float))
    counts: Counter = Counter()
    for status, extra in zip(frame["status"][inside], frame["extra"][inside]):
        given = json.loads(extra).get("last_outcome") if isinstance(extra, str) and extra else None
        outcome = given or status or "not recorded"
        counts[outcome] += 1
    return dict(counts.most_common())


def _residents(patp, population: dict[str, int]) -> tuple[str, int] | None:
    """The tasking's area for rates: its main ward, else its borough, if the population table has it."""
    wards = list(patp.supporting_analysis.get("summary", {}).get("wards", {}))
    for name in wards[:1] + ([patp.borough] if patp.borough else []):
        if name in population:
            return name, population[name]
    return None


def _per_1000(count: int | None, residents: int | None) -> float | None:
    return None if count is None or not residents else round(1000.0 * count / residents, 3)


def tasking_row(store: Store, patp, population: dict[str, int], *, today: date | None = None) -> dict:
    result = analyse_patp(store, patp, today=today)
    m = result.measures
    row = {"patp": patp.reference, "title": patp.title, "priority": patp.priority, "problem_type": patp.problem_type,
           "tactics": [h for h in TACTIC_HEADINGS if any(str(t).strip() for t in patp.tactics.get(h, []))],
           "decision": patp.decision.get("decision"), "start": result.after[0], "complete": result.complete,
           "before": m.target_before, "after": m.target_after, "change": _change(m.target_before, m.target_after),
           "wdq": None if m.wdq is None else round(m.wdq, 4), "outcomes": _outcomes(store, patp, result)}
    where = _residents(patp, population)
    if where:
        row.update(rate_area=where[0], residents=where[1], before_per_1000=_per_1000(m.target_before, where[1]),
                   after_per_1000=_per_1000(m.target_after, where[1]))
    return row


def _table(rows: list[dict], key: str, values) -> list[dict]:
    out = []
    for value in values:
        mine = [r for r in rows if (value in r[key] if isinstance(r[key], list) else r[key] == value)]
        if not mine:
            continue
        done = [r for r in mine if r["complete"]]
        before, after = sum(r["before"] for r in done), sum(r["after"] for r in done)
        wdqs = [r["wdq"] for r in done if r["wdq"] is not None]
        entry = {key.rstrip("s") if key == "tactics" else key: value, "taskings": len(mine), "measured": len(done),
                 "before": before, "after": after, "change": _change(before, after),
                 "reduced": sum(r["after"] < r["before"] for r in done),
                 "mean_wdq": round(sum(wdqs) / len(wdqs), 4) if wdqs else None}
        rated = [r for r in done if "residents" in r]
        if rated:                       # each area's residents once, however many taskings it had
            residents = sum({r["rate_area"]: r["residents"] for r in rated}.values())
            entry.update(before_per_1000=_per_1000(sum(r["before"] for r in rated), residents),
                         after_per_1000=_per_1000(sum(r["after"] for r in rated), residents))
        out.append(entry)
    return out


def tasking_insight(store: Store, date_from: str, date_to: str, *, today: date | None = None) -> Insight:
    """Every accepted tasking started ``date_from``..``date_to`` (inclusive ISO dates), measured."""
    insight = Insight()
    population = strategy_db.populations(store)
    if not population:
        insight.notes.append("no population table: import one (`workbench import population`) for rates per "
                             "1,000 residents")
    for summary in db.list_patps(store, ["accepted"]):
        patp = load_patp(store, summary["id"])
        start, _ = tasking_start(store, patp)
        if not date_from <= start.isoformat() <= date_to:
            continue
        if patp.area is None:
            insight.notes.append(f"{patp.reference} has no tasked area: not measured")
            continue
        insight.taskings.append(tasking_row(store, patp, population, today=today))
    insight.taskings.sort(key=lambda r: (r["start"], r["patp"]))
    if any(not r["complete"] for r in insight.taskings):
        insight.notes.append("taskings whose after period has not elapsed are listed but left out of the totals")
    insight.by_tactic = _table(insight.taskings, "tactics", TACTIC_HEADINGS)
    types = sorted({r["problem_type"] for r in insight.taskings})
    insight.by_problem_type = _table(insight.taskings, "problem_type", types)
    return insight


def insight_figure(insight: Insight, *, marking: str | None = None):
    """Offences before and after in the tasked areas, by tactic (measured taskings only)."""
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np
    from matplotlib.figure import Figure

    rows = insight.by_tactic
    fig = Figure(figsize=(7.0, 3.2), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    pos = np.arange(len(rows))
    ax.bar(pos - 0.18, [r["before"] for r in rows], 0.36, label="Before", color="#7f8c9a")
    ax.bar(pos + 0.18, [r["after"] for r in rows], 0.36, label="After", color="#1f4e79")
    ax.set_xticks(pos, [f"{r['tactic']}\n({r['measured']} tasking{'s' if r['measured'] != 1 else ''})"
                        for r in rows], fontsize=8)
    for i, r in enumerate(rows):
        ax.annotate(str(r["before"]), (i - 0.18, r["before"]), ha="center", va="bottom", fontsize=7)
        ax.annotate(str(r["after"]), (i + 0.18, r["after"]), ha="center", va="bottom", fontsize=7)
    ax.set_ylabel("Offences in the tasked areas", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=8, frameon=False)
    fig.suptitle("Taskings by tactic: offences before and after", fontsize=10, y=0.93 if marking else 0.98)
    if marking:
        fig.tight_layout(rect=(0, 0.05, 1, 0.9))
        fig.text(0.5, 0.99, marking, ha="center", va="top", fontsize=9, fontweight="bold")
        fig.text(0.5, 0.01, marking, ha="center", va="bottom", fontsize=9, fontweight="bold")
    else:
        fig.tight_layout()
    return fig


def export_insight_chart(store: Store, insight: Insight, out: str | Path, *, force: bool = False) -> Path:
    """Write the chart through the release gate (marked, audited as ``export.insight``)."""
    from workbench.release import (
        Content,
        Output,
        Released,
        export,
        png_metadata,
        policy,
        release,
    )

    title = "Taskings by tactic"
    released = release(Content(records=True, build=lambda r: insight), policy(store, "internal"))

    def write(r: Released, path: Path) -> None:
        insight_figure(r.body, marking=r.marking).savefig(path, metadata=png_metadata(r, title))

    return export(store, released, [Output(Path(out), write)], action=AuditAction.EXPORT_INSIGHT, object_type="insight",
                  force=force)[0]
