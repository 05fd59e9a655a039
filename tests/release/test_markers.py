"""Marker strings planted in every field of restricted reports never reach an export they
may not go to, in any format, for any destination.

The store (accredited TOP SECRET so that SECRET and TOP SECRET reports can be held)
has an open report and five restricted ones about the same offender: 5x5x5 handling 4
and 5, 3x5x2 C with conditions, SECRET and TOP SECRET. Each restricted report carries a
unique marker in its text, subject, vehicle, phone, place, extra column, date (and its
conditions); every export is read back as text (PDF text through pypdf, Word and
GeoPackage and PNG as their raw parts) and searched for them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from handmade import SERIES_REF, make_borough
from pypdf import PdfReader

from workbench.domain.grading import DESTINATIONS
from workbench.intel.handling import export_reports
from workbench.intel.importer import import_intel
from workbench.intel.search import search_reports
from workbench.network.chart_export import export_chart
from workbench.network.graph import build_graph
from workbench.network.person import write_profile
from workbench.reports.pack import PackOptions, export_patp_pack
from workbench.store import open_store
from workbench.tasking.editing import CreatePatp
from workbench.tasking.prefill import build_patp
from workbench.tasking.sources import problem_from_series

OFFENDER = "O-17"
#: key -> (grading, source, intel, handling, conditions, marking, digit)
RESTRICTED = {
    "H4": ("5x5x5", "B", "2", "4", "", "OFFICIAL-SENSITIVE", 4),
    "H5": ("5x5x5", "B", "2", "5", "", "OFFICIAL-SENSITIVE", 5),
    "CC": ("3x5x2", "1", "A", "C", "ZQCCCND not to the school", "OFFICIAL-SENSITIVE", 3),
    "SE": ("3x5x2", "1", "A", "P", "", "SECRET", 6),
    "TS": ("3x5x2", "1", "A", "P", "", "TOP SECRET", 7),
}
HEADER = ("intel_ref,recorded_at,grading,source_eval,intel_eval,handling,handling_conditions,subjects,vehicles,"
          "phones,location_desc,security_marking,note,text\n")


def markers(key: str) -> list[str]:
    """Every planted marker of report ``key`` (its reference is allowed: withheld lists name it)."""
    digit = RESTRICTED[key][6]
    found = [f"ZQ{key}TXT", f"ZQ{key}SBJ", f"ZQ{key}VRM", f"077009000{digit}{digit}", f"ZQ{key}LOC", f"ZQ{key}NTE",
             f"2019-0{digit}-1{digit}"]
    return found + (["ZQCCCND"] if key == "CC" else [])


def csv_rows() -> str:
    rows = [(f"R/OPEN,2025-02-01,3x5x2,1,A,P,,{OFFENDER};ZQOPSBJ,ZQOPVRM,,ZQOPLOC,OFFICIAL,ZQOPNTE,"
             f"ZQOPTXT {OFFENDER} seen at the scene")]
    for key, (grading, source, intel, handling, conditions, marking, digit) in RESTRICTED.items():
        rows.append(f"R/{key},2019-0{digit}-1{digit},{grading},{source},{intel},{handling},{conditions},"
                    f"{OFFENDER};ZQ{key}SBJ,ZQ{key}VRM,077009000{digit}{digit},ZQ{key}LOC,{marking},ZQ{key}NTE,"
                    f"ZQ{key}TXT {OFFENDER} detail")
    return HEADER + "\n".join(rows) + "\n"


def visible(destination: str, accept: bool) -> set[str]:
    """The restricted reports that may go to ``destination``."""
    agency = destination in ("internal", "central-bureau")
    return ({"H4", "CC"} if agency else set()) | ({"CC"} if accept else set())


def text_of(path: Path) -> str:
    """Everything readable in an exported file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        reader = PdfReader(str(path))
        return "\n".join(p.extract_text() for p in reader.pages) + json.dumps(dict(reader.metadata or {}))
    if suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if suffix in (".png", ".gpkg"):
        return path.read_bytes().decode("latin-1")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory, module_store_location):
    folder = tmp_path_factory.mktemp("markers")
    store = open_store(module_store_location)
    store.set_setting("accreditation_level", "TOP SECRET")
    make_borough(store, offender=OFFENDER)
    (folder / "intel.csv").write_text(csv_rows(), encoding="utf-8")
    assert import_intel(store, folder / "intel.csv").imported == 1 + len(RESTRICTED)
    patp = build_patp(store, problem_from_series(store, SERIES_REF), author="a.analyst")
    refs = {i["ref"] for i in patp.graded_intelligence}
    assert {"R/OPEN", "R/H4", "R/CC"} <= refs and not refs & {"R/H5", "R/SE", "R/TS"}
    # a PATP drafted when the others were shareable: the pack must check them again
    patp.graded_intelligence += [{"ref": f"R/{k}", "text": "stale copy"} for k in ("H5", "SE", "TS")]
    create = CreatePatp(patp)
    create.do(store)
    yield store, create.patp_id, folder
    store.close()


