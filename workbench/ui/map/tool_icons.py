"""Icons of the map tools (pan, rectangle, polygon), drawn with QPainter so they look the
same on every system: the Unicode glyphs used before (a hand, a pentagon) are missing
from common Linux fonts and showed as empty boxes."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

SIZE = 32
INK = QColor("#2b3a4a")


def _arrows(painter: QPainter) -> None:
    """A four-way arrow: move the map in any direction."""
    c, r, head = SIZE / 2, SIZE / 2 - 3, 6
    painter.drawLine(QPointF(c, c - r), QPointF(c, c + r))
    painter.drawLine(QPointF(c - r, c), QPointF(c + r, c))
    for dx, dy in ((0, -1), (0, 1), (-1, 0), (1, 0)):
        tip = QPointF(c + dx * r, c + dy * r)
        back = QPointF(c + dx * (r - head), c + dy * (r - head))
        side = QPointF(dy * head * 0.8, dx * head * 0.8)
        painter.drawPolygon(QPolygonF([tip, back + side, back - side]))


def _rectangle(painter: QPainter) -> None:
    """A dashed selection rectangle."""
    pen = painter.pen()
    pen.setStyle(Qt.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.NoBrush)
    painter.drawRect(QRectF(4, 7, SIZE - 8, SIZE - 14))


def _polygon(painter: QPainter) -> None:
    """A pentagon with its corners marked, as the polygon tool is drawn click by click."""
    c, r = SIZE / 2, SIZE / 2 - 4
    corners = [QPointF(c + r * math.sin(2 * math.pi * k / 5), c + 1 - r * math.cos(2 * math.pi * k / 5))
               for k in range(5)]
    painter.setBrush(Qt.NoBrush)
    painter.drawPolygon(QPolygonF(corners))
    painter.setBrush(INK)
    for corner in corners:
        painter.drawEllipse(corner, 2.2, 2.2)


_DRAW = {"pan": _arrows, "rect": _rectangle, "polygon": _polygon}


def tool_icon(mode: str) -> QIcon:
    """The icon of map tool ``mode`` (``pan``, ``rect`` or ``polygon``)."""
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setPen(QPen(INK, 2.2, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
    painter.setBrush(INK)
    _DRAW[mode](painter)
    painter.end()
    return QIcon(pixmap)
