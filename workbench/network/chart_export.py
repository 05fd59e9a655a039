"""Link-chart export: the one service that releases a chart for a destination and writes
it as i2 ANX, GraphML or PNG, for the command line and the app alike.

Every node and link of the chart knows the reports it comes from (see
:mod:`workbench.network.graph`), so the release gate keeps only what a report that may
go to the destination shows; the store's own records (offences and their offenders)
go with the store's marking. Measures and communities are worked out on the released
chart only, so a withheld report does not even shape a node's size.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput
from workbench.network import communities, measures
from workbench.network.graph import expand
from workbench.release import Content, Fact, Output, Released, export, policy, release

FORMATS = ("anx", "graphml", "png")
PROVENANCE = ("sources", "recorded")


def _plain(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in PROVENANCE}


def chart_content(graph: nx.Graph, *, title: str, focus: tuple[str, int] | None = None) -> Content:
    """The chart before the gate: its nodes and links as facts with their reports.

    ``focus`` (node, steps) keeps only the released chart within ``steps`` links of the
    node, so nothing is reached through a withheld report.
    """
    nodes = [Fact({"id": n, **_plain(d)}, frozenset(d.get("sources", ())), bool(d.get("recorded")))
             for n, d in graph.nodes(data=True)]
    edges = [Fact({"source": a, "target": b, **_plain(d)}, frozenset(d.get("sources", ())), bool(d.get("recorded")))
             for a, b, d in graph.edges(data=True)]
    linked = {n for n in graph if graph.degree(n)}
    return Content(facts={"nodes": nodes, "edges": edges}, evidence=graph.graph.get("reports", {}),
                   build=lambda released: released_chart(released, linked, title, focus))


def released_chart(released: Released, linked: set, title: str, focus: tuple[str, int] | None = None) -> nx.Graph:
    """The chart of released nodes and links, measured, with its marking and title.

    A node that was linked before the gate but has no released link left is dropped:
    it was on the chart only because of withheld reports.
    """
    graph = nx.Graph(marking=released.marking, title=title, destination=released.destination)
    for node in released.facts["nodes"]:
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k not in ("id", "reports", "recorded")})
    for edge in released.facts["edges"]:
        if edge["source"] in graph and edge["target"] in graph:
            graph.add_edge(edge["source"], edge["target"],
                           **{k: v for k, v in edge.items() if k not in ("source", "target", "reports", "recorded")})
    graph.remove_nodes_from([n for n in list(graph) if n in linked and graph.degree(n) == 0])
    if focus is not None:
        node, steps = focus
        graph = expand(graph, [node], steps) if node in graph else nx.Graph()
        graph.graph.update(marking=released.marking, title=title, destination=released.destination)
    if graph.number_of_nodes():
        measures.annotate(graph, measures.compute(graph))
        communities.annotate(graph, communities.detect(graph))
    return graph


def _writer(fmt: str):
    from workbench.network.export_anx import write_anx
    from workbench.network.export_graphml import write_graphml
    from workbench.network.render import write_png

    return {"anx": write_anx, "graphml": write_graphml, "png": write_png}[fmt]


def export_chart(store, graph: nx.Graph, fmt: str, out: str | Path, *, destination: str = "internal",
                 accept_conditions: bool = False, focus: tuple[str, int] | None = None, title: str = "Link chart",
                 why: str | None = None, force: bool = False) -> dict:
    """Release ``graph`` (the whole chart, or the part within ``focus`` = (node, steps))
    for ``destination`` and write it as ``fmt`` to ``out``, audited as ``export.chart``.
    Returns ``{"out", "format", "nodes", "edges", "marking",
    "destination", "withheld"}`` (counts of the released chart)."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown chart format {fmt!r}: use one of {', '.join(FORMATS)}")
    if focus is not None and focus[0] in graph:
        graph = expand(graph, [focus[0]], focus[1])   # what is released around it lies within this part
    released = release(chart_content(graph, title=title, focus=focus),
                       policy(store, destination, accept_conditions=accept_conditions))
    chart = released.body
    if chart.number_of_nodes() == 0:
        raise BadInput(f"nothing on the chart may go to {destination}: what is there is known only from "
                       "reports withheld from it")
    export(store, released, [Output(Path(out), _writer(fmt))], action=AuditAction.EXPORT_CHART, object_type="chart",
           object_id=str(out), detail={"format": fmt, "nodes": chart.number_of_nodes(),
                                       "edges": chart.number_of_edges(),
                                       "focus": list(focus) if focus else None}, why=why, force=force)
    return {"out": str(out), "format": fmt, "nodes": chart.number_of_nodes(), "edges": chart.number_of_edges(),
            "marking": released.marking, "destination": destination,
            "withheld": [dict(w) for w in released.withheld]}
