"""A series' offences on a timeline: one marker per offence (a bar for its time window),
month ticks underneath, references above."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

WIDTH = 900.0


class Timeline(QGraphicsView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.Antialiasing)
        self.setMinimumHeight(150)

    def show_offences(self, items: list[tuple[str, datetime, datetime, str]]) -> None:
        """``items``: (reference, window start, window end, category)."""
        scene = self.scene()
        scene.clear()
        if not items:
            return
        start = min(i[1] for i in items)
        end = max(i[2] for i in items)
        total = max((end - start).total_seconds(), 86400.0)

        def x(when: datetime) -> float:
            return (when - start).total_seconds() / total * WIDTH

        font = QFont()
        font.setPointSize(8)
        axis_y = 30.0 + 18.0 * min(len(items), 8)
        scene.addLine(0, axis_y, WIDTH, axis_y, QPen(QColor("#555555"), 1))
        month = datetime(start.year, start.month, 1)
        while month <= end:
            if month >= start:
                scene.addLine(x(month), axis_y, x(month), axis_y + 5, QPen(QColor("#555555"), 1))
                label = QGraphicsSimpleTextItem(month.strftime("%b %Y"))
                label.setFont(font)
                label.setPos(x(month) - 18, axis_y + 6)
                scene.addItem(label)
            month = datetime(month.year + (month.month == 12), month.month % 12 + 1, 1)
        for k, (ref, t0, t1, category) in enumerate(sorted(items, key=lambda i: i[1])):
            lane = 20.0 + 18.0 * (k % 8)
            colour = QColor("#b23a48" if category in ("rape", "sexual-assault", "exposure", "other-sexual") else "#37597a")
            x0, x1 = x(t0), max(x(t1), x(t0) + 6)
            bar = scene.addRect(QRectF(x0, lane, x1 - x0, 8), QPen(colour.darker(), 1), QBrush(colour))
            bar.setToolTip(f"{ref}: {t0:%d/%m/%Y %H:%M} to {t1:%d/%m/%Y %H:%M} ({category})")
            scene.addLine(x0, lane + 8, x0, axis_y, QPen(QColor(0, 0, 0, 40), 1, Qt.DotLine))
            text = QGraphicsSimpleTextItem(ref)
            text.setFont(font)
            text.setPos(x1 + 3, lane - 3)
            scene.addItem(text)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -10, 60, 10))
        self.fitInView(scene.sceneRect(), Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self.scene().sceneRect().isEmpty():
            self.fitInView(self.scene().sceneRect(), Qt.KeepAspectRatio)
