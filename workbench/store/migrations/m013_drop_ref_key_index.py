"""Schema 13: drop the ``offences.ref_key`` index.

Re-imports now find already-stored offences through ``offences_ref``, the index on the
reference that intelligence and people need anyway, so the second index on the same
references only cost every import time (rebuilding it was some 18% of the index work
of a bulk load) and space. ``ref_key`` stays a column: a first bulk load still uses it,
with a second hash, to recognise repeats in memory.
"""

SQL = """
DROP INDEX IF EXISTS offences_ref_key;
"""
