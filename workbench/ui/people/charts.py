"""A missing person's episodes drawn two ways.

:class:`EpisodeTimeline`: one row per episode, a bar from when it was reported to when
the person was found (an arrow to the edge while still missing), coloured by risk, on a
date axis with month ticks. :class:`EpisodeMap`: where each episode was last seen
(circle) and where found (square), joined by a line, numbered in order, over the ward
boundaries round them, with a scale bar.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

RISK_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#2e86c1", "no-apparent-risk": "#7f8c8d"}
SEEN_COLOUR = QColor("#1f3b5a")
FOUND_COLOUR = QColor("#c0392b")
MIN_BAR_PX = 6


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class EpisodeTimeline(QWidget):
    """The episodes of one person as bars on a date axis."""

    ROW = 22
    LEFT = 190

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.episodes: list[dict] = []
        self.setMinimumHeight(120)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)

    def set_episodes(self, episodes: list[dict]) -> None:
        self.episodes = list(episodes)
        self.setMinimumHeight(60 + self.ROW * max(1, len(self.episodes)))
        self.update()

    def _span(self) -> tuple[datetime, datetime]:
        starts = [_when(e["reported_at"]) for e in self.episodes]
        ends = [_when(e["found_at"]) or _when(e["reported_at"]) for e in self.episodes]
        first, last = min(starts), max(ends)
        pad = max(timedelta(days=2), (last - first) * 0.04)
        return first - pad, last + pad

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if not self.episodes:
            p.setPen(QColor("#8a9099"))
            p.drawText(self.rect(), Qt.AlignCenter, "Select a person to see their episodes")
            return
        first, last = self._span()
        width = max(10, self.width() - self.LEFT - 20)
        total = (last - first).total_seconds()

        def x(t: datetime) -> float:
            return self.LEFT + (t - first).total_seconds() / total * width

        axis_y = 30 + self.ROW * len(self.episodes)
        p.setPen(QPen(QColor("#b0b6bd"), 1))
        p.drawLine(QPointF(self.LEFT, axis_y), QPointF(self.LEFT + width, axis_y))
        month = datetime(first.year, first.month, 1)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        p.setFont(small)
        while month <= last:
            if month >= first:
                mx = x(month)
                p.setPen(QPen(QColor("#e3e6ea"), 1))
                p.drawLine(QPointF(mx, 20), QPointF(mx, axis_y))
                p.setPen(QColor("#5d6670"))
                p.drawText(QPointF(mx + 2, axis_y + 14), month.strftime("%b %Y"))
            month = datetime(month.year + month.month // 12, month.month % 12 + 1, 1)
        for i, episode in enumerate(self.episodes):
            y = 22 + i * self.ROW
            start, end = _when(episode["reported_at"]), _when(episode["found_at"])
            colour = QColor(RISK_COLOURS.get(episode["risk"], "#7f8c8d"))
            x0 = x(start)
            x1 = max(x(end) if end else self.LEFT + width, x0 + MIN_BAR_PX)
            p.setPen(Qt.NoPen)
            p.setBrush(QBrush(colour))
            p.drawRoundedRect(QRectF(x0, y, x1 - x0, self.ROW - 8), 2, 2)
            if end is None:
                p.drawPolygon([QPointF(x1, y - 2), QPointF(x1 + 8, y + (self.ROW - 8) / 2), QPointF(x1, y + self.ROW - 6)])
            p.setPen(QColor("#1b2631"))
            hours = f"{episode['hours_missing']:.0f} h" if episode.get("hours_missing") is not None else "not found"
            p.drawText(QRectF(4, y - 3, self.LEFT - 8, self.ROW), Qt.AlignVCenter | Qt.AlignLeft,
                       f"{i + 1}. {start:%d %b %H:%M} · {hours} · {episode['risk']}")
        legend_x = self.LEFT
        for risk, colour in RISK_COLOURS.items():
            p.setPen(Qt.NoPen)
            p.setBrush(QColor(colour))
            p.drawRect(QRectF(legend_x, 4, 10, 10))
            p.setPen(QColor("#1b2631"))
            p.drawText(QPointF(legend_x + 14, 13), risk.replace("-", " "))
            legend_x += 24 + p.fontMetrics().horizontalAdvance(risk)


class EpisodeMap(QWidget):
    """Last-seen and found locations of one person's episodes over ward boundaries."""

    PAD_M = 400.0

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.episodes: list[dict] = []
        self.wards: list = []               # Boundary objects (name, geometry)
        self.setMinimumSize(320, 260)

    def set_wards(self, wards: list) -> None:
        self.wards = wards
        self.update()

    def set_episodes(self, episodes: list[dict]) -> None:
        self.episodes = list(episodes)
        self.update()

    def _points(self) -> list[tuple[float, float]]:
        pts = []
        for e in self.episodes:
            for kx, ky in (("last_seen_easting", "last_seen_northing"), ("found_easting", "found_northing")):
                if e.get(kx) is not None and e.get(ky) is not None:
                    pts.append((float(e[kx]), float(e[ky])))
        return pts

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.fillRect(self.rect(), QColor("#f7f8fa"))
        pts = self._points()
        if not pts:
            p.setPen(QColor("#8a9099"))
            p.drawText(self.rect(), Qt.AlignCenter, "No locations recorded")
            return
        xs, ys = [a for a, _ in pts], [b for _, b in pts]
        minx, maxx = min(xs) - self.PAD_M, max(xs) + self.PAD_M
        miny, maxy = min(ys) - self.PAD_M, max(ys) + self.PAD_M
        margin = 14
        box_w, box_h = self.width() - 2 * margin, self.height() - 2 * margin - 20
        scale = min(box_w / (maxx - minx), box_h / (maxy - miny))
        # widen the view to the widget's shape, so the wards round the points fill it
        grow_x, grow_y = (box_w / scale - (maxx - minx)) / 2, (box_h / scale - (maxy - miny)) / 2
        minx, maxx, miny, maxy = minx - grow_x, maxx + grow_x, miny - grow_y, maxy + grow_y
        ox, oy = margin, margin
        p.setClipRect(QRectF(ox, oy, box_w, box_h))

        def at(x: float, y: float) -> QPointF:
            return QPointF(ox + (x - minx) * scale, oy + (maxy - y) * scale)

        view = shapely.box(minx, miny, maxx, maxy)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        p.setFont(small)
        for ward in self.wards:
            if not ward.geometry.intersects(view):
                continue
            shape = ward.geometry.intersection(view)
            path = QPainterPath()
            for poly in getattr(shape, "geoms", [shape]):
                if poly.geom_type != "Polygon":
                    continue
                ring = list(poly.exterior.coords)
                path.moveTo(at(*ring[0]))
                for c in ring[1:]:
                    path.lineTo(at(*c))
                path.closeSubpath()
            p.setPen(QPen(QColor("#c5cad1"), 1))
            p.setBrush(QColor("white"))
            p.drawPath(path)
            centre = shape.representative_point()
            p.setPen(QColor("#a1a8b0"))
            p.drawText(at(centre.x, centre.y), ward.name)
        for n, e in enumerate(self.episodes, start=1):
            seen = (e.get("last_seen_easting"), e.get("last_seen_northing"))
            found = (e.get("found_easting"), e.get("found_northing"))
            if None not in seen and None not in found:
                p.setPen(QPen(QColor("#7f8c8d"), 1, Qt.DashLine))
                p.drawLine(at(*seen), at(*found))
            if None not in seen:
                p.setPen(QPen(QColor("white"), 1))
                p.setBrush(SEEN_COLOUR)
                p.drawEllipse(at(*seen), 6, 6)
            if None not in found:
                q = at(*found)
                p.setPen(QPen(QColor("white"), 1))
                p.setBrush(FOUND_COLOUR)
                p.drawRect(QRectF(q.x() - 6, q.y() - 6, 12, 12))
                p.setPen(QColor("#1b2631"))
                p.drawText(QPointF(q.x() + 8, q.y() - 6), str(n))
        # legend and scale bar
        p.setClipping(False)
        p.setPen(QPen(QColor("#c5cad1"), 1))
        p.setBrush(Qt.NoBrush)
        p.drawRect(QRectF(ox, oy, box_w, box_h))
        base = self.height() - 10
        p.setPen(Qt.NoPen)
        p.setBrush(SEEN_COLOUR)
        p.drawEllipse(QPointF(margin + 5, base - 4), 5, 5)
        p.setPen(QColor("#1b2631"))
        p.drawText(QPointF(margin + 14, base), "last seen")
        p.setPen(Qt.NoPen)
        p.setBrush(FOUND_COLOUR)
        p.drawRect(QRectF(margin + 80, base - 9, 10, 10))
        p.setPen(QColor("#1b2631"))
        p.drawText(QPointF(margin + 94, base), "found (numbered by episode)")
        metres = next((m for m in (100, 200, 250, 500, 1000, 2000, 5000) if m * scale >= 60), 5000)
        x1 = self.width() - margin
        x0 = x1 - metres * scale
        p.setPen(QPen(QColor("#1b2631"), 2))
        p.drawLine(QPointF(x0, base - 3), QPointF(x1, base - 3))
        p.drawText(QPointF(x0, base - 7), f"{metres} m" if metres < 1000 else f"{metres // 1000} km")
