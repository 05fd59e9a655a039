"""Schema 15: drop the ``offences.ref_key`` column.

The importer no longer hashes references: each chunk of an ordinary import asks the
reference index which of its (source, reference) pairs are stored, and a bulk load finds
its repeats in one pass over the rebuilt reference index. Nothing reads the 64-bit key
any more, so every row was carrying eight bytes, and every import a hash per row, for
nothing. Dropping the column rewrites the offences table once.
"""

SQL = """
ALTER TABLE offences DROP COLUMN ref_key;
"""
