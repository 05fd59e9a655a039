"""Schema 3: linked-offence analysis. Analyst link decisions (confirmed/rejected, with
who/when/why), confirmed series and their members, and trained linkage models."""

SQL = """
CREATE TABLE link_decisions (
    offence_a INTEGER NOT NULL REFERENCES offences(id) ON DELETE CASCADE,
    offence_b INTEGER NOT NULL REFERENCES offences(id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'rejected')),
    why TEXT,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (offence_a, offence_b),
    CHECK (offence_a < offence_b)
);
CREATE INDEX link_decisions_b ON link_decisions (offence_b);
CREATE TABLE link_series (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE link_series_members (
    series_id INTEGER NOT NULL REFERENCES link_series(id) ON DELETE CASCADE,
    offence_id INTEGER NOT NULL UNIQUE REFERENCES offences(id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL,
    why TEXT,
    PRIMARY KEY (series_id, offence_id)
);
CREATE TABLE link_models (
    id INTEGER PRIMARY KEY,
    crime_group TEXT NOT NULL,
    method TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    n_offences INTEGER NOT NULL DEFAULT 0,
    n_pairs INTEGER NOT NULL DEFAULT 0,
    n_linked INTEGER NOT NULL DEFAULT 0,
    metrics TEXT NOT NULL DEFAULT '{}',
    columns TEXT NOT NULL DEFAULT '[]',
    model BLOB,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX link_models_group ON link_models (crime_group, active)
"""
