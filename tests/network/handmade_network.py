"""A small hand-made store for network tests: three offenders, two shared offences, two
intelligence reports linking a vehicle and a phone."""

from __future__ import annotations

from workbench.ingest.offences_csv import import_offences
from workbench.intel.importer import import_intel

OFFENCES = """offence_ref,category,committed_from,easting,northing,status,offender_ids
B/1,burglary-residential,2025-03-01T18:00,531200,181450,solved,P1;P2
B/2,burglary-residential,2025-03-05T18:00,531300,181500,solved,P2;P3
B/3,robbery,2025-03-09T18:00,531400,181600,solved,P4
"""

INTEL = """intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,vehicles,phones,offences,text
I/1,2025-03-02,3x5x2,1,A,P,,P1,AB12 CDE,,B/1,P1 drives AB12 CDE
I/2,2025-03-06,5x5x5,B,2,4,,P3,AB12 CDE,07700 900123,,P3 uses 07700 900123 and AB12 CDE
"""


def load(store, tmp_path) -> None:
    (tmp_path / "o.csv").write_text(OFFENCES)
    (tmp_path / "i.csv").write_text(INTEL)
    assert import_offences(store, tmp_path / "o.csv").imported == 3
    assert import_intel(store, tmp_path / "i.csv").imported == 2
