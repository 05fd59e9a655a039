"""Positions for drawing and exporting a chart, all seeded so the same chart always comes
out the same way, all in ``[-scale, scale]``:

- ``spring``: each connected network laid out with a spring layout, the networks then
  packed side by side, largest first, instead of drifting to the corners;
- ``hierarchy``: the chart's starting entities on the top row, then one row per link
  away from them (what an i2 user calls a hierarchy layout), so a subject's associates,
  their vehicles and their offences read top to bottom instead of as one star;
- ``grouped``: entities in columns by type (people, vehicles, phones, addresses,
  offences, reports), ordered within a column by their links, so a large chart reads
  like a table of who uses what.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

LAYOUTS = ("spring", "hierarchy", "grouped")
#: The layout a chart is first drawn with.
LAYOUT = "spring"
KIND_ORDER = ("person", "vehicle", "phone", "address", "offence", "intel")


def spring_positions(graph: nx.Graph, *, scale: float = 1.0, seed: int = 0) -> dict[str, tuple[float, float]]:
    """``{node: (x, y)}`` within ``[-scale, scale]``; a single node sits at the origin."""
    if graph.number_of_nodes() == 0:
        return {}
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    placed: dict[str, tuple[float, float]] = {}
    columns = max(1, math.ceil(math.sqrt(len(components))))
    cell = max(math.sqrt(len(c)) for c in components) * 2.2
    for i, nodes in enumerate(components):
        radius = math.sqrt(len(nodes))
        if len(nodes) == 1:
            local = {nodes[0]: (0.0, 0.0)}
        else:
            sub = graph.subgraph(nodes)
            local = nx.spring_layout(sub, k=1.2 / math.sqrt(len(nodes)), seed=seed, iterations=100)
        cx, cy = (i % columns) * cell, -(i // columns) * cell
        for node, (x, y) in local.items():
            placed[node] = (cx + float(x) * radius, cy + float(y) * radius)
    return _normalised(placed, scale)


def hierarchy_positions(graph: nx.Graph, seeds: Iterable[str], *, scale: float = 1.0) -> dict[str, tuple[float, float]]:
    """Rows by distance (in links) from ``seeds`` (the top row); entities not reachable
    from a seed form a last row. Within a row, entities follow their parents' order."""
    if graph.number_of_nodes() == 0:
        return {}
    roots = [s for s in seeds if s in graph] or [max(graph.nodes, key=lambda n: (graph.degree(n), n))]
    rows: list[list[str]] = [sorted(roots)]
    seen = set(roots)
    while True:
        order = {node: i for i, node in enumerate(rows[-1])}
        below = {}
        for node in rows[-1]:
            for other in graph.neighbors(node):
                if other not in seen:
                    below.setdefault(other, order[node])
        if not below:
            break
        row = sorted(below, key=lambda n: (below[n], _kind_rank(graph, n), n))
        seen.update(row)
        rows.append(row)
    rest = sorted(set(graph.nodes) - seen, key=lambda n: (_kind_rank(graph, n), n))
    if rest:
        rows.append(rest)
    placed = {}
    for depth, row in enumerate(rows):
        for i, node in enumerate(row):
            placed[node] = (i - (len(row) - 1) / 2, -depth * 1.6)
    return _normalised(placed, scale)


def grouped_positions(graph: nx.Graph, *, scale: float = 1.0) -> dict[str, tuple[float, float]]:
    """Columns by entity type in :data:`KIND_ORDER`; within a column, by most links first."""
    if graph.number_of_nodes() == 0:
        return {}
    columns: dict[int, list[str]] = {}
    for node in graph.nodes:
        columns.setdefault(_kind_rank(graph, node), []).append(node)
    placed = {}
    for x, rank in enumerate(sorted(columns)):
        nodes = sorted(columns[rank], key=lambda n: (-graph.degree(n), n))
        for y, node in enumerate(nodes):
            placed[node] = (x * 3.0, -y * 1.0)
    return _normalised(placed, scale)


def positions(graph: nx.Graph, layout: str = LAYOUT, seeds: Iterable[str] = (), *,
              scale: float = 1.0, seed: int = 0) -> dict[str, tuple[float, float]]:
    """The positions of ``layout`` (one of :data:`LAYOUTS`)."""
    if layout == "hierarchy":
        return hierarchy_positions(graph, seeds, scale=scale)
    if layout == "grouped":
        return grouped_positions(graph, scale=scale)
    return spring_positions(graph, scale=scale, seed=seed)


def _kind_rank(graph: nx.Graph, node: str) -> int:
    kind = graph.nodes[node].get("kind")
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _normalised(placed: dict[str, tuple[float, float]], scale: float) -> dict[str, tuple[float, float]]:
    """Centred on the origin, the longer side spanning ``[-scale, scale]`` (aspect kept)."""
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    if len(placed) == 1:
        half = 1.0
    return {n: ((x - mid_x) / half * scale, (y - mid_y) / half * scale) for n, (x, y) in placed.items()}
