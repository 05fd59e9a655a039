"""Schema 4: scanning. Per-user scan state (when each analyst last scanned and how far
into the offences table that scan saw), saved searches with their subscriptions, and
what each saved search returned last time, so a scan reports only what is new."""

SQL = """
CREATE TABLE scan_state (
    user TEXT PRIMARY KEY,
    last_scan_at TEXT NOT NULL,
    last_offence_id INTEGER NOT NULL DEFAULT 0,
    last_report TEXT
);
CREATE TABLE saved_searches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('offences', 'intel')),
    filter TEXT NOT NULL DEFAULT '{}',
    owner TEXT NOT NULL,
    subscribed INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    last_run_at TEXT,
    UNIQUE (owner, name)
);
CREATE TABLE saved_search_hits (
    search_id INTEGER NOT NULL REFERENCES saved_searches(id) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    PRIMARY KEY (search_id, item_id)
) WITHOUT ROWID;
"""
