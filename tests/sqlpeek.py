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


def plan(store, query: str) -> str:
    """How the store would run ``query`` (its query plan, as text): SQLite's ``EXPLAIN
    QUERY PLAN``; PostgreSQL's ``EXPLAIN`` with sequential scans discouraged, since a test
    store is too small for the planner to prefer an index otherwise."""
    if store.engine == "postgresql":
        import psycopg

        with psycopg.connect(store.location, autocommit=True) as conn:
            conn.execute("SET enable_seqscan = off")
            return "\n".join(row[0] for row in conn.execute(f"EXPLAIN {query}"))
    return str(sql(store, f"EXPLAIN QUERY PLAN {query}").fetchall())


def indexes(store, table: str) -> list[tuple[str, str]]:
    """The secondary indexes of ``table``: (name, definition), sorted."""
    if store.engine == "postgresql":
        query = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? "
                 "AND indexname NOT LIKE '%pkey'")
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
    return sorted(sql(store, query, (table,)).fetchall())
