"""Pre-filling a PATP from a series: the summary, map area and tactics match the series."""

from datetime import date

import pytest
from handmade import SERIES_REF, make_borough

from workbench.tasking.editing import CreatePatp, load_patp
from workbench.tasking.prefill import build_patp
from workbench.tasking.sources import problem_from_person, problem_from_series


def test_prefill_from_series_matches_the_series(store):
    series_ids = make_borough(store)
    problem = problem_from_series(store, SERIES_REF)
    assert sorted(problem.offence_ids) == sorted(series_ids)
    patp = build_patp(store, problem, author="a.analyst", today=date(2025, 3, 20))
    sa = patp.supporting_analysis
    assert sa["offence_ids"] == sorted(series_ids)
    assert sa["summary"]["offences"] == 8
    assert sa["summary"]["counts"] == {"burglary-residential": 8}
    assert sa["summary"]["date_from"] == "2025-01-06"
    assert sa["summary"]["solved"] == 3
    assert sa["offenders"] == ["O-17"]
    assert sa["summary"]["peak_hours"] == "19:00-23:00"
    assert patp.borough == "Testborough" and patp.nim_level == 1 and patp.priority == "Burglary"
    assert "8 offences (8 burglary residential)" in patp.problem_summary
    assert "O-17" in patp.problem_summary
    area = patp.area
    assert area is not None and area.area > 0
    assert set(patp.tactics) == {"Prevent", "Intelligence", "Enforcement", "Reassurance"}
    assert all(patp.tactics.values())
    assert any("Cocooning" in t for t in patp.tactics["Prevent"])
    assert patp.review_date == "2025-05-01"
    cca = sa["cca"]                               # one CCA row per series offence, MO and victim columns marked
    assert sorted(r["offence"] for r in cca["rows"]) == [f"TB/S{i:02d}" for i in range(1, 9)]
    entry = cca["columns"].index("mo entry")
    assert {r["values"][entry] for r in cca["rows"]} == {"rear window"}
    assert cca["kinds"][cca["columns"].index("victim age")] == "victim" and cca["kinds"][entry] == "mo"
    assert sa["near_repeat"] is None and any("near-repeat" in n and "only 10" in n for n in sa["notes"])
    # Everything stays editable and the draft can be stored.
    patp.owner = "DI Smith"
    cmd = CreatePatp(patp)
    cmd.do(store)
    stored = load_patp(store, cmd.patp_id)
    assert stored.supporting_analysis["summary"]["offences"] == 8 and stored.owner == "DI Smith"
    assert stored.missing_for_submission() == []


def test_prefill_from_person(store):
    make_borough(store)
    problem = problem_from_person(store, "O-17")
    assert len(problem.offence_ids) == 3 and problem.problem_type == "offender"
    with pytest.raises(ValueError, match="no offences are linked"):
        problem_from_person(store, "nobody")


INTEL = """intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,easting,northing,text
I/1,2025-02-01,3x5x2,1,A,P,,,531000,183000,Two men trying rear windows in Acacia Avenue
I/2,2025-02-02,5x5x5,D,5,5,,,531010,183010,Refer to originator only
I/3,2025-02-03,3x5x2,2,C,C,Not for the subject's school,O-17,,,O-17 selling jewellery
I/4,2025-02-04,3x5x2,1,A,P,,,530100,180100,Unrelated report far away
"""


def test_prefill_attaches_only_the_intelligence_its_handling_allows(store, tmp_path):
    from workbench.intel.importer import import_intel

    make_borough(store)
    (tmp_path / "i.csv").write_text(INTEL)
    import_intel(store, tmp_path / "i.csv")
    patp = build_patp(store, problem_from_series(store, SERIES_REF), today=date(2025, 3, 20))
    intel = {i["ref"]: i for i in patp.graded_intelligence}
    assert sorted(intel) == ["I/1", "I/3"]          # I/2: no further dissemination; I/4: elsewhere, no subject
    assert intel["I/1"]["grade"] == "1A P"
    assert "Not for the subject's school" in intel["I/3"]["handling"]
