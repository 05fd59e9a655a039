"""The nominals and missing-episode importers, rule by rule: every reject reason, the
one transaction, re-imports and the resolution of offenders to nominals."""

import pytest
from sqlpeek import sql

from workbench.ingest import ImportFailed
from workbench.ingest.missing_csv import import_missing
from workbench.ingest.nominals_csv import import_nominals
from workbench.store.batches import list_rejects
from workbench.store.people import load_episodes, load_nominals

NOMINAL_HEADER = ("nominal_ref,surname,forenames,date_of_birth,sex,height_cm,build,ethnicity_code,home_easting,"
                  "home_northing,flags,offending,conditions,exclusion_wkt,review_date,security_marking")
GOOD_NOMINAL = ('N1,Smith,John,1980-02-03,M,180,medium,IC1,530000,182000,rso;MAPPA 2,sexual-assault;Exposure,'
                'curfew 19:00-07:00; not to contact victim,"POLYGON ((529000 181000, 529500 181000, 529500 181500, '
                '529000 181500, 529000 181000))",2026-12-01,')
EPISODE_HEADER = ("episode_ref,person_ref,reported_at,found_at,last_seen_easting,last_seen_northing,found_easting,"
                  "found_northing,risk,home_type,flags")
GOOD_EPISODE = "M1,C1,2025-03-01T21:00,2025-03-02T09:30,530100,182100,531000,183000,High,children's home,CSE-concern"


def write(tmp_path, header, *rows, name="people.csv"):
    path = tmp_path / name
    path.write_text("\n".join((header,) + rows) + "\n", encoding="utf-8")
    return path


def nominal(**changes) -> str:
    names = NOMINAL_HEADER.split(",")
    values = dict(zip(names, ["N9", "Doe", "Jo", "1990-05-05", "F", "165", "slim", "IC3", "531000", "181000",
                              "iom", "burglary-residential", "", "", "2026-06-01", ""]))
    values.update(changes)
    return ",".join(f'"{values[n]}"' if "," in values[n] else values[n] for n in names)


def episode(**changes) -> str:
    names = EPISODE_HEADER.split(",")
    values = dict(zip(names, ["M9", "C9", "2025-04-01T20:00", "2025-04-02T08:00", "530000", "182000", "530500",
                              "182500", "medium", "foster placement", ""]))
    values.update(changes)
    return ",".join(values[n] for n in names)


def test_nominal_imports_with_flags_conditions_zone_and_home_area(store, tmp_path):
    result = import_nominals(store, write(tmp_path, NOMINAL_HEADER, GOOD_NOMINAL))
    assert (result.imported, result.rejected) == (1, 0)
    row = load_nominals(store).iloc[0]
    assert row["nominal_ref"] == "N1" and row["sex"] == "M" and row["height_cm"] == 180
    assert row["flags"] == ["mappa-2", "rso"]
    assert row["offending"] == "sexual-assault;exposure"
    assert (row["curfew_from"], row["curfew_to"]) == ("19:00", "07:00")
    assert row["exclusion_wkt"].startswith("POLYGON ((529000 181000")
    assert row["review_date"] == "2026-12-01" and row["security_marking"] == "OFFICIAL-SENSITIVE"


def test_nominal_reimport_adds_nothing_and_rejects_are_kept(store, tmp_path):
    path = write(tmp_path, NOMINAL_HEADER, GOOD_NOMINAL, nominal(sex="X"))
    first = import_nominals(store, path)
    again = import_nominals(store, path)
    assert (first.imported, first.rejected) == (1, 1)
    assert (again.imported, again.duplicates, again.rejected) == (0, 1, 1)
    assert len(load_nominals(store)) == 1
    kept = list_rejects(store, first.batch)
    assert [(r["line"], r["column"]) for r in kept] == [(3, "sex")]


@pytest.mark.parametrize("row, column, reason", [
    (GOOD_NOMINAL + ",extra", None, "fields but the header has"),
    (nominal(nominal_ref=""), "nominal_ref", "nominal_ref is empty"),
    (nominal(date_of_birth="03/02/1980"), "date_of_birth", "not an ISO 8601"),
    (nominal(date_of_birth="2999-01-01"), "date_of_birth", "in the future"),
    (nominal(sex="X"), "sex", "is not one of: M, F"),
    (nominal(height_cm="tall"), "height_cm", "is not a number"),
    (nominal(height_cm="20"), "height_cm", "is outside 100 to 230"),
    (nominal(build="lanky"), "build", "is not one of"),
    (nominal(ethnicity_code="IC8"), "ethnicity_code", "is not one of"),
    (nominal(home_northing=""), "home_northing", "home_easting is given but home_northing is empty"),
    (nominal(home_easting="abc"), "home_easting", "is not a number"),
    (nominal(home_easting="-5", home_northing="5"), "home_easting", "outside Great Britain"),
    (nominal(flags="rso;vip"), "flags", "unknown flag 'vip'"),
    (nominal(offending="burglary;arson-ish"), "offending", "unknown offence category 'arson-ish'"),
    (nominal(conditions="curfew at night"), "conditions", "curfew but give no hours"),
    (nominal(conditions="curfew 25:00-07:00"), "conditions", "are not times of day"),
    (nominal(exclusion_wkt="POLYGON ((1 2"), "exclusion_wkt", "not valid WKT"),
    (nominal(exclusion_wkt="POINT (530000 181000)"), "exclusion_wkt", "must be a POLYGON"),
    (nominal(exclusion_wkt="POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"), "exclusion_wkt", "not a valid polygon"),
    (nominal(exclusion_wkt="POLYGON ((-0.1 51.5, -0.09 51.5, -0.09 51.51, -0.1 51.5))"), "exclusion_wkt",
     "outside Great Britain's National Grid"),
    (nominal(review_date="soon"), "review_date", "not an ISO 8601"),
    (nominal(security_marking="RESTRICTED"), "security_marking", "is not OFFICIAL"),
])
def test_every_nominal_reject_reason(store, tmp_path, row, column, reason):
    result = import_nominals(store, write(tmp_path, NOMINAL_HEADER, nominal(nominal_ref="N0"), row))
    assert (result.imported, result.rejected) == (1, 1)
    reject = result.rejects[0]
    assert (reject.line, reject.column) == (3, column)
    assert reason in reject.reason
    assert reject.raw                    # the raw row is kept so it can be fixed


