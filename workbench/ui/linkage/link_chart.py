"""The link chart: a series' offences laid out by NetworkX and drawn in a QGraphicsView.

Edge width follows the link score; confirmed links are green, the rest blue-grey with
opacity by score. Offence labels sit on a white halo beside their node, on whichever side
keeps them clear of the other labels and nodes (best-linked offences first). Clicking an edge calls ``on_edge(i, j)`` (positions into the chart's
data) so the view can show the reasons and offer confirm/reject; clicking an offence calls
``on_node(i)``.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsLineItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from workbench.ui.label_placement import chart_font, label_offset, place_labels

NODE = 26.0
MIN_GAP = 3 * NODE
MAX_SPAN = 1600.0
CONFIRMED = QColor("#2e7d32")
LINK = QColor("#37597a")
HIGHLIGHT = QColor("#e07b00")


class _Edge(QGraphicsLineItem):
    def __init__(self, a: QPointF, b: QPointF, key: tuple[int, int], score: float, confirmed: bool,
                 on_click: Callable[[tuple[int, int]], None]):
        super().__init__(a.x(), a.y(), b.x(), b.y())
        self.key, self._on_click = key, on_click
        colour = QColor(CONFIRMED if confirmed else LINK)
        colour.setAlphaF(0.35 + 0.65 * float(score))
        pen = QPen(colour, 1.0 + 9.0 * float(score))
        pen.setCapStyle(Qt.RoundCap)
        self.setPen(pen)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolTip(f"score {score:.2f}: click for the reasons")
        self.setZValue(0)

    def mousePressEvent(self, event) -> None:
        self._on_click(self.key)
        event.accept()


class _Node(QGraphicsEllipseItem):
    def __init__(self, rect: QRectF, key: int, on_click: Callable[[int], None]):
        super().__init__(rect)
        self.key, self._on_click = key, on_click
        self.setCursor(Qt.PointingHandCursor)

    def mousePressEvent(self, event) -> None:
        self._on_click(self.key)
        event.accept()


class LinkChart(QGraphicsView):
    """Draws nodes (offence references) and scored edges."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setMinimumSize(360, 300)
        self.on_edge: Callable[[int, int], None] | None = None
        self.on_node: Callable[[int], None] | None = None
        self.edges: dict[tuple[int, int], _Edge] = {}
        self.nodes: dict[int, QGraphicsEllipseItem] = {}
        self.labels: dict[int, QGraphicsSimpleTextItem] = {}

    def show_graph(self, labels: dict[int, str], edges: list[tuple[int, int, float, bool]],
                   tooltips: dict[int, str] | None = None) -> None:
        """``labels``: node -> reference; ``edges``: (i, j, score, confirmed)."""
        scene = self.scene()
        scene.clear()
        self.edges, self.nodes, self.labels = {}, {}, {}
        graph = nx.Graph()
        graph.add_nodes_from(labels)
        graph.add_weighted_edges_from((i, j, max(0.05, s)) for i, j, s, _ in edges)
        if not labels:
            return
        # Kamada-Kawai spaces a connected series evenly (a spring layout let one outlying
        # offence shrink the rest to an unreadable knot); it cannot place unlinked parts.
        if len(labels) > 2 and nx.is_connected(graph):
            layout = nx.kamada_kawai_layout(graph, weight=None)
        else:
            layout = nx.spring_layout(graph, weight="weight", seed=0, k=1.6 / max(1.0, np.sqrt(len(labels))))
        # Spread the layout so no two offences sit closer than a few node widths (room for
        # their labels), within reason.
        coords = np.array(list(layout.values()))
        gaps = np.hypot(*(coords[:, None, :] - coords[None, :, :]).transpose(2, 0, 1))
        closest = gaps[np.triu_indices(len(coords), 1)].min() if len(coords) > 1 else 1.0
        span = min(max(160.0 + 40.0 * np.sqrt(len(labels)), MIN_GAP / max(closest, 1e-6)), MAX_SPAN)
        pos = {n: QPointF(float(p[0]) * span, float(p[1]) * span) for n, p in layout.items()}
        for i, j, score, confirmed in sorted(edges, key=lambda e: e[2]):
            item = _Edge(pos[i], pos[j], (i, j), score, confirmed, self._clicked)
            scene.addItem(item)
            self.edges[(i, j)] = item
        font = chart_font(9)
        texts: dict[int, QGraphicsSimpleTextItem] = {}
        for n, label in labels.items():
            p = pos[n]
            node = _Node(QRectF(p.x() - NODE / 2, p.y() - NODE / 2, NODE, NODE), n, self._node_clicked)
            node.setPen(QPen(QColor("#1f3a52"), 1.5))
            node.setBrush(QBrush(QColor("#dce8f3")))
            scene.addItem(node)
            node.setZValue(2)
            if tooltips:
                node.setToolTip(tooltips.get(n, label))
            text = QGraphicsSimpleTextItem(label)
            text.setFont(font)
            text.setZValue(4)
            scene.addItem(text)
            texts[n] = text
            self.nodes[n] = node
        order = sorted(labels, key=lambda n: -graph.degree(n, weight="weight"))
        sides = place_labels([(pos[n], NODE / 2, texts[n].boundingRect().size()) for n in order])
        for n, side in zip(order, sides):
            text = texts[n]
            text.setPos(pos[n] + label_offset(side, NODE / 2, text.boundingRect().size()))
            halo = scene.addRect(text.sceneBoundingRect().adjusted(-1, 0, 1, 0), QPen(Qt.NoPen),
                                 QBrush(QColor(255, 255, 255, 215)))
            halo.setZValue(3)
        self.labels = texts
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-30, -30, 30, 30))
        self.fitInView(scene.sceneRect(), Qt.KeepAspectRatio)

    def highlight(self, key: tuple | None) -> None:
        """Outline the chosen offences (an edge's two, or one)."""
        for n, node in self.nodes.items():
            node.setPen(QPen(HIGHLIGHT if key and n in key else QColor("#1f3a52"), 3 if key and n in key else 1.5))

    def _node_clicked(self, key: int) -> None:
        self.highlight((key,))
        if self.on_node:
            self.on_node(key)

    def _clicked(self, key: tuple[int, int]) -> None:
        self.highlight(key)
        if self.on_edge:
            self.on_edge(*key)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.scene() and not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.KeepAspectRatio)
