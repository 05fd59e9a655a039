"""Schema 6: tasking. PATPs and their workflow history, TTCG meetings with agenda,
decisions and actions, and the returns imported from other boroughs.

A PATP's content (every field of the proforma) is one JSON document in ``patps.body`` so
analysts can edit any pre-filled section; the columns beside it are the ones lists and
queues filter on, kept in step by ``workbench.store.tasking``.
"""

SQL = """
CREATE TABLE patps (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'draft',
    title TEXT NOT NULL,
    borough TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    meeting_id INTEGER REFERENCES ttcg_meetings(id) ON DELETE SET NULL,
    body TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX patps_status ON patps (status);
CREATE TABLE patp_transitions (
    id INTEGER PRIMARY KEY,
    patp_id INTEGER NOT NULL REFERENCES patps(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    comment TEXT
);
CREATE INDEX patp_transitions_patp ON patp_transitions (patp_id, id);
CREATE TABLE ttcg_meetings (
    id INTEGER PRIMARY KEY,
    held_on TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    borough TEXT,
    chair TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    agenda TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX ttcg_meetings_held ON ttcg_meetings (held_on);
CREATE TABLE ttcg_decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES ttcg_meetings(id) ON DELETE CASCADE,
    patp_id INTEGER REFERENCES patps(id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    at TEXT NOT NULL,
    user TEXT NOT NULL
);
CREATE INDEX ttcg_decisions_meeting ON ttcg_decisions (meeting_id);
CREATE TABLE ttcg_actions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER REFERENCES ttcg_meetings(id) ON DELETE CASCADE,
    patp_id INTEGER REFERENCES patps(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    owner TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in progress', 'done', 'cancelled')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ttcg_actions_due ON ttcg_actions (status, due_date);
CREATE TABLE returns_received (
    id INTEGER PRIMARY KEY,
    borough TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    generated_at TEXT,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    user TEXT NOT NULL,
    UNIQUE (borough, period_from, period_to, file_hash)
);
CREATE TABLE return_items (
    id INTEGER PRIMARY KEY,
    return_id INTEGER NOT NULL REFERENCES returns_received(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('series', 'hotspot', 'offender')),
    item_key TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX return_items_kind ON return_items (kind, item_key);
"""
