"""GraphML export (for Gephi, yEd, Cytoscape): every node and edge attribute kept, values
GraphML cannot hold (None) dropped rather than written as text; the graph carries its
security marking (``marking``), title and destination as graph attributes."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from workbench.release import Released


def write_graphml(released: Released, path: Path) -> None:
    """Write a released chart (its body, a graph) as GraphML with its marking."""
    graph = released.body
    clean = nx.Graph(marking=released.marking, title=graph.graph.get("title", ""), destination=released.destination)
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for a, b, data in graph.edges(data=True):
        clean.add_edge(a, b, **{k: v for k, v in data.items() if v is not None})
    nx.write_graphml(clean, path)
