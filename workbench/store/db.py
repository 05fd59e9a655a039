"""Opening a store: one SQLite file, WAL, foreign keys, migrations applied on open.

A store is opened through sqlite-utils (``Store.db``) on a connection in autocommit
mode; every write goes through :meth:`Store.atomic`, a SAVEPOINT, so a batch either
lands whole or not at all (nested calls nest). sqlite-utils' own write helpers are not
used inside :meth:`atomic` because they commit on their own.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from workbench.errors import StoreError
from workbench.domain.audit import AuditAction
from workbench.store import audit as audit_log
from workbench.store import migrations


class Store:
    """An open Workbench store.

    Attributes
    ----------
    path : Path
        The SQLite file.
    db : sqlite_utils.Database
        For reads and introspection.
    conn : sqlite3.Connection
        The raw connection (autocommit; use :meth:`atomic` to write).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False):
        self.path = Path(path)
        if readonly and not self.path.exists():
            raise StoreError(f"no store at {self.path}")
        if not readonly:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create a store in {self.path.parent}: {exc.strerror}") from None
        try:
            if readonly:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
            else:
                conn = sqlite3.connect(str(self.path), isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA cache_size = -65536")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a Workbench store ({exc})") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._depth = 0
        if readonly:
            migrations.check_version(conn, self.path)
        else:
            migrations.upgrade(conn, self.path)

    # -- transactions -------------------------------------------------------------
    @contextmanager
    def atomic(self) -> Iterator["Store"]:
        """A transaction (outermost) or savepoint (nested): all or nothing."""
        name = f"wb_sp{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            self.conn.execute(f"ROLLBACK TO {name}")
            self.conn.execute(f"RELEASE {name}")
            raise
        self._depth -= 1
        self.conn.execute(f"RELEASE {name}")

    # -- audit log ----------------------------------------------------------------
    def audit(self, action: AuditAction, object_type: str, object_id: Any = None,
              detail: dict | None = None, *, why: str | None = None) -> int:
        """Append one entry to the hash-chained audit log (as the operating-system login)
        and return its id; see :mod:`workbench.store.audit`."""
        return audit_log.append(self, action, object_type, object_id, detail, why=why, at=now_iso())

    # -- settings -----------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        """A store-wide setting (e.g. ``security_marking``)."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Change a store-wide setting and audit it."""
        with self.atomic():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            self.audit(AuditAction.SETTING_CHANGE, "setting", key, {"value": value})

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(path: str | Path, *, readonly: bool = False) -> Store:
    """Open (creating and upgrading as needed) the store at ``path``."""
    return Store(path, readonly=readonly)


def now_iso() -> str:
    """Current UTC time as ISO 8601 with seconds, for audit and batch records."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
