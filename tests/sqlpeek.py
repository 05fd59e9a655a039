"""Tests look into a store through a read-only connection of their own, as any database
tool would: the application's connection is private to ``workbench.store``."""

from __future__ import annotations

import sqlite3


def sql(store, query: str, params=()):
    """Run ``query`` on the store (what has been committed) and return the cursor: on the
    file for SQLite, through a new login session for a PostgreSQL store."""
    if store.engine == "postgresql":
        import psycopg

        from workbench.store.postgres import translate

        conn = psycopg.connect(store.location, autocommit=True)
        conn.read_only = True
        return conn.execute(translate(query), tuple(params))
    conn = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    return conn.execute(query, params)
