"""The social network measures i2 Analyst's Notebook offers, for every node of a chart.

- ``degree``: number of links; ``degree_centrality``: degree / (n - 1).
- ``betweenness``: share of shortest paths between other nodes passing through the node
  (normalised, as NetworkX computes it; exact, or estimated from ``k`` sampled sources
  with ``seed`` for very large charts).
- ``closeness``: inverse mean distance to the nodes it can reach, scaled by the share it
  can reach (Wasserman and Faust), so it is comparable across disconnected charts.
- ``eigenvector``: influence from being linked to influential nodes, computed per
  connected component (a chart of separate networks has no single leading eigenvector);
  an isolated node scores 0.

Each is NetworkX's own algorithm; the tests check them against NetworkX directly.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

DENSE_LIMIT = 400
MEASURES = ("degree", "degree_centrality", "betweenness", "closeness", "eigenvector")


def eigenvector_by_component(graph: nx.Graph) -> dict[str, float]:
    """Eigenvector centrality of each connected component (unit length per component).

    Small components use a dense symmetric eigensolver (ARPACK cannot solve 2x2
    problems); large ones NetworkX's sparse one. Both give the Perron vector.
    """
    scores: dict[str, float] = {}
    for component in nx.connected_components(graph):
        nodes = list(component)
        if len(nodes) < 2:
            scores.update(dict.fromkeys(nodes, 0.0))
        elif len(nodes) <= DENSE_LIMIT:
            adjacency = nx.to_numpy_array(graph, nodelist=nodes, weight=None)
            vector = np.abs(np.linalg.eigh(adjacency)[1][:, -1])
            scores.update(zip(nodes, (vector / np.linalg.norm(vector)).tolist()))
        else:
            scores.update({n: abs(v) for n, v in nx.eigenvector_centrality_numpy(graph.subgraph(nodes)).items()})
    return scores


def compute(graph: nx.Graph, *, betweenness_k: int | None = None, seed: int = 0) -> pd.DataFrame:
    """A table of the measures, one row per node (index = node id), highest betweenness first.

    Columns: ``kind``, ``label`` and :data:`MEASURES`.
    """
    columns = ["kind", "label", *MEASURES]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    k = betweenness_k if betweenness_k and betweenness_k < graph.number_of_nodes() else None
    table = pd.DataFrame({
        "kind": nx.get_node_attributes(graph, "kind"),
        "label": nx.get_node_attributes(graph, "label"),
        "degree": dict(graph.degree()),
        "degree_centrality": nx.degree_centrality(graph),
        "betweenness": nx.betweenness_centrality(graph, k=k, seed=seed),
        "closeness": nx.closeness_centrality(graph),
        "eigenvector": eigenvector_by_component(graph),
    }, columns=columns)
    table.index.name = "node"
    return table.sort_values(["betweenness", "degree"], ascending=False)


def annotate(graph: nx.Graph, table: pd.DataFrame) -> None:
    """Copy the measures onto the graph's nodes (for exports and the chart)."""
    for name in MEASURES:
        nx.set_node_attributes(graph, table[name].to_dict(), name)
