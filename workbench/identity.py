"""Who is acting: the operating-system login, and nothing a user can type.

Every audit entry, batch, decision and approval records :func:`current_user`. There is
deliberately no option or environment variable to act as someone else: the audit log is
evidence, and a name typed on a command line is not. Tests choose an identity by
replacing :func:`_os_login` (the ``act_as`` fixture in ``tests/conftest.py``).
"""

from __future__ import annotations

import getpass


def current_user() -> str:
    """The login name of the person running Workbench."""
    return _os_login()


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):     # no login name (e.g. a container without a passwd entry)
        return "unknown-user"
