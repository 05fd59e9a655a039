"""Schema 7: a pseudonymous victim reference on offences (offence CSV version 1.1).

``victim_ref`` is the force's pseudonymous reference for the victim (never a name), so
repeat victimisation can be counted by grouping on it; the partial index holds only the
offences that have one, so police.uk-only stores pay nothing for it.
"""

SQL = """
ALTER TABLE offences ADD COLUMN victim_ref TEXT;
CREATE INDEX offences_victim_ref ON offences (victim_ref, committed_from) WHERE victim_ref IS NOT NULL;
"""
