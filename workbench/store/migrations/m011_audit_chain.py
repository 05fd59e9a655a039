"""Schema 11: the audit log becomes a hash chain and append-only.

Adds ``prev_hash`` and ``hash`` to every entry, chains the entries already there (in id
order, so an upgraded store verifies from its first entry), adds the one-row
``audit_head`` (id and hash of the newest entry) and triggers that refuse UPDATE and
DELETE on the log. See :mod:`workbench.store.audit`.
"""

from workbench.store.audit import chain_existing
from workbench.store.migrations import engine_of

SQL = """
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE audit_head (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    last_id INTEGER NOT NULL,
    hash TEXT NOT NULL
);
"""

TRIGGERS = """
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: its entries cannot be deleted'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: its head cannot be deleted'); END
"""


#: The same refusals on PostgreSQL (one function, raising the trigger's message).
PG_TRIGGERS = """
CREATE FUNCTION workbench_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION workbench_append_only('the audit log is append-only: its entries cannot be changed')
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION workbench_append_only('the audit log is append-only: its entries cannot be deleted')
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head FOR EACH ROW EXECUTE FUNCTION workbench_append_only('the audit log is append-only: its head cannot be deleted')
"""


def apply(conn) -> None:
    chain_existing(conn)
    triggers = PG_TRIGGERS if engine_of(conn) == "postgresql" else TRIGGERS
    for statement in triggers.strip().splitlines():
        conn.execute(statement)
