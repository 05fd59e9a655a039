"""Garbage collection only on the UI thread.

Python's cycle collector runs in whichever thread happens to allocate, so a worker
thread can end up destroying Qt objects that belong to the UI thread, which crashes
Qt. Like pyqtgraph's GarbageCollector, we switch automatic collection off and collect
from a timer on the UI thread instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadGarbageCollector(QObject):
    """Collects garbage on the UI thread every ``interval_ms`` when thresholds are passed."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self.thresholds[generation]:
                gc.collect(generation)
                break
