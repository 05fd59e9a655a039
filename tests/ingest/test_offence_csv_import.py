"""The canonical offence CSV importer, rule by rule (shared/specs/offence-csv.md)."""

import json

import pytest
from sqlpeek import plan, sql

from workbench.ingest import ImportFailed
from workbench.ingest.offences_csv import import_offences
from workbench.jobs import Cancelled
from workbench.store.batches import list_rejects
from workbench.store.offences import find_by_ref, offence_detail

SPEC_EXAMPLE = """offence_ref,category,committed_from,committed_to,easting,northing,status,offender_ids,mo_entry,mo_search
B/1001,burglary-residential,2025-03-01T18:00,2025-03-01T23:30,531200,181450,solved,O17,rear window;forced,untidy
B/1002,Burglary Residential,2025-03-03,,531390,181702,unsolved,,rear window,tidy
"""


def write(tmp_path, text, name="offences.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count(store):
    return sql(store, "SELECT count(*) FROM offences").fetchone()[0]


def test_spec_example_imports_with_windows_mo_sets_and_offenders(store, tmp_path):
    result = import_offences(store, write(tmp_path, SPEC_EXAMPLE))
    assert (result.imported, result.rejected, result.duplicates) == (2, 0, 0)
    first = offence_detail(store, find_by_ref(store, "B/1001"))
    assert first["committed_from"] == "2025-03-01T18:00:00"
    assert first["committed_to"] == "2025-03-01T23:30:00"
    assert first["mo"] == {"entry": ["rear window", "forced"], "search": ["untidy"]}
    assert first["offenders"] == ["O17"] and first["status"] == "solved"
    assert first["longitude"] == pytest.approx(-0.1105, abs=1e-3)
    assert first["latitude"] == pytest.approx(51.5167, abs=1e-3)
    second = offence_detail(store, find_by_ref(store, "B/1002"))
    assert second["category"] == "burglary-residential"
    assert (second["committed_from"], second["committed_to"]) == ("2025-03-03T00:00:00", "2025-03-03T23:59:59")
    assert second["status"] == "unsolved"


def test_reimport_adds_nothing(store, tmp_path):
    path = write(tmp_path, SPEC_EXAMPLE)
    import_offences(store, path)
    again = import_offences(store, path)
    assert (again.imported, again.duplicates) == (0, 2)
    assert count(store) == 2


def test_same_ref_from_another_source_is_another_offence(store, tmp_path):
    path = write(tmp_path, SPEC_EXAMPLE)
    import_offences(store, path, source="force-a")
    import_offences(store, path, source="force-b")
    assert count(store) == 4


@pytest.mark.parametrize("row, column, reason", [
    (",burglary,2025-03-01,,531200,181450", "offence_ref", "offence_ref is empty"),
    ("X1,,2025-03-01,,531200,181450", "category", "category is empty"),
    ("X1,shed-breaking,2025-03-01,,531200,181450", "category", "unknown category 'shed-breaking'"),
    ("X1,burglary,,,531200,181450", "committed_from", "committed_from is empty"),
    ("X1,burglary,01/03/2025,,531200,181450", "committed_from", "not an ISO 8601"),
    ("X1,burglary,2025-03-01,tomorrow,531200,181450", "committed_to", "not an ISO 8601"),
    ("X1,burglary,2025-03-02T10:00,2025-03-01T10:00,531200,181450", "committed_to", "is before committed_from"),
    ("X1,burglary,2025-03-01,,,", "easting", "no location"),
    ("X1,burglary,2025-03-01,,531200,", "northing", "northing is empty"),
    ("X1,burglary,2025-03-01,,abc,181450", "easting", "not a number"),
    ("X1,burglary,2025-03-01,,9531200,181450", "easting", "outside Great Britain"),
    ("X1,burglary,2025-03-01,,531200,181450,maybe", "status", "solved or unsolved"),
    ("X1,burglary,2025-03-01,,531200", None, "fields but the header has"),
])
def test_each_bad_row_is_rejected_with_line_column_and_reason_and_kept(store, tmp_path, row, column, reason):
    header = "offence_ref,category,committed_from,committed_to,easting,northing" + (",status" if "maybe" in row else "")
    good = "G1,burglary,2025-03-01,,531200,181450" + (",solved" if "maybe" in row else "")
    result = import_offences(store, write(tmp_path, f"{header}\n{good}\n{row}\n"))
    assert result.imported == 1 and result.rejected == 1
    reject = result.rejects[0]
    assert (reject.file, reject.line, reject.column) == ("offences.csv", 3, column)
    assert reason in reject.reason
    kept = list_rejects(store, result.batch)
    assert kept[0]["line"] == 3 and reason in kept[0]["reason"]
    assert kept[0]["raw"]["offence_ref"] == row.split(",")[0]


def test_reference_repeated_in_one_file_is_rejected_at_second_line(store, tmp_path):
    text = "offence_ref,category,committed_from,easting,northing\nA,burglary,2025-01-01,531200,181450\n" \
           "A,robbery,2025-01-02,531200,181450\n"
    result = import_offences(store, write(tmp_path, text))
    assert result.imported == 1 and result.rejects[0].line == 3
    assert "already appears at line 2" in result.rejects[0].reason


def test_header_names_are_case_insensitive_and_bom_and_quoting_are_handled(store, tmp_path):
    text = '\ufeff Offence_Ref ,CATEGORY,Committed_From,Longitude,Latitude,location_desc,Colour_Of_Door\n' \
           '"R,1",exposure,2025-06-01T23:15+01:00,-0.1,51.5,"Park, by the gate",red\n'
    result = import_offences(store, write(tmp_path, text))
    assert result.imported == 1, result.rejects
    detail = offence_detail(store, find_by_ref(store, "R,1"))
    assert detail["location_desc"] == "Park, by the gate"
    assert detail["committed_from"] == "2025-06-01T23:15:00"       # offset converted to London time
    assert detail["extra"] == {"colour_of_door": "red"}             # other columns kept
    assert 500000 < detail["easting"] < 560000


def test_multiline_quoted_field_keeps_line_numbers_right(store, tmp_path):
    text = 'offence_ref,category,committed_from,easting,northing,location_desc\n' \
           'A,burglary,2025-01-01,531200,181450,"line one\nline two"\n' \
           'B,burglary,not-a-date,531200,181450,x\n'
    result = import_offences(store, write(tmp_path, text))
    assert result.rejects[0].line == 4


def test_victim_and_suspect_attributes_are_stored(store, tmp_path):
    text = "offence_ref,category,committed_from,easting,northing,victim_sex,suspect_height_cm,mo_approach\n" \
           "S1,rape,2025-02-01T01:00,531200,181450,F,180,Con;Surprise\n"
    import_offences(store, write(tmp_path, text))
    detail = offence_detail(store, find_by_ref(store, "S1"))
    assert detail["victim"] == {"sex": ["F"]} and detail["suspect"] == {"height_cm": ["180"]}
    assert detail["mo"] == {"approach": ["con", "surprise"]}


@pytest.mark.parametrize("text, message", [
    ("name,age\nbob,4\n", "missing column(s) offence_ref, category, committed_from"),
    ("offence_ref,category,committed_from\nA,burglary,2025-01-01\n", "no location columns"),
    ("", "empty"),
])
def test_a_file_that_is_not_an_offence_csv_gets_one_clear_error_and_imports_nothing(store, tmp_path, text, message):
    with pytest.raises(ImportFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_offences(store, write(tmp_path, text))
    assert count(store) == 0
    assert sql(store, "SELECT count(*) FROM batches").fetchone()[0] == 0


def test_binary_file_is_refused(store, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(ImportFailed, match="not a UTF-8 CSV|not UTF-8"):
        import_offences(store, path)


def test_cancel_leaves_the_store_as_it_was(store, tmp_path, monkeypatch):
    import workbench.ingest.offence_import as loop

    monkeypatch.setattr(loop, "CHUNK_ROWS", 10)
    rows = "\n".join(f"C{i},burglary,2025-01-01,531200,181450" for i in range(100))
    path = write(tmp_path, "offence_ref,category,committed_from,easting,northing\n" + rows + "\n")
    calls = []

    def cancelled():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        import_offences(store, path, cancelled=cancelled)
    assert count(store) == 0
    assert sql(store, "SELECT count(*) FROM batches").fetchone()[0] == 0


def test_import_is_audited_with_file_hash(store, tmp_path):
    result = import_offences(store, write(tmp_path, SPEC_EXAMPLE))
    batch = sql(store, "SELECT file_name, file_hash, imported, user FROM batches WHERE id = ?",
                               (result.batch,)).fetchone()
    assert batch[0] == "offences.csv" and len(batch[1]) == 64 and batch[2] == 2 and batch[3] == "test.analyst"
    action, detail = sql(store, "SELECT action, detail FROM audit_log").fetchone()
    assert action == "import" and json.loads(detail)["imported"] == 2


VICTIM_CSV = """offence_ref,category,committed_from,easting,northing,victim_ref,victim_sex
V1,theft-from-person,2025-02-01T10:00,531200,181450,VIC-0042,F
V2,theft-from-person,2025-02-09T10:00,531300,181450,\u200bVIC-0042\u202c,F
V3,theft-from-person,2025-02-10T10:00,531300,181450,,M
V4,theft-from-person,2025-02-11T10:00,531300,181450,Jane Smith,F
"""


def test_version_1_1_victim_ref_is_its_own_normalised_column_not_a_victim_attribute(store, tmp_path):
    result = import_offences(store, write(tmp_path, VICTIM_CSV))
    assert (result.imported, result.rejected) == (3, 1)
    first = offence_detail(store, find_by_ref(store, "V1"))
    assert first["victim_ref"] == "VIC-0042" and first["victim"] == {"sex": ["F"]}
    assert offence_detail(store, find_by_ref(store, "V2"))["victim_ref"] == "VIC-0042"   # invisible chars gone
    assert offence_detail(store, find_by_ref(store, "V3"))["victim_ref"] is None
    reject = result.rejects[0]
    assert (reject.line, reject.column) == (5, "victim_ref") and "looks like a name" in reject.reason
    assert "offences_victim_ref" in plan(store, "SELECT count(*) FROM offences WHERE victim_ref = 'VIC-0042'")


def test_version_1_file_without_victim_ref_still_imports(store, tmp_path):
    result = import_offences(store, write(tmp_path, SPEC_EXAMPLE))
    assert result.imported == 2
    assert offence_detail(store, find_by_ref(store, "B/1001"))["victim_ref"] is None
