"""Results analysis of a tasking: did crime fall in the tasked area, against a comparison
area, and did it move next door?

Counts offences before and after the tasking date in three places: the tasked area
(R), a surrounding buffer (B) and a comparison area (C), and computes the measures of
Bowers & Johnson (2003), "Measuring the geographical displacement and diffusion of
benefit effects of crime prevention activity", J. Quantitative Criminology 19(3):

- success measure ``SM = Ra/Ca - Rb/Cb`` (negative: crime fell in the tasked area
  relative to the comparison area);
- buffer displacement measure ``BDM = Ba/Ca - Bb/Cb``;
- weighted displacement quotient ``WDQ = BDM / SM`` (meaningful only when SM < 0):
  above 0 a diffusion of benefits into the buffer, below 0 displacement into it, below
  -1 displacement larger than the reduction achieved;
- total net effect ``TNE = (Rb*Ca/Cb - Ra) + (Bb*Ca/Cb - Ba)``: offences prevented,
  net of displacement.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from workbench.domain.audit import AuditAction
from workbench.errors import NotAllowed
from workbench.release import Released

#: Default width (metres) of the displacement buffer round the tasked area.
BUFFER_M = 500.0
#: Default width of the comparison ring beyond the buffer when no borough is loaded.
COMPARISON_RING_M = 2000.0


@dataclass
class Displacement:
    """The Bowers & Johnson measures for one before/after comparison."""

    target_before: int
    target_after: int
    buffer_before: int
    buffer_after: int
    control_before: int
    control_after: int
    success_measure: float | None
    buffer_measure: float | None
    wdq: float | None
    total_net_effect: float | None
    interpretation: str

    def as_json(self) -> dict:
        return asdict(self)


def displacement(rb: int, ra: int, bb: int, ba: int, cb: int, ca: int) -> Displacement:
    """The measures from counts in the tasked area (r), buffer (b) and control (c),
    before (``*b``) and after (``*a``).

    >>> d = displacement(100, 60, 50, 55, 1000, 1000)
    >>> round(d.success_measure, 3), round(d.wdq, 3), d.total_net_effect
    (-0.04, -0.125, 35.0)
    """
    if cb <= 0 or ca <= 0:
        return Displacement(rb, ra, bb, ba, cb, ca, None, None, None, None,
                            "No offences in the comparison area in one of the periods: the measures cannot "
                            "be computed; choose a larger comparison area.")
    sm = ra / ca - rb / cb
    bdm = ba / ca - bb / cb
    tne = (rb * ca / cb - ra) + (bb * ca / cb - ba)
    wdq = bdm / sm if sm < 0 else None
    return Displacement(rb, ra, bb, ba, cb, ca, sm, bdm, wdq, tne, _interpret(sm, wdq))


def _interpret(sm: float, wdq: float | None) -> str:
    if wdq is None:
        return ("Crime did not fall in the tasked area relative to the comparison area (success measure "
                f"{sm:+.4f}); displacement cannot be assessed.")
    head = f"Crime fell in the tasked area relative to the comparison area (success measure {sm:+.4f}). "
    if wdq > 1:
        return head + f"WDQ {wdq:.2f}: diffusion of benefits into the buffer larger than the direct effect."
    if wdq > 0:
        return head + f"WDQ {wdq:.2f}: a diffusion of benefits into the buffer."
    if wdq == 0:
        return head + "WDQ 0: no displacement and no diffusion of benefits."
    if wdq >= -1:
        return head + f"WDQ {wdq:.2f}: some displacement into the buffer, smaller than the reduction achieved."
    return head + f"WDQ {wdq:.2f}: displacement into the buffer larger than the reduction: counter-productive."


@dataclass
class ResultsAnalysis:
    """A tasking's results: periods, areas and the displacement measures."""

    before: tuple[str, str]          # ISO dates, inclusive start, exclusive end
    after: tuple[str, str]
    buffer_m: float
    comparison: str                  # how the comparison area was chosen
    measures: Displacement
    monthly: dict                    # area -> {YYYY-MM: count}
    complete: bool = True            # False while the after period has not elapsed
    start_basis: str = ""            # what the tasking is dated from (the meeting, the decision)

    def as_json(self) -> dict:
        return {"start": self.after[0], "start_basis": self.start_basis, "complete": self.complete,
                "before": list(self.before), "after": list(self.after), "buffer_m": self.buffer_m,
                "comparison": self.comparison, **self.measures.as_json(), "monthly": self.monthly}


