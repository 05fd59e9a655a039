"""Schema 14: drop the ``offences.batch_id`` index.

No query reads offences by batch (batches are listed from their own table and never
deleted, so the foreign key never looks offences up by batch either), yet every import
paid for the index: rebuilding it after a bulk load, or updating it row by row. A feature
that selects offences by batch adds it back with its own migration.
"""

SQL = """
DROP INDEX IF EXISTS offences_batch;
"""
