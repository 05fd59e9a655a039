"""GraphML export (for Gephi, yEd, Cytoscape): every node and edge attribute kept, values
GraphML cannot hold (None) dropped rather than written as text."""

from __future__ import annotations

from pathlib import Path

import networkx as nx


def write_graphml(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GraphML and return its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean = nx.Graph()
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **{k: v for k, v in data.items() if v is not None})
    for a, b, data in graph.edges(data=True):
        clean.add_edge(a, b, **{k: v for k, v in data.items() if v is not None})
    nx.write_graphml(clean, path)
    return path
