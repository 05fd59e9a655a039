"""police.uk street-level files: categories, month windows, rows without Crime ID,
.csv/.csv.gz/.zip, idempotent re-import and clear errors."""

import gzip
import zipfile

import pytest
from sqlpeek import sql

from workbench.ingest import ImportFailed
from workbench.ingest.police_uk import import_police_uk

HEADER = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context"
ROWS = [
    "abc1,2017-02,Metropolitan Police Service,Metropolitan Police Service,-0.1405,51.5426,On or near Camden Road,E01000907,Camden 001A,Burglary,Under investigation,",
    ",2017-02,Metropolitan Police Service,Metropolitan Police Service,-0.1405,51.5426,On or near Camden Road,E01000907,Camden 001A,Anti-social behaviour,,",
    ",2017-02,Metropolitan Police Service,Metropolitan Police Service,-0.1405,51.5426,On or near Camden Road,E01000907,Camden 001A,Anti-social behaviour,,",
    "abc2,2017-02,Metropolitan Police Service,Metropolitan Police Service,,,No location,,,Vehicle crime,,",
    "abc3,2017-02,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near X,E01,Camden 002,Piracy,,",
    "abc4,2017-13,Metropolitan Police Service,Metropolitan Police Service,-0.1,51.5,On or near X,E01,Camden 002,Drugs,,",
]


def make(tmp_path, rows=ROWS, name="2017-02-metropolitan-street.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_rows_are_mapped_and_bad_ones_rejected_with_reasons(store, tmp_path):
    result = import_police_uk(store, make(tmp_path))
    assert (result.imported, result.rejected) == (3, 3)
    reasons = {r.line: (r.column, r.reason) for r in result.rejects}
    assert reasons[5] == ("Longitude", "no location (police.uk could not map this crime)")
    assert reasons[6][0] == "Crime type" and "Piracy" in reasons[6][1]
    assert reasons[7][0] == "Month"
    rows = sql(store,
        "SELECT category, committed_from, committed_to, borough FROM offences ORDER BY id").fetchall()
    assert rows[0] == ("burglary", "2017-02-01T00:00:00", "2017-02-28T23:59:59", None)
    assert [r[0] for r in rows[1:]] == ["anti-social-behaviour", "anti-social-behaviour"]


def test_rows_without_crime_id_are_kept_apart_and_not_duplicated_on_reimport(store, tmp_path):
    path = make(tmp_path)
    import_police_uk(store, path)
    again = import_police_uk(store, path)
    assert again.imported == 0 and again.duplicates == 3
    refs = [r[0] for r in sql(store, "SELECT offence_ref FROM offences WHERE category = 'anti-social-behaviour'")]
    assert len(set(refs)) == 2 and all(r.startswith("~") for r in refs)


def test_gzip_and_zip_archives_are_read(store, tmp_path):
    plain = make(tmp_path)
    gz = tmp_path / "2017-02.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(plain, "2017-02/2017-02-metropolitan-street.csv")
        zf.writestr("2017-02/2017-02-metropolitan-outcomes.csv", "Crime ID,Month\nx,2017-02\n")
    assert import_police_uk(store, gz).imported == 3
    from_zip = import_police_uk(store, archive)
    assert from_zip.duplicates == 3 and from_zip.files == ["download.zip:2017-02/2017-02-metropolitan-street.csv"]


def test_categories_nest_so_burglary_filter_finds_fine_and_coarse(store, tmp_path):
    from workbench.ingest.offences_csv import import_offences
    from workbench.store.offences import OffenceFilter, query_ids

    import_police_uk(store, make(tmp_path))
    canonical = tmp_path / "force.csv"
    canonical.write_text("offence_ref,category,committed_from,easting,northing\n"
                         "F1,burglary-business,2017-02-03,529000,184000\nF2,robbery,2017-02-03,529000,184000\n")
    import_offences(store, canonical)
    assert len(query_ids(store, OffenceFilter(categories=["burglary"]))) == 2
    assert len(query_ids(store, OffenceFilter(categories=["burglary-business"]))) == 1


def test_other_csv_is_refused_with_one_clear_error(store, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("offence_ref,category\nA,burglary\n")
    with pytest.raises(ImportFailed, match="not a police.uk street-level crime CSV"):
        import_police_uk(store, other)
    with pytest.raises(ImportFailed, match="no such file"):
        import_police_uk(store, tmp_path / "missing.csv")


def test_real_city_of_london_file_imports_every_mappable_row(store, shared_data):
    path = shared_data("police-uk", "city-of-london", "2022-03-city-of-london-street.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = sum(1 for _ in fh) - 1
    result = import_police_uk(store, path)
    assert result.imported + result.duplicates + result.rejected == lines
    assert result.imported > 0.9 * lines
    assert all(r.column == "Longitude" for r in result.rejects)


@pytest.mark.parametrize("row, column, reason", [
    ("x9,2017-02,M,M,abc,51.5,On or near X,E01,Camden 002,Drugs,,", "Longitude", "are not numbers"),
    ("x9,2017-02,M,M,-0.1,71.5,On or near X,E01,Camden 002,Drugs,,", "Longitude", "outside Great Britain"),
    ("x9,2017-02,M,M,-0.1,51.5,On or near X,E01,Camden 002,Drugs,", None, "12"),
])
def test_other_reject_reasons(store, tmp_path, row, column, reason):
    result = import_police_uk(store, make(tmp_path, rows=[ROWS[0], row]))
    assert result.imported == 1 and result.rejected == 1
    assert result.rejects[0].column == column and reason in result.rejects[0].reason
    assert result.rejects[0].line == 3
