"""The street map under the offences: water, buildings, roads and rail as painter paths,
and street-name labels (with a white halo, above the offences) shown only at large
scales, placed where they do not overlap.

Labels are a small pool of text items re-placed after every zoom or pan: the heaviest
names inside the view first (the most offences near a police.uk label, the longest
road), skipping any that would overlap one already placed, at most :data:`MAX_LABELS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItemGroup, QGraphicsPathItem, QGraphicsScene, QGraphicsSimpleTextItem

from workbench.ui.map.geometry import lines_path, path_of

#: Labels appear below this many metres per pixel (about 1:25,000 on a 96 dpi screen).
LABEL_MAX_MPP = 6.5
MAX_LABELS = 120
#: Pixels between a label's point and the top of its text.
LABEL_DROP = 9
WATER = "#c9dcef"
BUILDING = "#e3ded6"
ROAD_CASING = "#c6c0b5"
ROAD = "#ffffff"
RAIL = "#8a8f98"
LABEL = "#4a4f57"


def _pen(colour: str, width: float, style=Qt.SolidLine) -> QPen:
    pen = QPen(QColor(colour), width, style)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.RoundCap)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


@dataclass
class StreetLabels:
    """Label texts and their points (BNG) with a weight, heaviest first."""

    names: list[str]
    x: np.ndarray
    y: np.ndarray

    @classmethod
    def of(cls, features) -> StreetLabels:
        """Labels for police.uk street labels (their point) and named roads (their
        middle, weighted by length), heaviest first, one per name and place."""
        rows = []
        for f in features:
            if not f.name:
                continue
            if f.kind == "street_label":
                rows.append((f.weight, f.name, f.geometry.x, f.geometry.y))
            elif f.kind == "road":
                middle = shapely.line_interpolate_point(f.geometry, 0.5, normalized=True)
                rows.append((f.geometry.length, f.name, shapely.get_x(middle), shapely.get_y(middle)))
        rows.sort(key=lambda r: -r[0])
        return cls([r[1] for r in rows], np.array([r[2] for r in rows], float),
                   np.array([r[3] for r in rows], float))


class HaloLabel(QGraphicsSimpleTextItem):
    """A street name with a white halo, readable over points, clusters and surfaces."""

    def paint(self, painter, option, widget=None) -> None:
        path = QPainterPath()
        metrics_ascent = self.boundingRect().height() * 0.78
        path.addText(0, metrics_ascent, self.font(), self.text())
        painter.setRenderHint(painter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(QColor(255, 255, 255, 235), 3.0, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(path)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(LABEL))
        painter.drawPath(path)


class BasemapLayer(QGraphicsItemGroup):
    """Water, buildings, roads and rail (z below every analysis layer) plus labels."""

    def __init__(self, scene: QGraphicsScene):
        super().__init__()
        self.water = QGraphicsPathItem()
        self.water.setPen(Qt.NoPen)
        self.water.setBrush(QBrush(QColor(WATER)))
        self.buildings = QGraphicsPathItem()
        self.buildings.setPen(Qt.NoPen)
        self.buildings.setBrush(QBrush(QColor(BUILDING)))
        self.rivers = QGraphicsPathItem()
        self.rivers.setPen(_pen(WATER, 2.0))
        self.casing = QGraphicsPathItem()
        self.casing.setPen(_pen(ROAD_CASING, 4.0))
        self.roads = QGraphicsPathItem()
        self.roads.setPen(_pen(ROAD, 2.4))
        self.rail = QGraphicsPathItem()
        self.rail.setPen(_pen(RAIL, 1.4, Qt.DashLine))
        for z, item in enumerate((self.water, self.rivers, self.buildings, self.casing, self.roads, self.rail)):
            item.setZValue(z * 0.01)
            self.addToGroup(item)
        self.setZValue(0.5)
        scene.addItem(self)
        self.labels = StreetLabels([], np.zeros(0), np.zeros(0))
        self._pool: list[QGraphicsSimpleTextItem] = []
        self._scene = scene
        self.font = QFont()
        self.font.setPointSizeF(7.5)

    @property
    def empty(self) -> bool:
        return self.casing.path().isEmpty() and self.buildings.path().isEmpty() and not len(self.labels.names)

    def set_features(self, features) -> None:
        """Draw these :class:`workbench.store.basemap.Feature` objects."""
        by_kind: dict[str, list] = {}
        for f in features:
            by_kind.setdefault(f.kind, []).append(f.geometry)
        water = by_kind.get("water", [])
        self.water.setPath(path_of([g for g in water if g.geom_type.endswith("Polygon")]))
        self.rivers.setPath(lines_path([g for g in water if g.geom_type.endswith("LineString")]))
        self.buildings.setPath(path_of(by_kind.get("building", [])))
        roads = lines_path(by_kind.get("road", []))
        self.casing.setPath(roads)
        self.roads.setPath(roads)
        self.rail.setPath(lines_path(by_kind.get("rail", [])))
        self.labels = StreetLabels.of(features)

    def place_labels(self, view_rect: QRectF, metres_per_pixel: float) -> int:
        """Show the street names inside ``view_rect`` (scene coordinates) when zoomed in
        far enough, without overlaps; returns how many are shown."""
        shown = 0
        if self.isVisible() and metres_per_pixel <= LABEL_MAX_MPP and len(self.labels.names):
            x, y = self.labels.x, -self.labels.y
            inside = np.flatnonzero((x >= view_rect.left()) & (x <= view_rect.right()) &
                                    (y >= view_rect.top()) & (y <= view_rect.bottom()))
            taken: list[QRectF] = []
            seen: set[str] = set()
            for i in inside:
                name = self.labels.names[i]
                if name in seen:
                    continue
                item = self._label(shown)
                item.setText(name)
                size = item.boundingRect()
                # Just below the point: police.uk labels sit on a snap point, where a cluster is drawn.
                px, py = (x[i] - view_rect.left()) / metres_per_pixel, (y[i] - view_rect.top()) / metres_per_pixel
                box = QRectF(px - size.width() / 2, py + LABEL_DROP, size.width(), size.height())
                if any(box.intersects(t) for t in taken):
                    continue
                taken.append(box.adjusted(-6, -3, 6, 3))
                seen.add(name)
                item.setPos(x[i] - size.width() / 2 * metres_per_pixel, y[i] + LABEL_DROP * metres_per_pixel)
                item.setVisible(True)
                shown += 1
                if shown >= MAX_LABELS:
                    break
        for item in self._pool[shown:]:
            item.setVisible(False)
        return shown

    def _label(self, index: int) -> QGraphicsSimpleTextItem:
        while len(self._pool) <= index:
            item = HaloLabel()
            item.setFont(self.font)
            item.setFlag(QGraphicsSimpleTextItem.ItemIgnoresTransformations, True)
            item.setZValue(10.5)           # above the offences, below the risk zones
            self._scene.addItem(item)
            self._pool.append(item)
        return self._pool[index]

    def visible_labels(self) -> list[str]:
        """The street names shown now (for tests and the status bar)."""
        return [item.text() for item in self._pool if item.isVisible()]
