"""A person (nominal) page and the subject-profile export.

:func:`person_page` gathers what the store knows about one person identifier (the same
identifiers as offences' ``offender_ids``): offences as offender or suspect,
intelligence mentions, associates by co-offending and by co-mention, vehicles, phones,
locations, series, first and last activity. :func:`write_profile` writes it as a Word
subject profile carrying the security marking, with intelligence text included only
where its handling code permits the chosen destination (what was withheld is listed).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.domain.grading import DEFAULT_MARKING
from workbench.intel.handling import export_view, marking_rank
from workbench.intel.search import search_reports
from workbench.store import Store
from workbench.store.intel import co_mentions, co_offenders, person_known, person_offences
from workbench.domain.audit import AuditAction


def _records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame rows as JSON-friendly dicts (NaN -> None)."""
    return [{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def person_page(store: Store, key: str) -> dict:
    """Everything about person ``key``; ValueError if the store has never seen them.

    Keys: ``person``, ``offences`` (with ``role``), ``intelligence`` (id, intel_ref,
    recorded_at, grade, grading, handling, text...), ``associates`` (person,
    co_offences, co_mentions), ``vehicles``/``phones``/``postcodes`` (value, reports),
    ``locations`` (offence and report places), ``series``, ``first_activity``,
    ``last_activity``, ``counts``.
    """
    key = key.strip()
    if not person_known(store, key):
        raise ValueError(f"no person {key!r} in the store (not an offender nor an intelligence subject)")
    offences = person_offences(store, key)
    reports = search_reports(store, entity=f"person:{key}")
    mentioned = co_mentions(store, [r["id"] for r in reports], key)

    associates: dict[str, dict] = {}
    for row in co_offenders(store, key).itertuples(index=False):
        associates.setdefault(row.person, {"person": row.person, "co_offences": 0, "co_mentions": 0})
        associates[row.person]["co_offences"] = int(row.offences)
    for row in mentioned[mentioned["kind"] == "person"].itertuples(index=False):
        associates.setdefault(row.value, {"person": row.value, "co_offences": 0, "co_mentions": 0})
        associates[row.value]["co_mentions"] = int(row.reports)
    ranked = sorted(associates.values(), key=lambda a: (-(a["co_offences"] + a["co_mentions"]), a["person"]))

    def entities(kind: str) -> list[dict]:
        part = mentioned[mentioned["kind"] == kind]
        return [{"value": v, "reports": int(n)} for v, n in zip(part["value"], part["reports"])]

    locations = [{"kind": "offence", "ref": r["offence_ref"], "date": r["committed_from"],
                  "place": r["location_desc"], "borough": r["borough"], "easting": r["easting"],
                  "northing": r["northing"]} for r in _records(offences)]
    locations += [{"kind": "intel", "ref": r["intel_ref"], "date": r["recorded_at"], "place": r["location_desc"],
                   "borough": r["borough"], "easting": r["easting"], "northing": r["northing"]}
                  for r in reports if r["location_desc"] or r["easting"] is not None]
    dates = list(offences["committed_from"].dropna()) + [r["recorded_at"] for r in reports]
    return {
        "person": key,
        "offences": _records(offences),
        "intelligence": reports,
        "associates": ranked,
        "vehicles": entities("vehicle"),
        "phones": entities("phone"),
        "postcodes": entities("postcode"),
        "locations": locations,
        "series": sorted({s for s in offences["series_ref"].dropna() if s}),
        "first_activity": min(dates)[:10] if dates else None,
        "last_activity": max(dates)[:10] if dates else None,
        "counts": {"offences": len(offences), "intelligence": len(reports), "associates": len(ranked)},
    }


def intelligence_gaps(page: dict) -> list[str]:
    """What the page does not know, as an analyst would list it in a profile."""
    gaps = []
    if not page["vehicles"]:
        gaps.append("No vehicle is linked to the subject.")
    if not page["phones"]:
        gaps.append("No phone number is linked to the subject.")
    if not page["intelligence"]:
        gaps.append("No intelligence mentions the subject.")
    elif not any(r["grading"] == "3x5x2" and r["source_eval"] == "1" or
                 r["grading"] == "5x5x5" and r["source_eval"] in ("A", "B") for r in page["intelligence"]):
        gaps.append("No intelligence on the subject comes from a reliable source.")
    if not page["locations"]:
        gaps.append("No location is known for the subject.")
    return gaps


def write_profile(store: Store, key: str, path: str | Path, *, destination: str = "internal",
                  accept_conditions: bool = False, why: str | None = None) -> dict:
    """Write a subject profile of ``key`` (``.docx``) and audit it.

    Returns ``{"out", "person", "marking", "intelligence_included", "withheld"}``.
    """
    from docx import Document
    from docx.shared import Pt

    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise ValueError(f"{path.name}: a subject profile is written as .docx")
    page = person_page(store, key)
    view = export_view(page["intelligence"], destination, accept_conditions=accept_conditions)
    # The store's marking first, so its descriptors are kept when the reports' marking ranks the same.
    marking = max(store.setting("security_marking", DEFAULT_MARKING) or DEFAULT_MARKING, view.marking,
                  key=marking_rank)

    doc = Document()
    for section in doc.sections:
        section.header.paragraphs[0].text = marking
        section.footer.paragraphs[0].text = marking
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(f"Subject profile: {key}", 0)
    doc.add_paragraph(f"Organisation: {store.setting('organisation', '')}. Prepared for: {destination}. "
                      f"Activity from {page['first_activity'] or 'unknown'} to {page['last_activity'] or 'unknown'}.")

    doc.add_heading("Offending", 1)
    _table(doc, ["Reference", "Date", "Category", "Role", "Place", "Series"],
           [[o["offence_ref"], (o["committed_from"] or "")[:10], o["category"], o["role"],
             o["location_desc"] or o["borough"] or "", o["series_ref"] or ""] for o in page["offences"]],
           empty="No offences are recorded against the subject.")

    doc.add_heading("Intelligence", 1)
    for report in view.released:
        doc.add_paragraph(f"{report['intel_ref']} ({report['recorded_at'][:10]}, {report['grading']} "
                          f"{report['grade']}): {report['text']}", style="List Bullet")
        if report.get("handling_notice"):
            doc.add_paragraph(report["handling_notice"])
    if not view.released:
        doc.add_paragraph("No intelligence can be included for this destination.")
    if view.withheld:
        doc.add_heading("Intelligence withheld under its handling code", 2)
        for item in view.withheld:
            doc.add_paragraph(f"{item['intel_ref']} ({item['grade']}): {item['reason']}", style="List Bullet")

    doc.add_heading("Associates", 1)
    _table(doc, ["Person", "Offences together", "Reports together"],
           [[a["person"], a["co_offences"], a["co_mentions"]] for a in page["associates"]],
           empty="No associates are known.")
    doc.add_heading("Vehicles and phones", 1)
    _table(doc, ["Kind", "Value", "Reports"],
           [["Vehicle", v["value"], v["reports"]] for v in page["vehicles"]]
           + [["Phone", p["value"], p["reports"]] for p in page["phones"]],
           empty="None known.")
    doc.add_heading("Geography", 1)
    _table(doc, ["Source", "Reference", "Date", "Place", "Borough"],
           [[loc["kind"], loc["ref"], (loc["date"] or "")[:10], loc["place"] or "", loc["borough"] or ""]
            for loc in page["locations"]], empty="No locations are known.")
    doc.add_heading("Series", 1)
    doc.add_paragraph(", ".join(page["series"]) or "Not linked to a series.")
    doc.add_heading("Intelligence gaps", 1)
    for gap in intelligence_gaps(page) or ["None identified from the store."]:
        doc.add_paragraph(gap, style="List Bullet")

    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    with store.atomic():
        store.audit(AuditAction.PERSON_PROFILE, "person", key, {
            "out": str(path), "destination": destination, "marking": marking,
            "released": [r["intel_ref"] for r in view.released], "withheld": view.withheld}, why=why)
    return {"out": str(path), "person": key, "marking": marking,
            "intelligence_included": len(view.released), "withheld": view.withheld}


def _table(doc, header: list[str], rows: list[list], *, empty: str) -> None:
    if not rows:
        doc.add_paragraph(empty)
        return
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)
