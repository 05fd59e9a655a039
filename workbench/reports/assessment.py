"""Tactical and strategic assessments as PDF and Word products.

The document is built from the stored assessment (its picture), so a product re-exported
after QA says exactly what was approved; until a Higher Analyst approves it every page
says DRAFT. Files are written through the release gate (:mod:`workbench.release`): the
export carries the store's marking and is audited by the one export writer.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from workbench.domain.audit import AuditAction
from workbench.domain.categories import LABELS
from workbench.errors import BadInput
from workbench.release import Content, Output, export, policy, release
from workbench.reports import document as d
from workbench.reports.docx import render_docx
from workbench.reports.figures import trend_chart
from workbench.reports.pdf import render_pdf
from workbench.store import Store
from workbench.tasking.assessment import OTHER, TacticalPicture
from workbench.tasking.products import Assessment
from workbench.tasking.workflow import STATUS_LABELS

FORMATS = ("pdf", "docx")


def _day(iso: str) -> str:
    value = date.fromisoformat(iso)
    return f"{value.day} {value:%B %Y}"


def _period(a: Assessment) -> str:
    return f"{_day(a.period_from)} to {_day(a.period_to)}"


def _cover(a: Assessment) -> list[tuple[str, str]]:
    qa = f"{a.qa['by']}, {a.qa['at'][:10]}" if a.qa else "Not yet quality-assured"
    return [("Reference", a.reference), ("Borough", a.borough or "All"), ("Period", _period(a)),
            ("Author", a.author), ("Higher Analyst QA", qa), ("Status", STATUS_LABELS.get(a.status, a.status))]


def _document(store: Store, a: Assessment, title: str, marking: str) -> d.Document:
    handling = (f"This document is {marking}. It is for policing purposes and for those tasked by the TTCG; do "
                "not copy or pass it on without the author's agreement.")
    return d.Document(title, f"{a.borough or 'All boroughs'}, {_period(a)}", marking,
                      store.setting("organisation", "") or "", cover=_cover(a), handling=handling, draft=a.draft)


def tactical_document(store: Store, a: Assessment, marking: str) -> d.Document:
    """The tactical assessment product: summary, then one section per priority, then the
    cross-cutting picture and the recommendations."""
    p = TacticalPicture.from_json(a.picture)
    doc = _document(store, a, "Tactical Assessment", marking)
    doc.add(d.Heading("Summary"), d.Paragraph(
        f"{sum(x['offences'] for x in p.priorities)} offences in the period; {len(p.sexual)} new sexual "
        f"offence(s); {len(p.series)} active series ({sum(s['new'] for s in p.series)} new); "
        f"{len(p.trends)} emerging trend(s) by the scan's seasonal test; {len(p.hotspots)} hotspot(s) of priority "
        f"crimes."))
    if p.priorities:
        doc.add(d.Table(["Priority", "Offences", "Emerging trends", "Series", "Hotspots"],
                        [[x["priority"], x["offences"], len(x["trends"]), len(x["series"]), len(x["hotspots"])]
                         for x in p.priorities], [3, 1, 1.2, 1, 1]))
    quiet = [x["priority"] for x in p.priorities if not (x["offences"] or x["series"] or x["hotspots"])]
    for part in p.priorities:
        name = part["priority"]
        if name in quiet:
            continue
        doc.add(d.Heading(f"Priority: {name}" if name != OTHER else OTHER))
        doc.add(d.Paragraph(f"{part['offences']} offences in the period."))
        trends = [t for t in p.trends if t["priority"] == name]
        doc.add(d.Heading("Emerging trends", 3))
        doc.add(d.Table(["Category", "Area", "Observed", "Expected", "FDR q"],
                        [[t["label"], t["area"], t["observed"], f"{t['expected']:.1f}", f"{t['q_value']:.2g}"]
                         for t in trends], [2, 2, 1, 1, 1]) if trends else
                d.Paragraph("No significant rise against the seasonal norm.", "note"))
        series = [s for s in p.series if s["priority"] == name]
        doc.add(d.Heading("Series", 3))
        doc.add(d.Table(["Series", "In period", "All", "First", "Last", "Crimes"],
                        [[("NEW: " if s["new"] else "") + s["title"], s["in_period"], s["offences"], s["first"],
                          s["last"], s["categories"]] for s in series], [2.4, 0.8, 0.6, 1, 1, 2], small=True)
                if series else d.Paragraph("No series active in the period.", "note"))
        hotspots = [h for h in p.hotspots if h["priority"] == name]
        if name != OTHER:
            doc.add(d.Heading("Hotspots", 3))
            doc.add(d.Bullets([f"{h['id']}: {h['detail']} (centre {h['easting']}, {h['northing']})"
                               for h in hotspots]) if hotspots else
                    d.Paragraph("No hotspot of three or more offences.", "note"))
        reqs = [r for r in p.requirements if r["priority"] == name]
        if reqs:
            doc.add(d.Heading("Intelligence requirements", 3),
                    d.Table(["Requirement", "Picture"], [[r["text"], r["answered"]] for r in reqs], [3, 3]))
    if quiet:
        doc.add(d.Paragraph(f"Nothing in the period under: {', '.join(quiet)}.", "note"))
    doc.add(d.Heading("New sexual offences"))
    doc.add(d.Bullets([s["summary"] for s in p.sexual]) if p.sexual else
            d.Paragraph("No new sexual offences in the period.", "note"))
    doc.add(d.Heading("Near-repeat risk"))
    doc.add(d.Bullets([n["summary"] for n in p.near_repeat]) if p.near_repeat else
            d.Paragraph("No open near-repeat risk window at the end of the period.", "note"))
    if p.offenders:
        doc.add(d.Heading("Active offenders"), d.Table(
            ["Offender", "Offences", "Crimes"], [[o["offender"], o["offences"], o["categories"]] for o in p.offenders],
            [1.5, 1, 4]))
    doc.add(d.Heading("Recommendations"))
    doc.add(d.Table(["Priority", "Recommendation", "Draft the PATP with"],
                    [[r["priority"], r["text"], r["patp"]] for r in p.recommendations], [1.4, 3, 3], small=True)
            if p.recommendations else d.Paragraph("No new tasking recommended.", "note"))
    if p.notes:
        doc.add(d.Heading("Not assessed"), d.Bullets(p.notes))
    if p.trend_period:
        doc.add(d.Paragraph(f"Trends: {p.trend_period['periods']} {p.trend_period['unit']}(s) from "
                            f"{p.trend_period['from']} to {p.trend_period['to']} against the seasonal baseline, "
                            "with false-discovery-rate control (the scan's test).", "small"))
    return doc


def strategic_document(store: Store, a: Assessment, marking: str, workdir: Path) -> d.Document:
    """The strategic assessment product: each priority against the year before, every
    category's change, recommended priorities and the review date."""
    p = a.picture
    doc = _document(store, a, "Strategic Assessment", marking)
    doc.add(d.Heading("Summary"), d.KeyValues([
        ("Period", _period(a)), ("Compared with", f"{_day(p['previous_from'])} to {_day(p['previous_to'])}"),
        ("Review date", _day(p["review_date"]))]))
    doc.add(d.Heading("Priorities against the year before"))
    doc.add(d.Table(["Priority", "Owner", "Offences", "Year before", "Change", "Direction"],
                    [[x["priority"], x["owner"], x["offences"], x["previous"], _pct(x["change"]), x["direction"]]
                     for x in p["priorities"]], [2.2, 1.3, 1, 1, 0.9, 1.6]) if p["priorities"] else
            d.Paragraph("The control strategy has no priorities.", "note"))
    for n, x in enumerate(p["priorities"]):
        if x["monthly"]:
            path = trend_chart(workdir / f"{n:02d}-priority.png", x["monthly"], title=x["priority"])
            doc.add(d.Figure(path, f"{x['priority']}: offences by month", 0.85))
    doc.add(d.Heading("Recommended priorities"), d.Table(
        ["Priority", "Recommendation", "Why"], [[r["priority"], r["action"], r["reason"]] for r in p["recommended"]],
        [2, 1, 4]))
    doc.add(d.Heading("Every crime category"), d.Table(
        ["Category", "Offences", "Year before", "Change", "p"],
        [[LABELS.get(c["category"], c["category"]), c["offences"], c["previous"], _pct(c["change"]),
          f"{c['p_value']:.2g}"] for c in p["categories"]], [2.5, 1, 1, 1, 1], small=True))
    if p["notes"]:
        doc.add(d.Heading("Notes"), d.Bullets(p["notes"]))
    return doc


