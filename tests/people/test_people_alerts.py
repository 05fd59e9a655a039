"""Each people alert on hand-made data: one case where it must fire, one where it must not."""

import pandas as pd
from people_handmade import X0, Y0, episode, load, nominal, offence

from workbench.people.alerts import in_curfew, scan_people
from workbench.scan.scanner import run_scan
from workbench.store.offences import load_frame
from workbench.store.scan import record_scan

DESCRIPTION = {"sex": "M", "age_band": "35-44", "height_cm": "180", "build": "medium", "ethnicity_code": "IC1"}


def scan(store, since_id=0, recent="2025-03-01"):
    """The people alerts for offences with id > since_id as new, episodes reported since
    ``recent`` as new."""
    frame = load_frame(store)
    return scan_people(store, frame[frame["id"] > since_id], pd.Timestamp(recent))


def kinds(alerts, kind):
    return [a for a in alerts if a.kind == kind]


# -- repeat victims ---------------------------------------------------------------

def test_repeat_victim_fires_on_the_third_offence_in_a_year(store):
    load(store, [offence("V1", "violence-with-injury", "2024-11-02T22:00", victim_ref="VR-17"),
                 offence("V2", "violence-without-injury", "2025-01-12T23:00", victim_ref="VR-17"),
                 offence("V3", "criminal-damage", "2025-03-04T21:00", victim_ref="VR-17"),
                 offence("X1", "violence-with-injury", "2025-03-04T21:00", victim_ref="VR-99")])
    alerts, _ = scan(store, since_id=2)
    [alert] = kinds(alerts, "repeat_victim")
    assert alert.detail["victim_ref"] == "VR-17" and alert.detail["offences"] == 3 and alert.detail["new"] == 1
    assert alert.detail["offence_refs"] == ["V1", "V2", "V3"]
    assert "Repeat victim VR-17: 3 offences" in alert.summary


def test_repeat_victim_does_not_fire_for_old_or_spread_out_offences(store):
    load(store, [offence("W1", "violence-with-injury", "2025-01-02T22:00", victim_ref="VR-20"),
                 offence("W2", "violence-with-injury", "2025-01-05T22:00", victim_ref="VR-20"),
                 offence("W3", "violence-with-injury", "2025-01-09T22:00", victim_ref="VR-20"),
                 offence("V1", "violence-with-injury", "2023-01-02T22:00", victim_ref="VR-17"),
                 offence("V2", "violence-with-injury", "2024-06-12T23:00", victim_ref="VR-17"),
                 offence("V3", "criminal-damage", "2025-03-04T21:00", victim_ref="VR-17")])
    # VR-17's three offences span more than a year; VR-20's are a repeat but none is new.
    alerts, _ = scan(store, since_id=5)
    assert kinds(alerts, "repeat_victim") == []


# -- repeat missing people and locations -----------------------------------------

def test_repeat_missing_person_fires_at_three_episodes_in_90_days(store):
    load(store, episodes=[episode("M1", "C1", "2025-01-10T20:00", found="2025-01-11T09:00"),
                          episode("M2", "C1", "2025-02-01T20:00", found="2025-02-02T09:00", risk="high",
                                  flags="cse-concern"),
                          episode("M3", "C1", "2025-03-03T20:00"),
                          episode("M4", "C2", "2025-03-03T20:00")])
    alerts, _ = scan(store)
    [alert] = kinds(alerts, "missing_person")
    assert alert.detail["person_ref"] == "C1" and alert.detail["episodes"] == 3
    assert alert.detail["highest_risk"] == "high" and alert.detail["flags"] == ["cse-concern"]
    assert alert.detail["home_types"] == ["children's home"] and len(alert.detail["timeline"]) == 3
    assert "still missing" in alert.detail["timeline"][-1]


def test_repeat_missing_person_does_not_fire_outside_90_days_or_when_nothing_is_recent(store):
    load(store, episodes=[episode("M1", "C1", "2024-10-01T20:00"), episode("M2", "C1", "2024-12-01T20:00"),
                          episode("M3", "C1", "2025-03-03T20:00"),
                          episode("N1", "C2", "2025-01-01T20:00"), episode("N2", "C2", "2025-01-10T20:00"),
                          episode("N3", "C2", "2025-01-20T20:00")])
    # C1: three episodes over five months; C2: three in 20 days but none since 1 March.
    alerts, _ = scan(store)
    assert kinds(alerts, "missing_person") == []


