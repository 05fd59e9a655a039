"""A store refuses intelligence marked above its accreditation level, keeping nothing of it."""

from __future__ import annotations

import json

from sqlpeek import sql

from workbench.intel.importer import import_intel
from workbench.intel.search import search_reports
from workbench.store.batches import list_rejects

HEADER = "intel_ref,recorded_at,grading,source_eval,intel_eval,handling,subjects,vehicles,security_marking,text\n"
ROWS = ("A/1,2025-01-10,3x5x2,1,A,P,O17,,OFFICIAL,open text ZZOPEN\n"
        "A/2,2025-01-11,3x5x2,1,A,P,SUBJSECRET,SEC1 VRM,SECRET,secret text ZZSECRET\n"
        "A/3,2025-01-12,3x5x2,1,A,P,SUBJTOP,,TOP SECRET UK EYES ONLY,top text ZZTOP\n"
        "A/4,not a date,3x5x2,1,A,P,SUBJBAD,,SECRET,secret with a bad date ZZBAD\n"
        "A/5,2025-01-13,3x5x2,1,A,P,,,OFFICIAL-SENSITIVE,sensitive text ZZSENS\n")


def write(tmp_path):
    path = tmp_path / "intel.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def dump(store) -> str:
    return "\n".join(" ".join(map(str, row)) for table in ("intel_reports", "intel_entities", "rejects")
                     for row in sql(store, f"SELECT * FROM {table}"))


def test_default_accreditation_refuses_secret_rows_with_the_reason(store, tmp_path):
    result = import_intel(store, write(tmp_path))
    assert result.imported == 2 and result.rejected == 3
    reasons = {r.line: r.reason for r in result.rejects}
    assert reasons[3] == ("security_marking SECRET is above the store's accreditation level OFFICIAL-SENSITIVE: "
                          "the row was not imported")
    assert "TOP SECRET UK EYES ONLY is above" in reasons[4]
    assert "SECRET is above" in reasons[5]                 # refused for its marking before its bad date
    stored = dump(store)
    for marker in ("ZZSECRET", "ZZTOP", "ZZBAD", "SUBJSECRET", "SUBJTOP", "SUBJBAD", "SEC1"):
        assert marker not in stored
    kept = list_rejects(store)
    assert {tuple(sorted(r["raw"])) for r in kept} == {("intel_ref", "security_marking")}
    assert sorted(r["intel_ref"] for r in search_reports(store)) == ["A/1", "A/5"]
    assert json.dumps(result.as_json())                    # the command's answer lists them too


def test_a_store_accredited_higher_takes_them(store, tmp_path):
    store.set_setting("accreditation_level", "TOP SECRET")
    result = import_intel(store, write(tmp_path))
    assert result.imported == 4 and result.rejected == 1 and result.rejects[0].column == "recorded_at"


def test_a_store_accredited_official_refuses_official_sensitive(store, tmp_path):
    store.set_setting("accreditation_level", "OFFICIAL")
    result = import_intel(store, write(tmp_path))
    assert result.imported == 1 and result.rejected == 4


def test_a_secret_row_with_a_missing_field_is_refused_for_its_marking_keeping_none_of_it(store, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text(HEADER + "R/1,2025-01-10,3x5x2,1,A,P,SUBJRAG,,SECRET,ragged secret ZZRAGGED,extra field\n"
                    + ROWS.splitlines()[0] + "\n", encoding="utf-8")
    result = import_intel(store, path)
    assert (result.imported, result.rejected) == (1, 1)
    assert "SECRET is above" in result.rejects[0].reason
    assert "ZZRAGGED" not in dump(store) and "SUBJRAG" not in dump(store)
