"""Who holds which role in a store (``roles`` table), and the checks that use them.

Granting and revoking are audited and need the admin role. The store's first admin is
whoever created it (or first opened it with a version that has roles): see
:func:`bootstrap_admin`. The last admin cannot be revoked, so a store always has one.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from workbench.domain.audit import AuditAction
from workbench.domain.roles import Role
from workbench.errors import BadInput, NotAllowed
from workbench.identity import current_user
from workbench.store.db import Store, now_iso


def bootstrap_admin(conn: sqlite3.Connection) -> str:
    """Make the person opening the store its first admin (migration 12)."""
    user = current_user()
    at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    conn.execute("INSERT INTO roles (user, role, granted_by, granted_at) VALUES (?, 'admin', ?, ?)",
                 (user, "(created the store)", at))
    return user


def roles_of(store: Store, user: str | None = None) -> set[Role]:
    """The roles ``user`` (default: the person running Workbench) holds in this store."""
    rows = store._conn.execute("SELECT role FROM roles WHERE user = ?", (user or current_user(),))
    return {Role(r[0]) for r in rows}


def holders(store: Store) -> list[dict]:
    """Every grant: user, role, who granted it and when (by user, then role)."""
    return store._rows("SELECT user, role, granted_by, granted_at FROM roles ORDER BY user, role")


def require(store: Store, role: Role, doing: str) -> str:
    """The current user, or :class:`NotAllowed` saying they need ``role`` to do ``doing``."""
    user = current_user()
    if role not in roles_of(store, user):
        raise NotAllowed(f"{user} may not {doing}: that needs the {role.value} role in this store "
                         f"(an admin grants it: workbench roles grant {user} {role.value})")
    return user


def grant(store: Store, user: str, role: Role) -> bool:
    """Give ``user`` ``role`` (admins only); False when they already held it."""
    granter = require(store, Role.ADMIN, "grant roles")
    user = _login(user)
    with store.atomic():
        cur = store._conn.execute(
            "INSERT OR IGNORE INTO roles (user, role, granted_by, granted_at) VALUES (?,?,?,?)",
            (user, role.value, granter, now_iso()))
        if cur.rowcount:
            store.audit(AuditAction.ROLE_GRANT, "user", user, {"role": role.value})
    return bool(cur.rowcount)


def revoke(store: Store, user: str, role: Role) -> bool:
    """Take ``role`` from ``user`` (admins only; never the last admin); False when not held."""
    require(store, Role.ADMIN, "revoke roles")
    user = _login(user)
    with store.atomic():
        if role is Role.ADMIN and store._value("SELECT count(*) FROM roles WHERE role = 'admin' AND user != ?",
                                               (user,)) == 0:
            raise NotAllowed(f"{user} is the store's only admin; grant admin to someone else first")
        cur = store._conn.execute("DELETE FROM roles WHERE user = ? AND role = ?", (user, role.value))
        if cur.rowcount:
            store.audit(AuditAction.ROLE_REVOKE, "user", user, {"role": role.value})
    return bool(cur.rowcount)


def _login(user: str) -> str:
    """A login name as given, refused when empty or padded (it must match exactly)."""
    if not user or user != user.strip() or any(ch in user for ch in "\r\n\t"):
        raise BadInput(f"{user!r} is not a login name")
    return user
