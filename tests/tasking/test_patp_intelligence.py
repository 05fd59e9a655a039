"""A PATP's graded intelligence is ranked by relevance to the problem: reports naming its
offences, suspects, vehicles or locations first, then distance and recency; reports
graded as suspected false are left out unless asked for."""

import json

from handmade import SERIES_REF, make_borough

from workbench.cli import main
from workbench.intel.importer import import_intel
from workbench.store import open_store

HEADER = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,subjects,vehicles,offences,easting,northing,text\n"
ROWS = [
    # ref, recorded, intel eval, subjects, vehicles, offences, easting, northing, text
    ("R1", "2025-01-20", "B", "O-17", "", "TB/S02;TB/S05", "534500", "180500", "O-17 boasted of both"),
    ("R2", "2025-03-20", "B", "", "", "", "531000", "183000", "Youths seen trying doors"),
    ("R3", "2024-11-02", "C", "O-17", "AB12CDE", "", "", "", "O-17 drives AB12 CDE"),
    ("R4", "2024-12-01", "B", "", "AB12CDE", "", "", "", "AB12 CDE seen at 2am"),
    ("R5", "2025-03-25", "E", "O-17", "", "", "531000", "183000", "O-17 is the burglar (doubtful)"),
    ("R6", "2025-02-01", "B", "", "", "", "531000", "183000", "Shed broken into"),
    ("R7", "2025-03-01", "A", "X-99", "", "", "533900", "180100", "Unrelated"),
]


def cli(capsys, db, *argv):
    code = main([*argv, "--db", str(db), "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_intelligence_ranked_by_relevance(tmp_path, capsys, new_store):
    db = new_store("s")
    csv = tmp_path / "intel.csv"
    csv.write_text(HEADER + "".join(f"{r},{d},3x5x2,2,{e},P,{s},{v},{o},{x},{y},{t}\n"
                                    for r, d, e, s, v, o, x, y, t in ROWS))
    with open_store(db) as store:
        make_borough(store)
        assert import_intel(store, csv).imported == 7
    _code, made = cli(capsys, db, "patp", "create", "--from-series", SERIES_REF)
    intel = cli(capsys, db, "patp", "show", made["reference"])[1]["graded_intelligence"]
    # R1: 2 of the series' offences (3 each) and the suspect (2) = 8; R3: the suspect and a
    # vehicle (2 + 1); R4: that vehicle (1); R2 and R6: in the area, same place, newer first.
    # R5 is graded E (suspected false); R7 is about someone else, elsewhere.
    assert [i["ref"] for i in intel] == ["R1", "R3", "R4", "R2", "R6"]
    assert [i["relevance"] for i in intel] == [8, 3, 1, 0, 0]
    assert intel[0]["why"].startswith("names offences TB/S02, TB/S05; names suspect O-17")
    assert "mentions AB12CDE" in intel[2]["why"]
    assert intel[3]["distance_m"] == intel[4]["distance_m"] < 300
    _code, made = cli(capsys, db, "patp", "create", "--from-series", SERIES_REF, "--include-doubtful")
    intel = cli(capsys, db, "patp", "show", made["reference"])[1]["graded_intelligence"]
    assert [i["ref"] for i in intel] == ["R1", "R3", "R5", "R4", "R2", "R6"]
