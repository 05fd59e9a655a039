"""The PostgreSQL server the team-store tests use: one new database per store.

``WORKBENCH_TEST_PG`` holds the address of a login that may create databases on a test
server (``.ci/run`` starts a throwaway cluster and sets it). Each store a test asks for
is a new database made from a template that already has PostGIS, dropped when the test
ends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

SERVER = os.environ.get("WORKBENCH_TEST_PG")
TEMPLATE = "workbench_test_template"
SKIP_REASON = ("no PostgreSQL server for the team-store tests: set WORKBENCH_TEST_PG=postgresql://USER@HOST/postgres "
               "(a login that may create databases; .ci/run starts one)")


class PgServer:
    """Makes and drops test databases on the server at ``url``."""

    def __init__(self, url: str):
        import psycopg

        self.url = url
        self._admin = psycopg.connect(url, autocommit=True)
        self.made: list[str] = []
        if not self._admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE,)).fetchone():
            self._admin.execute(f"CREATE DATABASE {TEMPLATE}")
            with psycopg.connect(self.address(TEMPLATE), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def address(self, database: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path="/" + database))

    def new_database(self, template: str = TEMPLATE) -> str:
        """The address of a new, empty database (PostGIS installed), or of a copy of the
        test database ``template`` (whose connections are closed first)."""
        name = f"wbtest_{uuid.uuid4().hex[:12]}"
        if template != TEMPLATE:
            self._admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = %s AND pid <> pg_backend_pid()", (template,))
        self._admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        self.made.append(name)
        return self.address(name)

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new database for a fixture that outlives one test (a module's store),
        dropped when the fixture ends rather than by :meth:`drop_all`."""
        address = self.new_database()
        name = self.made.pop()
        try:
            yield address
        finally:
            self._admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def drop_all(self) -> None:
        """Drop the databases made since the last call (closing their connections)."""
        while self.made:
            self._admin.execute(f"DROP DATABASE IF EXISTS {self.made.pop()} WITH (FORCE)")


def server_or_skip() -> PgServer:
    """The test server, or skip saying why; with ``CI=true`` a missing server fails instead."""
    if not SERVER:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but WORKBENCH_TEST_PG is not set: the PostgreSQL tests must run in CI")
        pytest.skip(SKIP_REASON)
    return PgServer(SERVER)
