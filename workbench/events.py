"""A tiny observer (Qt-free, used by every layer): models announce what changed; views refresh only that.

``Changed(kind, ids)`` says *what* changed (``offences``, ``series``, ``links``, ``intel``,
``tasking``, ``boundaries``, ``selection``...) so each panel can ignore the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Changed:
    """What a write or an action changed."""

    kind: str
    ids: tuple[Any, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class Event:
    """A list of callbacks called with one argument."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Any], None]] = []

    def connect(self, callback: Callable[[Any], None]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[Any], None]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, value: Any) -> None:
        for callback in list(self._callbacks):
            callback(value)
