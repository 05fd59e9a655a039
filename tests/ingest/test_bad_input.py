"""Bad input never aborts a file or poisons the store (issue 9), and the everyday import
messages a new analyst needs (issue 16): each case with its one-line message."""

from __future__ import annotations

import json
import os
from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon
from sqlpeek import sql

from workbench.cli import main
from workbench.ingest import ImportFailed
from workbench.ingest.boundaries import import_boundaries
from workbench.ingest.offences_csv import import_offences
from workbench.ingest.police_uk import import_police_uk
from workbench.intel.importer import import_intel
from workbench.store.intel import mentions, offence_refs
from workbench.store.offences import find_by_ref, offence_detail

OFFENCE_HEADER = "offence_ref,category,committed_from,committed_to,reported_at,easting,northing,offender_ids\n"
NEXT_YEAR = date.today().year + 1
POLICE_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
                 "Crime type,Last outcome category,Context\n")


def police_row(crime_id: str, month: str, crime_type: str = "Burglary") -> str:
    return (f"{crime_id},{month},Metropolitan Police Service,Metropolitan Police Service,-0.1405,51.5426,"
            f"On or near Camden Road,E01000907,Camden 001A,{crime_type},,\n")


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("row, column, message", [
    ("D1,burglary,9999-12-31T23:30-05:00,,,531200,181450,", "committed_from",
     "'9999-12-31T23:30-05:00' is out of range (years 1900 to 9999)"),
    ("D1,burglary,0001-01-01T00:00+01:00,,,531200,181450,", "committed_from",
     "'0001-01-01T00:00+01:00' is out of range (years 1900 to 9999)"),
    ("D1,burglary,0001-01-01,,,531200,181450,", "committed_from", "'0001-01-01' is out of range"),
    ("D1,burglary,2025-01-01,9999-12-31T23:30-05:00,,531200,181450,", "committed_to", "out of range"),
    (f"D1,burglary,{NEXT_YEAR}-01-01T10:00,,,531200,181450,", "committed_from",
     f"committed_from {NEXT_YEAR}-01-01 10:00 is after the import time"),
    (f"D1,burglary,2025-01-01,{NEXT_YEAR}-01-01,,531200,181450,", "committed_to", "is after the import time"),
    (f"D1,burglary,2025-01-01,,{NEXT_YEAR}-02-01T09:00,531200,181450,", "reported_at", "is after the import time"),
])
def test_offence_dates_out_of_range_or_in_the_future_are_rejected_with_their_line(store, tmp_path, row, column,
                                                                                   message):
    text = OFFENCE_HEADER + "G1,burglary,2025-01-01,,,531200,181450,\n" + row + "\nG2,robbery,2025-01-02,,,531200,181450,\n"
    result = import_offences(store, write(tmp_path, "o.csv", text))
    assert (result.imported, result.rejected) == (2, 1)
    reject = result.rejects[0]
    assert (reject.line, reject.column) == (3, column) and message in reject.reason
    dates = [r[0] for r in sql(store, "SELECT committed_from FROM offences")]
    assert all("1900" <= d <= "9999" for d in dates)


def test_an_offence_of_today_given_as_a_date_is_not_in_the_future(store, tmp_path):
    today = date.today().isoformat()
    result = import_offences(store, write(tmp_path, "o.csv", OFFENCE_HEADER + f"T1,burglary,{today},{today},,531200,181450,\n"))
    assert result.imported == 1, result.rejects


@pytest.mark.parametrize("month, message", [
    ("99999-01", "'99999-01' is out of range (years 1900 to 9999)"),
    ("0000-01", "'0000-01' is out of range (years 1900 to 9999)"),
    (f"{NEXT_YEAR}-01", f"Month {NEXT_YEAR}-01-01 00:00 is after the import time"),
])
def test_police_uk_months_out_of_range_or_in_the_future_are_rejected(store, tmp_path, month, message):
    text = POLICE_HEADER + police_row("a1", "2017-02") + police_row("a2", month) + police_row("a3", "2017-03")
    result = import_police_uk(store, write(tmp_path, "p.csv", text))
    assert (result.imported, result.rejected) == (2, 1)
    assert (result.rejects[0].line, result.rejects[0].column) == (3, "Month")
    assert message in result.rejects[0].reason


