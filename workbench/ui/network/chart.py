"""The interactive link chart: entities drawn by type (the colours and shapes of
:mod:`workbench.network.style`, as on the PNG export), sized by betweenness, links with
their relation as a label; drag entities about, click one to select it, hide it.

The chart only draws: the view gives it a NetworkX graph with positions and is told
about clicks through ``on_select(node_ids)``.
"""

from __future__ import annotations

import math
from typing import Callable

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsScene,
                               QGraphicsSimpleTextItem, QGraphicsView)

from workbench.network.style import style

SIZE = 22.0
EDGE_LABEL_LIMIT = 80
SELECTED = QColor("#e07b00")


def shape_path(shape: str, size: float) -> QPainterPath:
    """A node outline centred on the origin: circle, square, diamond, triangle, octagon, page."""
    r = size / 2
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(QPointF(0, 0), r, r)
        return path
    if shape == "square":
        path.addRect(QRectF(-r, -r, size, size))
        return path
    corners = {"diamond": [(0, -r), (r, 0), (0, r), (-r, 0)],
               "triangle": [(0, -r), (r, r * 0.8), (-r, r * 0.8)],
               "page": [(-r * 0.75, -r), (r * 0.35, -r), (r * 0.75, -r * 0.6), (r * 0.75, r), (-r * 0.75, r)]}
    points = corners.get(shape) or [(r * math.cos(math.pi / 8 + i * math.pi / 4),
                                     r * math.sin(math.pi / 8 + i * math.pi / 4)) for i in range(8)]
    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
    path.closeSubpath()
    return path


class _Link(QGraphicsLineItem):
    """A link between two entities, with its relation written at the middle."""

    def __init__(self, a: "_Entity", b: "_Entity", label: str, show_label: bool):
        super().__init__()
        self.a, self.b = a, b
        self.setPen(QPen(QColor("#9a9a9a"), 1.2))
        self.setZValue(0)
        self.text = None
        if show_label and label:
            self.text = QGraphicsSimpleTextItem(label)
            self.text.setBrush(QBrush(QColor("#606060")))
            self.text.setFont(QFont("", 7))
            self.text.setZValue(1)
        self.follow()

    def follow(self) -> None:
        """Redraw between the current positions of both ends."""
        pa, pb = self.a.pos(), self.b.pos()
        self.setLine(pa.x(), pa.y(), pb.x(), pb.y())
        if self.text is not None:
            box = self.text.boundingRect()
            self.text.setPos((pa.x() + pb.x() - box.width()) / 2, (pa.y() + pb.y() - box.height()) / 2)


class _Entity(QGraphicsPathItem):
    """One draggable entity; moving it drags its links along."""

    def __init__(self, node: str, data: dict, size: float, chart: "NetworkChart"):
        colour, shape = style(data.get("kind"))
        super().__init__(shape_path(shape, size))
        self.node, self.chart, self.links = node, chart, []
        self.setBrush(QBrush(QColor(colour)))
        self.setPen(QPen(QColor("white"), 1.5))
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setCursor(Qt.OpenHandCursor)
        self.setZValue(2)
        detail = " ".join(str(data.get(k) or "") for k in ("detail", "date")).strip()
        self.setToolTip(f"{data.get('label', node)}\n{detail}".strip())
        label = QGraphicsSimpleTextItem(str(data.get("label", node)), self)
        label.setFont(QFont("", 8))
        box = label.boundingRect()
        label.setPos(-box.width() / 2, size / 2 + 2)

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemPositionHasChanged:
            for link in self.links:
                link.follow()
        elif change == QGraphicsItem.ItemSelectedHasChanged:
            self.setPen(QPen(SELECTED if value else QColor("white"), 3.0 if value else 1.5))
        return super().itemChange(change, value)


class NetworkChart(QGraphicsView):
    """A QGraphicsView showing one chart; ``on_select(node_ids)`` when the selection changes."""

    def __init__(self, parent=None, on_select: Callable[[list[str]], None] | None = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.on_select = on_select
        self.entities: dict[str, _Entity] = {}
        self.links: list[_Link] = []
        self.scene().selectionChanged.connect(self._selection_changed)

    def show_graph(self, graph: nx.Graph, positions: dict[str, tuple[float, float]], *, scale: float = 320.0) -> None:
        """Draw ``graph`` at ``positions`` (in ``[-1, 1]``), sized by ``betweenness``."""
        scene = self.scene()
        scene.blockSignals(True)
        scene.clear()
        scene.blockSignals(False)
        self.entities, self.links = {}, []
        top = max((d.get("betweenness") or 0.0 for _, d in graph.nodes(data=True)), default=0.0)
        for node, data in graph.nodes(data=True):
            weight = (data.get("betweenness") or 0.0) / top if top else 0.0
            item = _Entity(node, data, SIZE * (1.0 + weight), self)
            x, y = positions.get(node, (0.0, 0.0))
            item.setPos(x * scale, y * scale)
            scene.addItem(item)
            self.entities[node] = item
        labels = graph.number_of_edges() <= EDGE_LABEL_LIMIT
        for a, b, data in graph.edges(data=True):
            link = _Link(self.entities[a], self.entities[b], str(data.get("label", "")), labels)
            self.entities[a].links.append(link)
            self.entities[b].links.append(link)
            scene.addItem(link)
            if link.text is not None:
                scene.addItem(link.text)
            self.links.append(link)
        self.fit()

    def fit(self) -> None:
        """Fit the whole chart in the view."""
        rect = self.scene().itemsBoundingRect().adjusted(-30, -30, 30, 30)
        if rect.isValid():
            self.setSceneRect(rect)
            self.fitInView(rect, Qt.KeepAspectRatio)

    def selected(self) -> list[str]:
        """The node ids selected on the chart."""
        return [i.node for i in self.scene().selectedItems() if isinstance(i, _Entity)]

    def select(self, nodes) -> None:
        """Select ``nodes`` (ids not on the chart are ignored)."""
        self.scene().clearSelection()
        for node in nodes:
            if node in self.entities:
                self.entities[node].setSelected(True)

    def hide_nodes(self, nodes) -> None:
        """Take ``nodes`` and their links off the chart (the graph itself is unchanged)."""
        for node in nodes:
            item = self.entities.pop(node, None)
            if item is None:
                continue
            for link in item.links:
                if link.scene() is not None:
                    self.scene().removeItem(link)
                    if link.text is not None:
                        self.scene().removeItem(link.text)
            self.scene().removeItem(item)
        self.links = [l for l in self.links if l.scene() is not None]

    def wheelEvent(self, event) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def _selection_changed(self) -> None:
        if self.on_select is not None:
            self.on_select(self.selected())
