"""Where unexpected errors go: a log file in the user folder, never a traceback on screen."""

from __future__ import annotations

import traceback
from pathlib import Path

from workbench.paths import user_data_dir


def log_unexpected_error(text: str | None = None) -> Path:
    """Append the current exception's traceback (or ``text``) to the error log; return its path."""
    path = user_data_dir() / "workbench-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write((text or traceback.format_exc()) + "\n")
    except OSError:
        return Path("(the error log could not be written)")
    return path
