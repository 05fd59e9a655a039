"""Schema 1: offences, their features and offenders, import batches, rejects,
boundaries and the audit log.

``offences.ref_key`` is a 64-bit hash of (source, offence_ref): the importer finds
already-stored offences through its small integer index and then compares the real
references, so re-imports are exact while the index stays small enough to live in
memory on a force-sized store (a unique index on long police.uk Crime IDs did not).
"""

SQL = """
CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    user TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE rejects (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    line INTEGER NOT NULL,
    column_name TEXT,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX rejects_batch ON rejects (batch_id, line);
CREATE TABLE offences (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    offence_ref TEXT NOT NULL,
    ref_key INTEGER NOT NULL,
    category TEXT NOT NULL,
    committed_from TEXT NOT NULL,
    committed_to TEXT NOT NULL,
    reported_at TEXT,
    easting REAL NOT NULL,
    northing REAL NOT NULL,
    longitude REAL NOT NULL,
    latitude REAL NOT NULL,
    cell INTEGER NOT NULL,
    location_desc TEXT,
    location_type TEXT,
    borough TEXT,
    ward TEXT,
    area_given INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'unsolved' CHECK (status IN ('solved', 'unsolved')),
    series_ref TEXT,
    extra TEXT,
    batch_id INTEGER REFERENCES batches(id)
);
CREATE INDEX offences_ref_key ON offences (ref_key);
CREATE INDEX offences_ref ON offences (offence_ref);
CREATE INDEX offences_category_date ON offences (category, committed_from);
CREATE INDEX offences_date ON offences (committed_from);
CREATE INDEX offences_borough_date ON offences (borough, committed_from);
CREATE INDEX offences_cell ON offences (cell);
CREATE INDEX offences_batch ON offences (batch_id);
CREATE TABLE offence_features (
    offence_id INTEGER NOT NULL REFERENCES offences(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('mo', 'victim', 'suspect')),
    name TEXT NOT NULL,
    value TEXT NOT NULL
);
CREATE INDEX offence_features_offence ON offence_features (offence_id);
CREATE INDEX offence_features_value ON offence_features (kind, name, value);
CREATE TABLE offenders (
    id INTEGER PRIMARY KEY,
    offender_key TEXT NOT NULL UNIQUE,
    display_name TEXT
);
CREATE TABLE offence_offenders (
    offence_id INTEGER NOT NULL REFERENCES offences(id) ON DELETE CASCADE,
    offender_id INTEGER NOT NULL REFERENCES offenders(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'offender',
    PRIMARY KEY (offence_id, offender_id, role)
);
CREATE INDEX offence_offenders_offender ON offence_offenders (offender_id);
CREATE TABLE boundaries (
    id INTEGER PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('borough', 'ward')),
    name TEXT NOT NULL,
    code TEXT,
    parent TEXT,
    geometry BLOB NOT NULL,
    minx REAL NOT NULL,
    miny REAL NOT NULL,
    maxx REAL NOT NULL,
    maxy REAL NOT NULL,
    batch_id INTEGER REFERENCES batches(id)
);
CREATE UNIQUE INDEX boundaries_name ON boundaries (level, name, coalesce(parent, ''));
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_object ON audit_log (object_type, object_id);
CREATE INDEX audit_at ON audit_log (at);
"""
