"""Opening a store: one SQLite file (WAL, foreign keys), or a PostgreSQL/PostGIS team
store given as a ``postgresql://`` address; migrations applied on open.

The store package is the only code that runs SQL: the connection is private
(``Store._conn``, used by the modules of this package only) and the other packages call
the functions of ``workbench.store.*``. Both engines take the same SQL with ``?``
parameters (:mod:`workbench.store.postgres` translates for PostgreSQL); store modules
branch on :attr:`Store.engine` only where the engines really differ. Reads go through
sqlite-utils on SQLite (``Store._db``; ``Store._rows`` gives a query's rows as dicts,
``Store._frame`` a DataFrame); every write goes through :meth:`Store.atomic`, a
transaction (or SAVEPOINT, nested) on the autocommit connection, so a batch either lands
whole or not at all. sqlite-utils' own write helpers are not used inside :meth:`atomic`
because they commit on their own.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from workbench import identity
from workbench.domain.audit import AuditAction
from workbench.errors import NotFound, StoreError
from workbench.store import audit as audit_log
from workbench.store import encryption, holder, migrations, postgres

#: How long a write waits for another writer to finish before saying who holds the store.
BUSY_TIMEOUT_S = 10.0
#: How often a waiting write tries again (and tells :attr:`Store.on_wait`).
WAIT_STEP_S = 0.25
#: Page size of new stores: an offence row is some 400 bytes, and 16 KB pages hold about
#: forty of them, so a bulk import writes and balances fewer B-tree pages than with
#: SQLite's 4 KB default. Existing stores keep theirs (changing it means a VACUUM).
PAGE_SIZE = 16384


class Store:
    """An open Workbench store.

    Attributes
    ----------
    path : Path or None
        The SQLite file (None for a PostgreSQL store).
    location : str
        The file path or the server address, as given (an address never holds a password).
    name : str
        A short name for messages (file name, or "database on host").
    engine : str
        ``"sqlite"`` or ``"postgresql"``.

    The connection (``_conn``, autocommit) and its sqlite-utils ``Database`` (``_db``,
    SQLite only) belong to the store package: other code calls its functions.
    """

    def __init__(self, path: str | Path, *, readonly: bool = False, key: str | None = None,
                 password: str | None = None, must_exist: bool = False):
        self._depth = 0
        #: Told ``(share of the wait used, "waiting for ... : who is writing")`` while a
        #: write waits for another writer (the CLI prints it, the app's jobs show it).
        self.on_wait: Callable[[float, str], None] | None = None
        #: Told the id of every audit entry this connection writes (the app's session
        #: collects them, so it can tell its own changes from other people's).
        self.on_audit: Callable[[int], None] | None = None
        if postgres.is_url(path):
            self._open_postgres(str(path), readonly=readonly, key=key, password=password, must_exist=must_exist)
            return
        self.engine = "sqlite"
        #: The database login on a team store (who acts), None on SQLite.
        self.login: str | None = None
        file = Path(path)
        self.path: Path | None = file
        self.location = str(file)
        self.name = file.name
        #: True when the file's permissions do not let this user write it: the store opens
        #: for reading and every write is refused with one line saying so.
        self.read_only = file.exists() and not os.access(file, os.W_OK)
        readonly = readonly or self.read_only
        if (readonly or must_exist) and not file.exists():
            raise NotFound(f"there is no store at {file}: import data into it first "
                           f"(workbench --db {file} import ...), or check the path")
        if not readonly:
            try:
                create_private(file)
            except OSError as exc:
                raise StoreError(f"cannot create a store in {file.parent}: {exc.strerror}") from None
        conn = None
        if key is None and encryption.is_encrypted(file):
            raise StoreError(f"{file} is not a Workbench store, or is an encrypted one: open an "
                             f"encrypted store with --key-file FILE, or type its passphrase when asked")
        try:
            if key is not None:
                conn = encryption.connect(file, key, readonly=readonly)
            elif readonly:
                conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True, isolation_level=None,
                                       timeout=holder.OPEN_WAIT_S)
            else:
                conn = sqlite3.connect(str(file), isolation_level=None, timeout=holder.OPEN_WAIT_S)
            conn.execute("PRAGMA foreign_keys = ON")
            migrations.check_version(conn, file)      # refuse a foreign file before touching it
            if not readonly:
                if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
                    conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")     # only a new, empty file takes it
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA cache_size = -65536")
        except (*encryption.database_errors(), StoreError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, StoreError):
                raise
            if holder.is_busy(exc):
                raise StoreError(holder.busy_message(file, holder.OPEN_WAIT_S)) from None
            raise StoreError(f"{file} is not a Workbench store ({exc})") from None
        self._conn: Any = conn
        self._db: sqlite_utils.Database | None = sqlite_utils.Database(conn)
        if readonly:
            migrations.check_version(conn, self.location)
        else:
            migrations.upgrade(conn, self.location)

    def _open_postgres(self, url: str, *, readonly: bool, key: str | None, password: str | None,
                       must_exist: bool) -> None:
        """Connect to a team store; the login becomes the identity this process acts as."""
        if key is not None:
            raise StoreError("a team store on a PostgreSQL server is protected by the server (logins, "
                             "TLS, disk encryption), not by a passphrase: leave out --key-file")
        self.engine = "postgresql"
        self.path = None
        self.location = postgres.check_url(url)
        self.name = postgres.display_name(url)
        self.read_only = readonly
        self._conn = postgres.PgConnection(postgres.connect(url, password))
        self._db = None
        self.login = None
        try:
            self.login = self._value("SELECT session_user")
            identity.use_database_login(self.login)
            if must_exist and migrations.stored_version(self._conn) == 0:
                raise NotFound(f"there is no Workbench store in the database {self.name} yet: the "
                               f"database's owner makes it by importing data or copying a store into it "
                               f"(workbench --db ADDRESS import ..., or workbench store copy), or check the address")
            if readonly:
                migrations.check_version(self._conn, self.name)
            else:
                migrations.upgrade(self._conn, self.name)
        except BaseException:
            self.close()
            raise

    # -- transactions -------------------------------------------------------------
    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """A transaction (outermost) or savepoint (nested): all or nothing.

        The outermost one takes the write lock at once (``BEGIN IMMEDIATE``), waiting up to
        :data:`BUSY_TIMEOUT_S` for another writer, and then records who holds the store
        (:mod:`workbench.store.holder`); a store still busy after the wait is a
        :class:`StoreError` that names the writer."""
        if self.read_only:
            raise StoreError(read_only_message(self.location))
        if self._depth:
            name = f"wb_sp{self._depth}"
            self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
                raise
            self._depth -= 1
            self._conn.execute(f"RELEASE {name}")
            return
        self._begin()
        token = holder.claim(self.path) if self.path else ""
        self._depth = 1
        try:
            yield self
        except BaseException as exc:
            self._depth = 0
            self._conn.execute("ROLLBACK")
            if self.path:
                holder.release(self.path, token)
            if postgres.is_permission_error(exc):
                roles = "table roles" in str(exc)        # who holds which role: workbench_admin's (store grants)
                raise StoreError(f"your login {identity.current_user()} may read the team store {self.name} but "
                                 f"not change {'its roles' if roles else 'it'}, so nothing was changed: ask its "
                                 f"database administrator for write access (the "
                                 f"{'admins' if roles else 'analysts'}' group role, "
                                 f"{'workbench_admin' if roles else 'workbench_analyst'} in the guide)") from None
            raise
        self._depth = 0
        try:
            self._conn.execute("COMMIT")
        finally:
            if self.path:
                holder.release(self.path, token)

    def _begin(self) -> None:
        if self.engine == "postgresql":
            self._begin_postgres()
        else:
            self._begin_sqlite()

    def _begin_postgres(self) -> None:
        """``BEGIN`` and the store's write lock (one writer at a time, as on SQLite), tried
        again every :data:`WAIT_STEP_S` while another writer holds it, telling
        :attr:`on_wait` who that is, until :data:`BUSY_TIMEOUT_S`; then a
        :class:`StoreError` naming the writer. Readers are never blocked."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        self._conn.execute("BEGIN")
        try:
            while not self._value("SELECT pg_try_advisory_xact_lock(?)", (postgres.WRITE_LOCK_KEY,)):
                left = deadline - time.monotonic()
                who = postgres.lock_holder(self._conn)
                if left <= 0:
                    raise StoreError(f"the store {self.name} is busy: waited {BUSY_TIMEOUT_S:g} s for {who}, "
                                     f"who is writing to it; try again when they have finished")
                if self.on_wait is not None:
                    self.on_wait(1.0 - left / BUSY_TIMEOUT_S, f"waiting for the store {self.name}: {who} is writing to it")
                time.sleep(WAIT_STEP_S)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def _begin_sqlite(self) -> None:
        assert self.path is not None
        """``BEGIN IMMEDIATE``, tried again every :data:`WAIT_STEP_S` while another writer
        holds the store, telling :attr:`on_wait` who it is and how much of the wait has
        passed, until :data:`BUSY_TIMEOUT_S`; then a :class:`StoreError` naming the writer."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        self._conn.execute(f"PRAGMA busy_timeout = {int(WAIT_STEP_S * 1000)}")
        try:
            while True:
                try:
                    self._conn.execute("BEGIN IMMEDIATE")
                    return
                except encryption.database_errors() as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreError(holder.busy_message(self.path, BUSY_TIMEOUT_S)) from None
                if self.on_wait is not None:
                    self.on_wait(1.0 - left / BUSY_TIMEOUT_S, holder.waiting_message(self.path))
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")

    def _rows(self, sql: str, params: Any = ()) -> list[dict]:
        """The rows of a query as dicts (column name -> value); for the store's modules."""
        if self._db is None:
            return self._conn.rows(sql, params)
        return list(self._db.query(sql, params))

    def _frame(self, sql: str, params: Any = ()):
        """A query's rows as a pandas DataFrame (as ``pandas.read_sql_query`` gives on SQLite)."""
        import pandas as pd

        if self.engine == "sqlite":
            return pd.read_sql_query(sql, self._conn, params=params)
        cur = self._conn.execute(sql, params)
        columns = [d[0] for d in cur.description]
        return pd.DataFrame.from_records(cur.fetchall(), columns=columns, coerce_float=True)

    def _insert(self, table: str, row: dict) -> int:
        """Insert one row and return its id (an ``id`` of None lets the store choose)."""
        if row.get("id", 0) is None:
            row = {k: v for k, v in row.items() if k != "id"}
        found = self._conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({','.join('?' * len(row))}) "
                                   f"RETURNING id", tuple(row.values())).fetchall()
        return int(found[0][0])

    @property
    def _json_values(self) -> str:
        """A table of the values of one JSON-array parameter, for ``IN (SELECT value FROM ...)``:
        one parameter however many values (SQLite limits a statement's parameters)."""
        return "json_array_elements_text(CAST(? AS json))" if self.engine == "postgresql" else "json_each(?)"

    def _indexes(self, table: str) -> list[tuple[str, str]]:
        """The secondary indexes of ``table``: (name, the SQL that makes it again)."""
        if self.engine == "postgresql":
            sql = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? "
                   "AND indexdef NOT LIKE '%UNIQUE%' AND indexname NOT LIKE '%pkey'")
        else:
            sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
        return [(name, text) for name, text in self._conn.execute(sql, (table,))]

    def _foreign_keys(self, table: str) -> list[tuple[str, str]]:
        """PostgreSQL: the foreign keys of ``table`` (name, definition for ``ADD CONSTRAINT``),
        which a bulk load may drop and add again; none on SQLite, which cannot drop one."""
        if self.engine != "postgresql":
            return []
        return [(name, text) for name, text in self._conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = CAST(? AS regclass) ORDER BY conname", (table,))]

    def _value(self, sql: str, params: Any = ()) -> Any:
        """The first column of a query's first row (None when there is no row)."""
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (before copying the file);
        nothing to do on a server."""
        if self.engine == "sqlite":
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- audit log ----------------------------------------------------------------
    def audit(self, action: AuditAction, object_type: str, object_id: Any = None,
              detail: dict | None = None, *, why: str | None = None) -> int:
        """Append one entry to the hash-chained audit log (as the operating-system login)
        and return its id; see :mod:`workbench.store.audit`.

        Inside a caller's :meth:`atomic` the entry lands or not with the rest of the change;
        on its own (e.g. after writing an export) it is its own transaction.
        """
        entry_id = audit_log.append(self, action, object_type, object_id, detail, why=why, at=now_iso())
        if self.on_audit is not None:
            self.on_audit(entry_id)
        return entry_id

    # -- settings -----------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        """A store-wide setting (e.g. ``security_marking``)."""
        row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        """Change a store-wide setting and audit it."""
        with self.atomic():
            self._conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
            self.audit(AuditAction.SETTING_CHANGE, "setting", key, {"value": value})

    @property
    def schema_version(self) -> int:
        return migrations.stored_version(self._conn)

    def close(self) -> None:
        self._conn.close()
        if self.login is not None:
            identity.forget_database_login(self.login)
            self.login = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def create_private(path: Path) -> None:
    """Create a new store file readable by its owner only (0600), and any missing folders
    owner-only (0700); an existing file is left as it is. SQLite gives the ``-wal`` and
    ``-shm`` files the store file's permissions."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for part in reversed(missing):
        part.mkdir(mode=0o700)
        os.chmod(part, 0o700)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return
    os.chmod(path, 0o600)


def read_only_message(path: Path | str) -> str:
    """The one line for a write to a store the user may only read."""
    return (f"{path} is read-only for you (file permission): this command changes the store, so it "
            f"was not run; reading commands work. Ask the store's owner for write access")


def open_store(path: str | Path, *, readonly: bool = False, key: str | None = None,
               password: str | None = None, must_exist: bool = False) -> Store:
    """Open (creating and upgrading as needed) the store at ``path``, a file or a
    ``postgresql://`` address; ``key`` unlocks an encrypted store file
    (:mod:`workbench.store.encryption`), ``password`` is a server login's password when
    the password file has none; ``must_exist`` refuses to create a new store."""
    return Store(path, readonly=readonly, key=key, password=password, must_exist=must_exist)


def now_iso() -> str:
    """Current UTC time as ISO 8601 with seconds, for audit and batch records."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