def analyse(offences: pd.DataFrame, target: shapely.Geometry, start: date, *, weeks: int = 8,
            buffer_m: float = BUFFER_M, comparison: shapely.Geometry | None = None,
            comparison_label: str | None = None, today: date | None = None) -> ResultsAnalysis:
    """Results of a tasking that started on ``start`` over ``weeks`` before and after.

    ``offences`` has ``easting``, ``northing`` and ``committed_from`` (datetime64) for
    the offences of the tasked kind in and around the area. The buffer is the ring of
    ``buffer_m`` round ``target``; the comparison area is ``comparison`` (e.g. the
    borough) or, when None, a ring of :data:`COMPARISON_RING_M` beyond the buffer; it
    never includes the target or buffer. Until the after period has elapsed (``today``,
    default the real date, before its end) there are no after counts and no measures:
    the interpretation says when they can be measured.
    """
    inner = target.buffer(buffer_m)
    buffer_zone = inner.difference(target)
    if comparison is None:
        comparison = inner.buffer(COMPARISON_RING_M)
        comparison_label = comparison_label or f"ring {COMPARISON_RING_M:.0f} m beyond the buffer"
    control = comparison.difference(inner)
    before = (start - timedelta(weeks=weeks), start)
    after = (start, start + timedelta(weeks=weeks))
    x, y = offences["easting"].to_numpy(float), offences["northing"].to_numpy(float)
    when = offences["committed_from"]
    zones = {"target": shapely.contains_xy(target, x, y) | shapely.intersects_xy(target.boundary, x, y),
             "buffer": shapely.contains_xy(buffer_zone, x, y), "control": shapely.contains_xy(control, x, y)}
    periods = {name: ((when >= pd.Timestamp(a)) & (when < pd.Timestamp(b))).to_numpy()
               for name, (a, b) in (("before", before), ("after", after))}
    counts = {(z, p): int(np.count_nonzero(zones[z] & periods[p])) for z in zones for p in periods}
    measures = displacement(counts["target", "before"], counts["target", "after"], counts["buffer", "before"],
                            counts["buffer", "after"], counts["control", "before"], counts["control", "after"])
    today = today or date.today()
    complete = today >= after[1]
    if not complete:
        passed = max(0, (today - after[0]).days)
        measures = Displacement(measures.target_before, None, measures.buffer_before, None, measures.control_before,
                                None, None, None, None, None,
                                f"The after period ({after[0]:%d %b %Y} to {after[1] - timedelta(days=1):%d %b %Y}) "
                                f"has not elapsed: {passed} of {weeks * 7} days have passed, so the results cannot "
                                f"be measured until {after[1]:%d %b %Y}.")
    window = (when >= pd.Timestamp(before[0])) & (when < pd.Timestamp(after[1]))
    months = when.dt.strftime("%Y-%m")
    monthly = {z: {k: int(v) for k, v in months[zones[z] & window.to_numpy()].value_counts().sort_index().items()}
               for z in zones}
    return ResultsAnalysis((before[0].isoformat(), before[1].isoformat()),
                           (after[0].isoformat(), after[1].isoformat()), buffer_m,
                           comparison_label or "given comparison area", measures, monthly, complete)


def chart(result: ResultsAnalysis, path: str | Path, *, title: str = "Results analysis") -> Path:
    """Draw the results chart to ``path`` (a preview or a pack's private figure; exports
    go through :func:`export_results_chart`)."""
    path = Path(path)
    results_figure(result, title=title).savefig(path)
    return path


def write_chart_png(released: Released, path: Path) -> None:
    """Write a released results chart (its body: ``(result, title)``) marked top and bottom."""
    from workbench.release import png_metadata

    result, title = released.body
    results_figure(result, title=title, marking=released.marking).savefig(path, metadata=png_metadata(released, title))


def export_results_chart(store, patp, result: ResultsAnalysis, out: str | Path, *, force: bool = False) -> Path:
    """Release the results chart of ``patp`` (offence counts: the store's records) and
    write it to ``out``, audited as ``export.results_chart``."""
    from workbench.release import Content, Output, export, policy, release

    title = f"Results of {patp.reference}"
    released = release(Content(records=True, build=lambda _: (result, title)), policy(store))
    return export(store, released, [Output(Path(out), write_chart_png)], action=AuditAction.EXPORT_RESULTS_CHART,
                  object_type="patp", object_id=patp.id, force=force)[0]


