"""Acting as someone else in a test: Workbench records the operating-system login
(``workbench.identity``), so tests swap that one function instead of passing names.
The autouse ``act_as`` fixture (conftest) puts it back after every test."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def acting_as(name: str):
    """Run the block as the login ``name``."""
    from workbench import identity

    saved = identity._os_login
    identity._os_login = lambda: name
    try:
        yield
    finally:
        identity._os_login = saved
