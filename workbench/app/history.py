"""The session's undo/redo history: a stack of commands (:class:`~workbench.commands.Command`).

The CLI runs commands directly (``cmd.do(store)``); the window runs them through a
:class:`CommandStack` so Edit > Undo can revert them, and announces what each changed.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.commands import Command
from workbench.events import Changed, Event
from workbench.store import Store


class CommandStack:
    """Undo/redo history of the commands run in one session."""

    def __init__(self, store_provider: Callable[[], Store]):
        self._store = store_provider
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self.changed = Event()      # emits Changed after do/undo/redo

    def push(self, command: Command) -> Changed:
        changed = command.do(self._store())
        self._done.append(command)
        self._undone.clear()
        self.changed.emit(changed)
        return changed

    def undo(self) -> Changed | None:
        if not self._done:
            return None
        command = self._done.pop()
        changed = command.undo(self._store())
        self._undone.append(command)
        self.changed.emit(changed)
        return changed

    def redo(self) -> Changed | None:
        if not self._undone:
            return None
        command = self._undone.pop()
        changed = command.do(self._store())
        self._done.append(command)
        self.changed.emit(changed)
        return changed

    @property
    def undo_text(self) -> str | None:
        return self._done[-1].description if self._done else None

    @property
    def redo_text(self) -> str | None:
        return self._undone[-1].description if self._undone else None
