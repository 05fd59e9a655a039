"""Positions for drawing and exporting a chart: a seeded spring layout, so the same chart
always comes out the same way, scaled to chart units."""

from __future__ import annotations

import networkx as nx


def spring_positions(graph: nx.Graph, *, scale: float = 1.0, seed: int = 0) -> dict[str, tuple[float, float]]:
    """``{node: (x, y)}`` in ``[-scale, scale]``; a single node sits at the origin."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    k = 1.5 / max(1.0, graph.number_of_nodes() ** 0.5)
    pos = nx.spring_layout(graph, k=k, seed=seed, iterations=100)
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}
