"""Keeping pyproj alive across background jobs.

pyproj (3.7) keeps one PROJ context per native thread: a raw pointer in thread-specific
storage, freed when the Python ``threading.local`` that owns it is cleared. PySide
clears a pool thread's Python state after each ``QRunnable``, so the next job on the
same pool thread finds a dangling pointer and the process crashes the moment it builds a
CRS (any GeoDataFrame). Pinning each pool thread's context manager for the life of the
process keeps the pointer valid.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

_PINNED: dict[int, Any] = {}


def keep_proj_context(work: Callable) -> Callable:
    """Wrap a ``work(store, progress, cancelled)`` job so pyproj survives the job's end."""
    def wrapped(store, progress, cancelled):
        try:
            return work(store, progress, cancelled)
        finally:
            from pyproj._context import get_context_manager

            manager = get_context_manager()
            if manager is not None:
                _PINNED.setdefault(threading.get_native_id(), manager)
    return wrapped