def test_missing_episodes_clustering_on_a_location_fire(store):
    flat = (X0 + 2000, Y0 + 1000)
    near = [(flat[0] + dx, flat[1] + dy) for dx, dy in ((0, 0), (60, -40), (-90, 30), (120, 80), (-30, -150))]
    load(store, episodes=[episode(f"M{i}", f"C{i % 2}", f"2025-0{1 + i % 3}-1{i}T20:00", seen=None,
                                  found_at_xy=xy) for i, xy in enumerate(near)]
         + [episode("F1", "C9", "2025-03-02T20:00", seen=(X0 - 3000, Y0))])
    alerts, _ = scan(store, recent="2025-02-01")
    [alert] = kinds(alerts, "missing_location")
    assert alert.detail["episodes"] == 5 and alert.detail["people"] == ["C0", "C1"]
    assert abs(alert.detail["easting"] - flat[0]) < 100 and abs(alert.detail["northing"] - flat[1]) < 100


def test_scattered_missing_episodes_do_not_cluster(store):
    load(store, episodes=[episode(f"M{i}", "C1", f"2025-02-1{i}T20:00", seen=(X0 + 400 * i, Y0))
                          for i in range(6)])
    alerts, _ = scan(store, recent="2025-02-01")
    assert kinds(alerts, "missing_location") == []


# -- flagged nominals near new sexual offences -----------------------------------

def test_matching_rso_living_near_a_new_sexual_offence_fires(store):
    load(store, [offence("S1", "sexual-assault", "2025-03-05T23:00", suspect=DESCRIPTION)],
         [nominal("N1", born="1985-06-01"),                                    # 39: 35-44, 400 m away
          nominal("N2", born="1985-06-01", sex="F"),                            # wrong sex
          nominal("N3", born="1985-06-01", x=X0 + 5000),                        # too far
          nominal("N4", born="1985-06-01", flags=("wanted",))])                 # not managed
    alerts, _ = scan(store)
    [alert] = kinds(alerts, "nominal_near_offence")
    assert [n["nominal"] for n in alert.detail["nominals"]] == ["N1"]
    found = alert.detail["nominals"][0]
    assert found["distance_m"] == 400 and found["flags"] == ["rso"]
    assert set(found["description"]["matched"]) == {"sex", "age_band", "height_cm", "build", "ethnicity_code"}
    assert "N1 (Registered sex offender) 400 m away" in alert.summary


def test_a_series_description_is_used_for_a_new_offence_in_a_force_series(store):
    # The new offence has no description; the series' earlier offences describe the offender.
    load(store, [offence("S1", "sexual-assault", "2025-01-05T23:00", series_ref="BIU/25/001", suspect=DESCRIPTION),
                 offence("S2", "sexual-assault", "2025-02-05T23:00", series_ref="BIU/25/001", suspect=DESCRIPTION),
                 offence("S3", "sexual-assault", "2025-03-05T23:00", series_ref="BIU/25/001")],
         [nominal("N1", born="1985-06-01")])
    alerts, _ = scan(store, since_id=2)
    [alert] = kinds(alerts, "nominal_near_offence")
    assert alert.detail["series_ref"] == "BIU/25/001" and len(alert.offence_ids) == 3


def test_no_alert_when_the_nominal_does_not_match_the_description(store):
    load(store, [offence("S1", "sexual-assault", "2025-03-05T23:00", suspect=DESCRIPTION)],
         [nominal("N1", born="2003-06-01", height=160, build="heavy", ethnicity="IC3")])
    alerts, _ = scan(store)
    assert kinds(alerts, "nominal_near_offence") == []


def test_no_alert_for_a_new_offence_that_is_not_sexual(store):
    load(store, [offence("B1", "burglary-residential", "2025-03-05T23:00", suspect=DESCRIPTION)],
         [nominal("N1", born="1985-06-01")])
    alerts, _ = scan(store)
    assert kinds(alerts, "nominal_near_offence") == []


# -- breaches of exclusion zones and curfews -------------------------------------

ZONE = f"POLYGON (({X0 - 100} {Y0 - 100}, {X0 + 100} {Y0 - 100}, {X0 + 100} {Y0 + 100}, {X0 - 100} {Y0 + 100}, " \
       f"{X0 - 100} {Y0 - 100}))"


def test_offence_inside_a_nominals_exclusion_zone_is_a_breach(store):
    load(store, [offence("B1", "burglary-residential", "2025-03-05T14:00", offenders=["N1"])],
         [nominal("N1", flags=("iom",), exclusion_wkt=ZONE)])
    [alert] = kinds(scan(store)[0], "nominal_breach")
    assert alert.detail["condition"] == "exclusion zone" and alert.detail["nominal"] == "N1"
    assert "N1 breached their exclusion zone" in alert.summary