def results_figure(result: ResultsAnalysis, *, title: str = "Results analysis", marking: str | None = None):
    """A bar chart of offences before and after in the three areas, with the WDQ;
    ``marking`` (for exports) is printed top and bottom."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    m = result.measures
    labels = ["Tasked area", f"Buffer ({result.buffer_m:.0f} m)", "Comparison area"]
    before = [m.target_before, m.buffer_before, m.control_before]
    after = [m.target_after, m.buffer_after, m.control_after]
    fig = Figure(figsize=(7.0, 3.4), dpi=150)
    axes = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2, 1]})
    pos = np.arange(2)
    for ax, idx in ((axes[0], [0, 1]), (axes[1], [2])):
        width = 0.35
        ax.bar(pos[:len(idx)] - width / 2, [before[i] for i in idx], width, label="Before", color="#7f8c9a")
        if result.complete:             # no after bar while the after period has not elapsed
            ax.bar(pos[:len(idx)] + width / 2, [after[i] for i in idx], width, label="After", color="#1f4e79")
        ax.set_xticks(pos[:len(idx)], [labels[i] for i in idx], fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max(1, *(max(before[i], after[i] or 0) for i in idx)) * 1.15)   # counts: from 0, whole numbers
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        for i, k in enumerate(idx):
            ax.annotate(str(before[k]), (i - width / 2, before[k]), ha="center", va="bottom", fontsize=7)
            if result.complete:
                ax.annotate(str(after[k]), (i + width / 2, after[k]), ha="center", va="bottom", fontsize=7)
            else:
                ax.annotate("after:\nnot yet", (i + width / 2, 0), ha="center", va="bottom", fontsize=7,
                            color="#666666")
    axes[0].set_ylabel("Offences", fontsize=8)
    axes[0].legend(fontsize=8, frameon=False)
    wdq = "n/a" if m.wdq is None else f"{m.wdq:.2f}"
    if not result.complete:
        wdq = f"after period ends {result.after[1]}"
    fig.suptitle(f"{title}  (WDQ {wdq})", fontsize=10, y=0.93 if marking else 0.98)
    if marking:
        fig.tight_layout(rect=(0, 0.05, 1, 0.9))
        fig.text(0.5, 0.99, marking, ha="center", va="top", fontsize=9, fontweight="bold")
        fig.text(0.5, 0.01, marking, ha="center", va="bottom", fontsize=9, fontweight="bold")
    else:
        fig.tight_layout()
    return fig


def tasking_start(store, patp) -> tuple[date, str]:
    """When a tasking started and why that date (:func:`workbench.scan.reviews.tasking_start`)."""
    from workbench.scan.reviews import tasking_start as start_of

    return start_of(store, patp.to_body())


def analyse_patp(store, patp, *, start: date | None = None, weeks: int = 8,
                 buffer_m: float = BUFFER_M, today: date | None = None) -> ResultsAnalysis:
    """Results of a PATP's tasking: its area, its offence categories, the borough as
    comparison area (or a ring when the borough boundary is not loaded).

    ``start`` defaults to the date of the TTCG meeting that decided it (:func:`tasking_start`).
    """
    from workbench.store.boundaries import study_area
    from workbench.store.offences import OffenceFilter, load_frame

    area = patp.area
    if area is None:
        raise NotAllowed(f"{patp.reference} has no tasked area to measure results in")
    basis = "given start date"
    if start is None:
        start, basis = tasking_start(store, patp)
    categories = list(patp.supporting_analysis.get("summary", {}).get("counts", {})) or None
    borough = study_area(store, [patp.borough]) if patp.borough else None
    label = f"rest of {patp.borough}" if borough is not None else None
    extent = (borough if borough is not None else area.buffer(buffer_m + COMPARISON_RING_M)).union(
        area.buffer(buffer_m))
    frame = load_frame(store, OffenceFilter(
        categories=categories, bbox=extent.bounds,
        date_from=(start - timedelta(weeks=weeks)).isoformat(),
        date_to=(start + timedelta(weeks=weeks)).isoformat()), columns=("easting", "northing", "committed_from"))
    result = analyse(frame, area, start, weeks=weeks, buffer_m=buffer_m, comparison=borough, comparison_label=label,
                     today=today)
    result.start_basis = basis
    return result