def test_intelligence_recorded_in_the_future_or_out_of_range_is_rejected(store, tmp_path):
    text = ("intel_ref,recorded_at,grading,source_eval,intel_eval,handling,text\n"
            "I1,2025-03-01,3x5x2,1,A,P,fine\n"
            "I2,9999-12-31T23:30-05:00,3x5x2,1,A,P,far future\n"
            f"I3,{NEXT_YEAR}-01-01,3x5x2,1,A,P,next year\n")
    result = import_intel(store, write(tmp_path, "i.csv", text))
    assert result.imported == 1
    assert [(r.line, r.column) for r in result.rejects] == [(3, "recorded_at"), (4, "recorded_at")]
    assert "out of range" in result.rejects[0].reason and "after the import time" in result.rejects[1].reason


INVISIBLE = ["\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u00ad"]


def test_offence_references_differing_only_by_invisible_characters_are_the_same(store, tmp_path):
    import_offences(store, write(tmp_path, "a.csv", OFFENCE_HEADER + "B/1001,burglary,2025-01-01,,,531200,181450,O17\n"))
    rows = "".join(f"B/10{ch}01,burglary,2025-01-01,,,531200,181450,O{ch}17\n" for ch in INVISIBLE)
    again = import_offences(store, write(tmp_path, "b.csv", OFFENCE_HEADER + rows))
    assert again.imported == 0 and again.duplicates + again.rejected == len(INVISIBLE)
    assert offence_detail(store, find_by_ref(store, "B/1001"))["offenders"] == ["O17"]


def test_decomposed_accents_are_composed(store, tmp_path):
    import_offences(store, write(tmp_path, "a.csv", OFFENCE_HEADER + "CAF\u00c9/1,burglary,2025-01-01,,,531200,181450,\n"))
    again = import_offences(store, write(tmp_path, "b.csv", OFFENCE_HEADER + "CAFE\u0301/1,burglary,2025-01-01,,,531200,181450,\n"))
    assert again.duplicates == 1


def test_police_uk_crime_ids_with_invisible_characters_match(store, tmp_path):
    import_police_uk(store, write(tmp_path, "a.csv", POLICE_HEADER + police_row("abc1", "2017-02")))
    again = import_police_uk(store, write(tmp_path, "b.csv", POLICE_HEADER + police_row("\u2066abc1\u2069\u200b", "2017-02")))
    assert (again.imported, again.duplicates) == (0, 1)


