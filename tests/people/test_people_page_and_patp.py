"""A person's page shows management status, missing episodes and victimisation; a PATP's
nominals of interest respect the release rules like intelligence does."""

import json

from people_handmade import X0, episode, load, nominal, offence

from workbench.cli import main
from workbench.network.person import person_page
from workbench.people.patp import nominals_of_interest
from workbench.store.offences import find_by_ref

DESCRIPTION = {"sex": "M", "age_band": "35-44", "height_cm": "180"}


def seed(store):
    load(store, [offence("S1", "sexual-assault", "2025-03-05T23:00", suspect=DESCRIPTION, offenders=["N1"]),
                 offence("V1", "violence-with-injury", "2025-02-02T22:00", victim_ref="N1-V1")],
         [nominal("N1", flags=("rso", "mappa-2", "licence"), born="1985-06-01", conditions="curfew 22:00-06:00",
                  curfew_from="22:00", curfew_to="06:00", review_date="2020-01-01", offending="sexual-assault"),
          nominal("N2", born="1985-06-01", x=X0 + 200, security_marking="SECRET"),
          nominal("N3", born="1985-06-01", x=X0 + 300, security_marking="OFFICIAL-SENSITIVE PERSONAL")],
         [episode("M1", "N1", "2024-12-01T20:00", found="2024-12-02T08:00")])


def test_person_page_shows_management_missing_and_victimisation(store):
    seed(store)
    page = person_page(store, "N1")
    m = page["management"]
    assert [f["flag"] for f in m["flags"]] == ["licence", "mappa-2", "rso"] and m["mappa_level"] == 2
    assert m["curfew"] == "22:00-06:00" and m["review_overdue"] is True and m["managed"] is True
    assert m["offending"] == ["Sexual assault"]
    assert [e["episode_ref"] for e in page["missing_episodes"]] == ["M1"]
    assert page["missing_episodes"][0]["hours_missing"] == 12.0
    assert page["offences"][0]["offence_ref"] == "S1"


def test_a_victim_ref_or_a_missing_person_has_a_page_too(store):
    seed(store)
    assert [v["offence_ref"] for v in person_page(store, "N1-V1")["victimisation"]] == ["V1"]
    assert person_page(store, "N1-V1")["management"] is None


def test_person_show_text_lists_the_management_status(store, capsys):
    seed(store)
    assert main(["--db", store.location, "person", "show", "N1"]) == 0
    text = capsys.readouterr().out
    assert "MAPPA level 2; review 2020-01-01 (overdue)" in text and "missing 1 times" in text


def test_nominals_of_interest_withhold_what_is_marked_above_the_ceiling(store):
    seed(store)
    section = nominals_of_interest(store, [find_by_ref(store, "S1")], ["N1"])
    released = {n["nominal"]: n for n in section["nominals"]}
    assert set(released) == {"N1", "N3"}
    assert released["N1"]["why"].startswith("linked to an offence of this problem")
    assert section["withheld"] == [{"nominal": "N2", "reason": "marked SECRET: above OFFICIAL-SENSITIVE, "
                                                                "the most Workbench may release"}]
    assert section["marking"] == "OFFICIAL-SENSITIVE"          # the store's marking, which ranks the same
    assert "N2" not in json.dumps(section["nominals"])
    store.set_setting("security_marking", "OFFICIAL")
    assert nominals_of_interest(store, [find_by_ref(store, "S1")], [])["marking"] == "OFFICIAL-SENSITIVE PERSONAL"


def test_people_lists_on_the_command_line(store, capsys):
    seed(store)
    load(store, [offence(f"V{i}", "violence-with-injury", f"2025-02-1{i}T22:00", victim_ref="N1-V1")
                 for i in range(2, 4)],
         episodes=[episode(f"M{i}", "N1", f"2024-12-1{i}T20:00") for i in range(2, 4)])
    db = ["--db", store.location]
    assert main(db + ["people", "victims", "--json"]) == 0
    victims = json.loads(capsys.readouterr().out)["victims"]
    assert victims[0]["victim_ref"] == "N1-V1" and victims[0]["offences"] == 3
    assert main(db + ["people", "missing", "--json"]) == 0
    person = json.loads(capsys.readouterr().out)["people"][0]
    assert person["person_ref"] == "N1" and len(person["timeline"]) == 3
    assert main(db + ["people", "nominals", "--flag", "rso", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["nominals"]
    assert rows[0]["nominal"] == "N1" and rows[0]["latest_kind"] == "offence"


def test_a_pack_releases_nominals_through_the_gate(store):
    from workbench.release import policy, release
    from workbench.reports.pack import _nominals, pack_content
    from workbench.tasking.patp import Problem
    from workbench.tasking.prefill import build_patp

    seed(store)
    store.set_setting("security_marking", "OFFICIAL")
    patp = build_patp(store, Problem("Sexual assault near the park", (find_by_ref(store, "S1"),)))
    patp.reference = "PATP/1"
    section = patp.supporting_analysis["nominals_of_interest"]
    assert {n["nominal"] for n in section["nominals"]} == {"N1", "N3"} and section["withheld"][0]["nominal"] == "N2"
    # a stale draft that lists N2 (marked SECRET in the store) as if it were releasable
    section["nominals"].append({**section["nominals"][0], "nominal": "N2", "security_marking": "OFFICIAL"})
    released = release(pack_content(store, [patp], None), policy(store))
    assert sorted(n["nominal"] for n in released.facts["nominals"]) == ["N1", "N3"]
    assert released.facts_withheld["nominals"] == 1
    assert released.marking == "OFFICIAL-SENSITIVE"     # the nominals raise it from the store's OFFICIAL
    blocks = _nominals(section, released, "PATP/1")
    assert [r[0] for r in blocks[0].rows] == [n["nominal"] for n in released.facts["nominals"]]
    assert any("1 nominal(s) withheld" in getattr(b, "text", "") for b in blocks)


def test_subject_profile_carries_management_status_through_the_gate(store, tmp_path):
    from docx import Document

    from workbench.network.person import write_profile

    seed(store)

    def text(path):
        doc = Document(str(path))
        return "\n".join([p.text for p in doc.paragraphs]
                         + [c.text for t in doc.tables for row in t.rows for c in row.cells])

    write_profile(store, "N1", tmp_path / "n1.docx")
    shown = text(tmp_path / "n1.docx")
    assert "Management and risk" in shown and "level 2" in shown and "curfew 22:00-06:00" in shown
    assert "2020-01-01 (overdue)" in shown and "Missing 1 times" in shown
    result = write_profile(store, "N2", tmp_path / "n2.docx")          # N2 is marked SECRET
    shown = text(tmp_path / "n2.docx")
    assert "it is withheld" in shown and "Registered sex offender" not in shown
    assert result["marking"] == "OFFICIAL-SENSITIVE"
