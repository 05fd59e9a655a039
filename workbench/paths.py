"""Where Workbench finds its bundled files and keeps the user's store.

Resources (``resources/``) and bundled data (``data/``) sit beside the package in a
source checkout (and an editable install), inside the package in a wheel install (see
``setup.py``), and inside ``sys._MEIPASS`` in the PyInstaller build, so every lookup goes
through here rather than through ``__file__`` arithmetic scattered in the code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def install_root() -> Path:
    """The folder holding ``resources/`` and ``data/`` (frozen bundle, installed package or
    source tree)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    package = Path(__file__).resolve().parent
    return package if (package / "resources").is_dir() else package.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/`` (icons, templates, styles)."""
    return install_root().joinpath("resources", *parts)


def data_path(*parts: str) -> Path:
    """Path of a bundled data file under ``data/`` (demo sample, boundaries)."""
    return install_root().joinpath("data", *parts)


def user_data_dir() -> Path:
    """The per-user folder for stores; ``WORKBENCH_HOME`` overrides it (tests, kiosks)."""
    override = os.environ.get("WORKBENCH_HOME")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "Workbench"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Workbench"
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "workbench"


def default_store_path() -> Path:
    """The store used when ``--db`` is not given."""
    return user_data_dir() / "workbench.sqlite"


def demo_store_path() -> Path:
    """The demo store built by ``workbench demo`` on first run."""
    return user_data_dir() / "demo.sqlite"