def _pct(change: float | None) -> str:
    return "new" if change is None else f"{change:+.0%}"


def export_assessment(store: Store, a: Assessment, out_dir: str | Path, *, formats=FORMATS, force: bool = False,
                      why: str | None = None) -> list[Path]:
    """Write the assessment's PDF and/or Word file into ``out_dir`` through the release
    gate (marked, audited as ``export.assessment``); return the files."""
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise BadInput(f"unknown format(s) {', '.join(sorted(unknown))}; use pdf or docx")
    out = Path(out_dir)
    stem = a.reference.replace("/", "-")
    with tempfile.TemporaryDirectory(prefix="wb-assessment-") as tmp:
        def build(released):
            if a.kind == "tactical":
                return tactical_document(store, a, released.marking)
            return strategic_document(store, a, released.marking, Path(tmp))

        released = release(Content(records=True, build=build), policy(store, "internal"))
        outputs = [Output(out / f"{stem}.{fmt}", render_pdf if fmt == "pdf" else render_docx) for fmt in formats]
        return export(store, released, outputs, action=AuditAction.EXPORT_ASSESSMENT, object_type="assessment",
                      object_id=a.id, detail={"reference": a.reference, "status": a.status, "draft": bool(a.draft)},
                      why=why, force=force)


def build_assessment(store: Store, kind: str, date_from: date, date_to: date, out_dir: str | Path, *,
                     boroughs: list[str] | None = None, hotspots: bool = True, formats=FORMATS, force: bool = False,
                     why: str | None = None, progress=None) -> tuple[Assessment, list[Path]]:
    """Assess ``date_from``..``date_to`` (``kind`` tactical or strategic), store it as a draft
    product and write its files; the product is kept only if its files are written."""
    from workbench.identity import current_user
    from workbench.tasking.assessment import tactical_assessment
    from workbench.tasking.products import CreateAssessment
    from workbench.tasking.strategic import strategic_assessment

    date_from, date_to = date.fromisoformat(str(date_from)), date.fromisoformat(str(date_to))
    if date_to < date_from:
        raise BadInput(f"the period ends ({date_to}) before it starts ({date_from})")
    boroughs = [b for b in (boroughs or []) if b]
    if kind == "tactical":
        picture = tactical_assessment(store, date_from, date_to, boroughs, hotspots=hotspots,
                                      progress=progress).as_json()
    else:
        picture = strategic_assessment(store, date_from, date_to, boroughs).as_json()
    title = f"{kind.capitalize()} assessment, {', '.join(boroughs) or 'all boroughs'}, {date_from} to {date_to}"
    a = Assessment("", kind, title, current_user(), date_from.isoformat(), date_to.isoformat(),
                   ", ".join(boroughs) or None, picture=picture)
    with store.atomic():
        CreateAssessment(a, why=why).do(store)
        files = export_assessment(store, a, out_dir, formats=formats, force=force, why=why)
    return a, files
