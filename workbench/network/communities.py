"""Communities: groups of entities more linked to each other than to the rest (Louvain
modularity optimisation, NetworkX's implementation, seeded so a chart always splits the
same way)."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx


@dataclass
class Communities:
    """``groups``: node-id lists, largest first; ``modularity`` of the split;
    ``membership``: node id -> group number."""

    groups: list[list[str]]
    modularity: float

    @property
    def membership(self) -> dict[str, int]:
        return {n: i for i, group in enumerate(self.groups) for n in group}

    def as_json(self, graph: nx.Graph) -> dict:
        return {"modularity": self.modularity, "communities": [
            {"size": len(g), "members": [{"id": n, "kind": graph.nodes[n].get("kind"),
                                          "label": graph.nodes[n].get("label")} for n in g]}
            for g in self.groups]}


def detect(graph: nx.Graph, *, resolution: float = 1.0, seed: int = 0) -> Communities:
    """Louvain communities of ``graph``; isolated nodes form their own groups."""
    if graph.number_of_edges() == 0:
        return Communities([[n] for n in sorted(graph)], 0.0)
    found = nx.community.louvain_communities(graph, resolution=resolution, seed=seed)
    groups = sorted((sorted(c) for c in found), key=lambda g: (-len(g), g[0]))
    return Communities(groups, float(nx.community.modularity(graph, found, resolution=resolution)))


def annotate(graph: nx.Graph, communities: Communities) -> None:
    """Store each node's group number as its ``community`` attribute."""
    nx.set_node_attributes(graph, communities.membership, "community")
