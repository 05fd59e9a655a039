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


def grant(store_or_path, name: str, role: str = "higher-analyst") -> None:
    """Give ``name`` a role, as ``test.analyst`` (who created the store, so its admin)."""
    from workbench.domain.roles import Role
    from workbench.store import Store, open_store, roles

    with acting_as("test.analyst"):
        if isinstance(store_or_path, Store):
            roles.grant(store_or_path, name, Role(role))
        else:
            with open_store(store_or_path) as store:
                roles.grant(store, name, Role(role))
