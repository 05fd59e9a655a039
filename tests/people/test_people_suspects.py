"""Nominals ranked as suspects on hand-made data with known answers."""

import json

import pytest
from people_handmade import X0, load, nominal, offence

from workbench.cli import main
from workbench.errors import BadInput, NotFound
from workbench.people.suspects import suspects_for

DESCRIPTION = {"sex": "M", "age_band": "35-44", "height_cm": "180", "build": "medium", "ethnicity_code": "IC1"}


@pytest.fixture
def people(store):
    load(store, [offence("S1", "sexual-assault", "2025-03-05T23:00", suspect=DESCRIPTION, series_ref="BIU/25/7"),
                 offence("S2", "sexual-assault", "2025-03-12T23:00", x=X0 + 300, suspect=DESCRIPTION,
                         series_ref="BIU/25/7"),
                 offence("H1", "exposure", "2024-06-01T12:00", x=X0 - 2000, offenders=["N2"])],
         [nominal("N1", born="1985-06-01", offending="sexual-assault"),                      # the best fit, 400 m
          nominal("N2", born="1985-06-01", x=X0 + 1500, flags=("iom",), offending=None),     # history by link only
          nominal("N3", born="2004-01-01", height=160, build="heavy", ethnicity="IC3", x=X0 + 100),  # wrong description
          nominal("N4", born="1985-06-01", sex="F"),                                          # excluded: sex
          nominal("N5", born="1985-06-01", x=X0 + 9000),                                      # excluded: distance
          nominal("N6", born="1985-06-01", x=None, y=None)])                                  # no home
    return store


def test_the_nominal_who_fits_everything_ranks_first_with_reasons(people):
    result = suspects_for(people, refs=["S1", "S2"])
    order = [s["nominal"] for s in result.suspects]
    assert order[0] == "N1" and set(order) == {"N1", "N2", "N3"}
    assert result.considered == 3
    best = result.suspects[0]
    assert best["offender"] == "N1" and best["distance_m"] == 100          # 100 m from S2
    reasons = best["reasons"]
    assert set(reasons["description"]["matched"]) == {"sex", "age_band", "height_cm", "build", "ethnicity_code"}
    assert reasons["history"] == "known for sexual assault" and reasons["flags"] == "Registered sex offender"
    assert "lives 100 m from the nearest offence" in reasons["summary"]


def test_a_linked_offence_of_the_same_group_counts_as_history(people):
    n2 = next(s for s in suspects_for(people, refs=["S1"]).suspects if s["nominal"] == "N2")
    assert n2["reasons"]["history"] == "known for exposure (same crime group)"
    assert n2["offences"] == ["H1"]
    assert n2["reasons"]["parts"]["history"] == 0.7


def test_a_description_that_does_not_fit_ranks_below_one_that_does(people):
    scores = {s["nominal"]: s["score"] for s in suspects_for(people, refs=["S1"]).suspects}
    assert scores["N3"] < scores["N1"]


def test_filters_by_distance_and_flag(people):
    assert [s["nominal"] for s in suspects_for(people, refs=["S1"], max_km=1.0).suspects] == ["N1", "N3"]
    assert [s["nominal"] for s in suspects_for(people, refs=["S1"], flags=["iom"]).suspects] == ["N2"]


def test_bad_requests_are_clear(people):
    with pytest.raises(NotFound, match="no offence 'S9'"):
        suspects_for(people, refs=["S9"])
    with pytest.raises(BadInput, match="--top"):
        suspects_for(people, refs=["S1"], top=0)
    with pytest.raises(BadInput, match="unknown flag"):
        suspects_for(people, refs=["S1"], flags=["vip"])


def test_cli_suspects_for_a_force_series(people, capsys):
    assert main(["--db", people.location, "people", "suspects", "--series", "BIU/25/7", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["series"] == "BIU/25/7" and sorted(out["offences"]) == ["S1", "S2"]
    assert out["suspects"][0]["offender"] == "N1" and {"score", "offences", "reasons"} <= set(out["suspects"][0])
    assert main(["--db", people.location, "people", "suspects", "--series", "BIU/99/1"]) == 1
    assert "no series 'BIU/99/1'" in capsys.readouterr().err


def test_link_suspects_extends_to_nominals(people, capsys):
    # S1 and S2 are unsolved; H1 (exposure) is N2's solved offence, so N2 is a known
    # offender for the linkage ranking and a nominal too.
    assert main(["--db", people.location, "link", "suspects", "S1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"offence", "suspects", "nominals"} <= set(out)
    assert out["nominals"][0]["nominal"] == "N1" and "reasons" in out["nominals"][0]
    known = {s["offender"]: s for s in out["suspects"]}
    assert known["N2"]["nominal"]["flags"] == ["iom"] and known["N2"]["nominal"]["distance_m"] == 1500
