"""The interactive link chart: entities drawn by type (the colours and shapes of
:mod:`workbench.network.style`, as on the PNG export, each with a white pictogram of
its kind), sized by betweenness, links with their relation as a label; drag entities
about, click one to select it, hide it. A legend in the corner names every type shown.

Labels are placed so they avoid each other (below an entity if free, else above, right or
left); link labels show when the chart is small enough to read them, when zoomed in, and
always on the links of selected entities.

The chart only draws: the view gives it a NetworkX graph with positions and is told
about clicks through ``on_select(node_ids)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import networkx as nx
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QGridLayout,
    QLabel,
    QWidget,
)

from workbench.network.graph import KIND_LABELS
from workbench.network.style import KIND_STYLE, style
from workbench.ui.label_placement import chart_font, label_offset, place_labels

SIZE = 22.0
EDGE_LABEL_LIMIT = 80           # above this many links, link labels wait for zoom or selection
LABEL_ZOOM = 1.6                # ...and show from this zoom on
SELECTED = QColor("#e07b00")


def icon_path(kind: str | None, size: float) -> QPainterPath:
    """A white pictogram of an entity kind, centred on the origin, to draw over its shape:
    a head and shoulders, a car, a handset, a house, an exclamation mark, lines of text."""
    u = size / 10
    path = QPainterPath()
    if kind == "person":
        path.addEllipse(QPointF(0, -1.6 * u), 1.5 * u, 1.5 * u)
        path.moveTo(-2.8 * u, 2.6 * u)
        path.cubicTo(-2.8 * u, -0.4 * u, 2.8 * u, -0.4 * u, 2.8 * u, 2.6 * u)
        path.closeSubpath()
    elif kind == "vehicle":
        path.addRoundedRect(QRectF(-3.2 * u, -0.6 * u, 6.4 * u, 2.0 * u), 0.5 * u, 0.5 * u)
        path.addRoundedRect(QRectF(-1.8 * u, -1.9 * u, 3.4 * u, 1.5 * u), 0.5 * u, 0.5 * u)
        path.addEllipse(QPointF(-1.8 * u, 1.6 * u), 0.8 * u, 0.8 * u)
        path.addEllipse(QPointF(1.8 * u, 1.6 * u), 0.8 * u, 0.8 * u)
    elif kind == "phone":
        path.addRoundedRect(QRectF(-1.3 * u, -2.5 * u, 2.6 * u, 5.0 * u), 0.5 * u, 0.5 * u)
    elif kind == "address":
        path.addPolygon(QPolygonF([QPointF(-2.6 * u, -0.2 * u), QPointF(0, -2.6 * u), QPointF(2.6 * u, -0.2 * u)]))
        path.closeSubpath()
        path.addRect(QRectF(-1.8 * u, -0.2 * u, 3.6 * u, 2.6 * u))
    elif kind == "offence":
        path.addRect(QRectF(-0.5 * u, -2.6 * u, 1.0 * u, 3.4 * u))
        path.addEllipse(QPointF(0, 1.9 * u), 0.6 * u, 0.6 * u)
    elif kind == "intel":
        for i in range(4):
            path.addRect(QRectF(-1.8 * u, (-2.0 + 1.2 * i) * u, (3.6 if i < 3 else 2.2) * u, 0.5 * u))
    return path


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

    def __init__(self, a: _Entity, b: _Entity, label: str, show_label: bool):
        super().__init__()
        self.a, self.b = a, b
        self.setPen(QPen(QColor("#9a9a9a"), 1.2))
        self.setZValue(0)
        self.text = None
        if label:
            self.text = QGraphicsSimpleTextItem(label)
            self.text.setBrush(QBrush(QColor("#505050")))
            self.text.setFont(chart_font(7))
            self.text.setZValue(1)
            self.text.setVisible(show_label)
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

    def __init__(self, node: str, data: dict, size: float, chart: NetworkChart):
        colour, shape = style(data.get("kind"))
        super().__init__(shape_path(shape, size))
        self.node, self.chart, self.links = node, chart, []
        self.setBrush(QBrush(QColor(colour)))
        self.setPen(QPen(QColor("white"), 1.5))
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setCursor(Qt.OpenHandCursor)
        self.setZValue(2)
        self.size = size
        detail = " ".join(str(data.get(k) or "") for k in ("detail", "date")).strip()
        self.setToolTip(f"{data.get('label', node)}\n{detail}".strip())
        glyph = QGraphicsPathItem(icon_path(data.get("kind"), size), self)
        glyph.setBrush(QBrush(QColor("white")))
        glyph.setPen(QPen(Qt.NoPen))
        self.label = QGraphicsSimpleTextItem(str(data.get("label", node)), self)
        self.label.setFont(chart_font(8))
        self.place_label("below")

    def place_label(self, side: str) -> None:
        """Put the label below, above, right or left of the entity."""
        self.label.setPos(label_offset(side, self.size / 2, self.label.boundingRect().size()))

    def label_rect(self) -> QRectF:
        return self.label.sceneBoundingRect()

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
        self.many_links = False
        self.legend = Legend(self)
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
            item.setPos(x * scale, -y * scale)        # layouts have y up; the scene has y down
            scene.addItem(item)
            self.entities[node] = item
        self.many_links = graph.number_of_edges() > EDGE_LABEL_LIMIT
        labels = not self.many_links
        for a, b, data in graph.edges(data=True):
            link = _Link(self.entities[a], self.entities[b], str(data.get("label", "")), labels)
            self.entities[a].links.append(link)
            self.entities[b].links.append(link)
            scene.addItem(link)
            if link.text is not None:
                scene.addItem(link.text)
            self.links.append(link)
        self.avoid_label_overlaps()
        self.legend.show_kinds({d.get("kind") for _, d in graph.nodes(data=True)})
        self.fit()

    def avoid_label_overlaps(self) -> None:
        """Place each entity's label on the first side (below, above, right, left) where it
        overlaps no label placed before it and no other entity; busiest entities first."""
        entities = sorted(self.entities.values(), key=lambda e: -len(e.links))
        sides = place_labels([(e.scenePos(), e.size / 2, e.label.boundingRect().size()) for e in entities])
        for entity, side in zip(entities, sides):
            entity.place_label(side)
        self._update_link_labels()

    def _update_link_labels(self) -> None:
        """Link labels: all of them on a readable chart or when zoomed in; otherwise only
        on the links of the selected entities."""
        zoomed = self.transform().m11() >= LABEL_ZOOM
        chosen = {id(link) for e in self.scene().selectedItems() if isinstance(e, _Entity) for link in e.links}
        for link in self.links:
            if link.text is not None:
                link.text.setVisible(not self.many_links or zoomed or id(link) in chosen)

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
        self.links = [link for link in self.links if link.scene() is not None]

    def wheelEvent(self, event) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)
        self._update_link_labels()

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if self.scene().selectedItems():       # an entity may have been dragged
            self.avoid_label_overlaps()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()
        self.legend.move(8, 8)

    def _selection_changed(self) -> None:
        self._update_link_labels()
        if self.on_select is not None:
            self.on_select(self.selected())


class Legend(QWidget):
    """The key to the chart in its top-left corner: each entity type shown, with its
    shape, colour and pictogram (as on the PNG export)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("chartLegend")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.setStyleSheet("#chartLegend{background:rgba(255,255,255,225);border:1px solid #c8c8c8;"
                           "border-radius:3px}")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(6, 4, 6, 4)
        self.grid.setVerticalSpacing(2)
        self.kinds: list[str] = []
        self.hide()

    def show_kinds(self, kinds) -> None:
        """Show the legend rows of ``kinds`` (in the usual order), or hide when empty."""
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.kinds = [k for k in KIND_STYLE if k in kinds]
        for row, kind in enumerate(self.kinds):
            swatch = QLabel()
            swatch.setPixmap(_swatch(kind))
            text = QLabel(KIND_LABELS.get(kind, kind))
            text.setFont(chart_font(8))
            self.grid.addWidget(swatch, row, 0)
            self.grid.addWidget(text, row, 1)
            swatch.show()                  # now, so the size below counts them
            text.show()
        self.grid.activate()
        self.resize(self.grid.sizeHint())
        self.setVisible(bool(self.kinds))
        self.move(8, 8)


def _swatch(kind: str, size: float = 16.0) -> QPixmap:
    pixmap = QPixmap(int(size) + 2, int(size) + 2)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.translate(pixmap.width() / 2, pixmap.height() / 2)
    colour, shape = style(kind)
    painter.fillPath(shape_path(shape, size), QBrush(QColor(colour)))
    painter.fillPath(icon_path(kind, size), QBrush(QColor("white")))
    painter.end()
    return pixmap
