"""Map smoothness with 1,000,000 offences: our level-of-detail point layer against
drawing every point on every paint (the naive way), same points, same run.

Run: ``QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_map_points.py``
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QApplication

from workbench.ui.map.canvas import MapCanvas
from workbench.ui.map.style import PALETTE

N = 1_000_000


def points(seed: int = 1):
    """1M offences around 400 centres in a 40 km square (London-sized), 14 categories."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([505000, 160000], [555000, 200000], (400, 2))
    which = rng.integers(0, 400, N)
    xy = centres[which] + rng.normal(0, 900, (N, 2))
    return np.arange(1, N + 1), xy[:, 0], xy[:, 1], rng.integers(0, 14, N).astype(np.int32)


def paint_time(canvas: MapCanvas, repeats: int = 3) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        canvas.viewport().grab()
        best = min(best, time.perf_counter() - start)
    return best


def naive_time(x, y, size=(1400, 860)) -> float:
    """Every point through one drawPoints call per paint (no clustering, no culling)."""
    from PySide6.QtGui import QImage

    image = QImage(size[0], size[1], QImage.Format_ARGB32_Premultiplied)
    start = time.perf_counter()
    polygon = QPolygonF([QPointF(a, b) for a, b in zip((x - x.min()) / 40, (y - y.min()) / 40)])
    painter = QPainter(image)
    pen = QPen(QColor("#0072B2"), 6)
    pen.setCosmetic(True)
    painter.setPen(pen)
    painter.drawPoints(polygon)
    painter.end()
    return time.perf_counter() - start


def main() -> None:
    app = QApplication.instance() or QApplication([])
    ids, x, y, codes = points()
    canvas = MapCanvas()
    canvas.resize(1400, 860)
    canvas.show()
    start = time.perf_counter()
    canvas.set_points(ids, x, y, codes, [QColor(c) for c in PALETTE[:14]])
    load = time.perf_counter() - start
    rows = [("set 1,000,000 points (sort, index)", load)]
    canvas.zoom_to((505000, 160000, 555000, 200000))
    app.processEvents()
    start = time.perf_counter()
    canvas.viewport().grab()
    rows.append(("first paint, whole area (clusters built)", time.perf_counter() - start))
    rows.append(("repaint, whole area (cached clusters)", paint_time(canvas)))
    canvas.translate(-200, 80)
    rows.append(("pan, whole area", paint_time(canvas)))
    canvas.zoom_to((528000, 178000, 534000, 182000))
    canvas.viewport().grab()
    rows.append(("repaint, 6 km (borough) view", paint_time(canvas)))
    canvas.zoom_to((530000, 180000, 530600, 180400))
    rows.append(("repaint, 600 m (street) view, points", paint_time(canvas)))
    naive = naive_time(x, y)
    print(f"{'step':<44}{'ours (s)':>10}")
    for label, seconds in rows:
        print(f"{label:<44}{seconds:>10.3f}")
    print(f"{'naive: draw all 1,000,000 points per paint':<44}{naive:>10.3f}")


if __name__ == "__main__":
    main()
