"""The PostgreSQL/PostGIS engine: a team store on a database server.

The store modules write their SQL once, in the dialect SQLite and PostgreSQL share, with
``?`` parameters; :class:`PgConnection` gives them the same small interface as
:class:`sqlite3.Connection` (``execute``, ``executemany``, cursors to iterate or fetch)
and translates what differs mechanically (:func:`translate`): ``?`` to ``%s``, the
column names ``user`` and ``end`` (reserved words there) quoted, ``INSERT OR IGNORE``
to ``ON CONFLICT DO NOTHING``, SQLite's case-blind ``LIKE`` to ``ILIKE``. What differs
more (full-text search, the schema version, locking, geometry) is written per engine
where it is used, and the numbered migrations' DDL is translated by :func:`schema_sql`.

Connections are autocommit; :meth:`workbench.store.db.Store.atomic` opens transactions
with ``BEGIN`` and serialises writers with a transaction-level advisory lock, as SQLite's
``BEGIN IMMEDIATE`` does, so the importers' checks (duplicates, next ids) see a store no
one else is writing. The password comes from the standard PostgreSQL password file
(``~/.pgpass`` or ``PGPASSFILE``) or a prompt, never from the command line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any
from urllib.parse import urlsplit

from workbench.errors import BadInput, StoreError

#: The advisory lock every writing transaction holds (one writer at a time, as in SQLite).
WRITE_LOCK_KEY = 0x57424E43     # "WBNC"
#: How a store URL starts.
SCHEMES = ("postgresql://", "postgres://")


def is_url(location: str | Any) -> bool:
    """True for a PostgreSQL store address (``postgresql://user@host/db``)."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def check_url(url: str) -> str:
    """``url`` as given, refused when it holds a password (which would then sit in the
    shell's history and the process list): passwords come from the password file or a prompt."""
    parts = urlsplit(url)
    if parts.password is not None or re.search(r"[?&]password=", url):
        raise BadInput("a store address must not contain a password (it would be visible to other "
                       "users of this computer): put it in your PostgreSQL password file (~/.pgpass) "
                       "or type it when asked")
    if not parts.path.strip("/"):
        raise BadInput(f"{url} names no database: give postgresql://user@host/DATABASE")
    return url


def display_name(url: str) -> str:
    """A short name for messages: ``database on host``."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    return f"{parts.path.strip('/')} on {host}"


class PasswordNeeded(StoreError):
    """The server wants a password that the password file does not hold."""


def connect(url: str, password: str | None = None):
    """A raw autocommit psycopg connection (numeric read as float, as SQLite gives)."""
    import psycopg
    from psycopg.types.numeric import FloatLoader

    # TCP keepalives: a server that vanishes mid-query (network cut) is noticed within about
    # a minute instead of the window waiting on the connection for the system's hours.
    options: dict[str, Any] = {"application_name": "workbench", "connect_timeout": 10, "keepalives": 1,
                               "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
    if password:
        options["password"] = password
    try:
        conn = psycopg.connect(check_url(url), autocommit=True, **options)
    except psycopg.OperationalError as exc:
        if needs_password(exc):
            raise PasswordNeeded(f"the team store {display_name(url)} needs a password for "
                                 f"{urlsplit(url).username or 'your login'}: "
                                 + ("it was not accepted" if password else
                                    "put it in your PostgreSQL password file (~/.pgpass), or type it when asked")
                                 ) from None
        raise StoreError(f"cannot open the team store {display_name(url)}: {_reason(exc)}") from None
    conn.adapters.register_loader("numeric", FloatLoader)
    return conn


def needs_password(exc: BaseException) -> bool:
    """True when a connection failed only for want of a password (so asking may help)."""
    text = str(exc)
    return "password" in text and ("no password supplied" in text or "authentication failed" in text)


def is_permission_error(exc: BaseException) -> bool:
    """True for the server's "permission denied" (SQLSTATE 42501)."""
    return getattr(exc, "sqlstate", None) == "42501"


def _reason(exc: BaseException) -> str:
    """Why a connection failed, in a few words: libpq's last cause, without its repeats.

    >>> _reason(Exception('connection failed: connection to server at "db", port 5432 failed: Connection refused'))
    'connection refused'
    >>> _reason(Exception('connection failed: ... failed: FATAL:  database "camden" does not exist'))
    'database "camden" does not exist'
    """
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    cause = text.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
    return cause[:1].lower() + cause[1:]


def database_errors() -> tuple[type[BaseException], ...]:
    import psycopg
    return (psycopg.Error,)


# -- SQL translation ------------------------------------------------------------------

_QUOTED = re.compile(r"('(?:[^']|'')*'|\"[^\"]*\")")
_RESERVED = re.compile(r"(?<![\w\"])(user|end)(?![\w\"(])")
_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_RETURNING = re.compile(r"\bRETURNING\b", re.I)
_ROLLBACK = re.compile(r"^\s*ROLLBACK\b", re.I)


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """One statement in the shared dialect, written for psycopg.

    >>> translate("SELECT user, at FROM audit_log WHERE action LIKE ? AND detail = '50%?'")
    'SELECT "user", at FROM audit_log WHERE action ILIKE %s AND detail = \\'50%%?\\''
    >>> translate("INSERT OR IGNORE INTO roles (user, role) VALUES (?, ?)")
    'INSERT INTO roles ("user", role) VALUES (%s, %s) ON CONFLICT DO NOTHING'
    """
    ignore = bool(_IGNORE.match(sql))
    if ignore:
        sql = _IGNORE.sub("INSERT INTO", sql, count=1)
    parts = _QUOTED.split(sql)
    for i in range(0, len(parts), 2):       # outside string literals and quoted names
        code = parts[i].replace("%", "%%").replace("?", "%s")
        code = _RESERVED.sub(r'"\1"', code)
        parts[i] = re.sub(r"\bNOT\s+LIKE\b", "NOT ILIKE", re.sub(r"(?<!NOT )\bLIKE\b", "ILIKE", code))
    for i in range(1, len(parts), 2):       # literals keep their text, escaped for psycopg
        parts[i] = parts[i].replace("%", "%%")
    out = "".join(parts)
    if ignore:
        match = _RETURNING.search(out)
        out = (out[:match.start()] + "ON CONFLICT DO NOTHING " + out[match.start():] if match
               else out.rstrip().rstrip(";") + " ON CONFLICT DO NOTHING")
    return out


class PgCursor:
    """The part of a DB-API cursor the store uses, over a psycopg cursor."""

    def __init__(self, cursor):
        self._cur = cursor

    @property
    def rowcount(self) -> int:
        return self._cur.rowcount

    @property
    def description(self):
        return self._cur.description

    def fetchone(self):
        return self._cur.fetchone() if self._cur.description else None

    def fetchmany(self, size: int) -> list:
        return self._cur.fetchmany(size) if self._cur.description else []

    def fetchall(self) -> list:
        return self._cur.fetchall() if self._cur.description else []

    def __iter__(self) -> Iterator:
        return iter(self._cur) if self._cur.description else iter(())


class _OpenCopy:
    """A binary COPY kept open between blocks (:meth:`PgConnection.streaming`)."""

    def __init__(self, raw, statement: str):
        self.statement = statement
        self._context = ExitStack()
        try:
            self.copy = self._context.enter_context(self._context.enter_context(raw.cursor()).copy(statement))
            self.copy.write(BINARY_SIGNATURE)
        except BaseException as exc:
            self.close(exc)
            raise

    def close(self, abandon: BaseException | None = None) -> None:
        """Finish the COPY, or abandon it (psycopg tells the server it failed, naming ``abandon``)."""
        if abandon is None:
            self._context.close()
        else:
            self._context.__exit__(type(abandon), abandon, abandon.__traceback__)


class PgConnection:
    """A psycopg connection that takes the store's shared-dialect SQL (see :func:`translate`)."""

    engine = "postgresql"

    def __init__(self, raw):
        self.raw = raw
        #: Rows changed by this connection (as ``sqlite3.Connection.total_changes``).
        self.total_changes = 0
        #: Inside :meth:`streaming`: True; and the COPY it left open, if any.
        self._streaming = False
        self._open_copy: _OpenCopy | None = None

    def execute(self, sql: str, params: Sequence | dict = ()) -> PgCursor:
        if self._open_copy is not None:
            self._end_copy(StoreError("the transaction was rolled back") if _ROLLBACK.match(sql) else None)
        cur = self.raw.cursor()
        cur.execute(translate(sql), tuple(params) if isinstance(params, (list, tuple)) else params)
        if cur.rowcount > 0 and not cur.description:
            self.total_changes += cur.rowcount
        return PgCursor(cur)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> PgCursor:
        cur = self.raw.cursor()
        batch = [tuple(r) for r in rows]
        if batch:
            self._end_copy()
            cur.executemany(translate(sql), batch)
            self.total_changes += len(batch)
        return PgCursor(cur)

    def rows(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        """A query's rows as dicts."""
        from psycopg.rows import dict_row

        self._end_copy()
        with self.raw.cursor(row_factory=dict_row) as cur:
            cur.execute(translate(sql), tuple(params) if isinstance(params, (list, tuple)) else params)
            return cur.fetchall() if cur.description else []

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Bulk-load rows with ``COPY`` (the server's fastest path); returns how many."""
        names = ", ".join(f'"{c}"' if c in ("user", "end") else c for c in columns)
        n = 0
        self._end_copy()
        with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        self.total_changes += n
        return n

    def column_types(self, table: str) -> dict[str, str]:
        """The columns of ``table`` and their types (``bigint``, ``text`` ...), for :meth:`copy_columns`."""
        return dict(self.execute("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
                                 "WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped",
                                 (table,)).fetchall())

    def copy_columns(self, table: str, columns: dict[str, Any], types: dict[str, str], rows: int) -> None:
        """Bulk-load ``rows`` rows given a whole column at a time with a binary ``COPY``.

        ``columns`` maps each column to its ``rows`` values (a list or numpy array) or to
        one value shared by every row; None, and NaN in a number column, is NULL. ``types``
        gives the columns' types (:meth:`column_types`). The server takes the values as
        they are (no text to parse), see :func:`binary_rows`. Inside :meth:`streaming` the
        COPY stays open after the block, and the next block for the same table and columns
        continues it."""
        names = ", ".join(f'"{c}"' if c in ("user", "end") else c for c in columns)
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT binary)"
        data = binary_rows({name: (types[name], value) for name, value in columns.items()}, rows)
        if self._open_copy is not None and self._open_copy.statement != statement:
            self._end_copy()
        if self._open_copy is None and self._streaming:
            self._open_copy = _OpenCopy(self.raw, statement)
        if self._open_copy is not None:
            try:
                self._open_copy.copy.write(data)
            except BaseException as exc:
                self._end_copy(exc)
                raise
        else:
            with self.raw.cursor() as cur, cur.copy(statement) as copy:
                copy.write(BINARY_SIGNATURE)
                copy.write(data)
        self.total_changes += rows

    @contextmanager
    def streaming(self) -> Iterator[None]:
        """Within the ``with`` body, :meth:`copy_columns` leaves its COPY open, so the blocks of
        a bulk load form one COPY: the server stores one block while the caller makes the
        next, instead of each block waiting for the server to finish the one before.

        Any other statement first ends the open COPY (and reports a row the server
        refused, failing the transaction); so does the end of the body. A ``ROLLBACK``,
        or an exception out of the body, abandons it instead (the server discards it)."""
        self._streaming = True
        try:
            yield
        except BaseException as exc:
            self._end_copy(exc)
            raise
        finally:
            self._streaming = False
        self._end_copy()

    def _end_copy(self, abandon: BaseException | None = None) -> None:
        """End the COPY left open by :meth:`streaming`, if any: finished (the server's
        error for a refused row is raised here), or abandoned because of ``abandon``."""
        if self._open_copy is not None:
            open_copy, self._open_copy = self._open_copy, None
            open_copy.close(abandon)

    def close(self) -> None:
        self.raw.close()


# -- binary COPY ----------------------------------------------------------------------

#: What a binary COPY starts with: the signature, no flags, no header extension.
BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
#: A NULL field: length -1.
_NULL_FIELD = b"\xff\xff\xff\xff"
#: Column types sent as fixed-size big-endian numbers.
_NUMBERS = {"bigint": ">i8", "integer": ">i4", "double precision": ">f8"}


def binary_rows(columns: dict[str, tuple[str, Any]], rows: int):
    """``rows`` rows in PostgreSQL's binary COPY format (the tuples, without the signature):
    ``columns`` maps each column to (its type, its values or one shared value); at least
    one column has a value per row.

    Made a whole column at a time: each column becomes one arrow array of its fields (a
    32-bit length and the value: a big-endian number, or UTF-8 text; a NULL is length
    -1), then the fields of each row are joined behind the field count. Sent this way
    the server parses nothing (text COPY makes it read every number back from digits):
    a million offences cost it about a second less.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    count = pa.scalar(len(columns).to_bytes(2, "big"), pa.binary())
    fields = [_binary_fields(kind, value, rows) for kind, value in columns.values()]
    tuples = pc.binary_join_element_wise(count, *fields, pa.scalar(b"", pa.binary()))
    offsets = np.frombuffer(tuples.buffers()[1], dtype=np.int32, count=rows + 1, offset=tuples.offset * 4)
    return tuples.buffers()[2][int(offsets[0]):int(offsets[-1])]


def _binary_fields(kind: str, value: Any, rows: int):
    """One column's fields (length + value) as an arrow binary array, or a binary scalar
    when one value is shared by every row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    shared = not isinstance(value, (list, np.ndarray))
    if kind in _NUMBERS:
        dtype = np.dtype([("length", ">i4"), ("value", _NUMBERS[kind])])
        if shared:
            if value is None or value != value:       # None, or NaN
                return pa.scalar(_NULL_FIELD, pa.binary())
            return pa.scalar(np.array([(dtype["value"].itemsize, value)], dtype=dtype).tobytes(), pa.binary())
        numbers = pa.array(value, type=pa.float64() if kind == "double precision" else pa.int64(), from_pandas=True)
        records = np.empty(rows, dtype=dtype)
        records["length"] = dtype["value"].itemsize
        records["value"] = numbers.fill_null(0).to_numpy()
        fields = pa.FixedSizeBinaryArray.from_buffers(pa.binary(dtype.itemsize), rows,
                                                      [None, pa.py_buffer(records)]).cast(pa.binary())
        return pc.if_else(numbers.is_null(), pa.scalar(_NULL_FIELD, pa.binary()), fields) if numbers.null_count else fields
    if kind != "text":
        raise ValueError(f"binary COPY of a {kind} column is not supported")
    if shared:
        if value is None:
            return pa.scalar(_NULL_FIELD, pa.binary())
        text = str(value).encode()
        return pa.scalar(len(text).to_bytes(4, "big") + text, pa.binary())
    texts = pa.array(value, from_pandas=True)
    if texts.type != pa.string():
        texts = texts.cast(pa.string())
    lengths = pc.binary_length(texts).fill_null(0).to_numpy().astype(">i4")
    prefixes = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4), rows, [None, pa.py_buffer(lengths)])
    fields = pc.binary_join_element_wise(prefixes.cast(pa.binary()), texts.cast(pa.binary()), b"")
    return fields.fill_null(pa.scalar(_NULL_FIELD, pa.binary())) if texts.null_count else fields


