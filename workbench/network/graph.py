"""The link chart's graph: people, vehicles, phones, addresses, offences and intelligence
reports from the store, as one undirected NetworkX graph.

Node ids are ``kind:key``: ``person:O17``, ``vehicle:AB12CDE``, ``phone:07700900123``,
``address:SW1A 1AA`` (postcodes and location descriptions, in capitals),
``offence:<id>`` and ``intel:<id>`` (store ids; the ``label`` attribute holds the
reference). Every node has ``kind``, ``label`` and, for offences and reports, ``date``
(ISO) and ``detail`` (category or grade). Every edge has ``label`` (the relation:
``offender``, ``suspect``, ``subject``, ``mentions``, ``relates to``, ``at``).

Every node and edge also records where it is known from, for the release gate:
``sources`` (the ids of the intelligence reports that show it) and ``recorded`` (True
when the store's own records, offences and their offenders, show it). The graph's
``reports`` attribute maps each report id to what the gate decides on (reference,
grading, handling, conditions, marking).

Offences join the chart only when they connect to something (a known offender or a
report), so a store of a million unsolved offences still gives a chart of the people.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from workbench.errors import BadInput
from workbench.store.intel import (
    entity_edges,
    intel_nodes,
    offence_nodes,
    offence_person_edges,
)

KINDS = ("person", "vehicle", "phone", "address", "offence", "intel")
#: Links followed from an entity by default: its associates and theirs (``workbench
#: network expand|measures|communities|export --steps`` and the Network view).
STEPS = 2
KIND_LABELS = {"person": "Person", "vehicle": "Vehicle", "phone": "Phone", "address": "Address",
               "offence": "Offence", "intel": "Intelligence report"}


def node_id(kind: str, key) -> str:
    """The graph id of an entity (``person:O17``)."""
    return f"{kind}:{key}"


def split_id(node: str) -> tuple[str, str]:
    """``(kind, key)`` of a node id."""
    kind, _, key = node.partition(":")
    return kind, key


def build_graph(store) -> nx.Graph:
    """The whole link graph of the store (see the module docstring)."""
    graph = nx.Graph()
    links = offence_person_edges(store)
    mentions, intel_offences = entity_edges(store)
    offence_ids = set(links["offence_id"].tolist()) | set(intel_offences["offence_id"].dropna().astype(int).tolist())
    offences = offence_nodes(store, offence_ids)
    reports = intel_nodes(store)
    graph.graph["reports"] = {
        int(row.id): {"id": int(row.id), "intel_ref": row.intel_ref, "grading": row.grading,
                      "handling": row.handling, "handling_conditions": _text(row.handling_conditions) or None,
                      "security_marking": _text(row.security_marking) or None}
        for row in reports.itertuples(index=False)}

    for row in offences.itertuples(index=False):
        node = node_id("offence", row.id)
        _add(graph, node, None, kind="offence", label=row.offence_ref, date=row.committed_from,
             detail=row.category, series=_text(row.series_ref))
        _add_address(graph, node, row.location_desc, None)
    for row in reports.itertuples(index=False):
        node, report = node_id("intel", row.id), int(row.id)
        _add(graph, node, report, kind="intel", label=row.intel_ref, date=row.recorded_at,
             detail=f"{row.grading} {row.source_eval}{row.intel_eval} {row.handling}")
        _add_address(graph, node, row.location_desc, report)
    for row in links.itertuples(index=False):
        person = node_id("person", row.offender_key)
        _add_entity(graph, "person", row.offender_key, None)
        _link(graph, person, node_id("offence", row.offence_id), None, row.role)
    for row in mentions.itertuples(index=False):
        kind = "address" if row.kind == "postcode" else row.kind
        report = int(row.report_id)
        _add_entity(graph, kind, row.value, report)
        _link(graph, node_id("intel", report), node_id(kind, row.value), report, row.relation)
    for row in intel_offences.dropna(subset=["offence_id"]).itertuples(index=False):
        report = int(row.report_id)
        _link(graph, node_id("intel", report), node_id("offence", int(row.offence_id)), report, "relates to")
    return graph


def _text(value) -> str:
    """A text cell ('' for NULL, which pandas reads as None or NaN)."""
    return value if isinstance(value, str) else ""


def _known(data: dict, report: int | None) -> None:
    """Record that ``report`` (None: the store's own records) shows a node or edge."""
    data.setdefault("sources", set())
    data.setdefault("recorded", False)
    if report is None:
        data["recorded"] = True
    else:
        data["sources"].add(report)


def _add(graph: nx.Graph, node: str, report: int | None, **attrs) -> None:
    if node not in graph:
        graph.add_node(node, **attrs)
    _known(graph.nodes[node], report)


def _link(graph: nx.Graph, a: str, b: str, report: int | None, label: str) -> None:
    if not graph.has_edge(a, b):
        graph.add_edge(a, b, label=label)
    _known(graph.edges[a, b], report)


def _add_address(graph: nx.Graph, node: str, description, report: int | None) -> None:
    address = " ".join(_text(description).upper().split())
    if address:
        _add_entity(graph, "address", address, report)
        _link(graph, node, node_id("address", address), report, "at")


def _add_entity(graph: nx.Graph, kind: str, value: str, report: int | None) -> None:
    _add(graph, node_id(kind, value), report, kind=kind, label=value, date="", detail="")


def expand(graph: nx.Graph, seeds: Iterable[str], steps: int = STEPS) -> nx.Graph:
    """The sub-chart within ``steps`` links of any seed (a copy, safe to edit).

    Raises ValueError naming a seed that is not in the graph.
    """
    seeds = list(seeds)
    missing = [s for s in seeds if s not in graph]
    if missing:
        raise BadInput(f"not in the chart: {', '.join(missing)}")
    keep: set[str] = set()
    for seed in seeds:
        keep.update(nx.single_source_shortest_path_length(graph, seed, cutoff=max(0, int(steps))))
    return graph.subgraph(keep).copy()


def resolve(store, graph: nx.Graph, text: str) -> str:
    """The node an analyst means by ``text``.

    Accepts a node id (``person:O17``, ``vehicle:AB12 CDE``), ``intel:REF`` or
    ``offence:REF`` by reference, or a bare identifier, registration mark, phone
    number, postcode, intelligence or offence reference.
    """
    from workbench.intel.entities import NORMALISERS
    from workbench.intel.search import parse_entity
    from workbench.store.intel import find_report
    from workbench.store.offences import find_by_ref

    value = text.strip()
    kind, _, key = value.partition(":")
    candidates = []
    if key and kind in KINDS:
        if kind in ("intel", "offence"):
            found = (find_report if kind == "intel" else find_by_ref)(store, key)
            candidates += [node_id(kind, found)] if found is not None else [node_id(kind, key)]
        elif kind == "address":
            candidates.append(node_id(kind, " ".join(key.upper().split())))
        else:
            candidates.append(node_id(kind, NORMALISERS[kind](key)))
    else:
        guessed, normal = parse_entity(value)
        if guessed:
            candidates.append(node_id("address" if guessed == "postcode" else guessed, normal))
        candidates += [node_id("person", value), node_id("address", " ".join(value.upper().split()))]
        report = find_report(store, value)
        if report is not None:
            candidates.append(node_id("intel", report))
        offence = find_by_ref(store, value)
        if offence is not None:
            candidates.append(node_id("offence", offence))
    for node in candidates:
        if node in graph:
            return node
    raise BadInput(f"{text!r} is not on the link chart (no person, vehicle, phone, address, "
                     "offence or report by that name is linked to anything)")


def node_table(graph: nx.Graph) -> list[dict]:
    """Nodes as dicts (id, kind, label, date, detail, degree) for tables and JSON."""
    return [{"id": n, "kind": d.get("kind"), "label": d.get("label"), "date": d.get("date") or None,
             "detail": d.get("detail") or None, "degree": graph.degree(n)} for n, d in graph.nodes(data=True)]


def edge_table(graph: nx.Graph) -> list[dict]:
    """Edges as dicts (source, target, label)."""
    return [{"source": a, "target": b, "label": d.get("label", "")} for a, b, d in graph.edges(data=True)]


def timeline(graph: nx.Graph, nodes: Iterable[str]) -> list[dict]:
    """The dated events (offences and reports) of ``nodes``, oldest first.

    An offence or report counts itself; any other entity counts the offences and reports
    it is linked to. Each event: ``date``, ``kind``, ``label``, ``detail``, ``node`` and
    ``via`` (the selected entities it belongs to).
    """
    found: dict[str, set[str]] = {}
    for node in nodes:
        if node not in graph:
            continue
        own = [node] if graph.nodes[node].get("date") else []
        for event in own or [n for n in graph[node] if graph.nodes[n].get("date")]:
            found.setdefault(event, set()).add(graph.nodes[node].get("label", node))
    events = [{"date": graph.nodes[n]["date"], "kind": graph.nodes[n].get("kind"), "label": graph.nodes[n].get("label"),
               "detail": graph.nodes[n].get("detail") or "", "node": n, "via": sorted(via)} for n, via in found.items()]
    return sorted(events, key=lambda e: (e["date"], e["label"]))
