"""The contract of long work: ``run(inputs, *, progress, cancelled)``.

``progress(fraction, message)`` reports 0..1 done; ``cancelled()`` is polled and, when it
returns True, the work raises :class:`Cancelled` after undoing what it started (importers
roll their transaction back). The Qt shell runs such functions on a thread pool, the CLI
prints progress to stderr, tests pass nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.errors import Cancelled

__all__ = ["Cancelled", "CancelledFn", "JobControl", "ProgressFn"]

ProgressFn = Callable[[float, str], None]
CancelledFn = Callable[[], bool]



class JobControl:
    """Wraps optional progress/cancel callbacks so work code calls them unconditionally."""

    def __init__(self, progress: ProgressFn | None = None, cancelled: CancelledFn | None = None):
        self._progress = progress
        self._cancelled = cancelled

    def report(self, fraction: float, message: str = "") -> None:
        """Report progress and raise :class:`Cancelled` if the analyst asked to stop."""
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()
        if self._progress is not None:
            self._progress(max(0.0, min(1.0, fraction)), message)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the analyst asked to stop."""
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()

    def sub(self, start: float, end: float) -> JobControl:
        """A control for one stage of the work, mapping its 0..1 onto ``start..end``."""
        def scaled(fraction: float, message: str) -> None:
            if self._progress is not None:
                self._progress(start + (end - start) * fraction, message)
        return JobControl(scaled, self._cancelled)
