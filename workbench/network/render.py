"""PNG of a link chart (matplotlib, no display needed): shapes and colours by entity kind,
node size by betweenness when measured, labels, edge labels on small charts and a legend."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from workbench.network.graph import KIND_LABELS
from workbench.network.layout import spring_positions
from workbench.network.style import MARKERS, style
from workbench.release import Released, png_metadata

EDGE_LABEL_LIMIT = 60


def write_png(released: Released, path: Path) -> None:
    """Write a released chart (its body, a graph) as a PNG marked top and bottom (and in
    the image's metadata)."""
    title = released.body.graph.get("title") or "Link chart"
    fig = chart_figure(released.body, title=title, marking=released.marking)
    fig.savefig(path, bbox_inches="tight", pad_inches=0.3, metadata=png_metadata(released, title))


def chart_figure(graph: nx.Graph, *, title: str | None, marking: str, seed: int = 0,
                 size: tuple[float, float] = (11, 8), dpi: int = 120) -> Figure:
    """The chart drawn on a matplotlib figure; ``marking`` is printed top and bottom."""
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ax.set_axis_off()
    pos = spring_positions(graph, seed=seed)
    top = max((d.get("betweenness", 0.0) or 0.0 for _, d in graph.nodes(data=True)), default=0.0)
    for a, b in graph.edges():
        (x1, y1), (x2, y2) = pos[a], pos[b]
        ax.plot([x1, x2], [y1, y2], color="#9a9a9a", linewidth=0.8, zorder=1)
    if graph.number_of_edges() <= EDGE_LABEL_LIMIT:
        for a, b, d in graph.edges(data=True):
            (x1, y1), (x2, y2) = pos[a], pos[b]
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, d.get("label", ""), fontsize=6, color="#555555",
                    ha="center", va="center", zorder=2,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    kinds = []
    for node, d in graph.nodes(data=True):
        colour, shape = style(d.get("kind"))
        weight = (d.get("betweenness", 0.0) or 0.0) / top if top else 0.0
        x, y = pos[node]
        ax.scatter([x], [y], s=160 + 500 * weight, c=colour, marker=MARKERS[shape], edgecolors="white",
                   linewidths=1.0, zorder=3)
        ax.text(x, y - 0.06, str(d.get("label", node)), fontsize=7, ha="center", va="top", zorder=4)
        if d.get("kind") not in kinds:
            kinds.append(d.get("kind"))
    handles = [Line2D([], [], linestyle="", marker=MARKERS[style(k)[1]], color=style(k)[0], markersize=8,
                      label=KIND_LABELS.get(k, str(k))) for k in kinds]
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=11)
    fig.text(0.5, 0.985, marking, ha="center", va="top", fontsize=9, weight="bold")
    fig.text(0.5, 0.01, marking, ha="center", va="bottom", fontsize=9, weight="bold")
    ax.margins(0.08)
    return fig
