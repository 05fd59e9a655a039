"""Schema 5: intelligence reports, the entities they mention and full-text search.

- ``intel_reports``: one graded report (3x5x2 or 5x5x5) with its handling code and
  conditions, kept as imported; ``(source, intel_ref)`` is unique so re-imports add nothing.
- ``intel_entities``: people, vehicles, phones and postcodes, each normalised once
  (``kind``, ``value``); a person's value is the same identifier as ``offenders.offender_key``.
- ``intel_mentions``: which report mentions which entity, whether from a column or found
  in the text (with the character span, for highlighting).
- ``intel_offence_refs``: the offences a report relates to, by ``offence_ref`` (resolved
  when read, so the offences may be imported before or after the intelligence).
- ``intel_fts``: an FTS5 index (a tsvector with a GIN index on PostgreSQL) of text,
  location and the normalised entity values, its rowid the report id (so ``AB12CDE``
  finds a report that wrote ``AB12 CDE``).
"""

SQL = """
CREATE TABLE intel_reports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    intel_ref TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    grading TEXT NOT NULL CHECK (grading IN ('3x5x2', '5x5x5')),
    source_eval TEXT NOT NULL,
    intel_eval TEXT NOT NULL,
    handling TEXT NOT NULL,
    handling_conditions TEXT,
    text TEXT NOT NULL,
    easting REAL,
    northing REAL,
    longitude REAL,
    latitude REAL,
    location_desc TEXT,
    borough TEXT,
    ward TEXT,
    security_marking TEXT NOT NULL DEFAULT 'OFFICIAL-SENSITIVE',
    review_date TEXT,
    extra TEXT,
    imported_at TEXT NOT NULL,
    batch_id INTEGER REFERENCES batches(id),
    UNIQUE (source, intel_ref)
);
CREATE INDEX intel_reports_recorded ON intel_reports (recorded_at);
CREATE INDEX intel_reports_imported ON intel_reports (imported_at);
CREATE INDEX intel_reports_borough ON intel_reports (borough, recorded_at);
CREATE INDEX intel_reports_ref ON intel_reports (intel_ref);
CREATE TABLE intel_entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'vehicle', 'phone', 'postcode')),
    value TEXT NOT NULL,
    UNIQUE (kind, value)
);
CREATE TABLE intel_mentions (
    report_id INTEGER NOT NULL REFERENCES intel_reports(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES intel_entities(id) ON DELETE CASCADE,
    origin TEXT NOT NULL CHECK (origin IN ('subject', 'column', 'text')),
    start INTEGER,
    end INTEGER
);
CREATE INDEX intel_mentions_report ON intel_mentions (report_id);
CREATE INDEX intel_mentions_entity ON intel_mentions (entity_id, report_id);
CREATE TABLE intel_offence_refs (
    report_id INTEGER NOT NULL REFERENCES intel_reports(id) ON DELETE CASCADE,
    offence_ref TEXT NOT NULL,
    PRIMARY KEY (report_id, offence_ref)
);
CREATE INDEX intel_offence_refs_ref ON intel_offence_refs (offence_ref);
"""

SQLITE = """
CREATE VIRTUAL TABLE intel_fts USING fts5(text, location_desc, entities, tokenize = 'unicode61 remove_diacritics 2');
"""

#: The same index on PostgreSQL: a tsvector of the three texts (the 'simple'
#: configuration: words as written, lower-cased, no stemming, like FTS5's unicode61).
POSTGRESQL = """
CREATE TABLE intel_fts (
    rowid BIGINT PRIMARY KEY,
    text TEXT NOT NULL,
    location_desc TEXT NOT NULL DEFAULT '',
    entities TEXT NOT NULL DEFAULT '',
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text || ' ' || location_desc || ' ' || entities)) STORED
);
CREATE INDEX intel_fts_tsv ON intel_fts USING GIN (tsv);
"""
