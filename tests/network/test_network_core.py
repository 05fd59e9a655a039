"""The link chart: graph from the store, measures equal NetworkX's, paths, communities,
ANX/GraphML/PNG exports, the person page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from handmade_network import load
from sqlpeek import sql

from workbench.network import communities, measures, paths
from workbench.network.chart_export import export_chart
from workbench.network.graph import build_graph, expand, resolve, timeline
from workbench.network.person import person_page, write_profile


def handmade_graph() -> nx.Graph:
    """Two triangles joined by a bridge, plus a separate pair and an isolated node."""
    g = nx.Graph()
    g.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d"),
                      ("x", "y")])
    g.add_node("z")
    nx.set_node_attributes(g, "person", "kind")
    nx.set_node_attributes(g, {n: n.upper() for n in g}, "label")
    return g


def test_measures_equal_networkx_on_a_handmade_graph():
    g = handmade_graph()
    table = measures.compute(g)
    assert table.loc["c", "degree"] == 3 and table.loc["z", "degree"] == 0
    for name, expected in (("degree_centrality", nx.degree_centrality(g)),
                           ("betweenness", nx.betweenness_centrality(g)),
                           ("closeness", nx.closeness_centrality(g))):
        for node, value in expected.items():
            assert table.loc[node, name] == pytest.approx(value), (name, node)
    # Eigenvector per component equals NetworkX's on each component alone.
    for component in nx.connected_components(g):
        sub = g.subgraph(component)
        if len(sub) < 2:
            assert table.loc[next(iter(component)), "eigenvector"] == 0.0
            continue
        expected = nx.eigenvector_centrality(sub, max_iter=10000, tol=1e-12)
        for node, value in expected.items():
            assert table.loc[node, "eigenvector"] == pytest.approx(abs(value), abs=1e-6)
    assert list(table.index[:2]) == ["c", "d"]          # the bridge ends rank first


def test_paths_and_communities_on_the_handmade_graph():
    g = handmade_graph()
    assert paths.shortest_path(g, "a", "f") in (["a", "c", "d", "f"],)
    steps = paths.describe(g, ["a", "c"])
    assert steps == [{"from": "A", "to": "C", "relation": ""}]
    with pytest.raises(ValueError, match="not connected"):
        paths.shortest_path(g, "a", "x")
    found = communities.detect(g, seed=0)
    member = found.membership
    assert member["a"] == member["b"] == member["c"] != member["d"] == member["e"] == member["f"]


def test_graph_from_the_store_links_people_offences_reports_and_entities(store, tmp_path):
    load(store, tmp_path)
    g = build_graph(store)
    assert g.has_edge("person:P1", "offence:1") and g.edges["person:P1", "offence:1"]["label"] == "offender"
    assert g.has_edge("intel:1", "vehicle:AB12CDE") and g.has_edge("intel:2", "phone:07700900123")
    assert g.edges["intel:1", "person:P1"]["label"] == "subject"
    assert g.has_edge("intel:1", "offence:1")
    assert resolve(store, g, "ab12 cde") == "vehicle:AB12CDE"
    assert resolve(store, g, "I/2") == "intel:2"
    # P1 reaches P3 through the co-offender P2 or through the shared vehicle.
    assert len(paths.shortest_path(g, "person:P1", "person:P3")) - 1 == 4
    near = expand(g, ["person:P1"], 1)
    assert set(near) >= {"person:P1", "offence:1", "intel:1"} and "person:P3" not in near
    with pytest.raises(ValueError, match="not on the link chart"):
        resolve(store, g, "NOBODY")
    assert "person:P4" in g and not nx.has_path(g, "person:P1", "person:P4")


def test_anx_export_parses_with_every_entity_and_link(store, tmp_path):
    load(store, tmp_path)
    g = build_graph(store)
    export_chart(store, g, "anx", tmp_path / "chart.anx")
    root = ET.parse(tmp_path / "chart.anx").getroot()
    assert root.tag == "Chart" and root.get("SecurityMarking") == "OFFICIAL-SENSITIVE"
    assert {f.get("Type"): f.get("Value") for f in root.iter("Field")}["SummaryFieldCategory"] == "OFFICIAL-SENSITIVE"
    assert (tmp_path / "chart.anx").read_text(encoding="utf-8").count("<!-- OFFICIAL-SENSITIVE -->") == 2
    entities = {e.get("EntityId"): e for e in root.iter("Entity")}
    assert set(entities) == set(g.nodes)
    assert entities["person:P1"].find("Icon/IconStyle").get("Type") == "Person"
    assert entities["vehicle:AB12CDE"].find("Icon/IconStyle").get("Type") == "Vehicle"
    links = {frozenset((link.get("End1Id"), link.get("End2Id"))) for link in root.iter("Link")}
    assert links == {frozenset(e) for e in g.edges}
    labels = {item.get("Label") for item in root.iter("ChartItem") if item.find("Link") is not None}
    assert {"offender", "subject", "mentions", "relates to"} <= labels
    assert any(a.get("AttributeClass") == "Betweenness" for a in root.iter("Attribute"))


def test_graphml_and_png_exports(store, tmp_path):
    load(store, tmp_path)
    g = build_graph(store)
    export_chart(store, g, "graphml", tmp_path / "c.graphml")
    back = nx.read_graphml(tmp_path / "c.graphml")
    assert set(back.nodes) == set(g.nodes) and back.number_of_edges() == g.number_of_edges()
    assert back.graph["marking"] == "OFFICIAL-SENSITIVE"
    export_chart(store, g, "png", tmp_path / "c.png")
    png = tmp_path / "c.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image
    assert Image.open(png).info["Warning"] == "OFFICIAL-SENSITIVE"


def test_chart_for_a_destination_leaves_out_what_only_withheld_reports_show(store, tmp_path):
    load(store, tmp_path)
    g = build_graph(store)
    result = export_chart(store, g, "graphml", tmp_path / "police.graphml", destination="uk-police")
    back = nx.read_graphml(tmp_path / "police.graphml")
    # I/2 (5x5x5 handling 4) is withheld: its node, its phone and its links to P3 and the vehicle go
    assert "intel:2" not in back and "phone:07700900123" not in back
    assert not back.has_edge("person:P3", "intel:2")
    assert "vehicle:AB12CDE" in back and back.has_edge("intel:1", "vehicle:AB12CDE")   # I/1 shows it too
    assert "person:P3" in back                                      # from the offence records (B/2)
    assert [w["intel_ref"] for w in result["withheld"]] == ["I/2"]
    assert "07700" not in (tmp_path / "police.graphml").read_text(encoding="utf-8")
    # around P3, only through released links: the vehicle is not reached through I/2
    export_chart(store, g, "graphml", tmp_path / "p3.graphml", destination="uk-police", focus=("person:P3", 2))
    assert "vehicle:AB12CDE" not in nx.read_graphml(tmp_path / "p3.graphml")


def test_person_page_and_profile_withhold_what_handling_forbids(store, tmp_path):
    load(store, tmp_path)
    page = person_page(store, "P3")
    assert [o["offence_ref"] for o in page["offences"]] == ["B/2"]
    assert [r["intel_ref"] for r in page["intelligence"]] == ["I/2"]
    assert {a["person"] for a in page["associates"]} == {"P2"}
    assert page["vehicles"] == [{"value": "AB12CDE", "reports": 1}]
    assert page["phones"] == [{"value": "07700900123", "reports": 1}]
    assert (page["first_activity"], page["last_activity"]) == ("2025-03-05", "2025-03-06")

    from docx import Document
    result = write_profile(store, "P3", tmp_path / "p3.docx", destination="uk-police", why="test")
    assert result["intelligence_included"] == 0 and result["withheld"][0]["intel_ref"] == "I/2"
    doc = Document(str(tmp_path / "p3.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "P3 uses 07700 900123" not in body and "I/2" in body
    assert doc.sections[0].header.paragraphs[0].text == "OFFICIAL-SENSITIVE"
    assert sql(store, "SELECT count(*) FROM audit_log WHERE action = 'export.profile'").fetchone()[0] == 1
    with pytest.raises(ValueError, match="no person"):
        person_page(store, "NOBODY")

    store.set_setting("security_marking", "OFFICIAL-SENSITIVE PERSONAL")
    write_profile(store, "P1", tmp_path / "p1.docx")
    doc = Document(str(tmp_path / "p1.docx"))
    assert doc.sections[0].footer.paragraphs[0].text == "OFFICIAL-SENSITIVE PERSONAL"
    assert "P1 drives AB12 CDE" in "\n".join(p.text for p in doc.paragraphs)


def test_timeline_of_selected_entities(store, tmp_path):
    load(store, tmp_path)
    g = build_graph(store)
    events = timeline(g, ["person:P1", "vehicle:AB12CDE"])
    assert [(e["label"], e["via"]) for e in events] == [
        ("B/1", ["P1"]), ("I/1", ["AB12CDE", "P1"]), ("I/2", ["AB12CDE"])]
    assert [e["label"] for e in timeline(g, ["offence:2", "nowhere"])] == ["B/2"]
