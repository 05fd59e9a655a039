"""A person (nominal) page and the subject-profile export.

:func:`person_page` gathers what the store knows about one person identifier (the same
identifiers as offences' ``offender_ids``): offences as offender or suspect,
intelligence mentions, associates by co-offending and by co-mention, vehicles, phones,
locations, series, first and last activity. :func:`write_profile` writes it as a Word
subject profile through the release gate: intelligence text, and every fact drawn from
intelligence (associates, vehicles, phones, places), only where a report its handling
code and marking let go to the chosen destination shows it; the document is marked at
the highest marking of what it holds and lists what was withheld by reference and reason.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.intel.search import search_reports
from workbench.people.page import people_section
from workbench.release import Content, Fact, Output, Released, export, policy, release
from workbench.store import Store
from workbench.store.intel import (
    co_mentions,
    co_offenders,
    mentions,
    person_known,
    person_offences,
)


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
    ``last_activity``, ``counts``; and from :mod:`workbench.people.page`: ``management``
    (a nominal's flags, MAPPA level, conditions, review date; None if not a nominal),
    ``missing_episodes`` and ``victimisation`` (offences against ``key`` as victim_ref).
    """
    key = key.strip()
    people = people_section(store, key)
    if not person_known(store, key) and not people["known"]:
        raise NotFound(f"no person {key!r} in the store (not an offender, intelligence subject, nominal, "
                       "missing person or victim reference)")
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
        "counts": {"offences": len(offences), "intelligence": len(reports), "associates": len(ranked),
                   "missing_episodes": len(people["missing_episodes"]), "victimisation": len(people["victimisation"])},
        "management": people["nominal"],
        "missing_episodes": people["missing_episodes"],
        "victimisation": people["victimisation"],
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
    elif not any((r["grading"] == "3x5x2" and r["source_eval"] == "1") or
                 (r["grading"] == "5x5x5" and r["source_eval"] in ("A", "B")) for r in page["intelligence"]):
        gaps.append("No intelligence on the subject comes from a reliable source.")
    if not page["locations"]:
        gaps.append("No location is known for the subject.")
    return gaps


def profile_content(store: Store, key: str) -> Content:
    """The subject profile of ``key`` before the release gate.

    Offences, co-offenders and offence places are the store's own records; every other
    fact (an associate named in a report, a vehicle, a phone, a report's place) carries
    the reports it is known from, so the gate keeps only what released reports show.
    """
    page = person_page(store, key)
    reports = page["intelligence"]
    found = mentions(store, [r["id"] for r in reports]) if reports else pd.DataFrame(
        columns=["report_id", "kind", "value"])
    by_entity: dict[tuple[str, str], set[int]] = {}
    for row in found.itertuples(index=False):
        if not (row.kind == "person" and row.value == key):
            by_entity.setdefault((row.kind, row.value), set()).add(int(row.report_id))

    co_offences = {a["person"]: a["co_offences"] for a in page["associates"] if a["co_offences"]}
    people = set(co_offences) | {v for (k, v) in by_entity if k == "person"}
    associates = [Fact({"person": p, "co_offences": co_offences.get(p, 0)},
                       frozenset(by_entity.get(("person", p), ())), recorded=p in co_offences) for p in people]
    locations = [Fact(loc, recorded=True) for loc in page["locations"] if loc["kind"] == "offence"]
    locations += [Fact(loc, frozenset([r["id"]])) for loc, r in
                  ((loc, next(r for r in reports if r["intel_ref"] == loc["ref"]))
                   for loc in page["locations"] if loc["kind"] == "intel")]
    management = page["management"]
    facts = {"associates": associates, "locations": locations,
             # a nominal's management record carries its own marking: above the ceiling it is withheld
             "management": [Fact(management, recorded=True, marking=management["security_marking"])]
             if management else [],
             **{kind: [Fact({"value": v}, frozenset(ids)) for (k, v), ids in sorted(by_entity.items()) if k == kind]
                for kind in ("vehicle", "phone")}}
    return Content(reports=reports, facts=facts, records=True,
                   build=lambda released: _profile_document(store, page, released))


def write_profile(store: Store, key: str, path: str | Path, *, destination: str = "internal",
                  accept_conditions: bool = False, why: str | None = None, force: bool = False) -> dict:
    """Release the subject profile of ``key`` for ``destination`` and write it (``.docx``),
    audited as ``export.profile``.

    Returns ``{"out", "person", "marking", "intelligence_included", "withheld"}``.
    """
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise BadInput(f"{path.name}: a subject profile is written as .docx")
    released = release(profile_content(store, key),
                       policy(store, destination, accept_conditions=accept_conditions))
    export(store, released, [Output(path, save_profile)], action=AuditAction.EXPORT_PROFILE, object_type="person",
           object_id=key, detail={"person": key}, why=why, force=force)
    return {"out": str(path), "person": key, "marking": released.marking,
            "intelligence_included": len(released.reports), "withheld": [dict(w) for w in released.withheld]}


