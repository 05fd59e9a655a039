"""The map canvas: layers on a BNG scene, pan/zoom, rectangle and polygon selection, and
a legend, scale bar, north arrow and security marking drawn over the map (so an exported
PNG carries them).

Layers (bottom to top): the street map (water, buildings, roads, rail), density surface
image, Gi* cells image, ward and borough boundaries, hotspot polygons, offences,
near-repeat risk zones (translucent, so they never hide under clusters), street names
(large scales only), the selection tool. The security marking is drawn at the top and
the data's attribution (basemap first) at the bottom, so an exported PNG carries both
(the release gate adds marked bands above and below).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsPixmapItem, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

from workbench.ui.map import style
from workbench.ui.map.basemap import BasemapLayer
from workbench.ui.map.geometry import grid_transform, image_of, path_of, polygon_of
from workbench.ui.map.points import PointLayer

ZOOM_STEP = 1.25
SIMPLIFY_METRES = (0.0, 5.0, 20.0, 60.0)
#: Room at the bottom of the map for the attribution line.
BOTTOM_BAND = 4
#: The boundaries' and police.uk data's licence, on every map.
LICENCE = "Contains public sector information licensed under the Open Government Licence v3.0"
NICE_LENGTHS = (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000)


@dataclass
class Legend:
    """What the legend shows: titled entries of (colour, label) and an optional ramp."""

    title: str = ""
    categories: list[tuple[QColor, str]] = field(default_factory=list)
    ramp: tuple[str, float] | None = None               # (label, top value)
    classes: list[tuple[QColor, str]] = field(default_factory=list)
    lines: list[tuple[QColor, str]] = field(default_factory=list)


def _cosmetic(colour: str, width: float, style_=Qt.SolidLine) -> QPen:
    pen = QPen(QColor(colour), width, style_)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.RoundJoin)
    return pen


class MapCanvas(QGraphicsView):
    """A pannable, zoomable BNG map.

    Signals
    -------
    selected(object)
        numpy array of offence ids chosen with the rectangle or polygon tool.
    zoomed()
        the scale changed.
    """

    selected = Signal(object)
    zoomed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor(style.BACKGROUND))
        self.setRenderHints(QPainter.Antialiasing | QPainter.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.FullViewportUpdate)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        self.setMinimumSize(320, 240)
        self.marking = ""
        self.title = ""
        self.attribution = ""
        self.legend = Legend()
        self.mode = "pan"
        self._drag_start: QPointF | None = None
        self._vertices: list[QPointF] = []

        scene = self.scene()
        self.basemap = BasemapLayer(scene)
        self.surface_item = QGraphicsPixmapItem()
        self.surface_item.setZValue(1)
        self.surface_item.setTransformationMode(Qt.FastTransformation)
        self.gi_item = QGraphicsPixmapItem()
        self.gi_item.setZValue(2)
        self.wards_item = QGraphicsPathItem()
        self.wards_item.setPen(_cosmetic(style.WARD_PEN, 0.7))
        self.wards_item.setZValue(3)
        self.boroughs_item = QGraphicsPathItem()
        self.boroughs_item.setPen(_cosmetic(style.BOROUGH_PEN, 1.0))  # wider pens take the slow stroker path
        self.boroughs_item.setZValue(4)
        self.hotspots_item = QGraphicsPathItem()
        self.hotspots_item.setPen(_cosmetic(style.HOTSPOT_PEN, 2.2))
        self.hotspots_item.setBrush(QBrush(QColor(192, 57, 43, 40)))
        self.hotspots_item.setZValue(5)
        self.risk_item = QGraphicsPathItem()
        self.risk_item.setPen(_cosmetic(style.RISK_ZONE, 1.8, Qt.DashLine))
        self.risk_item.setBrush(QBrush(QColor(142, 68, 173, 45)))
        self.risk_item.setZValue(11)       # above the offences: a zone is never hidden under a cluster
        self.points = PointLayer(self)
        self.tool_item = QGraphicsPathItem()
        self.tool_item.setPen(_cosmetic("#1f6fd1", 1.6, Qt.DashLine))
        self.tool_item.setBrush(QBrush(QColor(31, 111, 209, 35)))
        self.tool_item.setZValue(20)
        self.labels: list[QGraphicsSimpleTextItem] = []
        self._outline_levels: list = []
        self._outline_level: int | None = None
        for item in (self.surface_item, self.gi_item, self.wards_item, self.boroughs_item, self.hotspots_item,
                     self.risk_item, self.points, self.tool_item):
            scene.addItem(item)

    # -- layers -------------------------------------------------------------------
    def set_boundaries(self, boroughs, wards) -> None:
        """Borough and ward outlines (lists of :class:`workbench.store.boundaries.Boundary`).

        Outlines are kept simplified at a few tolerances and the one matching the zoom is
        drawn (a London-wide view needs no 1 m detail, and drawing it is what costs)."""
        borough_geoms = [b.geometry for b in boroughs]
        ward_geoms = [w.geometry for w in wards]
        self._outline_levels = [
            (tol, path_of(shapely.simplify(borough_geoms, tol) if tol else borough_geoms),
             path_of(shapely.simplify(ward_geoms, tol) if tol else ward_geoms))
            for tol in SIMPLIFY_METRES]
        self._outline_level = None
        self._pick_outlines()
        for label in self.labels:
            self.scene().removeItem(label)
        self.labels = []
        font = QFont()
        font.setPointSizeF(8)
        for b in boroughs:
            point = b.geometry.representative_point()
            label = QGraphicsSimpleTextItem(b.name)
            label.setFont(font)
            label.setBrush(QColor(61, 74, 92, 200))
            label.setFlag(QGraphicsSimpleTextItem.ItemIgnoresTransformations, True)
            label.setPos(point.x, -point.y)
            label.setZValue(7)
            self.scene().addItem(label)
            self.labels.append(label)
        self._update_scene_rect()

    def _pick_outlines(self) -> None:
        """Draw the outlines simplified to about a pixel at the current zoom."""
        if not self._outline_levels:
            return
        mpp = self.metres_per_pixel()
        level = max((i for i, (tol, _b, _w) in enumerate(self._outline_levels) if tol <= mpp * 0.8), default=0)
        if level != self._outline_level:
            self._outline_level = level
            _tol, boroughs, wards = self._outline_levels[level]
            self.boroughs_item.setPath(boroughs)
            self.wards_item.setPath(wards)

    def set_surface(self, rgba: np.ndarray | None, grid=None) -> None:
        """The density surface as an RGBA image on ``grid`` (None clears it)."""
        self._set_raster(self.surface_item, rgba, grid)

    def set_gi(self, rgba: np.ndarray | None, grid=None) -> None:
        """Gi* classes as an RGBA image on ``grid`` (None clears it)."""
        self._set_raster(self.gi_item, rgba, grid)

    def _set_raster(self, item: QGraphicsPixmapItem, rgba, grid) -> None:
        if rgba is None:
            item.setPixmap(QPixmap())
            return
        item.setPixmap(QPixmap.fromImage(image_of(rgba)))
        item.setTransform(grid_transform(grid))

    def set_basemap(self, features, attribution: str = "") -> None:
        """The street map (:class:`workbench.store.basemap.Feature` objects) and its
        attribution line."""
        self.basemap.set_features(features)
        self.attribution = attribution
        self.place_labels()

    def place_labels(self) -> None:
        """Re-place the street names for the current view (after a zoom or pan)."""
        view = self.mapToScene(self.viewport().rect()).boundingRect()
        self.basemap.place_labels(view, self.metres_per_pixel())

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.place_labels()

    def set_hotspots(self, geometries) -> None:
        self.hotspots_item.setPath(path_of(geometries))

    def set_risk_zones(self, geometries) -> None:
        self.risk_item.setPath(path_of(geometries))

    def _update_scene_rect(self) -> None:
        rect = self.boroughs_item.path().boundingRect() | self.points.boundingRect()
        if not rect.isEmpty():
            pad = max(rect.width(), rect.height()) * 0.5
            self.scene().setSceneRect(rect.adjusted(-pad, -pad, pad, pad))

    def set_points(self, *args, **kwargs) -> None:
        """See :meth:`PointLayer.set_points`."""
        self.points.set_points(*args, **kwargs)
        self._update_scene_rect()

    # -- navigation ---------------------------------------------------------------
    def zoom_to(self, bbox: tuple[float, float, float, float], margin: float = 0.08) -> None:
        """Show a BNG box ``(minx, miny, maxx, maxy)``; it stays fitted as the view is
        resized (a view sized later than it was zoomed) until the analyst pans or zooms."""
        self._fitted = (tuple(bbox), margin)
        minx, miny, maxx, maxy = bbox
        w, h = max(maxx - minx, 200.0), max(maxy - miny, 200.0)
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        rect = QRectF(cx - w / 2, -cy - h / 2, w, h)
        self.fitInView(rect.adjusted(-w * margin, -h * margin, w * margin, h * margin), Qt.KeepAspectRatio)
        self._pick_outlines()
        self.place_labels()
        self.viewport().update()
        self.zoomed.emit()

    def zoom_to_all(self) -> None:
        """Show every offence on the map (all boundaries when there are none)."""
        rect = self.points.boundingRect() if self.points.count else QRectF()
        if rect.isEmpty():
            rect = self.boroughs_item.path().boundingRect()
        if not rect.isEmpty():
            self.zoom_to((rect.left(), -rect.bottom(), rect.right(), -rect.top()), margin=0.02)

    def metres_per_pixel(self) -> float:
        return 1.0 / max(self.transform().m11(), 1e-12)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if getattr(self, "_fitted", None):
            self.zoom_to(*self._fitted)

    def wheelEvent(self, event) -> None:
        self._fitted = None
        steps = event.angleDelta().y() / 120.0
        if steps:
            factor = ZOOM_STEP ** steps
            self.scale(factor, factor)
            self._pick_outlines()
            self.place_labels()
            self.zoomed.emit()

    # -- tools --------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """``"pan"``, ``"rect"`` (drag a rectangle) or ``"polygon"`` (click vertices,
        double-click to finish; Esc cancels)."""
        self.mode = mode
        self._vertices = []
        self.tool_item.setPath(QPainterPath())
        self.setDragMode(QGraphicsView.ScrollHandDrag if mode == "pan" else QGraphicsView.NoDrag)
        self.viewport().setCursor(Qt.OpenHandCursor if mode == "pan" else Qt.CrossCursor)

    def mousePressEvent(self, event) -> None:
        self._fitted = None
        if self.mode == "rect" and event.button() == Qt.LeftButton:
            self._drag_start = self.mapToScene(event.position().toPoint())
            return
        if self.mode == "polygon" and event.button() == Qt.LeftButton:
            self._vertices.append(self.mapToScene(event.position().toPoint()))
            self._draw_polygon()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        here = self.mapToScene(event.position().toPoint())
        if self.mode == "rect" and self._drag_start is not None:
            path = QPainterPath()
            path.addRect(QRectF(self._drag_start, here).normalized())
            self.tool_item.setPath(path)
            return
        if self.mode == "polygon" and self._vertices:
            self._draw_polygon(here)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self.mode == "rect" and self._drag_start is not None and event.button() == Qt.LeftButton:
            rect = QRectF(self._drag_start, self.mapToScene(event.position().toPoint())).normalized()
            self._drag_start = None
            self.tool_item.setPath(QPainterPath())
            self.select_rect(rect)
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if self.mode == "polygon" and len(self._vertices) >= 3:
            self.select_polygon(QPolygonF(self._vertices))
            self._vertices = []
            self.tool_item.setPath(QPainterPath())
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape and self._vertices:
            self._vertices = []
            self.tool_item.setPath(QPainterPath())
            return
        super().keyPressEvent(event)

    def _draw_polygon(self, cursor: QPointF | None = None) -> None:
        path = QPainterPath()
        pts = self._vertices + ([cursor] if cursor is not None else [])
        path.addPolygon(QPolygonF(pts))
        self.tool_item.setPath(path)

    def select_rect(self, rect: QRectF) -> np.ndarray:
        """Select the offences inside a scene rectangle and announce them."""
        ids = self.points.ids_in_rect(rect)
        self.selected.emit(ids)
        return ids

    def select_polygon(self, polygon: QPolygonF) -> np.ndarray:
        """Select the offences inside a polygon drawn on the scene and announce them."""
        ids = self.points.ids_in_polygon(polygon_of(polygon))
        self.selected.emit(ids)
        return ids

    # -- overlay ------------------------------------------------------------------
    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.Antialiasing, True)
        view = self.viewport().rect()
        if self.marking:
            self._marking(painter, view)
        self._attribution(painter, view)
        self._north_arrow(painter, view)
        legend_box = self._legend(painter, view)
        self._scale_bar(painter, view, legend_box)
        painter.restore()

    def _panel(self, painter: QPainter, box: QRectF) -> None:
        painter.setPen(QPen(QColor(0, 0, 0, 40), 1))
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(box, 4, 4)

    def _marking(self, painter: QPainter, view) -> None:
        """The security marking centred at the top, with the title (an exported PNG also
        gets the release gate's bands top and bottom)."""
        font = QFont(self.font())
        font.setPixelSize(12)
        font.setBold(True)
        font.setLetterSpacing(QFont.AbsoluteSpacing, 1.0)
        painter.setFont(font)
        text = self.marking + (f"  ·  {self.title}" if self.title else "")
        width = painter.fontMetrics().horizontalAdvance(text) + 24
        box = QRectF((view.width() - width) / 2, 6, width, 22)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(31, 59, 90, 230))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignCenter, text)

    def _attribution(self, painter: QPainter, view) -> None:
        """The licence lines of the data shown (basemap first), bottom right."""
        text = " · ".join(t for t in (self.attribution, LICENCE) if t)
        font = QFont(self.font())
        font.setPixelSize(9)
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 10
        box = QRectF(view.width() - width - 4, view.height() - BOTTOM_BAND - 15, width, 13)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRect(box)
        painter.setPen(QColor("#555"))
        painter.drawText(box, Qt.AlignCenter, text)

    def _north_arrow(self, painter: QPainter, view) -> None:
        x, y = view.width() - 34, 18
        box = QRectF(x - 16, y - 4, 32, 48)
        self._panel(painter, box)
        arrow = QPolygonF([QPointF(x, y + 2), QPointF(x + 8, y + 26), QPointF(x, y + 21), QPointF(x - 8, y + 26)])
        painter.setPen(QPen(QColor("#222"), 1))
        painter.setBrush(QColor("#222"))
        painter.drawPolygon(arrow)
        font = QFont(self.font())
        font.setPixelSize(11)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRectF(x - 10, y + 27, 20, 14), Qt.AlignCenter, "N")

    def _scale_bar(self, painter: QPainter, view, legend_box: QRectF | None) -> None:
        mpp = self.metres_per_pixel()
        target = 120 * mpp
        length = max((n for n in NICE_LENGTHS if n <= target), default=NICE_LENGTHS[0])
        px = length / mpp
        x0, y0 = view.width() - px - 24, view.height() - 26 - BOTTOM_BAND - 14
        if legend_box is not None and legend_box.right() + 12 > x0 - 10:
            y0 = legend_box.top() - 22          # a narrow map: stack the scale bar above the legend
        self._panel(painter, QRectF(x0 - 10, y0 - 20, px + 20, 32))
        painter.setPen(QPen(QColor("#222"), 1))
        half = px / 2
        painter.fillRect(QRectF(x0, y0, half, 5), QColor("#222"))
        painter.fillRect(QRectF(x0 + half, y0, half, 5), QColor("white"))
        painter.drawRect(QRectF(x0, y0, px, 5))
        font = QFont(self.font())
        font.setPixelSize(10)
        painter.setFont(font)
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        painter.drawText(QRectF(x0, y0 - 17, px, 14), Qt.AlignCenter, label)

    def _legend(self, painter: QPainter, view) -> QRectF | None:
        legend = self.legend
        rows: list[tuple[str, object, str]] = []
        for colour, text in legend.categories:
            rows.append(("dot", colour, text))
        for colour, text in legend.classes:
            rows.append(("box", colour, text))
        for colour, text in legend.lines:
            rows.append(("line", colour, text))
        if not rows and legend.ramp is None:
            return None
        font = QFont(self.font())
        font.setPixelSize(11)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line = 17
        bold = QFont(font)
        bold.setBold(True)
        title_width = QFontMetricsF(bold).horizontalAdvance(legend.title) - 20
        width = max([metrics.horizontalAdvance(r[2]) for r in rows] + [title_width, 150]) + 40
        height = 28 + line * len(rows) + (44 if legend.ramp else 0)
        box = QRectF(10, view.height() - height - 10 - BOTTOM_BAND, width, height)
        self._panel(painter, box)
        painter.setFont(bold)
        painter.setPen(QColor("#222"))
        painter.drawText(QRectF(box.left() + 10, box.top() + 6, width - 20, 16), Qt.AlignLeft, legend.title)
        painter.setFont(font)
        y = box.top() + 26
        for kind, colour, text in rows:
            painter.setPen(QPen(QColor(255, 255, 255), 1) if kind == "dot" else Qt.NoPen)
            painter.setBrush(colour)
            if kind == "dot":
                painter.drawEllipse(QPointF(box.left() + 16, y + 7), 5, 5)
            elif kind == "box":
                painter.drawRect(QRectF(box.left() + 10, y + 2, 12, 11))
            else:
                pen = QPen(colour, 2)
                painter.setPen(pen)
                painter.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 45))
                painter.drawRect(QRectF(box.left() + 10, y + 2, 12, 11))
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(box.left() + 30, y, width - 36, line), Qt.AlignVCenter | Qt.AlignLeft, text)
            y += line
        if legend.ramp:
            label, top = legend.ramp
            painter.drawText(QRectF(box.left() + 10, y, width - 20, line), Qt.AlignVCenter | Qt.AlignLeft, label)
            bar = QRectF(box.left() + 10, y + 18, width - 20, 9)
            gradient = QLinearGradient(bar.topLeft(), bar.topRight())
            lut = style.ramp(n=8)
            for i, (r, g, b, _a) in enumerate(lut):
                gradient.setColorAt(i / (len(lut) - 1), QColor(int(r), int(g), int(b)))
            painter.fillRect(bar, gradient)
            painter.setPen(QColor("#444"))
            small = QFont(font)
            small.setPixelSize(9)
            painter.setFont(small)
            painter.drawText(QRectF(bar.left(), bar.bottom() + 1, 40, 12), Qt.AlignLeft, "0")
            painter.drawText(QRectF(bar.right() - 80, bar.bottom() + 1, 80, 12), Qt.AlignRight,
                             f"{top:,.{0 if top >= 10 else 1}f}+")
        return box


def scale_denominator(canvas: MapCanvas, dpi: float = 96.0) -> float:
    """The map scale 1:N at the current zoom (for the status bar)."""
    return canvas.metres_per_pixel() * dpi / 0.0254 if canvas.metres_per_pixel() > 0 else math.inf
