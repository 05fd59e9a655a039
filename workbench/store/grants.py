"""The PostgreSQL roles a database administrator grants on a team store, as SQL.

Workbench's own roles (analyst, higher analyst, TTCG chair, admin) live in the store's
``roles`` table, keyed by the database login, on both engines. The server's roles decide
what a login may touch at all; these three groups match them:

- ``workbench_reader``: reads every table and view (QGIS, ArcGIS Pro, auditors);
- ``workbench_analyst``: reads and writes the analysis tables, may only *add* to the
  audit log (never change or delete an entry), and cannot change the schema, its
  version or who holds which Workbench role;
- ``workbench_admin``: an analyst who may also change the ``roles`` table, for the
  logins that hold Workbench's admin role.

The owner of the database (who runs schema upgrades) keeps every right. The statements
are safe to run again: a group that exists is kept, grants are repeated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"[a-z_][a-z0-9_$]{0,62}")


@dataclass(frozen=True)
class GroupRoles:
    """The names of the three group roles (defaults as the guide gives them)."""

    reader: str = "workbench_reader"
    analyst: str = "workbench_analyst"
    admin: str = "workbench_admin"

    def names(self) -> tuple[str, str, str]:
        return self.reader, self.analyst, self.admin


def valid_name(name: str) -> bool:
    """A role or database name that needs no quoting (lower case, letters, digits, _)."""
    return bool(_NAME.fullmatch(name))


def grant_statements(database: str, owner: str, groups: GroupRoles = GroupRoles()) -> list[str]:
    """The SQL, one statement each, that sets up the group roles on ``database`` whose
    tables ``owner`` makes (run it as a superuser, connected to that database)."""
    reader, analyst, admin = groups.names()
    create = [f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
              f"CREATE ROLE {name} NOLOGIN; END IF; END $$" for name in groups.names()]
    defaults = f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public"
    return [
        *create,
        f"GRANT {analyst} TO {admin}",
        f"GRANT CONNECT ON DATABASE {database} TO {reader}, {analyst}",
        f"GRANT USAGE ON SCHEMA public TO {reader}, {analyst}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {reader}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {analyst}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {analyst}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {analyst}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON roles, workbench_schema FROM {analyst}",
        f"GRANT INSERT, UPDATE, DELETE ON roles TO {admin}",
        f"{defaults} GRANT SELECT ON TABLES TO {reader}",
        f"{defaults} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {analyst}",
        f"{defaults} GRANT USAGE, SELECT ON SEQUENCES TO {analyst}",
    ]