def save_profile(released: Released, path: Path) -> None:
    """Write a released subject profile (its body is the Word document)."""
    released.body.save(str(path))


def _profile_document(store: Store, page: dict, released: Released):
    """The Word document of a released profile: only released reports and facts."""
    from docx import Document
    from docx.shared import Pt

    key, marking, facts = page["person"], released.marking, released.facts
    doc = Document()
    for section in doc.sections:
        section.header.paragraphs[0].text = marking
        section.footer.paragraphs[0].text = marking
    doc.core_properties.category = marking
    doc.core_properties.title = f"Subject profile: {key}"
    doc.styles["Normal"].font.size = Pt(10)
    dates = [o["committed_from"] for o in page["offences"] if o["committed_from"]]
    dates += [r["recorded_at"] for r in released.reports]
    first, last = (min(dates)[:10], max(dates)[:10]) if dates else ("unknown", "unknown")
    doc.add_heading(f"Subject profile: {key}", 0)
    doc.add_paragraph(f"Organisation: {store.setting('organisation', '')}. Prepared for: {released.destination}. "
                      f"Activity from {first} to {last}.")

    _management_section(doc, page, facts.get("management", ()), released.facts_withheld.get("management", 0))

    doc.add_heading("Offending", 1)
    _table(doc, ["Reference", "Date", "Category", "Role", "Place", "Series"],
           [[o["offence_ref"], (o["committed_from"] or "")[:10], o["category"], o["role"],
             o["location_desc"] or o["borough"] or "", o["series_ref"] or ""] for o in page["offences"]],
           empty="No offences are recorded against the subject.")

    doc.add_heading("Intelligence", 1)
    for report in released.reports:
        doc.add_paragraph(f"{report['intel_ref']} ({report['recorded_at'][:10]}, {report['grading']} "
                          f"{report['grade']}): {report['text']}", style="List Bullet")
        if report.get("handling_notice"):
            doc.add_paragraph(report["handling_notice"])
    if not released.reports:
        doc.add_paragraph("No intelligence can be included for this destination.")
    if released.withheld:
        doc.add_heading("Intelligence withheld under its handling code or marking", 2)
        for item in released.withheld:
            doc.add_paragraph(f"{item['intel_ref']}: {item['reason']}", style="List Bullet")

    associates = sorted(facts["associates"], key=lambda a: (-(a["co_offences"] + len(a["reports"])), a["person"]))
    doc.add_heading("Associates", 1)
    _table(doc, ["Person", "Offences together", "Reports together"],
           [[a["person"], a["co_offences"], len(a["reports"])] for a in associates],
           empty="No associates are known.")
    doc.add_heading("Vehicles and phones", 1)
    _table(doc, ["Kind", "Value", "Reports"],
           [["Vehicle", v["value"], len(v["reports"])] for v in facts["vehicle"]]
           + [["Phone", p["value"], len(p["reports"])] for p in facts["phone"]],
           empty="None known.")
    doc.add_heading("Geography", 1)
    _table(doc, ["Source", "Reference", "Date", "Place", "Borough"],
           [[loc["kind"], loc["ref"], (loc["date"] or "")[:10], loc["place"] or "", loc["borough"] or ""]
            for loc in facts["locations"]], empty="No locations are known.")
    doc.add_heading("Series", 1)
    doc.add_paragraph(", ".join(page["series"]) or "Not linked to a series.")
    doc.add_heading("Intelligence gaps", 1)
    shown = {**page, "intelligence": list(released.reports), "vehicles": facts["vehicle"], "phones": facts["phone"],
             "locations": facts["locations"]}
    for gap in intelligence_gaps(shown) or ["None identified from the store."]:
        doc.add_paragraph(gap, style="List Bullet")
    return doc


def _management_section(doc, page: dict, managed, withheld: int) -> None:
    """Management status (as released), missing episodes and how often a victim."""
    doc.add_heading("Management and risk", 1)
    if withheld:
        doc.add_paragraph("The subject's management record is marked above what this profile may carry; "
                          "it is withheld.")
    for m in managed:
        rows = [["Flags", ", ".join(f["meaning"] for f in m["flags"]) or "none"],
                ["MAPPA", f"level {m['mappa_level']}" if m["mappa_level"] else "not a MAPPA case"],
                ["Conditions", (m["conditions"] or "none recorded")
                 + ("; exclusion zone recorded" if m["exclusion_wkt"] else "")],
                ["Review date", (m["review_date"] or "not set") + (" (overdue)" if m["review_overdue"] else "")]]
        _table(doc, ["", ""], rows, empty="")
    if not managed and not withheld:
        doc.add_paragraph("The subject is not a nominal.")
    episodes = page["missing_episodes"]
    doc.add_paragraph(f"Missing {len(episodes)} times, last reported {episodes[-1]['reported_at'][:10]}."
                      if episodes else "No missing-person episodes are recorded.")
    if page["victimisation"]:
        doc.add_paragraph(f"Recorded as the victim of {len(page['victimisation'])} offences (details withheld).")


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