def test_offence_outside_the_zone_or_by_someone_else_is_not_a_breach(store):
    load(store, [offence("B1", "burglary-residential", "2025-03-05T14:00", x=X0 + 500, offenders=["N1"]),
                 offence("B2", "burglary-residential", "2025-03-05T15:00", offenders=["P7"])],
         [nominal("N1", flags=("iom",), exclusion_wkt=ZONE)])
    assert kinds(scan(store)[0], "nominal_breach") == []


def test_offence_during_curfew_away_from_home_is_a_breach(store):
    load(store, [offence("R1", "robbery-personal", "2025-03-05T23:10", to="2025-03-05T23:30", x=X0 + 1500,
                         offenders=["N1"]),
                 offence("R2", "robbery-personal", "2025-03-06T15:00", x=X0 + 1500, offenders=["N1"]),
                 offence("R3", "criminal-damage", "2025-03-06T23:00", x=X0 + 420, offenders=["N1"])],
         [nominal("N1", flags=("ppo",), curfew_from="19:00", curfew_to="07:00")])
    # R2 is outside curfew hours; R3 is at home (within 200 m).
    [alert] = kinds(scan(store)[0], "nominal_breach")
    assert alert.detail["condition"] == "curfew" and alert.detail["offence"] == "R1"
    assert alert.detail["distance_from_home_m"] == 1100


def test_curfew_windows_over_midnight():
    t = pd.Timestamp
    assert in_curfew(t("2025-03-05T23:00"), t("2025-03-06T01:00"), "19:00", "07:00")
    assert not in_curfew(t("2025-03-05T18:00"), t("2025-03-05T20:00"), "19:00", "07:00")
    assert in_curfew(t("2025-03-05T10:15"), t("2025-03-05T10:45"), "09:00", "17:00")
    assert not in_curfew(t("2025-03-05T06:30"), t("2025-03-05T07:30"), "19:00", "07:00")


# -- through the scan ------------------------------------------------------------

def test_the_weekly_scan_reports_people_alerts(store):
    load(store, [offence("V1", "violence-with-injury", "2025-02-02T22:00", victim_ref="VR-17"),
                 offence("V2", "violence-with-injury", "2025-02-12T23:00", victim_ref="VR-17")],
         episodes=[episode(f"M{i}", "C1", f"2025-02-{10 + i}T20:00") for i in range(3)])
    record_scan(store, "test.analyst", 2)
    load(store, [offence("V3", "criminal-damage", "2025-02-14T21:00", victim_ref="VR-17")])
    report = run_scan(store, record=False, permutations=9).as_json()
    found = {a["kind"] for a in report["alerts"]}
    assert {"repeat_victim", "missing_person"} <= found
    assert any("nominals not checked" in n for n in report["notes"])


def test_alerts_of_one_kind_are_capped_and_counted():
    from workbench.people.alerts import repeat_victim_alerts

    t = pd.Timestamp("2025-03-01")
    rows = [{"id": i, "offence_ref": f"R{i}", "victim_ref": f"V{i % 3}", "category": "violence-with-injury",
             "committed_from": t + pd.Timedelta(days=i), "easting": X0, "northing": Y0} for i in range(3 * (3 + 1))]
    # V0 has 4 offences, V1 and V2 four too; V2's newest is the latest
    alerts, total = repeat_victim_alerts(pd.DataFrame(rows), [9, 10, 11], most=2)
    assert total == 3 and [a.detail["victim_ref"] for a in alerts] == ["V2", "V1"]


def test_most_events_within_a_sliding_window():
    from workbench.people.overview import most_within

    keys = pd.Series(["a", "a", "a", "b", "b", "a"])
    when = pd.Series(pd.to_datetime(["2025-01-01", "2025-01-05", "2025-03-01", "2025-01-01", "2026-06-01",
                                     "2025-01-09"]))
    assert most_within(keys, when, 10).to_dict() == {"a": 3, "b": 1}
    assert most_within(keys, when, 365).to_dict() == {"a": 4, "b": 1}


def test_an_analysts_confirmed_series_describes_a_new_offence_in_it(store):
    from workbench.store.linkage import add_members, create_series
    from workbench.store.offences import find_by_ref

    load(store, [offence("S1", "sexual-assault", "2025-01-05T23:00", suspect=DESCRIPTION),
                 offence("S2", "sexual-assault", "2025-02-05T23:00", suspect=DESCRIPTION),
                 offence("S3", "sexual-assault", "2025-03-05T23:00")],
         [nominal("N1", born="1985-06-01")])
    with store.atomic():
        sid = create_series(store, "Park attacks")
        add_members(store, sid, [find_by_ref(store, r) for r in ("S1", "S2", "S3")])
    [alert] = kinds(scan(store, since_id=2)[0], "nominal_near_offence")
    assert alert.detail["series"] == "linked series Park attacks" and len(alert.offence_ids) == 3
    assert "description of linked series Park attacks" in alert.summary