# -- schema ---------------------------------------------------------------------------

_TYPES = [
    (re.compile(r"\bINTEGER PRIMARY KEY\b"), "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
    (re.compile(r"\bINTEGER\b"), "BIGINT"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT ROWID"), ")"),
    (re.compile(r"\((\w+) COLLATE NOCASE\)"), r"(lower(\1))"),
]
_CREATE = re.compile(r"^\s*CREATE TABLE (\w+)", re.I)
_REFERENCES = re.compile(r"REFERENCES\s+(\w+)", re.I)


def schema_sql(statements: list[str]) -> list[str]:
    """A migration's SQLite DDL as PostgreSQL statements: types (64-bit integers, doubles,
    bytea, identity ids), quoted reserved names, and tables created after the tables they
    reference (SQLite allows a reference to a table made later in the same script).

    A table without an ``id`` key gets a ``rowid`` identity column, so ``ORDER BY rowid``
    (insertion order) means the same on both engines.
    """
    out = []
    for statement in statements:
        sql = statement
        for pattern, repl in _TYPES:
            sql = pattern.sub(repl, sql)
        match = _CREATE.match(sql)
        if match and "IDENTITY PRIMARY KEY" not in sql:
            sql = re.sub(r"\)\s*$", ",\n    rowid BIGINT GENERATED ALWAYS AS IDENTITY\n)", sql.rstrip())
        out.append(_RESERVED.sub(r'"\1"', sql))
    return creation_order(out)


def creation_order(statements: list[str]) -> list[str]:
    """Statements with each CREATE TABLE moved after the CREATE TABLEs it references."""
    tables = {m.group(1): s for s in statements if (m := _CREATE.match(s))}
    done: list[str] = []
    placed: set[str] = set()

    def place(name: str, seen: tuple = ()) -> None:
        if name in placed or name not in tables or name in seen:
            return
        for ref in _REFERENCES.findall(tables[name]):
            if ref != name:
                place(ref, (*seen, name))
        placed.add(name)
        done.append(tables[name])

    for statement in statements:
        match = _CREATE.match(statement)
        if match:
            place(match.group(1))
        else:
            done.append(statement)
    return done


def lock_holder(conn: PgConnection) -> str:
    """Who holds the store's write lock, in words (login, computer and since when)."""
    row = conn.execute(
        "SELECT a.usename, coalesce(host(a.client_addr), 'this server'), to_char(a.xact_start AT TIME ZONE 'UTC', "
        "'HH24:MI:SS') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.objid = ? AND l.granted LIMIT 1", (WRITE_LOCK_KEY,)).fetchone()
    if row is None:
        return "another analyst"
    return f"{row[0]} (from {row[1]}, writing since {row[2]} UTC)"


# -- schema version -------------------------------------------------------------------

def stored_version(conn: PgConnection) -> int:
    """The store's schema version (0 for a database Workbench has not set up)."""
    if not conn.execute("SELECT to_regclass('workbench_schema')").fetchone()[0]:
        return 0
    row = conn.execute("SELECT version FROM workbench_schema").fetchone()
    return int(row[0]) if row else 0


def set_version(conn: PgConnection, version: int) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS workbench_schema (version BIGINT NOT NULL)")
    conn.execute("DELETE FROM workbench_schema")
    conn.execute("INSERT INTO workbench_schema (version) VALUES (?)", (int(version),))


def foreign_tables(conn: PgConnection) -> list[str]:
    """Tables in the store's schema that Workbench did not make (a database of another program)."""
    return [r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' AND table_name NOT IN ('spatial_ref_sys') ORDER BY table_name")]