def exports(store, patp_id, out: Path, destination: str, accept: bool) -> list[Path]:
    """Every export that can carry intelligence, for ``destination``."""
    out.mkdir()
    reports = search_reports(store)
    files = []
    for name in ("intel.csv", "intel.json"):
        export_reports(store, reports, destination, out / name, accept_conditions=accept)
        files.append(out / name)
    write_profile(store, OFFENDER, out / "profile.docx", destination=destination, accept_conditions=accept)
    files.append(out / "profile.docx")
    graph = build_graph(store)
    for fmt in ("anx", "graphml", "png"):
        export_chart(store, graph, fmt, out / f"chart.{fmt}", destination=destination, accept_conditions=accept)
        files.append(out / f"chart.{fmt}")
    export_chart(store, graph, "graphml", out / "around.graphml", destination=destination, accept_conditions=accept,
                 focus=(f"person:{OFFENDER}", 2))
    files.append(out / "around.graphml")
    files += export_patp_pack(store, patp_id, out / "pack",
                              options=PackOptions(destination=destination, accept_conditions=accept))
    return files


CASES = [(d, False) for d in DESTINATIONS] + [(d, True) for d in DESTINATIONS if d not in ("internal",
                                                                                          "central-bureau")]


@pytest.mark.parametrize("destination,accept", CASES)
def test_no_restricted_marker_reaches_a_destination_it_may_not(planted, tmp_path, destination, accept):
    store, patp_id, _ = planted
    allowed = visible(destination, accept)
    for path in exports(store, patp_id, tmp_path / "out", destination, accept):
        text = text_of(path)
        for key in set(RESTRICTED) - allowed:
            leaked = [m for m in markers(key) if m in text]
            assert leaked == [], f"{path.name} for {destination}: R/{key} leaked {leaked}"
        if path.suffix in (".csv", ".json", ".docx", ".pdf"):
            assert "ZQOPTXT" in text, f"{path.name}: the open report is missing (the search would prove nothing)"
        if path.suffix in (".graphml", ".anx"):
            assert "ZQOPVRM" in text, f"{path.name}: the open report's vehicle is missing"
        if path.suffix in (".csv", ".json", ".pdf") or path.name == "profile.docx":
            for key in allowed:
                assert f"ZQ{key}TXT" in text, f"{path.name}: R/{key} should be there for {destination}"


def test_markings_follow_what_is_released(planted, tmp_path):
    store, _, _ = planted
    out = tmp_path / "open.json"
    export_reports(store, [r for r in search_reports(store) if r["intel_ref"] == "R/OPEN"], "partner-agency", out)
    assert json.loads(out.read_text(encoding="utf-8"))["marking"] == "OFFICIAL"     # only OFFICIAL inside
    out = tmp_path / "all.json"
    export_reports(store, search_reports(store), "internal", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["marking"] == "OFFICIAL-SENSITIVE"                               # SECRET ones withheld
    assert {w["intel_ref"] for w in doc["withheld"]} == {"R/H5", "R/SE", "R/TS"}
    assert all(set(w) == {"intel_ref", "reason"} for w in doc["withheld"])


def test_other_exports_carry_no_intelligence(planted, tmp_path):
    """Returns, CCA, rejects, maps and GeoPackages hold records only: no marker at all."""
    from datetime import date

    from workbench.geo.map_export import export_geopackage, export_map_figure
    from workbench.ingest.rejects_export import export_rejects
    from workbench.linkage import service
    from workbench.returns.export import write_return
    from workbench.store.boundaries import boundaries_frame

    store, _, folder = planted
    files = []
    write_return(store, "Testborough", date(2025, 1, 1), date(2025, 3, 31), tmp_path / "return.json")
    files.append(tmp_path / "return.json")
    ids = [service.resolve(store, f"TB/S0{i}") for i in (1, 2, 3)]
    service.export_cca(store, ids, title="CCA", csv=tmp_path / "cca.csv", image=tmp_path / "cca.png")
    files += [tmp_path / "cca.csv", tmp_path / "cca.png"]
    boroughs = boundaries_frame(store, "borough")
    export_geopackage(store, {"boroughs": boroughs}, tmp_path / "map.gpkg")
    export_map_figure(store, tmp_path / "map.png", title="Map", boroughs=boroughs)
    files += [tmp_path / "map.gpkg", tmp_path / "map.png"]
    # rejects: a store accredited OFFICIAL-SENSITIVE refuses the SECRET rows and keeps nothing of them
    other = open_store(tmp_path / "other.sqlite")
    result = import_intel(other, folder / "intel.csv")
    assert {r.raw["intel_ref"] for r in result.rejects} == {"R/SE", "R/TS"}
    export_rejects(other, result.rejects, tmp_path / "rejects.csv")
    files.append(tmp_path / "rejects.csv")
    other.close()
    for path in files:
        text = text_of(path)
        leaked = [m for key in RESTRICTED for m in markers(key) if m in text]
        assert leaked == [], f"{path.name} leaked {leaked}"
        assert "OFFICIAL-SENSITIVE" in text, f"{path.name} carries no marking"
