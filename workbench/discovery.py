"""Finding a package's modules that provide something (commands, views), so a new
capability is a new module and no central list has to be edited."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def modules_with(package: str, attribute: str) -> list[ModuleType]:
    """The modules of ``package`` that define ``attribute``, by ``ORDER`` then name."""
    found = []
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        if hasattr(module, attribute):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))
