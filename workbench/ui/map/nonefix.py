"""A guard against a reference-count bug of PySide6 6.12.0 on Python 3.11.

Every Qt method that returns nothing (``setText``, ``setPen``, ``drawEllipse``...) hands
Python ``None`` without the reference it owes. On Python 3.12+ ``None`` is immortal and
nothing happens; on 3.11 each call takes one reference from ``None``, and after a few
thousand calls Python deallocates ``None`` and aborts ("none_dealloc"). A map repaint
makes hundreds of such calls. :func:`guard_none` checks whether the installed PySide6
has the bug and, if so, gives ``None`` a reference count it cannot run out of.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 48
_guarded = False


def leaks_none() -> bool:
    """True when a void Qt call takes a reference from ``None`` (the 6.12.0 bug)."""
    from PySide6.QtGui import QColor

    colour = QColor(0, 0, 0)
    before = sys.getrefcount(None)
    for _ in range(8):
        colour.setAlpha(255)
    return sys.getrefcount(None) < before - 4


def guard_none() -> bool:
    """Protect ``None`` if this PySide6 leaks it (once per process); True if it did."""
    global _guarded
    if _guarded or sys.version_info >= (3, 12) or not leaks_none():
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += _RESERVE
    _guarded = True
    return True
