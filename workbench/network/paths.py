"""Shortest paths between two entities of a chart: how is this person connected to that
vehicle? The answer lists every step with the relation that links it."""

from __future__ import annotations

from itertools import islice, pairwise

import networkx as nx

from workbench.errors import BadInput


def shortest_path(graph: nx.Graph, source: str, target: str) -> list[str]:
    """The node ids of one shortest path; ValueError when they are not connected."""
    try:
        return nx.shortest_path(graph, source, target)
    except nx.NodeNotFound as exc:
        raise BadInput(str(exc)) from None
    except nx.NetworkXNoPath:
        raise BadInput(f"{source} and {target} are not connected on this chart") from None


def shortest_paths(graph: nx.Graph, source: str, target: str, *, limit: int = 10) -> list[list[str]]:
    """Up to ``limit`` distinct shortest paths (all of the same, minimal length)."""
    shortest_path(graph, source, target)
    return list(islice(nx.all_shortest_paths(graph, source, target), limit))


def describe(graph: nx.Graph, path: list[str]) -> list[dict]:
    """Each step of ``path`` as ``{"from", "to", "relation"}`` with the nodes' labels."""
    return [{"from": graph.nodes[a].get("label", a), "to": graph.nodes[b].get("label", b),
             "relation": graph.edges[a, b].get("label", "")} for a, b in pairwise(path)]
