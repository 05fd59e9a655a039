"""The only code that writes the SQLite store: schema, migrations, queries, audit log."""

from workbench.errors import StoreError
from workbench.store.db import Store, open_store

__all__ = ["Store", "StoreError", "open_store"]
