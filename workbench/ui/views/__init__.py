"""The main window's views. Each module defines ``TITLE``, ``ORDER`` and
``create_view(session, parent=None)``; :func:`view_entries` finds them, so a new screen
is a new module and nothing else changes.

Views are found without importing them (their ``TITLE`` and ``ORDER`` are read from the
source), so the window opens at once and each view's module, with the libraries it
needs, is imported only when the view is first built.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class ViewEntry:
    """A view module found on disk: its title and place, and how to load it."""

    module: str
    title: str
    order: int

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


def _constants(source: str) -> dict:
    """Module-level ``NAME = literal`` assignments and top-level function names."""
    found: dict = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                found[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
        elif isinstance(node, ast.FunctionDef):
            found[node.name] = True
    return found


def _entry(name: str) -> ViewEntry | None:
    source = Path(__path__[0], f"{name}.py")
    if source.is_file():
        values = _constants(source.read_text(encoding="utf-8"))
    else:  # a frozen build keeps no sources: import to read the constants
        module = importlib.import_module(f"{__name__}.{name}")
        values = {key: getattr(module, key) for key in ("TITLE", "ORDER", "create_view") if hasattr(module, key)}
    if "create_view" not in values or "TITLE" not in values:
        return None
    return ViewEntry(f"{__name__}.{name}", values["TITLE"], values.get("ORDER", 100))


def view_entries() -> list[ViewEntry]:
    """Every view, in ``ORDER`` (then module name), none of them imported."""
    entries = [_entry(info.name) for info in pkgutil.iter_modules(__path__)]
    return sorted((e for e in entries if e is not None), key=lambda e: (e.order, e.module))
