"""The release gate: who makes a Released value, how facts inherit their reports' rules,
what the withheld list says, and the export's marking."""

from __future__ import annotations

import pytest

from workbench.release import Content, Fact, Policy, Released, ReleaseError, release
from workbench.release.gate import decide

OS = "OFFICIAL-SENSITIVE"


def report(id, ref, grading, handling, *, marking=OS, conditions=None, text="text"):
    return {"id": id, "intel_ref": ref, "grading": grading, "source_eval": "1", "intel_eval": "A",
            "handling": handling, "handling_conditions": conditions, "security_marking": marking, "text": text}


OPEN = report(1, "R/OPEN", "3x5x2", "P", marking="OFFICIAL")
AGENCY = report(2, "R/AGENCY", "5x5x5", "4")
NEVER = report(3, "R/NEVER", "5x5x5", "5")
COND = report(4, "R/COND", "3x5x2", "C", conditions="CONDITION-MARKER not for the school")
SECRET = report(5, "R/SECRET", "3x5x2", "P", marking="SECRET")


def rules(destination="internal", **kw):
    return Policy(destination, marking=kw.pop("marking", OS), ceiling=kw.pop("ceiling", OS), **kw)


def test_only_the_gate_makes_released_values():
    with pytest.raises(TypeError):
        Released(object(), destination="internal")
    with pytest.raises(TypeError):
        type("Sneaky", (Released,), {})
    made = release(Content(reports=[OPEN]), rules())
    with pytest.raises(AttributeError):
        made.marking = "OFFICIAL"
    with pytest.raises(TypeError):
        made.reports[0]["text"] = "changed"          # released records are read-only
    with pytest.raises(TypeError):
        release(Content(reports=[OPEN]), "internal")   # a policy, not a bare destination


def test_unknown_destination_is_refused():
    with pytest.raises(ReleaseError, match="unknown destination"):
        Policy("the-press")


@pytest.mark.parametrize("destination,expected", [
    ("internal", ["R/OPEN", "R/AGENCY", "R/COND"]),
    ("uk-police", ["R/OPEN"]),
    ("partner-agency", ["R/OPEN"]),
])
def test_reports_released_per_handling_and_marking(destination, expected):
    made = release(Content(reports=[OPEN, AGENCY, NEVER, COND, SECRET]), rules(destination))
    assert [r["intel_ref"] for r in made.reports] == expected
    assert {w["intel_ref"] for w in made.withheld} == {"R/OPEN", "R/AGENCY", "R/NEVER", "R/COND",
                                                      "R/SECRET"} - set(expected)


def test_withheld_entries_are_reference_and_reason_only_never_conditions():
    made = release(Content(reports=[COND, SECRET]), rules("uk-police"))
    assert all(set(w) == {"intel_ref", "reason"} for w in made.withheld)
    assert "CONDITION-MARKER" not in repr([dict(w) for w in made.withheld])
    assert "CONDITION-MARKER" not in repr(made.audit_detail())


def test_accepted_conditions_travel_with_the_text():
    made = release(Content(reports=[COND]), rules("uk-police", accept_conditions=True))
    assert made.reports[0]["handling_notice"] == "Handling conditions: CONDITION-MARKER not for the school"


def test_facts_inherit_the_reports_they_come_from():
    evidence = {r["id"]: r for r in (OPEN, AGENCY, SECRET)}
    facts = {"vehicles": [Fact({"value": "ONLY-AGENCY"}, frozenset([2])),
                          Fact({"value": "BOTH"}, frozenset([1, 2])),
                          Fact({"value": "ONLY-SECRET"}, frozenset([5])),
                          Fact({"value": "RECORDED"}, frozenset([5]), recorded=True)]}
    made = release(Content(facts=facts, evidence=evidence), rules("uk-police"))
    rows = {f["value"]: f for f in made.facts["vehicles"]}
    assert set(rows) == {"BOTH", "RECORDED"}
    assert rows["BOTH"]["reports"] == ("R/OPEN",)          # only released reports are cited or counted
    assert rows["RECORDED"]["reports"] == ()
    assert made.facts_withheld["vehicles"] == 2
    assert {w["intel_ref"] for w in made.withheld} == {"R/AGENCY", "R/SECRET"}
    internal = release(Content(facts=facts, evidence=evidence), rules("internal"))
    assert {f["value"] for f in internal.facts["vehicles"]} == {"ONLY-AGENCY", "BOTH", "RECORDED"}


def test_a_fact_citing_unknown_evidence_is_a_programming_error():
    with pytest.raises(KeyError):
        release(Content(facts={"x": [Fact({"v": 1}, frozenset([99]))]}), rules())


def test_marking_is_the_highest_of_what_is_released():
    assert release(Content(reports=[OPEN]), rules()).marking == "OFFICIAL"
    assert release(Content(reports=[OPEN, AGENCY]), rules()).marking == OS
    # the store's records carry its marking (with its descriptors)
    assert release(Content(reports=[OPEN], records=True), rules(marking="OFFICIAL-SENSITIVE PERSONAL")).marking \
        == "OFFICIAL-SENSITIVE PERSONAL"
    # a withheld SECRET report does not raise the marking (it is not in the export)
    assert release(Content(reports=[OPEN, SECRET]), rules()).marking == "OFFICIAL"


def test_the_ceiling_is_the_lower_of_accreditation_and_official_sensitive(store):
    from workbench.release import policy

    assert policy(store).ceiling == OS
    store.set_setting("accreditation_level", "TOP SECRET")
    assert policy(store).ceiling == OS
    assert decide(SECRET, policy(store))[0] is False
    store.set_setting("accreditation_level", "OFFICIAL")
    assert decide(AGENCY, policy(store)) == (False, f"marked {OS}: above OFFICIAL, the most Workbench may release")
    store.set_setting("accreditation_level", "RESTRICTED")
    with pytest.raises(ValueError, match="not a security marking"):
        policy(store)


def test_the_body_is_built_from_released_parts_only():
    seen = []
    made = release(Content(reports=[OPEN, AGENCY], build=lambda r: seen.append(r) or [x["intel_ref"] for x in r.reports]),
                   rules("uk-police"))
    assert made.body == ["R/OPEN"] and isinstance(seen[0], Released)
