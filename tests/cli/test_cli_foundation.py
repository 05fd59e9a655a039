"""The command line: JSON keys of the contract, one-line errors, help for every command."""

import json
import subprocess
import sys

from workbench.cli import command_paths, main

SPEC_EXAMPLE = """offence_ref,category,committed_from,committed_to,easting,northing,status,offender_ids,mo_entry,mo_search
B/1001,burglary-residential,2025-03-01T18:00,2025-03-01T23:30,531200,181450,solved,O17,rear window;forced,untidy
B/1002,Burglary Residential,2025-03-03,,531390,181702,unsolved,,rear window,tidy
B/1003,burglary,2025-03-04,,,,unsolved,,,
"""


def run_json(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, json.loads(out.out), out.err


def test_import_offences_and_stats_print_the_contract_keys(tmp_path, capsys):
    csv = tmp_path / "o.csv"
    csv.write_text(SPEC_EXAMPLE)
    db = str(tmp_path / "s.sqlite")
    code, result, _ = run_json(capsys, "--db", db, "import", "offences", str(csv), "--json")
    assert code == 0
    assert {"imported", "rejected", "batch"} <= set(result)
    assert (result["imported"], result["rejected"]) == (2, 1)
    assert result["rejects"][0] == {"file": "o.csv", "line": 4, "column": "easting",
                                    "reason": "no location: give easting and northing, or longitude and latitude"}
    code, stats, _ = run_json(capsys, "--db", db, "stats", "--json")
    assert stats["offences"] == 2 and stats["by_category"] == {"burglary-residential": 2}
    assert (stats["date_min"], stats["date_max"]) == ("2025-03-01", "2025-03-03")


def test_police_uk_and_boundaries_commands(tmp_path, capsys):
    from workbench.paths import data_path

    db = str(tmp_path / "s.sqlite")
    code, result, _ = run_json(capsys, "--db", db, "import", "boundaries", str(data_path("boundaries", "london.gpkg")),
                               "--layer", "boroughs", "--json")
    assert code == 0 and result["imported"] == 33
    pol = tmp_path / "p.csv"
    pol.write_text("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
                   "Last outcome category,Context\nx1,2017-01,M,M,-0.1405,51.5426,On or near A,E01,Camden 001A,Robbery,,\n")
    code, result, _ = run_json(capsys, "--db", db, "import", "police-uk", str(pol), "--json")
    assert code == 0 and {"imported", "rejected", "batch"} <= set(result) and result["imported"] == 1
    code, stats, _ = run_json(capsys, "--db", db, "stats", "--json")
    assert stats["by_borough"] == {"Camden": 1}


def test_errors_are_one_line_with_json_error_and_no_traceback(tmp_path, capsys):
    db = str(tmp_path / "s.sqlite")
    code, result, err = run_json(capsys, "--db", db, "import", "offences", str(tmp_path / "nope.csv"), "--json")
    assert code == 1 and "no such file" in result["error"]
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_json_option_accepted_before_or_after_the_command(empty_db, capsys):
    db = empty_db
    assert run_json(capsys, "--db", db, "--json", "stats")[1]["offences"] == 0
    assert run_json(capsys, "stats", "--db", db, "--json")[1]["offences"] == 0


def test_every_command_has_help_and_json():
    commands = command_paths()
    assert len(commands) >= 8
    for path, sub in commands:
        text = sub.format_help()
        assert "--json" in text, path
        assert sub.description or sub.format_usage(), path


def test_demo_without_display_says_so_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    db = tmp_path / "g.sqlite"
    result = subprocess.run([sys.executable, "-m", "workbench", "gui", "--db", str(db)],
                            capture_output=True, text=True, env={k: v for k, v in __import__("os").environ.items()
                                                                 if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")})
    assert result.returncode == 1
    assert "no display is available" in result.stderr and "--headless" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_reading_command_on_a_missing_store_says_so_and_creates_nothing(tmp_path, capsys):
    target = tmp_path / "no" / "such" / "dir" / "x.sqlite"
    code, out, _ = run_json(capsys, "--db", str(target), "stats", "--json")
    assert code == 1 and out["error"].startswith(f"there is no store at {target}")
    assert not (tmp_path / "no").exists()


def test_importing_creates_the_store(tmp_path, capsys):
    target = tmp_path / "new" / "x.sqlite"
    csv = tmp_path / "o.csv"
    csv.write_text("offence_ref,category,committed_from,easting,northing\nA1,burglary,2025-01-02,530000,180000\n")
    code, out, _ = run_json(capsys, "--db", str(target), "import", "offences", str(csv), "--json")
    assert code == 0 and out["imported"] == 1 and target.exists()


def test_a_server_address_is_never_taken_as_a_file_name(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_json(capsys, "--db", "postgresql://analyst@bureau.invalid/store", "import", "history", "--json")
    assert code == 1 and out["error"].startswith("cannot open the team store store on bureau.invalid")
    code, out, _ = run_json(capsys, "--db", "mysql://analyst@bureau.invalid/store", "import", "history", "--json")
    assert code == 1 and "starts postgresql://" in out["error"]
    assert list(tmp_path.iterdir()) == []


def test_a_server_address_never_carries_a_password(capsys):
    code, out, _ = run_json(capsys, "--db", "postgresql://analyst:secret@bureau.invalid/store", "stats", "--json")
    assert code == 1 and "must not contain a password" in out["error"] and "secret" not in out["error"]


def test_a_crime_group_name_expands_to_its_categories(empty_db, capsys):
    from workbench.domain.categories import expand

    assert expand(["sexual"]) == ["exposure", "other-sexual", "rape", "sexual-assault"]
    assert expand(["Vehicle"]) == ["theft-from-vehicle", "theft-of-vehicle", "vehicle-crime"]
    code, out, _ = run_json(capsys, "--db", empty_db, "link", "series", "--category", "sexual", "--json")
    assert code == 0 and out["series"] == []
    code, out, _ = run_json(capsys, "--db", empty_db, "link", "series", "--category", "sexul", "--json")
    assert code == 1 and "a crime group (sexual, burglary, robbery, vehicle)" in out["error"]
