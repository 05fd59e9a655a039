"""A series' offences on a timeline: one marker per offence (a bar for its time window),
a date axis underneath (ticks of days, weeks, months, quarters or years, whichever gives
a readable number, always labelled with a day and month), references beside."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView

WIDTH = 900.0
MAX_TICKS = 9
#: Tick steps, finest first: (kind, size).
STEPS = (("day", 1), ("day", 2), ("week", 1), ("week", 2), ("month", 1), ("month", 3), ("month", 6),
         ("year", 1), ("year", 2), ("year", 5))


def _add_months(when: datetime, months: int) -> datetime:
    total = when.year * 12 + when.month - 1 + months
    return datetime(total // 12, total % 12 + 1, 1)


def _ticks(start: datetime, end: datetime, kind: str, size: int) -> list[datetime]:
    if kind in ("day", "week"):
        first = datetime(start.year, start.month, start.day)
        if kind == "week":
            first -= timedelta(days=first.weekday())          # Mondays
        step = timedelta(days=size * (7 if kind == "week" else 1))
        ticks = [first + step * k for k in range(int((end - first) / step) + 2)]
    else:
        months = size * (12 if kind == "year" else 1)
        first = datetime(start.year, 1, 1) if kind == "year" else datetime(start.year, start.month, 1)
        if kind == "month" and size > 1:
            first = datetime(start.year, 1 + (start.month - 1) // size * size, 1)
        ticks = [first]
        while ticks[-1] <= end:
            ticks.append(_add_months(ticks[-1], months))
    return [t for t in ticks if start <= t <= end]


def date_ticks(start: datetime, end: datetime, max_ticks: int = MAX_TICKS) -> list[tuple[datetime, str]]:
    """Ticks for a date axis from ``start`` to ``end``: the finest of days, weeks,
    months, quarters or years giving at most ``max_ticks`` (at least two: the ends when
    no step fits inside), labelled so a reader knows the date ("3 Mar", "Mar 2025",
    "2025").

    >>> [label for _t, label in date_ticks(datetime(2025, 3, 1), datetime(2025, 3, 5))]
    ['1 Mar', '2 Mar', '3 Mar', '4 Mar', '5 Mar']
    >>> [label for _t, label in date_ticks(datetime(2024, 11, 20), datetime(2025, 6, 2))]
    ['Dec 2024', 'Jan 2025', 'Feb 2025', 'Mar 2025', 'Apr 2025', 'May 2025', 'Jun 2025']
    """
    for kind, size in STEPS:
        ticks = _ticks(start, end, kind, size)
        if 2 <= len(ticks) <= max_ticks:
            break
    else:
        ticks = [start, end]
        kind = "hour"                                           # all within a day or two
    fmt = {"hour": "%-d %b %H:%M", "day": "%-d %b", "week": "%-d %b", "month": "%b %Y", "year": "%Y"}[kind]
    return [(t, t.strftime(fmt)) for t in ticks]


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
        for tick, text in date_ticks(start, end):
            scene.addLine(x(tick), axis_y, x(tick), axis_y + 5, QPen(QColor("#555555"), 1))
            label = QGraphicsSimpleTextItem(text)
            label.setFont(font)
            label.setPos(x(tick) - label.boundingRect().width() / 2, axis_y + 6)
            scene.addItem(label)
        span = QGraphicsSimpleTextItem(f"{start:%d %b %Y} to {end:%d %b %Y}")
        span.setFont(font)
        span.setBrush(QColor("#555555"))
        span.setPos(0, axis_y + 22)
        scene.addItem(span)
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
