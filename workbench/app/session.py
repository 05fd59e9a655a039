"""The analyst's session: the open store, the shared selection and the undo history.

Views hold a :class:`Session` and listen to ``session.changed`` (a :class:`Changed` per
write) and ``session.selection_changed`` (offence ids selected anywhere), so selecting
offences on the map shows them in the table and the series view. Worker threads must
not use ``session.store``: they call :meth:`Session.open_worker_store` for their own
connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.app.history import CommandStack
from workbench.commands import Command
from workbench.events import Changed, Event
from workbench.store import Store, open_store


@dataclass(frozen=True)
class Selection:
    """Which things are selected, and which view selected them."""

    kind: str              # 'offence', 'series', 'person', 'intel', 'patp'...
    ids: tuple
    origin: str = ""


class Session:
    def __init__(self, location: str | Path, *, key: str | None = None, password: str | None = None):
        #: The store file, or a team store's ``postgresql://`` address.
        self.location = str(location)
        self._key = key                     # unlocks an encrypted store (kept for worker connections)
        self._password = password           # a team store login's typed password (same)
        #: The ids of the audit entries this session's connections wrote: its own changes,
        #: told apart from other people's by :class:`workbench.app.watcher.StoreWatcher`.
        self.own_audit_ids: set[int] = set()
        self.store: Store = self._open()
        self.changed = Event()              # Changed
        self.selection_changed = Event()    # Selection
        self.selection = Selection("offence", ())
        self.closed = False
        self.commands = CommandStack(lambda: self.store)
        self.commands.changed.connect(self.changed.emit)

    def _open(self) -> Store:
        store = open_store(self.location, key=self._key, password=self._password)
        store.on_audit = self.own_audit_ids.add
        return store

    def open_worker_store(self) -> Store:
        """A new connection for a worker thread (close it when done)."""
        return self._open()

    def select(self, kind: str, ids, origin: str = "") -> None:
        """Share a selection with every view."""
        self.selection = Selection(kind, tuple(ids), origin)
        self.selection_changed.emit(self.selection)

    def run(self, command: Command) -> Changed:
        """Run an undoable analyst command and tell every view what changed."""
        return self.commands.push(command)

    def notify(self, changed: Changed) -> None:
        """Announce a change made outside a command (an import, a background job)."""
        self.changed.emit(changed)

    def close(self) -> None:
        """Close the store (once; closing again does nothing)."""
        if not self.closed:
            self.store.close()
            self.closed = True
