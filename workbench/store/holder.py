"""Who is writing to a store right now, so a busy store can say who holds it.

SQLite lets one writer at a time and cannot say who that is. Each outermost write
transaction therefore leaves a small file beside the store (``<store>-holder``: login,
computer, process id, since when) and removes it when it ends. A writer that waited
the busy timeout in vain reads it for its message; a file left by a process that has
died is reported as such.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import uuid
from datetime import datetime, timezone
from pathlib import Path

from workbench.identity import current_user


def holder_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + "-holder")


def claim(store_path: Path) -> str:
    """Record that this connection is writing (best effort: a read-only folder is fine);
    returns the token that :func:`release` needs."""
    token = uuid.uuid4().hex
    record = {"user": current_user(), "host": socket.gethostname(), "pid": os.getpid(),
              "since": datetime.now(timezone.utc).strftime("%H:%M:%S UTC"), "token": token}
    with contextlib.suppress(OSError):
        holder_path(store_path).write_text(json.dumps(record), encoding="utf-8")
    return token


def release(store_path: Path, token: str) -> None:
    """Remove the record :func:`claim` wrote (leave another writer's alone)."""
    path = holder_path(store_path)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("token") == token:
            path.unlink()
    except (OSError, ValueError):
        pass


def waiting_message(store_path: Path) -> str:
    """What a write waiting for the store is waiting for, in words."""
    try:
        record = json.loads(holder_path(store_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"waiting for the store {store_path.name}: another program is writing to it"
    return (f"waiting for the store {store_path.name}: {record.get('user')} (process {record.get('pid')} on "
            f"{record.get('host')}) has been writing to it since {record.get('since')}")


#: How long opening a store waits for a writer that has it locked (sqlite3's default
#: ``timeout``): only a bulk load, which writes with the rollback journal, locks readers out.
OPEN_WAIT_S = 5.0


def is_busy(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" / "busy" errors (another connection writing)."""
    return "locked" in str(exc) or "busy" in str(exc)


def busy_message(store_path: Path, waited_s: float) -> str:
    """One line: the store is busy, who holds it (when known) and what to do."""
    start = f"the store {store_path.name} is busy: waited {waited_s:g} s for "
    try:
        record = json.loads(holder_path(store_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return start + "another program that is writing to it; try again when it has finished"
    who = f"{record.get('user')} (process {record.get('pid')} on {record.get('host')}, writing since {record.get('since')})"
    if record.get("host") == socket.gethostname() and not _alive(record.get("pid")):
        return start + (f"a write that {who} left unfinished; that process has ended, so close any "
                        f"other Workbench and try again")
    return start + f"{who}; try again when it has finished"


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except PermissionError:         # alive, owned by someone else
        return True
    except (OSError, ValueError, TypeError):
        return False
    return True
