"""Figures for tasking products (PNG, matplotlib without a display): the problem map
(tasked area, displacement buffer, offences by category over the ward boundaries, scale
bar and north arrow), the weekly trend chart over a period and the monthly trend chart.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import shapely
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from workbench.domain.categories import LABELS

PALETTE = ["#1f4e79", "#c0392b", "#e67e22", "#27ae60", "#8e44ad", "#16a085", "#7f8c8d", "#d4ac0d"]


def _outline(ax, geometry, **style) -> None:
    for poly in getattr(geometry, "geoms", [geometry]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        x, y = poly.exterior.xy
        ax.plot(x, y, **style)


def problem_map(path: str | Path, points: dict[str, np.ndarray], area: shapely.Geometry | None,
                wards: list[tuple[str, shapely.Geometry]], *, buffer_m: float = 500.0,
                title: str = "") -> Path:
    """Draw the offences (``{category: (n, 2) BNG array}``) with the tasked area."""
    fig = Figure(figsize=(7.0, 5.6), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    everything = [p for p in points.values() if len(p)]
    xy = np.vstack(everything) if everything else np.zeros((0, 2))
    bounds = list(area.buffer(buffer_m).bounds) if area is not None else (
        [*xy.min(axis=0), *xy.max(axis=0)] if len(xy) else [0, 0, 1000, 1000])
    pad = max(bounds[2] - bounds[0], bounds[3] - bounds[1]) * 0.12 + 150
    view = shapely.box(bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    for name, geom in wards:
        if geom.intersects(view):
            _outline(ax, geom.intersection(view), color="#b4bcc8", linewidth=0.6, zorder=1)
            label_at = geom.intersection(view).representative_point()
            ax.text(label_at.x, label_at.y, name, fontsize=5.5, color="#8a94a3", ha="center", zorder=1)
    if area is not None:
        _outline(ax, area.buffer(buffer_m), color="#7f8c9a", linewidth=0.9, linestyle="--", zorder=2,
                 label=f"Buffer ({buffer_m:.0f} m)")
        for poly in getattr(area, "geoms", [area]):
            x, y = poly.exterior.xy
            ax.fill(x, y, color="#1f4e79", alpha=0.10, zorder=2)
        _outline(ax, area, color="#1f4e79", linewidth=1.6, zorder=3, label="Tasked area")
    for (category, pts), colour in zip(points.items(), PALETTE * 4):
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], s=18, color=colour, edgecolor="white", linewidth=0.5, zorder=4,
                       label=f"{LABELS.get(category, category)} ({len(pts)})")
    ax.set_xlim(view.bounds[0], view.bounds[2])
    ax.set_ylim(view.bounds[1], view.bounds[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#5a5a5a")
    _scale_bar(ax, view.bounds)
    _north_arrow(ax)
    ax.legend(loc="lower left", fontsize=6.5, frameon=True, framealpha=0.9)
    if title:
        ax.set_title(title, fontsize=9, color="#1f3864")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    return path


def _scale_bar(ax, bounds) -> None:
    span = bounds[2] - bounds[0]
    length = next(s for s in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000) if s >= span / 6)
    x0 = bounds[2] - span * 0.05 - length
    y0 = bounds[1] + (bounds[3] - bounds[1]) * 0.05
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=2.5, zorder=5)
    label = f"{length // 1000} km" if length >= 1000 else f"{length} m"
    ax.text(x0 + length / 2, y0 + (bounds[3] - bounds[1]) * 0.015, label, ha="center", fontsize=7, zorder=5)


def _north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.95, 0.95), xytext=(0.95, 0.86), xycoords="axes fraction", ha="center",
                fontsize=9, fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": "black"})


def trend_chart(path: str | Path, monthly: dict[str, int], *, title: str = "Offences by month") -> Path:
    """A bar chart of monthly counts (``{"YYYY-MM": n}``), months without offences shown as 0."""
    import pandas as pd

    fig = Figure(figsize=(7.0, 2.6), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    if monthly:
        months = pd.period_range(min(monthly), max(monthly), freq="M")
        values = [monthly.get(str(m), 0) for m in months]
        ax.bar(range(len(months)), values, color="#1f4e79")
        ax.set_xticks(range(len(months)), [m.strftime("%b %y") for m in months], fontsize=7,
                      rotation=45 if len(months) > 8 else 0)
    return _save_counts_chart(fig, ax, title, path)


#: Beyond this many weeks a weekly chart is unreadable; the monthly chart is used instead.
MAX_WEEKS = 78


def weekly_counts(when, first, last):
    """Offences per week (weeks starting Monday) from the week of ``first`` to the week of
    ``last`` (dates), weeks without offences as 0: a ``pandas.Series`` indexed by week start."""
    import pandas as pd

    start = pd.Timestamp(first).normalize() - pd.Timedelta(days=pd.Timestamp(first).day_of_week)
    weeks = pd.date_range(start, pd.Timestamp(last).normalize(), freq="7D")
    days = pd.to_datetime(pd.Series(when)).dt.normalize()
    index = ((days - start).dt.days // 7).astype(int)
    counts = index[(index >= 0) & (index < len(weeks))].value_counts()
    return pd.Series([int(counts.get(i, 0)) for i in range(len(weeks))], index=weeks)


def weekly_chart(path: str | Path, counts, *, title: str = "Offences by week") -> Path:
    """A bar chart with one bar per week of ``counts`` (from :func:`weekly_counts`)."""
    fig = Figure(figsize=(7.0, 2.6), dpi=150)
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(range(len(counts)), counts.to_numpy(), color="#1f4e79", width=0.8)
    step = max(1, len(counts) // 12)                      # at most a dozen week labels
    ticks = list(range(0, len(counts), step))
    ax.set_xticks(ticks, [f"{counts.index[i]:%d %b}" for i in ticks], fontsize=7, rotation=45 if len(ticks) > 6 else 0)
    ax.set_xlabel("Week beginning", fontsize=8)
    return _save_counts_chart(fig, ax, title, path)


def _save_counts_chart(fig, ax, title: str, path: str | Path) -> Path:
    """The count charts' shared y axis (whole offences), frame and title; saved to ``path``."""
    ax.tick_params(axis="y", labelsize=7)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))    # counts are whole offences
    ax.set_ylabel("Offences", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=9, color="#1f3864")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    return path
