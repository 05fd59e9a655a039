"""The main window's views. Each module defines ``TITLE``, ``ORDER`` and
``create_view(session, parent=None)``; :func:`view_modules` finds them, so a new screen
is a new module and nothing else changes."""

from __future__ import annotations

from workbench.discovery import modules_with


def view_modules() -> list:
    """Every view module, in ``ORDER``."""
    return modules_with(__name__, "create_view")
