"""Numbered schema migrations, applied in order when a store opens.

Each module ``mNNN_name.py`` in this package is migration NNN and defines ``SQL`` (a
script) and/or ``apply(conn)``. ``SQL`` is written for SQLite and translated on a
PostgreSQL store (:func:`workbench.store.postgres.schema_sql`); where the engines differ
(full-text search, triggers, geometry) a module adds a ``SQLITE`` and a ``POSTGRESQL``
script, each run on its engine only, after ``SQL``; ``apply`` gets a connection that
takes the same SQL on both (``conn.engine`` says which, where it matters). The store's version
(SQLite's ``PRAGMA user_version``, PostgreSQL's ``workbench_schema`` table) records the
last one applied; each migration runs in one transaction together with that record. A
store whose version is newer than the newest migration here was made by a newer
Workbench and is refused rather than damaged.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from workbench.errors import StoreError
from workbench.store import holder, postgres


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    module: ModuleType

    def run(self, conn: Any) -> None:
        for statement in self.statements(_is_postgres(conn)):
            conn.execute(statement)
        apply = getattr(self.module, "apply", None)
        if apply:
            apply(conn)


    def statements(self, postgresql: bool) -> list[str]:
        """The migration's DDL for one engine."""
        shared = _statements(getattr(self.module, "SQL", None) or "")
        if not postgresql:
            return shared + _statements(getattr(self.module, "SQLITE", None) or "")
        return postgres.schema_sql(shared) + _statements(getattr(self.module, "POSTGRESQL", None) or "")


def engine_of(conn: Any) -> str:
    """``"sqlite"`` or ``"postgresql"``: the engine a migration's connection talks to."""
    return getattr(conn, "engine", "sqlite")


def _is_postgres(conn: Any) -> bool:
    return engine_of(conn) == "postgresql"


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


def stored_version(conn: Any) -> int:
    """The schema version recorded in the store (0 for a new one)."""
    if _is_postgres(conn):
        return postgres.stored_version(conn)
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _set_version(conn: Any, version: int) -> None:
    if _is_postgres(conn):
        postgres.set_version(conn, version)
    else:
        conn.execute(f"PRAGMA user_version = {int(version)}")


def check_version(conn: Any, path: Path | str) -> int:
    """The store's schema version; refuses a store newer than this Workbench."""
    try:
        version = stored_version(conn)
    except Exception as exc:      # sqlite3's or sqlcipher3's DatabaseError (unrelated classes)
        if not type(exc).__module__.startswith(("sqlite3", "sqlcipher3")):
            raise
        if holder.is_busy(exc):
            raise StoreError(holder.busy_message(Path(path), holder.OPEN_WAIT_S)) from None
        raise StoreError(f"{path} is not a Workbench store ({exc})") from None
    if version == 0:
        if _is_postgres(conn):
            tables = postgres.foreign_tables(conn)
            kind = "a PostgreSQL database"
        else:
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            kind = "an SQLite database"
        if tables:
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(f"{path} is {kind} of another program (tables {shown}), not a "
                             f"Workbench store; it was left unchanged")
    newest = latest_version()
    if version > newest:
        raise StoreError(
            f"{path} was made by a newer version of Workbench (store schema {version}, "
            f"this version knows up to {newest}); update Workbench to open it")
    return version


def upgrade(conn: Any, path: Path | str, *, upto: int | None = None) -> list[int]:
    """Apply every migration newer than the store's version (up to ``upto``)."""
    version = check_version(conn, path)
    applied = []
    for migration in all_migrations():
        if migration.version <= version or (upto is not None and migration.version > upto):
            continue
        if _is_postgres(conn):
            # Two analysts opening a new team store at once: one migrates, the other waits
            # and then finds the work done.
            conn.execute("BEGIN")
            conn.execute("SELECT pg_advisory_xact_lock(?)", (postgres.WRITE_LOCK_KEY,))
            if stored_version(conn) >= migration.version:
                conn.execute("COMMIT")
                continue
        else:
            conn.execute("BEGIN IMMEDIATE")
        try:
            migration.run(conn)
            _set_version(conn, migration.version)
            conn.execute("COMMIT")
        except BaseException as exc:
            conn.execute("ROLLBACK")
            if postgres.is_permission_error(exc) and stored_version(conn) == 0:
                raise StoreError(f"there is no Workbench store in {path} yet, and your login may not create "
                                 f"one: the database's owner makes it (see the team store chapter of the "
                                 f"guide)") from None
            if postgres.is_permission_error(exc):
                raise StoreError(f"the team store {path} needs its schema upgraded to version {latest_version()} "
                                 f"by its owner, and your login may not change tables: ask the database "
                                 f"administrator to open it once with this version of Workbench") from None
            raise
        applied.append(migration.version)
    return applied