def test_nominal_ref_twice_in_a_file_is_rejected_at_its_second_line(store, tmp_path):
    result = import_nominals(store, write(tmp_path, NOMINAL_HEADER, nominal(), nominal(surname="Other")))
    assert (result.imported, result.rejected) == (1, 1)
    assert result.rejects[0].line == 3 and "already appears at line 2" in result.rejects[0].reason


def test_a_file_that_is_not_a_nominals_csv_imports_nothing(store, tmp_path):
    with pytest.raises(ImportFailed, match="not a nominals CSV: missing column"):
        import_nominals(store, write(tmp_path, EPISODE_HEADER, GOOD_EPISODE))
    assert sql(store, "SELECT count(*) FROM batches").fetchone()[0] == 0


def test_episode_imports_and_reimport_adds_nothing(store, tmp_path):
    path = write(tmp_path, EPISODE_HEADER, GOOD_EPISODE, episode())
    assert import_missing(store, path).imported == 2
    again = import_missing(store, path)
    assert (again.imported, again.duplicates) == (0, 2)
    first = load_episodes(store).iloc[0]
    assert (first["person_ref"], first["risk"], first["flags"]) == ("C1", "high", "cse-concern")
    assert first["found_at"].isoformat() == "2025-03-02T09:30:00"


@pytest.mark.parametrize("row, column, reason", [
    (GOOD_EPISODE + ",x", None, "fields but the header has"),
    (episode(episode_ref=""), "episode_ref", "episode_ref is empty"),
    (episode(person_ref=""), "person_ref", "person_ref is empty"),
    (episode(reported_at=""), "reported_at", "reported_at is empty"),
    (episode(reported_at="yesterday"), "reported_at", "not an ISO 8601"),
    (episode(found_at="2025-13-01"), "found_at", "not an ISO 8601"),
    (episode(found_at="2025-03-31T10:00"), "found_at", "is before reported_at"),
    (episode(risk=""), "risk", "risk is empty"),
    (episode(risk="very high"), "risk", "is not one of: high, medium, low, no-apparent-risk"),
    (episode(last_seen_northing=""), "last_seen_northing", "is given but last_seen_northing is empty"),
    (episode(found_easting="x"), "found_easting", "is not a number"),
    (episode(found_easting="900000"), "found_easting", "outside Great Britain"),
])
def test_every_episode_reject_reason(store, tmp_path, row, column, reason):
    result = import_missing(store, write(tmp_path, EPISODE_HEADER, episode(episode_ref="M0"), row))
    assert (result.imported, result.rejected) == (1, 1)
    reject = result.rejects[0]
    assert (reject.line, reject.column) == (3, column)
    assert reason in reject.reason


def test_episode_ref_twice_in_a_file_is_rejected(store, tmp_path):
    result = import_missing(store, write(tmp_path, EPISODE_HEADER, episode(), episode(person_ref="C2")))
    assert result.rejects[0].line == 3 and "already appears at line 2" in result.rejects[0].reason


def test_cli_import_nominals_prints_the_contract_keys(tmp_path, new_store, capsys):
    import json

    from workbench.cli import main

    path = write(tmp_path, NOMINAL_HEADER, GOOD_NOMINAL, nominal(build="lanky"))
    db = new_store()
    assert main(["--db", db, "import", "nominals", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["imported"], out["rejected"]) == (1, 1) and isinstance(out["batch"], int)
    assert main(["--db", db, "import", "missing", str(path), "--json"]) == 1
    assert "not a missing-person episodes CSV" in json.loads(capsys.readouterr().out)["error"]


def test_a_nominal_marked_above_the_accreditation_is_refused_and_nothing_of_it_is_kept(store, tmp_path):
    secret = nominal(nominal_ref="N7", surname="Zebedee-Marker", security_marking="SECRET")
    result = import_nominals(store, write(tmp_path, NOMINAL_HEADER, nominal(nominal_ref="N8"), secret))
    assert result.imported == 1 and result.rejected == 1
    reject = list_rejects(store)[0]
    assert reject["line"] == 3 and reject["column"] == "security_marking"
    assert "above the store's accreditation level OFFICIAL-SENSITIVE" in reject["reason"]
    assert "Zebedee-Marker" not in str(reject)
    assert set(load_nominals(store)["nominal_ref"]) == {"N8"}
