"""Schema 12: roles held by login names (see :mod:`workbench.store.roles`).

The person who creates the store, or who first opens an older store with this version,
becomes its first admin: someone must be able to grant roles, and that person already
holds the file.
"""

from workbench.store.roles import bootstrap_admin

SQL = """
CREATE TABLE roles (
    user TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'higher-analyst', 'ttcg-chair', 'admin')),
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user, role)
);
"""


def apply(conn) -> None:
    bootstrap_admin(conn)
