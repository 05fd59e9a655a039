"""``workbench insight taskings`` and ``workbench import population`` on a hand-made
borough whose counts are worked out by hand."""

import json

import shapely
from acting import acting_as, grant

from workbench.cli import main
from workbench.store import open_store
from workbench.store.boundaries import Boundary, assign_areas, write_boundaries
from workbench.store.offences import write_offences

X0, Y0 = 530000.0, 180000.0


def cli(capsys, db, *argv):
    code = main([*argv, "--db", str(db), "--json"])
    return code, json.loads(capsys.readouterr().out)


def burglary(ref, day, x, y, status="unsolved", extra=None):
    return dict(source="test", offence_ref=ref, category="burglary-residential", committed_from=f"{day}T21:00:00",
                committed_to=f"{day}T22:00:00", easting=x, northing=y, longitude=-0.1, latitude=51.5,
                location_type="dwelling", location_desc=None, reported_at=None, extra=extra, borough=None, ward=None,
                status=status, series_ref=None)


def make_store(db):
    """Cluster A (5 burglaries: 4 in February, 1 in April) and cluster B (2 in February, 3 in
    April) 1.4 km apart, and 10 + 10 burglaries far away in the rest of the borough. The
    TTCG meets on 6 March 2025: before is 9 Jan - 5 Mar, after 6 Mar - 30 Apr."""
    a, b, far = (X0 + 1000, Y0 + 1000), (X0 + 2000, Y0 + 2000), (X0 + 3600, Y0 + 3600)
    records = [burglary(f"A{i}", f"2025-02-{3 + i:02d}", a[0] + 10 * i, a[1], "solved" if i < 2 else "unsolved")
               for i in range(4)]
    records.append(burglary("A4", "2025-04-10", a[0] + 5, a[1] + 5,
                            extra='{"last_outcome": "Investigation complete; no suspect identified"}'))
    records += [burglary(f"B{i}", f"2025-02-{10 + i:02d}", b[0] + 10 * i, b[1]) for i in range(2)]
    records += [burglary(f"B{2 + i}", f"2025-04-{2 + i:02d}", b[0], b[1] + 10 * i) for i in range(3)]
    records += [burglary(f"F{i}", f"2025-02-{1 + i:02d}", far[0] + i, far[1]) for i in range(10)]
    records += [burglary(f"G{i}", f"2025-04-{1 + i:02d}", far[0] - i, far[1]) for i in range(10)]
    with open_store(db) as store, store.atomic():
        write_boundaries(store, [Boundary("borough", "Testborough", None, None,
                                          shapely.box(X0, Y0, X0 + 4000, Y0 + 4000))], None)
        write_offences(store, records)
        assign_areas(store)


def tasking(capsys, db, refs, meeting, tactics=None):
    ref = cli(capsys, db, "patp", "create", "--from-offences", *refs)[1]["reference"]
    sets = ["--set", "owner=DI Smith"] + (["--set", f"tactics={json.dumps(tactics)}"] if tactics else [])
    assert cli(capsys, db, "patp", "edit", ref, *sets)[0] == 0
    cli(capsys, db, "patp", "submit", ref)
    grant(db, "h.analyst")
    with acting_as("h.analyst"):
        cli(capsys, db, "patp", "approve", ref)
    cli(capsys, db, "patp", "schedule", ref, "--meeting", str(meeting))
    assert cli(capsys, db, "patp", "decide", ref, "--decision", "accepted", "--comment", "Go")[0] == 0
    return ref


def test_insight_by_tactic_with_rates(tmp_path, capsys, new_store):
    db = new_store("s")
    make_store(db)
    cli(capsys, db, "priorities", "add", "Burglary", "--category", "burglary", "--owner", "DI Khan")
    meeting = cli(capsys, db, "meeting", "create", "--date", "2025-03-06")[1]["id"]
    a = tasking(capsys, db, ["A0", "A1", "A2", "A3"], meeting)       # the four headings pre-filled
    b = tasking(capsys, db, ["B0", "B1"], meeting, {"Enforcement": ["Plain-clothes patrols"]})
    population = tmp_path / "population.csv"
    population.write_text("area_code,area_name,residents\nE09000099,Testborough,20000\nE09000098,Nowhere,0\n")
    code, imported = cli(capsys, db, "import", "population", str(population))
    assert code == 0 and (imported["imported"], imported["rejected"]) == (1, 1)

    code, out = cli(capsys, db, "insight", "taskings", "--from", "2025-03", "--to", "2025-03",
                    "--chart", str(tmp_path / "insight.png"))
    assert code == 0 and [t["patp"] for t in out["taskings"]] == [a, b]
    ta, tb = out["taskings"]
    # A: 4 before, 1 after (-75%); no buffer offences, control 10 and 10: SM = 1/10 - 4/10, WDQ = 0 / SM = 0.
    assert (ta["before"], ta["after"], ta["change"], ta["wdq"]) == (4, 1, -0.75, 0.0)
    assert ta["priority"] == "Burglary" and ta["decision"] == "accepted" and ta["start"] == "2025-03-06"
    assert ta["tactics"] == ["Prevent", "Intelligence", "Enforcement", "Reassurance"]
    assert ta["outcomes"] == {"solved": 2, "unsolved": 2, "Investigation complete; no suspect identified": 1}
    assert (ta["rate_area"], ta["before_per_1000"], ta["after_per_1000"]) == ("Testborough", 0.2, 0.05)
    # B: 2 before, 3 after (+50%); crime rose, so no WDQ.
    assert (tb["before"], tb["after"], tb["change"], tb["wdq"], tb["tactics"]) == (2, 3, 0.5, None, ["Enforcement"])
    by_tactic = {t["tactic"]: t for t in out["by_tactic"]}
    assert list(by_tactic) == ["Prevent", "Intelligence", "Enforcement", "Reassurance"]
    enforcement = by_tactic["Enforcement"]
    assert (enforcement["taskings"], enforcement["before"], enforcement["after"], enforcement["reduced"]) == (2, 6, 4, 1)
    assert enforcement["change"] == round(-2 / 6, 4) and enforcement["mean_wdq"] == 0.0
    # One borough of 20,000 residents, counted once: 6 and 4 per 20,000 -> 0.3 and 0.2 per 1,000.
    assert (enforcement["before_per_1000"], enforcement["after_per_1000"]) == (0.3, 0.2)
    assert (by_tactic["Prevent"]["before"], by_tactic["Prevent"]["after"]) == (4, 1)
    assert [(p["problem_type"], p["before"], p["after"]) for p in out["by_problem_type"]] == [("series", 6, 4)]
    assert out["chart"].endswith("insight.png") and (tmp_path / "insight.png").stat().st_size > 1000
    assert cli(capsys, db, "insight", "taskings", "--from", "2025-04", "--to", "2025-04")[1]["taskings"] == []
    code, rejects = cli(capsys, db, "import", "rejects")
    assert any("residents" in r["reason"] and r["line"] == 3 for r in rejects["rejects"])
