"""Tests look into a store's file through a read-only connection of their own, as any
SQLite tool would: the application's connection is private to ``workbench.store``."""

from __future__ import annotations

import sqlite3


def sql(store, query: str, params=()) -> sqlite3.Cursor:
    """Run ``query`` on the store's file (what has been committed) and return the cursor."""
    conn = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    return conn.execute(query, params)
