"""The offence layer: points coloured by category, clustered on a screen grid when dense.

One QGraphicsItem draws every offence, so a million offences cost one item, not a
million. Each paint works on the visible extent only: the points are kept sorted by
easting, the visible ones found by binary search and a mask, and then either

* drawn as points (up to :data:`POINT_LIMIT` visible: more would hide each other),
  one ``drawPoints`` call per category with a cosmetic round pen, or
* aggregated into cells of :data:`CLUSTER_PX` screen pixels aligned to the national
  grid (``np.unique``/``np.bincount`` over all offences once per zoom level, cached, so
  panning only picks the visible cells), each drawn as a disc at the cell's mean
  position, sized by its count, coloured by its most common category, with the count.

Selected offences are ringed in yellow (or their cluster is).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

from workbench.ui.map.style import SELECTION

POINT_LIMIT = 2_500
CLUSTER_PX = 56.0
POINT_PX = 6.5


def short_count(n: int) -> str:
    """``1234`` -> ``1.2k``: counts that fit in a disc."""
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 10_000:
        return f"{n // 1000}k"
    if n >= 1000:
        return f"{n / 1000:.1f}k"
    return str(n)


class PointLayer(QGraphicsItem):
    """Offences as points or clusters (see the module docstring)."""

    def __init__(self, view):
        super().__init__()
        self._view = view
        self.x = self.y = np.zeros(0)
        self.ids = np.zeros(0, np.int64)
        self.codes = np.zeros(0, np.int32)
        self.colours: list[QColor] = []
        self.selected = np.zeros(0, bool)
        self._bounds = QRectF()
        self._cluster_cache: dict[float, dict] = {}
        self.setZValue(10)

    # -- data ---------------------------------------------------------------------
    @property
    def count(self) -> int:
        return len(self.ids)

    def set_points(self, ids, easting, northing, codes, colours: list[QColor]) -> None:
        """Replace the offences (``codes`` index ``colours``); NaN coordinates are dropped."""
        x = np.asarray(easting, float)
        y = np.asarray(northing, float)
        ok = np.isfinite(x) & np.isfinite(y)
        order = np.argsort(x[ok], kind="stable")
        self.prepareGeometryChange()
        self.x, self.y = x[ok][order], y[ok][order]
        self.ids = np.asarray(ids, np.int64)[ok][order]
        self.codes = np.asarray(codes, np.int32)[ok][order]
        self.colours = list(colours)
        self.selected = np.zeros(len(self.ids), bool)
        self._cluster_cache = {}
        if len(self.x):
            pad = 500.0
            self._bounds = QRectF(self.x.min() - pad, -self.y.max() - pad,
                                  self.x.max() - self.x.min() + 2 * pad, self.y.max() - self.y.min() + 2 * pad)
        else:
            self._bounds = QRectF()
        self.update()

    def select_ids(self, ids) -> int:
        """Ring these offences; returns how many of them are on the map."""
        self.selected = np.isin(self.ids, np.asarray(list(ids), np.int64)) if len(self.ids) else self.selected
        self.update()
        return int(self.selected.sum())

    def visible(self, rect: QRectF) -> np.ndarray:
        """Indices of the points inside a scene rectangle."""
        lo = np.searchsorted(self.x, rect.left(), side="left")
        hi = np.searchsorted(self.x, rect.right(), side="right")
        y = self.y[lo:hi]
        inside = (y >= -rect.bottom()) & (y <= -rect.top())
        return lo + np.flatnonzero(inside)

    def ids_in_rect(self, rect: QRectF) -> np.ndarray:
        return self.ids[self.visible(rect.normalized())]

    def ids_in_polygon(self, polygon) -> np.ndarray:
        """Ids of the points inside a shapely polygon (BNG)."""
        import shapely

        if polygon.is_empty:
            return np.zeros(0, np.int64)
        minx, miny, maxx, maxy = polygon.bounds
        idx = self.visible(QRectF(minx, -maxy, maxx - minx, maxy - miny))
        inside = shapely.contains_xy(polygon, self.x[idx], self.y[idx])
        return self.ids[idx[inside]]

    # -- QGraphicsItem ------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not len(self.x):
            return
        view = self._view
        rect = view.mapToScene(view.viewport().rect()).boundingRect()
        scale = painter.worldTransform().m11()       # device pixels per metre
        idx = self.visible(rect)
        if len(idx) == 0:
            return
        painter.setRenderHint(QPainter.Antialiasing, True)
        if len(idx) <= POINT_LIMIT:
            self._paint_points(painter, idx)
        else:
            self._paint_clusters(painter, rect, scale)

    def _paint_points(self, painter: QPainter, idx: np.ndarray) -> None:
        pen = QPen()
        pen.setCosmetic(True)
        pen.setCapStyle(Qt.RoundCap)
        codes = self.codes[idx]
        chosen = self.selected[idx]
        if chosen.any():
            pen.setWidthF(POINT_PX + 5)
            pen.setColor(QColor(SELECTION))
            painter.setPen(pen)
            sel = idx[chosen]
            painter.drawPoints(QPolygonF([QPointF(a, -b) for a, b in zip(self.x[sel], self.y[sel])]))
        outline = QPen(QColor(255, 255, 255, 220))
        outline.setCosmetic(True)
        outline.setCapStyle(Qt.RoundCap)
        outline.setWidthF(POINT_PX + 1.6)
        painter.setPen(outline)
        painter.drawPoints(QPolygonF([QPointF(a, -b) for a, b in zip(self.x[idx], self.y[idx])]))
        pen.setWidthF(POINT_PX)
        for code in np.unique(codes):
            part = idx[codes == code]
            pen.setColor(self.colours[code] if code < len(self.colours) else QColor("#555"))
            painter.setPen(pen)
            painter.drawPoints(QPolygonF([QPointF(a, -b) for a, b in zip(self.x[part], self.y[part])]))

    def _clusters(self, cell: float) -> dict:
        """Every offence aggregated into national-grid cells of ``cell`` metres (cached
        per scale, so panning only picks the visible cells)."""
        key = round(cell, 6)
        if key in self._cluster_cache:
            return self._cluster_cache[key]
        cx = np.floor(self.x / cell).astype(np.int64)
        cy = np.floor(self.y / cell).astype(np.int64)
        cells, inverse = np.unique(cx * 100_000_000 + cy, return_inverse=True)
        n = len(cells)
        counts = np.bincount(inverse, minlength=n)
        mx = np.bincount(inverse, weights=self.x, minlength=n) / counts
        my = np.bincount(inverse, weights=self.y, minlength=n) / counts
        ncat = max(len(self.colours), int(self.codes.max()) + 1)
        dominant = np.bincount(inverse * ncat + self.codes, minlength=n * ncat).reshape(n, ncat).argmax(axis=1)
        order = np.argsort(mx, kind="stable")
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n)
        result = {"x": mx[order], "y": my[order], "count": counts[order], "code": dominant[order],
                  "cell_of": rank[inverse]}
        if len(self._cluster_cache) > 6:
            self._cluster_cache.clear()
        self._cluster_cache[key] = result
        return result

    def _paint_clusters(self, painter: QPainter, rect: QRectF, scale: float) -> None:
        clusters = self._clusters(CLUSTER_PX / max(scale, 1e-9))
        margin = CLUSTER_PX / max(scale, 1e-9)
        lo = np.searchsorted(clusters["x"], rect.left() - margin)
        hi = np.searchsorted(clusters["x"], rect.right() + margin, side="right")
        y = clusters["y"][lo:hi]
        cells = lo + np.flatnonzero((y >= -rect.bottom() - margin) & (y <= -rect.top() + margin))
        chosen = np.zeros(len(clusters["x"]), bool)
        if self.selected.any():
            chosen[clusters["cell_of"][self.selected]] = True
        transform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        font = QFont(painter.font())
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        white = QPen(QColor(255, 255, 255, 230), 1.4)
        for c in cells:
            n = int(clusters["count"][c])
            centre = transform.map(QPointF(clusters["x"][c], -clusters["y"][c]))
            radius = POINT_PX / 2 + 1 if n == 1 else 6 + 4.0 * math.log10(n)
            code = int(clusters["code"][c])
            colour = QColor(self.colours[code]) if code < len(self.colours) else QColor("#555")
            if chosen[c]:
                painter.setPen(Qt.NoPen)
                painter.setBrush(QBrush(QColor(SELECTION)))
                painter.drawEllipse(centre, radius + 4, radius + 4)
            colour.setAlpha(235 if n == 1 else 210)
            painter.setPen(white)
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(centre, radius, radius)
            if n > 1 and radius >= 9:
                painter.setPen(QColor("white"))
                box = QRectF(centre.x() - radius - 4, centre.y() - radius, 2 * radius + 8, 2 * radius)
                painter.drawText(box, Qt.AlignCenter, short_count(n))
        painter.restore()
