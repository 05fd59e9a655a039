"""The scan: new offences per user, the trend alert end to end, saved searches report only
new matches, and the scan is remembered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.scan.scanner import run_scan
from workbench.store.scan import list_searches, load_scan_state, save_search, set_subscribed


def test_new_since_is_per_user_and_since_overrides(store, offences):
    first = offences(store, [
        {"category": "shoplifting", "committed_from": "2025-03-01T10:00", "easting": 529000, "northing": 184000,
         "borough": "Camden"},
        {"category": "shoplifting", "committed_from": "2025-03-10T10:00", "easting": 529100, "northing": 184000,
         "borough": "Camden"},
    ])
    report = run_scan(store, "ann")
    assert report.new.basis == "first_scan"
    assert report.new.ids == [first[1]]                       # the latest week only
    assert load_scan_state(store, "ann").last_offence_id == first[1]

    added = offences(store, [
        {"category": "bicycle-theft", "committed_from": "2025-02-01T10:00", "easting": 529000, "northing": 184100,
         "borough": "Islington"},
    ])
    again = run_scan(store, "ann")
    assert again.new.basis == "last_scan"
    assert again.new.ids == added                              # late-recorded but new to Ann
    assert again.new.by_category() == {"bicycle-theft": 1}
    assert again.new.by_area() == {"Islington": 1}
    assert run_scan(store, "ann").new.ids == []                # nothing since

    bob = run_scan(store, "bob")                               # Bob never scanned
    assert bob.new.basis == "first_scan" and bob.new.ids == [first[1]]

    since = run_scan(store, "ann", "2025-02-01T00:00:00")
    assert since.new.basis == "since" and sorted(since.new.ids) == sorted(first + added)


def test_preview_does_not_record(store, offences):
    offences(store, [{"category": "drugs", "committed_from": "2025-03-01", "easting": 529000, "northing": 184000}])
    run_scan(store, "ann", record=False)
    assert load_scan_state(store, "ann") is None


def test_planted_surge_becomes_a_trend_alert(store, offences, series):
    days = 400
    offences(store, series("2024-01-01", days, lambda d: 10.0 if d >= days - 7 else 3.0, "burglary-residential",
                           seed=1))
    # A flat Poisson series exceeds its baseline at p < 0.05 one week in twenty (seed 2 is
    # such a week); seed 5 is an ordinary week.
    offences(store, series("2024-01-01", days, 3.0, "theft-from-vehicle", seed=5))
    report = run_scan(store, "ann")
    trends = [a for a in report.alerts if a.kind == "trend"]
    assert {a.detail["category"] for a in trends} == {"burglary-residential"}
    assert {a.detail["area"] for a in trends} == {"Camden", "all areas"}
    alert = trends[0].as_json()
    assert alert["kind"] == "trend" and "Burglary residential" in alert["summary"]
    assert alert["q_value"] < 0.001 and alert["count"] == alert["observed"]
    assert report.as_json()["trend_period"]["unit"] == "week"


def test_saved_searches_report_only_new_matches(store, offences):
    def burglary(day, borough="Camden"):
        return {"category": "burglary-residential", "committed_from": f"2025-03-{day:02d}T02:00",
                "easting": 529000 + day, "northing": 184000, "borough": borough}

    old = offences(store, [burglary(1), burglary(2, "Islington")])
    save_search(store, "Camden burglary", "offences", {"categories": ["burglary"], "boroughs": ["Camden"]},
                owner="ann")
    save_search(store, "Islington", "offences", {"boroughs": ["Islington"]}, owner="ann", subscribed=False)
    first = [a for a in run_scan(store, "ann").alerts if a.kind == "saved_search"]
    assert len(first) == 1 and first[0].offence_ids == [old[0]]      # first run: all matches are new

    new = offences(store, [burglary(5), burglary(6, "Islington"),
                           {"category": "shoplifting", "committed_from": "2025-03-06", "easting": 529000,
                            "northing": 184000, "borough": "Camden"}])
    second = [a for a in run_scan(store, "ann").alerts if a.kind == "saved_search"]
    assert len(second) == 1
    assert second[0].offence_ids == [new[0]]
    assert second[0].detail["matches"] == 2
    assert [a for a in run_scan(store, "ann").alerts if a.kind == "saved_search"] == []

    set_subscribed(store, list_searches(store, owner="ann")[1], True)
    third = [a for a in run_scan(store, "ann").alerts if a.kind == "saved_search"]
    assert [a.detail["search"] for a in third] == ["Islington"]
    assert sorted(third[0].offence_ids) == [old[1], new[1]]
    assert [a for a in run_scan(store, "bob").alerts if a.kind == "saved_search"] == []   # not Bob's


def test_new_sexual_offence_is_an_alert(store, offences):
    offences(store, [{"category": "sexual-assault", "committed_from": "2025-03-01T23:10", "easting": 529000,
                      "northing": 184000, "borough": "Camden", "ward": "Regent's Park", "ref": "S/1"}])
    report = run_scan(store, "ann")
    sexual = [a for a in report.alerts if a.kind == "sexual_offence"]
    assert len(sexual) == 1
    assert sexual[0].summary.startswith("Sexual assault S/1 on 01 Mar 2025 23:10 in Regent's Park, Camden")
    assert sexual[0].bbox is not None
    assert report.alerts[0].kind == "sexual_offence"          # most urgent first


def test_empty_store_scans_cleanly(store):
    out = run_scan(store, "ann").as_json()
    assert out["new_offences"] == 0 and out["alerts"] == []
    assert isinstance(pd.Timestamp.now(), pd.Timestamp)


def test_repeat_location_with_a_new_offence_is_an_alert(store, offences):
    offences(store, [{"category": "shoplifting", "committed_from": "2025-01-05", "easting": 530000,
                      "northing": 181000, "borough": "Westminster"},
                     {"category": "robbery-personal", "committed_from": "2025-02-01", "easting": 531000,
                      "northing": 181000, "borough": "Westminster"}])
    run_scan(store, "ann")
    new = offences(store, [{"category": "shoplifting", "committed_from": "2025-03-05", "easting": 530000.2,
                            "northing": 181000.1, "borough": "Westminster"}])
    repeats = [a for a in run_scan(store, "ann").alerts if a.kind == "repeat_location"]
    assert len(repeats) == 1
    assert sorted(repeats[0].offence_ids) == [1, new[0]]
    assert repeats[0].detail["offences"] == 2 and repeats[0].detail["new"] == 1


def test_new_burglary_gets_a_near_repeat_risk_zone(store, offences):
    rng = np.random.default_rng(7)
    rows = []
    # 60 burglary "bursts" over a year: each an offence and a neighbour within 50 m and
    # 3 days; the bursts are far apart in space and time, so the Knox table shows a
    # clear near-repeat effect in the first distance and time bands.
    for k in range(60):
        x, y = 525000 + rng.uniform(0, 8000), 178000 + rng.uniform(0, 8000)
        day = pd.Timestamp("2024-03-01") + pd.Timedelta(days=int(k * 6))
        rows.append({"category": "burglary-residential", "committed_from": day, "easting": x, "northing": y,
                     "borough": "Lambeth"})
        rows.append({"category": "burglary-residential", "committed_from": day + pd.Timedelta(days=2),
                     "easting": x + 40, "northing": y, "borough": "Lambeth"})
    offences(store, rows)
    run_scan(store, "ann")
    new = offences(store, [{"category": "burglary-residential", "committed_from": "2025-02-20T03:00",
                            "easting": 600000, "northing": 150000, "borough": "Lambeth"}])
    report = run_scan(store, "ann", permutations=99, seed=3)
    near = [a for a in report.alerts if a.kind == "near_repeat"]
    assert len(near) == 1
    assert near[0].offence_ids == new
    radius, days = near[0].detail["radius_m"], near[0].detail["days"]
    assert radius >= 100.0 and days >= 7.0            # at least the planted 50 m / 3 day band
    until = (pd.Timestamp("2025-02-20") + pd.Timedelta(days=days)).date().isoformat()
    assert near[0].detail["zones"][0]["until"] == until
    assert "Lambeth" in near[0].summary and f"within {radius:,.0f} m for {days:g} days" in near[0].summary


def test_saved_intelligence_search_reports_new_reports(store, tmp_path):
    from workbench.intel.importer import import_intel

    header = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,text\n"
    first = tmp_path / "a.csv"
    first.write_text(header + "I/1,2025-03-01,3x5x2,1,A,P,Red Transit van seen at the rear of Camden Road flats\n"
                     "I/2,2025-03-01,3x5x2,2,B,P,Dealing from the bus stop on Holloway Road\n")
    import_intel(store, first)
    save_search(store, "Transit", "intel", {"text": "transit van"}, owner="ann")
    alerts = [a for a in run_scan(store, "ann").alerts if a.kind == "saved_search"]
    assert len(alerts) == 1 and alerts[0].detail["matches"] == 1 and alerts[0].offence_ids == []
    second = tmp_path / "b.csv"
    second.write_text(header + "I/3,2025-03-04,3x5x2,1,B,P,The same transit van parked on Agar Grove overnight\n")
    import_intel(store, second)
    alerts = [a for a in run_scan(store, "ann").alerts if a.kind == "saved_search"]
    assert len(alerts) == 1 and alerts[0].detail["matches"] == 2 and len(alerts[0].detail["new_ids"]) == 1
    assert "1 new intelligence report" in alerts[0].summary


def test_new_sexual_offence_gets_its_best_link_candidate(store, offences):
    old = offences(store, [
        {"category": "sexual-assault", "committed_from": "2025-02-20T23:30", "easting": 529050, "northing": 184020,
         "borough": "Camden", "ref": "S/NEAR"},
        {"category": "sexual-assault", "committed_from": "2024-06-01T09:00", "easting": 541000, "northing": 176000,
         "borough": "Lewisham", "ref": "S/FAR"},
    ])
    run_scan(store, "ann")
    offences(store, [{"category": "sexual-assault", "committed_from": "2025-03-01T23:10", "easting": 529000,
                      "northing": 184000, "borough": "Camden", "ref": "S/NEW"}])
    alert = next(a for a in run_scan(store, "ann").alerts if a.kind == "sexual_offence")
    assert alert.detail["offence"] == "S/NEW"
    candidates = alert.detail["candidates"]
    assert candidates and candidates[0]["offence"] == "S/NEAR" and candidates[0]["id"] == old[0]
    assert "best link candidate S/NEAR" in alert.summary
    assert old[0] in alert.offence_ids
