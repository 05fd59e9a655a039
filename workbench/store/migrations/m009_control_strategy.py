"""Schema 9: the business side of the NIM cycle.

- ``priorities``: the borough's control strategy (name, crime categories, owner); a
  retired priority stays for the history of the PATPs that used it.
- ``intel_requirements``: intelligence requirements, each under a priority, optionally
  answered by a saved search.
- ``assessments``: tactical and strategic assessments as products with the same QA
  workflow as a PATP (status, author, QA sign-off, decision in ``body``).
- ``populations``: residents per area (LSOA, ward or borough code), for rates per
  1,000 residents in the insight tables.
- ``ttcg_actions`` gain ``note`` (why the status last changed) and ``closed_at``.
- New settings with their defaults: the borough, the accreditation level of this
  installation, the TTCG weekday and the role that quality-assures products.
"""

SQL = """
CREATE TABLE priorities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    categories TEXT NOT NULL DEFAULT '[]',
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    retired_at TEXT
);
CREATE TABLE intel_requirements (
    id INTEGER PRIMARY KEY,
    priority_id INTEGER NOT NULL REFERENCES priorities(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    search_name TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    retired_at TEXT
);
CREATE INDEX intel_requirements_priority ON intel_requirements (priority_id);
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('tactical', 'strategic')),
    status TEXT NOT NULL DEFAULT 'draft',
    title TEXT NOT NULL,
    borough TEXT,
    author TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX assessments_period ON assessments (kind, period_to);
CREATE TABLE populations (
    area_code TEXT PRIMARY KEY,
    area_name TEXT,
    residents INTEGER NOT NULL CHECK (residents > 0),
    imported_at TEXT NOT NULL
);
ALTER TABLE ttcg_actions ADD COLUMN note TEXT;
ALTER TABLE ttcg_actions ADD COLUMN closed_at TEXT;
INSERT OR IGNORE INTO settings (key, value) VALUES
    ('borough', ''),
    ('accreditation_level', 'OFFICIAL-SENSITIVE'),
    ('ttcg_weekday', 'Thursday'),
    ('qa_role', 'higher-analyst');
"""
