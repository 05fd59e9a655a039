"""Encryption at rest: a store encrypted with SQLCipher, opened with its key.

The binding is ``sqlcipher3`` from the ``sqlcipher3-wheels`` distribution: a DB-API
module shaped like ``sqlite3`` (so the rest of the store runs unchanged on its
connections) with SQLCipher built in, published as wheels for Windows, macOS and Linux.
An encrypted store's pages are AES-256 encrypted; without the key, ``sqlite3`` and any
other SQLite tool see only noise ("file is not a database").

The key is a passphrase, typed at a prompt or read from a key file (its first line);
it is never taken from the command line, where other users and shell history see it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from workbench.errors import StoreError
from workbench.store import holder

HEADER = b"SQLite format 3\x00"


def _sqlcipher():
    from sqlcipher3 import dbapi2

    return dbapi2


def database_errors() -> tuple[type[BaseException], ...]:
    """The DatabaseError classes of both bindings (their exceptions are unrelated)."""
    return (sqlite3.DatabaseError, _sqlcipher().DatabaseError)


def is_encrypted(path: Path) -> bool:
    """True when ``path`` holds data that does not start like a plain SQLite file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(HEADER))
    except OSError:
        return False
    return bool(head) and head != HEADER


def read_key_file(path: str | Path) -> str:
    """The passphrase in a key file (its first line, without the line end)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read the key file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    key = text.splitlines()[0] if text.splitlines() else ""
    if len(key) < 8:
        raise StoreError(f"the key file {path} must hold a passphrase of at least 8 characters on its first line")
    return key


def connect(path: Path, key: str, *, readonly: bool = False):
    """An open SQLCipher connection to ``path`` (autocommit) unlocked with ``key``."""
    dbapi2 = _sqlcipher()
    target = f"file:{path}?mode=ro" if readonly else str(path)
    conn = dbapi2.connect(target, uri=readonly, isolation_level=None, timeout=holder.OPEN_WAIT_S)
    _unlock(conn, key)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError as exc:
        conn.close()
        if holder.is_busy(exc):
            raise StoreError(holder.busy_message(path, holder.OPEN_WAIT_S)) from None
        raise StoreError(f"{path} could not be opened with that key (wrong key, or not an encrypted store)") from None
    return conn


def encrypt(path: Path, key: str) -> None:
    """Rewrite the plain store at ``path`` encrypted with ``key`` (the plain file is replaced)."""
    dbapi2 = _sqlcipher()
    if is_encrypted(path):
        raise StoreError(f"{path} is already encrypted")
    encrypted = path.with_name(path.name + ".encrypting")
    if encrypted.exists():
        encrypted.unlink()
    conn = dbapi2.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"ATTACH DATABASE '{_quoted(str(encrypted))}' AS encrypted KEY '{_quoted(key)}'")
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    os.chmod(encrypted, 0o600)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.unlink()
    os.replace(encrypted, path)


def _unlock(conn, key: str) -> None:
    conn.execute(f"PRAGMA key = '{_quoted(key)}'")


def _quoted(text: str) -> str:
    """``text`` inside single quotes in SQL (PRAGMA and ATTACH take no parameters)."""
    return text.replace("'", "''")
