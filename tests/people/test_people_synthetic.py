"""The generated demo data's planted people patterns are found: the planted RSO is among
the top 10 suspects of his series, and the repeat-missing child, the repeat victim and
the exclusion-zone breach raise scan alerts."""

import pytest

from workbench.people.overview import repeat_missing, repeat_victims
from workbench.people.suspects import suspects_for
from workbench.scan.scanner import run_scan
from workbench.store import open_store
from workbench.store.offences import find_by_ref
from workbench.store.people import load_nominals, people_offences
from workbench.synth import generate, write_to_store


@pytest.fixture(scope="module")
def demo(module_store_location):
    data = generate(seed=11, offences=4000, start="2025-01-01", days=365)
    store = open_store(module_store_location)
    result = write_to_store(store, data)
    report = run_scan(store, record=False, permutations=9).as_json()
    yield data, store, result, report
    store.close()


def test_every_generated_person_record_imports(demo):
    data, store, result, _ = demo
    assert result["people_rejected"] == 0 and result["rejected"] == 0
    assert result["nominals"] == len(data.nominals) > 50 and result["missing"] == len(data.missing)
    refs = load_nominals(store)["nominal_ref"].tolist()
    # offender ids on offences resolve to nominals: some nominals have offences linked to them
    assert len(set(people_offences(store, refs)["person"])) >= 3


def test_the_planted_rso_is_in_the_top_10_suspects_of_the_planted_series(demo):
    data, store, _, _ = demo
    planted = data.planted_people["rso"]
    ids = [find_by_ref(store, r) for r in planted["offences"]]
    ranked = [s["nominal"] for s in suspects_for(store, offence_ids=ids, top=10).suspects]
    assert planted["nominal"] in ranked
    flags = load_nominals(store, refs=[planted["nominal"]]).iloc[0]["flags"]
    assert "rso" in flags


def test_the_planted_repeat_missing_child_raises_alerts(demo):
    data, _, _, report = demo
    child = data.planted_people["child"]
    alerts = [a for a in report["alerts"] if a["kind"] == "missing_person" and a["person_ref"] == child["person_ref"]]
    assert len(alerts) == 1 and alerts[0]["episodes"] >= 3
    assert "children's home" in alerts[0]["home_types"] and "cse-concern" in alerts[0]["flags"]
    places = [a for a in report["alerts"] if a["kind"] == "missing_location"
              and set(child["episodes"]) & set(a["episode_refs"])]
    assert places, "the child's episodes cluster where last seen and where found"


def test_the_planted_repeat_victim_raises_an_alert(demo):
    data, _, _, report = demo
    victim = data.planted_people["victim"]
    alerts = [a for a in report["alerts"] if a["kind"] == "repeat_victim" and a["victim_ref"] == victim["victim_ref"]]
    assert len(alerts) == 1 and set(victim["offences"]) <= set(alerts[0]["offence_refs"])


def test_the_planted_exclusion_breach_raises_an_alert(demo):
    data, _, _, report = demo
    breach = data.planted_people["breach"]
    assert breach, "the generator found a solved offence in the last week to plant the breach on"
    assert any(a["kind"] == "nominal_breach" and a["nominal"] == breach["nominal"] and a["offence"] == breach["offence"]
               for a in report["alerts"])


def test_people_lists_hold_the_planted_people(demo):
    data, store, _, _ = demo
    assert data.planted_people["victim"]["victim_ref"] in [v["victim_ref"] for v in repeat_victims(store)]
    assert repeat_missing(store)[0]["person_ref"] == data.planted_people["child"]["person_ref"]
