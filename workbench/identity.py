"""Who is acting: the operating-system login (or, on a team store, the database login),
and nothing a user can type.

Every audit entry, batch, decision and approval records :func:`current_user`. There is
deliberately no option or environment variable to act as someone else: the audit log is
evidence, and a name typed on a command line is not. On a PostgreSQL team store the
server has checked who logged in, so that login is who acts while the store is open
(:func:`use_database_login`). Tests choose an identity by replacing :func:`_os_login`
and :func:`use_database_login` (the ``act_as`` fixture in ``tests/conftest.py``).
"""

from __future__ import annotations

import getpass

_database_login: str | None = None
#: The logins of the team-store connections open in this process (a worker thread's
#: connection closing must not end the window's), newest last.
_open_logins: list[str] = []


def current_user() -> str:
    """The login name of the person running Workbench: the team store's database login
    while one is open, else the operating-system login."""
    return _database_login or _os_login()


def use_database_login(name: str | None) -> None:
    """Act as the database login ``name`` (a team store connection was opened), or as
    the operating-system login again (``None``: forget every team-store login)."""
    global _database_login
    if name is None:
        _open_logins.clear()
    else:
        _open_logins.append(name)
    _database_login = _open_logins[-1] if _open_logins else None


def forget_database_login(name: str) -> None:
    """A team store connection logged in as ``name`` was closed: the login of the newest
    connection still open acts, or the operating-system login once none is."""
    global _database_login
    if name in _open_logins:
        del _open_logins[len(_open_logins) - 1 - _open_logins[::-1].index(name)]
    _database_login = _open_logins[-1] if _open_logins else None


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):     # no login name (e.g. a container without a passwd entry)
        return "unknown-user"