def test_intelligence_references_and_subjects_are_normalised(store, tmp_path):
    header = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,subjects,offences,text\n"
    import_intel(store, write(tmp_path, "a.csv", header + "I/1,2025-03-01,3x5x2,1,A,P,O17,B/1,seen\n"))
    again = import_intel(store, write(tmp_path, "b.csv", header + "I/\u200b1,2025-03-01,3x5x2,1,A,P,O\u200d17,B/1,seen\n"
                                                                  "I/2,2025-03-02,3x5x2,1,A,P,\u202aO17\u202c,B/\ufeff1,again\n"))
    assert (again.imported, again.duplicates) == (1, 1)
    found = mentions(store)
    assert set(found.loc[found["kind"] == "person", "value"]) == {"O17"}
    refs = offence_refs(store)
    assert set(refs["offence_ref"]) == {"B/1"}


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("which, message", [
    ("/dev/zero", "/dev/zero: is a device, not a regular file; give a file to import"),
    ("fifo", "pipe.csv: is a pipe, not a regular file; give a file to import"),
    ("folder", ": is a folder, not a regular file; give a file to import"),
])
@pytest.mark.parametrize("importer", [import_offences, import_police_uk, import_intel, import_boundaries])
def test_non_regular_inputs_are_refused_with_one_message(store, tmp_path, fifo, which, message, importer):
    if which == "/dev/zero" and not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero on this system")
    path = {"/dev/zero": "/dev/zero", "fifo": fifo, "folder": tmp_path}[which]
    with pytest.raises(ImportFailed) as caught:
        importer(store, path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert sql(store, "SELECT count(*) FROM batches").fetchone()[0] == 0


def _layer(tmp_path, geometries, crs="EPSG:27700"):
    path = tmp_path / "layer.geojson"
    gpd.GeoDataFrame({"NAME": [f"A{i}" for i in range(len(geometries))]}, geometry=geometries, crs=crs).to_file(
        path, driver="GeoJSON")
    return path


def test_boundaries_outside_great_britain_are_refused(store, tmp_path):
    # Web Mercator metres declared as British National Grid: far outside the grid.
    far = Polygon([(-13_000, 6_700_000), (-12_000, 6_700_000), (-12_000, 6_701_000), (-13_000, 6_701_000)])
    with pytest.raises(ImportFailed, match="the polygons are not inside Great Britain's National Grid"):
        import_boundaries(store, _layer(tmp_path, [far]))
    assert sql(store, "SELECT count(*) FROM boundaries").fetchone()[0] == 0


def test_boundaries_in_another_country_are_refused(store, tmp_path):
    paris = Polygon([(2.30, 48.85), (2.40, 48.85), (2.40, 48.90), (2.30, 48.90)])
    with pytest.raises(ImportFailed, match="not inside Great Britain's National Grid"):
        import_boundaries(store, _layer(tmp_path, [paris], crs="EPSG:4326"))


def test_boundary_points_are_refused(store, tmp_path):
    with pytest.raises(ImportFailed, match="boundaries must be polygons, but the layer holds Point"):
        import_boundaries(store, _layer(tmp_path, [Point(531200, 181450)]))


# -- issue 16 ------------------------------------------------------------------------------


def run(capsys, *args):
    code = main([*args, "--json"])
    out = capsys.readouterr()
    return code, json.loads(out.out)


def test_importing_offences_without_boundaries_warns_that_areas_will_be_empty(new_store, tmp_path, capsys):
    db = new_store()
    csv = write(tmp_path, "o.csv", OFFENCE_HEADER + "W1,burglary,2025-01-01,,,531200,181450,\n")
    code, result = run(capsys, "--db", db, "import", "offences", str(csv))
    assert code == 0 and result["imported"] == 1
    assert result["warnings"] == [("no boundaries are loaded, so boroughs and wards will be empty (except where "
                                   "the file gives them); import borough and ward boundaries (File > Import "
                                   "boundaries…, or `workbench import boundaries FILE`) and every offence gets its "
                                   "areas")]
    more = write(tmp_path, "more.csv", OFFENCE_HEADER + "W2,burglary,2025-01-01,,,531200,181450,\n")
    main(["--db", db, "import", "offences", str(more)])
    assert "Warning: no boundaries are loaded" in capsys.readouterr().out


def test_no_warning_once_boundaries_are_loaded(store, tmp_path):
    square = Polygon([(530000, 180000), (533000, 180000), (533000, 183000), (530000, 183000)])
    import_boundaries(store, _layer(tmp_path, [square]), level="borough")
    result = import_offences(store, write(tmp_path, "o.csv", OFFENCE_HEADER + "W1,burglary,2025-01-01,,,531200,181450,\n"))
    assert result.warnings == []
    assert offence_detail(store, find_by_ref(store, "W1"))["borough"] == "A0"


def test_a_police_uk_file_given_to_import_offences_says_which_command_to_use(store, tmp_path):
    path = write(tmp_path, "2017-02-metropolitan-street.csv", POLICE_HEADER + police_row("a1", "2017-02"))
    with pytest.raises(ImportFailed) as caught:
        import_offences(store, path)
    assert str(caught.value) == ("2017-02-metropolitan-street.csv: this looks like a police.uk file: use "
                                 "`import police-uk` (workbench import police-uk FILE)")


def test_a_canonical_file_given_to_import_police_uk_says_which_command_to_use(store, tmp_path):
    path = write(tmp_path, "o.csv", OFFENCE_HEADER + "W1,burglary,2025-01-01,,,531200,181450,\n")
    with pytest.raises(ImportFailed, match="this looks like a canonical offence CSV: use `import offences`"):
        import_police_uk(store, path)


def test_rejects_are_listed_in_line_order(new_store, tmp_path, capsys):
    db = new_store()
    rows = [police_row("a1", "2017-02", "Piracy"), "short,row\n", police_row("a3", "2017-13"),
            police_row("a4", "2017-02"), "another,short,row\n", police_row("a6", "2017-02", "Piracy")]
    path = write(tmp_path, "p.csv", POLICE_HEADER + "".join(rows))
    _, result = run(capsys, "--db", db, "import", "police-uk", str(path))
    assert [r["line"] for r in result["rejects"]] == [2, 3, 4, 6, 7]
    _, listed = run(capsys, "--db", db, "import", "rejects")
    assert [r["line"] for r in listed["rejects"]] == [2, 3, 4, 6, 7]


def test_nul_characters_are_dropped_so_both_engines_store_the_same_text(store, tmp_path):
    path = tmp_path / "o.csv"
    path.write_bytes((OFFENCE_HEADER.replace("\n", ",location_desc,mo_entry\n")
                      + "N\x001,burglary,2025-01-01,,,531200,181450,O\x0017,Camden\x00 Road,fo\x00rced\n").encode())
    result = import_offences(store, path)
    assert (result.imported, result.rejected) == (1, 0)
    detail = offence_detail(store, find_by_ref(store, "N1"))
    assert (detail["location_desc"], detail["mo"], detail["offenders"]) == ("Camden Road", {"entry": ["forced"]}, ["O17"])
