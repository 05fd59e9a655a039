"""Positions for drawing and exporting a chart: each connected network laid out with a
seeded spring layout (so the same chart always comes out the same way), the networks
then packed side by side, largest first, instead of drifting to the corners."""

from __future__ import annotations

import math

import networkx as nx


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
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9) / 2
    return {n: ((x - mid_x) / half * scale, (y - mid_y) / half * scale) for n, (x, y) in placed.items()}
