"""Schema 2: store-wide settings (security marking, TTCG cycle, force name), with the
defaults an English force would start from. Configurable facts in DOMAIN.md live here."""

SQL = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES
    ('security_marking', 'OFFICIAL-SENSITIVE'),
    ('ttcg_cycle_days', '14'),
    ('organisation', 'Metropolitan Police Service');
"""
