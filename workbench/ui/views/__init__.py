"""The main window's views. Each module defines ``TITLE``, ``ORDER`` and
``create_view(session, parent=None)``; :func:`view_modules` finds them, so a new screen
is a new module and nothing else changes."""

from __future__ import annotations

import importlib
import pkgutil


def view_modules() -> list:
    """Every view module, in ``ORDER``."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "create_view"):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))
