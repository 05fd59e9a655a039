"""Schema 8: nominals (people under management or wanted) and missing-person episodes.

- ``nominals``: one person per ``nominal_ref`` (the same identifier as
  ``offenders.offender_key`` and intelligence person entities, so offences and reports
  resolve to the nominal), with description, home location (and its borough/ward),
  conditions (curfew hours parsed from them; an exclusion zone as WKT in BNG), review
  date and security marking. Re-imports add nothing: the reference is unique.
- ``nominal_flags``: the nominal's flags (``rso``, ``iom``, ``ppo``, ``mappa-1/2/3``,
  ``bail``, ``licence``, ``wanted``), one row each, so the People view and the scan
  filter by flag through an index.
- ``missing_episodes``: one episode per ``episode_ref``: who (``person_ref``), when
  reported and found, where last seen and found, risk grade, the kind of home they went
  missing from, and flags such as ``cse-concern``.

Victims are pseudonymous references on offences (``offences.victim_ref``, schema 7).
"""

SQL = """
CREATE TABLE nominals (
    id INTEGER PRIMARY KEY,
    nominal_ref TEXT NOT NULL UNIQUE,
    surname TEXT,
    forenames TEXT,
    date_of_birth TEXT,
    sex TEXT,
    height_cm REAL,
    build TEXT,
    ethnicity_code TEXT,
    home_easting REAL,
    home_northing REAL,
    home_borough TEXT,
    home_ward TEXT,
    offending TEXT,
    conditions TEXT,
    curfew_from TEXT,
    curfew_to TEXT,
    exclusion_wkt TEXT,
    review_date TEXT,
    security_marking TEXT NOT NULL DEFAULT 'OFFICIAL-SENSITIVE',
    extra TEXT,
    imported_at TEXT NOT NULL,
    batch_id INTEGER REFERENCES batches(id)
);
CREATE INDEX nominals_home ON nominals (home_easting, home_northing);
CREATE TABLE nominal_flags (
    nominal_id INTEGER NOT NULL REFERENCES nominals(id) ON DELETE CASCADE,
    flag TEXT NOT NULL,
    PRIMARY KEY (nominal_id, flag)
);
CREATE INDEX nominal_flags_flag ON nominal_flags (flag, nominal_id);
CREATE TABLE missing_episodes (
    id INTEGER PRIMARY KEY,
    episode_ref TEXT NOT NULL UNIQUE,
    person_ref TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    found_at TEXT,
    last_seen_easting REAL,
    last_seen_northing REAL,
    found_easting REAL,
    found_northing REAL,
    risk TEXT NOT NULL CHECK (risk IN ('high', 'medium', 'low', 'no-apparent-risk')),
    home_type TEXT,
    flags TEXT,
    borough TEXT,
    extra TEXT,
    imported_at TEXT NOT NULL,
    batch_id INTEGER REFERENCES batches(id)
);
CREATE INDEX missing_person ON missing_episodes (person_ref, reported_at);
CREATE INDEX missing_reported ON missing_episodes (reported_at);
"""
