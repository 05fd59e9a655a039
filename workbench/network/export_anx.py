"""i2 Analyst's Notebook exchange format (ANX): XML that Analyst's Notebook imports as a
chart, entities with their icon types and links with their labels.

Structure written (the subset of the ANX schema Analyst's Notebook 7 and later read)::

    <!-- OFFICIAL-SENSITIVE -->
    <Chart SecurityMarking="OFFICIAL-SENSITIVE">
      <Summary><Fields>
        <Field Type="SummaryFieldCategory" Value="OFFICIAL-SENSITIVE"/>
        <Field Type="SummaryFieldTitle" Value="Link chart"/></Fields></Summary>
      <EntityTypeCollection><EntityType Name="Person" IconFile="Person"/>...</EntityTypeCollection>
      <LinkTypeCollection><LinkType Name="Link"/></LinkTypeCollection>
      <AttributeClassCollection><AttributeClass Name="Date" Type="AttText"/>...</AttributeClassCollection>
      <ChartItemCollection>
        <ChartItem Label="O17" DateSet="false" XPosition="120">
          <End Y="40"><Entity EntityId="person:O17" Identity="O17">
            <Icon><IconStyle Type="Person"/></Icon></Entity></End>
          <AttributeCollection><Attribute AttributeClass="Kind" Value="person"/></AttributeCollection>
        </ChartItem>
        <ChartItem Label="offender" DateSet="false">
          <Link End1Id="person:O17" End2Id="offence:12"><LinkStyle Type="Link" ArrowStyle="ArrowNone"/></Link>
        </ChartItem>
      </ChartItemCollection>
    </Chart>

The security marking is written three ways so that no reader misses it: a comment
before the chart, a ``SecurityMarking`` attribute on it, and the chart summary's
category (which Analyst's Notebook shows in File > Chart Properties).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx

from workbench.network.layout import spring_positions
from workbench.release import Released

#: Analyst's Notebook standard icon types for our entity kinds.
ICON_TYPES = {"person": "Person", "vehicle": "Vehicle", "phone": "Phone", "address": "Address",
              "offence": "Crime", "intel": "Document"}
ATTRIBUTES = ("kind", "date", "detail", "degree", "betweenness", "closeness", "eigenvector", "community")


def chart_xml(graph: nx.Graph, *, marking: str, title: str = "Link chart", seed: int = 0) -> ET.Element:
    """The ``<Chart>`` element for ``graph`` (positions from a seeded layout)."""
    chart = ET.Element("Chart", SecurityMarking=marking)
    fields = ET.SubElement(ET.SubElement(chart, "Summary"), "Fields")
    ET.SubElement(fields, "Field", Type="SummaryFieldCategory", Value=marking)
    ET.SubElement(fields, "Field", Type="SummaryFieldTitle", Value=title)
    types = ET.SubElement(chart, "EntityTypeCollection")
    for name in sorted({ICON_TYPES.get(d.get("kind"), "Entity") for _, d in graph.nodes(data=True)}):
        ET.SubElement(types, "EntityType", Name=name, IconFile=name)
    ET.SubElement(ET.SubElement(chart, "LinkTypeCollection"), "LinkType", Name="Link")
    classes = ET.SubElement(chart, "AttributeClassCollection")
    for name in ATTRIBUTES:
        ET.SubElement(classes, "AttributeClass", Name=name.capitalize(), Type="AttText")
    items = ET.SubElement(chart, "ChartItemCollection")
    pos = spring_positions(graph, scale=400.0, seed=seed)
    for node, data in graph.nodes(data=True):
        x, y = pos[node]
        icon = ICON_TYPES.get(data.get("kind"), "Entity")
        label = str(data.get("label", node))
        item = ET.SubElement(items, "ChartItem", Label=label, DateSet="false", XPosition=str(int(x + 500)))
        end = ET.SubElement(item, "End", Y=str(int(y + 500)))
        entity = ET.SubElement(end, "Entity", EntityId=node, Identity=label)
        ET.SubElement(ET.SubElement(entity, "Icon"), "IconStyle", Type=icon)
        attrs = ET.SubElement(item, "AttributeCollection")
        for name in ATTRIBUTES:
            value = data.get(name)
            if value not in (None, ""):
                text = f"{value:.4f}" if isinstance(value, float) else str(value)
                ET.SubElement(attrs, "Attribute", AttributeClass=name.capitalize(), Value=text)
    for a, b, data in graph.edges(data=True):
        item = ET.SubElement(items, "ChartItem", Label=str(data.get("label", "")), DateSet="false")
        link = ET.SubElement(item, "Link", End1Id=a, End2Id=b)
        ET.SubElement(link, "LinkStyle", Type="Link", ArrowStyle="ArrowNone")
    return chart


def write_anx(released: Released, path: Path, *, seed: int = 0) -> None:
    """Write a released chart (its body, a graph) as an ANX file (UTF-8 XML), marked."""
    graph = released.body
    tree = ET.ElementTree(chart_xml(graph, marking=released.marking, title=graph.graph.get("title", "Link chart"),
                                    seed=seed))
    ET.indent(tree)
    with open(path, "wb") as fh:
        fh.write(b"<?xml version='1.0' encoding='utf-8'?>\n")
        fh.write(f"<!-- {escape(released.marking)} -->\n".encode())
        tree.write(fh, encoding="utf-8", xml_declaration=False)
        fh.write(f"\n<!-- {escape(released.marking)} -->\n".encode())
