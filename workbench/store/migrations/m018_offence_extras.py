"""Schema 18: offences' extra attributes stored once per distinct value.

A police.uk row brings five columns Workbench keeps as extra attributes (LSOA code and
name, last outcome, context, the force it falls within): a JSON object of some 150
bytes, and a year of a force repeats a few tens of thousands of distinct ones a million
times (the force's name on every row). ``offence_extras`` holds each distinct text once
per import and ``offences.extra_id`` points to it, so the offences table is about a
third narrower: a bulk load writes, and each index build reads, that much less. Readers
still see an ``extra`` column (:mod:`workbench.store.offences` looks the text up).
"""

SQL = """
CREATE TABLE offence_extras (
    id INTEGER PRIMARY KEY,
    extra TEXT NOT NULL
);
ALTER TABLE offences ADD COLUMN extra_id INTEGER;
INSERT INTO offence_extras (extra) SELECT DISTINCT extra FROM offences WHERE extra IS NOT NULL ORDER BY extra;
UPDATE offences SET extra_id = e.id FROM offence_extras e WHERE e.extra = offences.extra;
ALTER TABLE offences DROP COLUMN extra;
"""
