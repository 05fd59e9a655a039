"""Schema 10: an offline street map. Vector features a force holds under its own licence
(roads with names, buildings, water, rail), street-name labels built from police.uk
"On or near <street>" locations, and each source's attribution line for exported maps."""

SQL = """
CREATE TABLE basemap_features (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('road', 'building', 'water', 'rail', 'street_label')),
    name TEXT,
    geometry BLOB NOT NULL,
    minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
    weight INTEGER NOT NULL DEFAULT 1,
    batch_id INTEGER REFERENCES batches (id)
);
CREATE INDEX basemap_features_box ON basemap_features (kind, minx, maxx, miny, maxy);
CREATE INDEX basemap_features_name ON basemap_features (name COLLATE NOCASE);
CREATE TABLE basemap_sources (
    source TEXT PRIMARY KEY,
    attribution TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
"""
