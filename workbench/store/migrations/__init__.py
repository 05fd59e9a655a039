"""Numbered schema migrations, applied in order when a store opens.

Each module ``mNNN_name.py`` in this package is migration NNN and defines ``SQL`` (a
script) and/or ``apply(conn)``. The store's ``PRAGMA user_version`` records the last one
applied; each migration runs in one transaction together with that record. A store whose
version is newer than the newest migration here was made by a newer Workbench and is
refused rather than damaged.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from workbench.errors import StoreError
from workbench.store import holder


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    module: ModuleType

    def run(self, conn: sqlite3.Connection) -> None:
        sql = getattr(self.module, "SQL", None)
        if sql:
            for statement in _statements(sql):
                conn.execute(statement)
        apply = getattr(self.module, "apply", None)
        if apply:
            apply(conn)


def _statements(script: str) -> list[str]:
    """Split a script on ``;`` at line ends (our migrations keep one statement per ``;``)."""
    return [s.strip() for s in re.split(r";\s*\n", script) if s.strip()]


def all_migrations() -> list[Migration]:
    """Every migration in this package, in version order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = re.fullmatch(r"m(\d{3})_(\w+)", info.name)
        if match:
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(Migration(int(match.group(1)), match.group(2), module))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration numbers: {versions}")
    return found


def latest_version() -> int:
    return max((m.version for m in all_migrations()), default=0)


def check_version(conn: sqlite3.Connection, path: Path) -> int:
    """The store's schema version; refuses a store newer than this Workbench."""
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except Exception as exc:      # sqlite3's or sqlcipher3's DatabaseError (unrelated classes)
        if not type(exc).__module__.startswith(("sqlite3", "sqlcipher3")):
            raise
        if holder.is_busy(exc):
            raise StoreError(holder.busy_message(path, holder.OPEN_WAIT_S)) from None
        raise StoreError(f"{path} is not a Workbench store ({exc})") from None
    if version == 0:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        if tables:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(f"{path} is an SQLite database of another program (tables {shown}), not a "
                             f"Workbench store; it was left unchanged")
    newest = latest_version()
    if version > newest:
        raise StoreError(
            f"{path} was made by a newer version of Workbench (store schema {version}, "
            f"this version knows up to {newest}); update Workbench to open it")
    return version


def upgrade(conn: sqlite3.Connection, path: Path, *, upto: int | None = None) -> list[int]:
    """Apply every migration newer than the store's version (up to ``upto``)."""
    version = check_version(conn, path)
    applied = []
    for migration in all_migrations():
        if migration.version <= version or (upto is not None and migration.version > upto):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            migration.run(conn)
            conn.execute(f"PRAGMA user_version = {migration.version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
