"""The installed PySide6 must not be 6.12.0, which takes a reference from None on every
void call and so aborts Python 3.11 after a few thousand calls (pyproject excludes it)."""

import sys

from PySide6.QtGui import QColor


def test_void_qt_calls_do_not_consume_references_to_none(qapp):
    colour = QColor(1, 2, 3)
    before = sys.getrefcount(None)
    for _ in range(1000):
        colour.setAlpha(7)
    assert before - sys.getrefcount(None) < 10
