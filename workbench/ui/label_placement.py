"""Labels beside chart symbols that avoid each other: each label goes on the first side
of its symbol (below, above, right, left, then the four corners) where it overlaps no
label placed before it and no other symbol; where none is free, on the side with the
fewest clashes. Shared by the network chart and the series link chart."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

SIDES = ("below", "above", "right", "left", "below-right", "above-right", "below-left", "above-left")
GAP = 2.0


def chart_font(points: float) -> QFont:
    """The application's own (sans-serif) font at ``points``, never a serif fallback."""
    font = QFont(QApplication.font())
    font.setPointSizeF(points)
    return font


def label_offset(side: str, radius: float, size: QSizeF) -> QPointF:
    """Where a label of ``size`` goes (its top-left corner) relative to the centre of a
    symbol of ``radius``, on ``side`` (one of :data:`SIDES`)."""
    w, h = size.width(), size.height()
    corner = radius * 0.7
    return {"below": QPointF(-w / 2, radius + GAP), "above": QPointF(-w / 2, -radius - GAP - h),
            "right": QPointF(radius + GAP + 1, -h / 2), "left": QPointF(-radius - GAP - 1 - w, -h / 2),
            "below-right": QPointF(corner + GAP, corner + GAP), "above-right": QPointF(corner + GAP, -corner - GAP - h),
            "below-left": QPointF(-corner - GAP - w, corner + GAP),
            "above-left": QPointF(-corner - GAP - w, -corner - GAP - h)}[side]


def place_labels(symbols: list[tuple[QPointF, float, QSizeF]]) -> list[str]:
    """The side of each label, for symbols given as (centre, radius, label size) in
    priority order (the first keeps its favourite side)."""
    shapes = [QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r) for c, r, _size in symbols]
    placed: list[QRectF] = []
    sides = []
    for k, (centre, radius, size) in enumerate(symbols):
        def clashes(side: str, centre=centre, radius=radius, size=size, k=k) -> int:
            rect = QRectF(centre + label_offset(side, radius, size), size)
            return (sum(rect.intersects(other) for other in placed)
                    + sum(rect.intersects(shape) for n, shape in enumerate(shapes) if n != k))
        chosen = next((side for side in SIDES if clashes(side) == 0), None) or min(SIDES, key=clashes)
        placed.append(QRectF(centre + label_offset(chosen, radius, size), size))
        sides.append(chosen)
    return sides
