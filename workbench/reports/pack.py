"""Tasking packs: a single PATP or a whole TTCG meeting as PDF and Word documents.

A pack passes the release gate (:mod:`workbench.release`) for its destination
(``internal``, the TTCG, by default): each PATP's graded intelligence is looked up again
in the store and kept only where its handling code and marking let it go there (what is
withheld is listed by reference and reason). Every page carries the pack's marking: the
highest of the store's (setting ``security_marking``) and of the intelligence included.
A pack has a cover, contents, maps, trend and results
charts, the CCA matrix, the near-repeat table, graded intelligence, decisions and
actions, and page numbers. Victims' personal details (the address or place
description of each offence and the victim attributes) are left out unless the analyst
asks for them; every export is written to the audit log with what it included.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.domain.audit import AuditAction
from workbench.domain.categories import LABELS
from workbench.errors import BadInput
from workbench.intel.search import decorate
from workbench.jobs import JobControl
from workbench.release import Content, Fact, Output, Released, export, policy, release
from workbench.reports import document as d
from workbench.reports.docx import render_docx
from workbench.reports.figures import MAX_WEEKS, problem_map, trend_chart, weekly_chart, weekly_counts
from workbench.reports.pdf import render_pdf
from workbench.store import Store
from workbench.store import tasking as db
from workbench.store.boundaries import load_boundaries
from workbench.store.intel import fetch_reports, find_report
from workbench.store.offences import OffenceFilter, load_features, load_frame
from workbench.store.people import load_nominals
from workbench.tasking.editing import load_patp
from workbench.tasking.meetings import overdue_actions, require_meeting
from workbench.tasking.patp import NIM_LEVELS, TACTIC_HEADINGS, Patp
from workbench.tasking.results import analyse_patp, chart
from workbench.tasking.workflow import STATUS_LABELS

FORMATS = ("pdf", "docx")
#: CCA columns are split into tables of this many features so they fit the page.
CCA_COLUMNS_PER_TABLE = 8
#: CCA columns left out of packs: the map shows where the offences are.
CCA_MAP_COLUMNS = ("easting", "northing")
#: Relative widths of CCA columns that need more (or less) room than the others.
CCA_WIDTHS = {"from": 1.4, "to": 1.4, "time of day": 1.55, "day": 0.75, "category": 1.3, "location type": 1.3}
MAX_OFFENCE_ROWS = 60


@dataclass
class PackOptions:
    """What goes into a pack. ``include_victim_details`` must be chosen deliberately;
    ``destination`` (default ``internal``) and ``accept_conditions`` decide which graded
    intelligence the release gate lets in."""

    include_victim_details: bool = False
    destination: str = "internal"
    accept_conditions: bool = False


class _Builder:
    """Builds the document blocks for PATPs (and meetings) into one :class:`Document`."""

    def __init__(self, store: Store, workdir: Path, options: PackOptions, doc: d.Document, released: Released):
        self.store, self.workdir, self.options, self.doc = store, workdir, options, doc
        self.released = released
        self._figures = 0
        self._wards = [(b.name, b.geometry) for b in load_boundaries(store, "ward")]

    def figure_path(self, stem: str) -> Path:
        self._figures += 1
        return self.workdir / f"{self._figures:03d}-{stem}.png"

    # -- a PATP -------------------------------------------------------------------
    def patp(self, patp: Patp, *, level: int = 1) -> None:
        doc, sub = self.doc, level + 1
        if level > 1:
            doc.add(d.Heading(f"{patp.reference}: {patp.title}", level))
        doc.add(d.Heading("Summary" if level == 1 else "Key facts", sub if level > 1 else 1),
                d.KeyValues(_key_facts(patp)),
                d.Heading("Problem summary", sub), d.Paragraph(patp.problem_summary or "-"))
        self._supporting_analysis(patp, sub)
        doc.add(d.Heading("Graded intelligence", sub))
        doc.add(*(_notes(patp.supporting_analysis, "intelligence") or self._intelligence(patp)))
        doc.add(d.Heading("Threat, harm and risk", sub), d.Paragraph(patp.threat_harm_risk or "-"),
                d.Heading("Recommended tactics", sub))
        for heading in TACTIC_HEADINGS:
            items = [t for t in patp.tactics.get(heading, []) if str(t).strip()]
            doc.add(d.Heading(heading, sub + 1), d.Bullets(items) if items else d.Paragraph("None proposed.", "note"))
        doc.add(d.Heading("Resources, objectives and community impact", sub),
                d.KeyValues([("Resources requested", patp.resources_requested),
                             ("Objectives", patp.objectives), ("Success measures", patp.success_measures),
                             ("Community impact", patp.community_impact)]))
        self._decision_and_actions(patp, sub)
        self._results(patp, sub)
        history = db.transitions(self.store, patp.id) if patp.id else []
        if history:
            doc.add(d.Heading("Workflow history", sub), d.Table(
                ["When", "Who", "Action", "Status", "Comment"],
                [[h["at"].replace("T", " ")[:16], h["user"], h["action"], STATUS_LABELS.get(h["to_status"], ""),
                  h["comment"] or ""] for h in history], widths=[1.3, 1.2, 0.9, 1.6, 3], small=True))

    def review(self, patp: Patp, title: str) -> None:
        """The review of an earlier tasking: its decision, actions and results."""
        self.doc.add(d.Heading(title, 1), d.KeyValues(_key_facts(patp)))
        self._decision_and_actions(patp, 2)
        self._results(patp, 2)

    def _supporting_analysis(self, patp: Patp, level: int) -> None:
        doc, sa = self.doc, patp.supporting_analysis
        doc.add(d.Heading("Supporting analysis", level))
        ids = patp.offence_ids
        frame = load_frame(self.store, OffenceFilter(ids=ids)) if ids else None
        if frame is not None and len(frame):
            points = {c: g[["easting", "northing"]].to_numpy(float) for c, g in frame.groupby("category")}
            path = problem_map(self.figure_path("map"), points, patp.area, self._wards, title=patp.title)
            doc.add(d.Figure(path, f"Map: offences of {patp.reference} with the tasked area and a 500 m buffer",
                             0.92))
            doc.add(self._trend(patp, frame))
            doc.add(self._offence_table(frame))
        else:
            doc.add(d.Paragraph("No offences are attached to this PATP.", "note"))
        doc.add(d.Heading("Comparative case analysis", level + 1))
        doc.add(*(_notes(sa, "comparative case analysis") or self._cca(sa.get("cca"))))
        doc.add(d.Heading("Near-repeat analysis", level + 1))
        doc.add(*(_notes(sa, "near-repeat") or self._near_repeat(sa.get("near_repeat"))))
        doc.add(d.Heading("Nominals of interest", level + 1))
        doc.add(*_nominals(sa.get("nominals_of_interest"), self.released, patp.reference))

    def _trend(self, patp: Patp, frame) -> d.Figure:
        """Offences by week from the first offence's week to the PATP's date (quiet weeks show
        as 0), or to the last offence when the PATP was drafted long after; by month when the
        offences alone span more than :data:`MAX_WEEKS` weeks."""
        when = frame["committed_from"]
        counts = weekly_counts(when, when.min(), max(when.max(), pd.Timestamp(patp.date or when.max())))
        until = "the PATP's date"
        if len(counts) > MAX_WEEKS:
            counts, until = weekly_counts(when, when.min(), when.max()), "the last offence"
        if len(counts) > MAX_WEEKS:
            monthly = when.dt.strftime("%Y-%m").value_counts().to_dict()
            return d.Figure(trend_chart(self.figure_path("trend"), monthly), "Offences by month", 0.92)
        return d.Figure(weekly_chart(self.figure_path("trend"), counts),
                        f"Offences by week, {len(counts)} week{'s' if len(counts) != 1 else ''} from "
                        f"{counts.index[0]:%d %B %Y} to {until}", 0.92)

    def _offence_table(self, frame) -> d.Table:
        victims = self.options.include_victim_details
        mo = load_features(self.store, frame["id"].tolist(), "mo")
        mo_text = mo.groupby("offence_id")["value"].agg(lambda v: "; ".join(dict.fromkeys(v))).to_dict()
        header = ["Reference", "When", "Category", "Ward", "Place", "MO", "Status"]
        widths = [1.4, 1.3, 1.3, 1.2, 0.8, 2.0, 0.9]
        victim_text = {}
        if victims:
            header.insert(5, "Location / victim")
            widths.insert(5, 1.8)
            vic = load_features(self.store, frame["id"].tolist(), "victim")
            victim_text = vic.assign(t=vic["name"] + ": " + vic["value"]).groupby("offence_id")["t"].agg(
                "; ".join).to_dict()
        rows = []
        for rec in frame.sort_values("committed_from").head(MAX_OFFENCE_ROWS).itertuples():
            row = [rec.offence_ref, _window(rec.committed_from, rec.committed_to), LABELS.get(rec.category, rec.category),
                   rec.ward or "", rec.location_type or "", mo_text.get(rec.id, ""), rec.status]
            if victims:
                row.insert(5, "; ".join(filter(None, [rec.location_desc, victim_text.get(rec.id)])))
            rows.append(row)
        caption = f"Offences ({len(frame)})" + (
            f", first {MAX_OFFENCE_ROWS} shown" if len(frame) > MAX_OFFENCE_ROWS else "") + (
            "" if victims else "; victims' personal details and addresses are withheld")
        return d.Table(header, rows, widths, caption=caption, small=True)

    def _cca(self, cca: dict | None) -> list:
        if not cca or not cca.get("rows"):
            return [d.Paragraph("No comparative case analysis is attached.", "note")]
        columns, kinds = cca["columns"], cca.get("kinds") or [""] * len(cca["columns"])
        keep = [i for i, (c, k) in enumerate(zip(columns, kinds))
                if c not in CCA_MAP_COLUMNS and (self.options.include_victim_details or k != "victim")]
        blocks = []
        for start in range(0, len(keep), CCA_COLUMNS_PER_TABLE):
            part = keep[start:start + CCA_COLUMNS_PER_TABLE]
            rows = [[r["offence"], *[_cell(LABELS.get(r["values"][i], r["values"][i])) for i in part]]
                    for r in cca["rows"]]
            blocks.append(d.Table(["Offence", *[_column_title(columns[i]) for i in part]], rows,
                                  [1.7] + [CCA_WIDTHS.get(columns[i], 1.2 if columns[i].startswith("mo ") else 1.0)
                                           for i in part], small=True))
        blocks[-1].caption = "Comparative case analysis: offences by feature" + (
            "" if self.options.include_victim_details else " (victim features withheld)")
        return blocks

    def _near_repeat(self, table: dict | None) -> list:
        if not table or not table.get("knox_ratio"):
            return [d.Paragraph("No near-repeat table is attached.", "note")]
        rows = []
        for label, ratios, pvals in zip(table["distance_bands"], table["knox_ratio"], table["p_value"]):
            rows.append([label, *[_ratio(r, p) for r, p in zip(ratios, pvals)]])
        return [d.Table(["Distance \\ time", *table["time_bands"]], rows, [1.4] + [1] * len(table["time_bands"]),
                        caption="Knox ratios (observed / expected); * p < 0.05 from Monte Carlo permutation",
                        small=True)]

    def _intelligence(self, patp: Patp) -> list:
        refs = {i.get("ref") for i in patp.graded_intelligence}
        items = [r for r in self.released.reports if r["intel_ref"] in refs]
        withheld = [w for w in self.released.withheld if w["intel_ref"] in refs]
        blocks = []
        if items:
            rows = [[r["intel_ref"], str(r["recorded_at"] or "")[:10], r["grade"],
                     r.get("handling_notice") or f"{r['grading']} {r['handling']}", r["text"]] for r in items]
            blocks.append(d.Table(["Reference", "Recorded", "Grade", "Handling", "Intelligence"], rows,
                                  [1.1, 1.1, 0.8, 1.5, 3.8], small=True,
                                  caption=f"Graded intelligence, included only where its handling code permits "
                                          f"{self.released.destination}"))
        else:
            blocks.append(d.Paragraph("No graded intelligence that may be shared is attached.", "note"))
        if withheld:
            blocks.append(d.Bullets([f"{w['intel_ref']}: {w['reason']}" for w in withheld]))
            blocks[-1:] = [d.Paragraph("Withheld from this pack:", "note"), blocks[-1]]
        return blocks

    def _decision_and_actions(self, patp: Patp, level: int) -> None:
        doc = self.doc
        doc.add(d.Heading("TTCG decision and actions", level))
        dec = patp.decision
        if dec:
            doc.add(d.KeyValues([("Decision", dec["decision"].capitalize()), ("Reasons", dec["reasons"]),
                                 ("Recorded by", f"{dec['by']}, {dec['at'][:10]}")]))
        else:
            doc.add(d.Paragraph(f"Awaiting decision ({STATUS_LABELS.get(patp.status, patp.status)}).", "note"))
        actions = db.list_actions(self.store, patp_id=patp.id) if patp.id else []
        if actions:
            doc.add(_actions_table(actions))

    def _results(self, patp: Patp, level: int) -> None:
        if patp.status != "accepted" and not patp.result_review:
            return
        doc = self.doc
        doc.add(d.Heading("Result and review", level))
        if patp.result_review:
            doc.add(d.Paragraph(patp.result_review))
        if patp.status != "accepted" or patp.area is None:
            return
        result = analyse_patp(self.store, patp)
        m = result.measures
        doc.add(d.Figure(chart(result, self.figure_path("results"), title=f"Results of {patp.reference}"),
                         f"Offences {result.before[0]} to {result.before[1]} (before) and {result.after[0]} to "
                         f"{result.after[1]} (after); comparison: {result.comparison}", 0.92))
        def after(n):
            return "not yet" if n is None else n

        doc.add(d.Table(["Area", "Before", "After"],
                        [["Tasked area", m.target_before, after(m.target_after)],
                         [f"Buffer ({result.buffer_m:.0f} m)", m.buffer_before, after(m.buffer_after)],
                         ["Comparison area", m.control_before, after(m.control_after)]], [2, 1, 1]),
                d.Paragraph(m.interpretation + (f" Total net effect: {m.total_net_effect:.1f} offences."
                                                if m.total_net_effect is not None else "")))


def _nominals(section: dict | None, released: Released, reference: str) -> list:
    """The PATP's nominals of interest as the release gate cleared them (withheld ones are
    named with the reason only, or counted when the gate withheld them)."""
    cleared = [n for n in released.facts.get("nominals", ()) if n["patp"] == reference]
    drafted = (section or {}).get("withheld", [])
    gone = released.facts_withheld.get("nominals", 0)
    if not (cleared or drafted or gone):
        return [d.Paragraph("No nominal of interest is recorded for this problem.", "note")]
    out = []
    if cleared:
        rows = [[n["nominal"], ", ".join(n["flags"]), str(n["mappa_level"] or ""), n.get("review_date") or "",
                 n["why"]] for n in cleared]
        out.append(d.Table(["Nominal", "Flags", "MAPPA", "Review", "Why of interest"], rows, [1.1, 1.8, 0.6, 0.9, 4],
                           small=True, caption="Nominals ranked by distance from home, description, offending "
                                               "history and flags"))
    for item in drafted:
        out.append(d.Paragraph(f"Withheld: {item['nominal']} ({item['reason']}).", "note"))
    if gone:
        out.append(d.Paragraph(f"{gone} nominal(s) withheld: marked above what this pack may carry.", "note"))
    return out


def _actions_table(actions: list[dict]) -> d.Table:
    overdue = {a["id"] for a in overdue_actions(actions)}
    return d.Table(["Action", "Owner", "Due", "Status", "PATP"],
                   [[a["description"], a["owner"], a["due_date"], a["status"] + (" (overdue)" if a["id"] in overdue
                                                                                 else ""),
                     a.get("patp_reference") or ""] for a in actions],
                   [3.2, 1.3, 1, 1.1, 1.6], small=True, highlight=[i for i, a in enumerate(actions)
                                                                  if a["id"] in overdue],
                   caption="Actions (overdue actions highlighted)")


def _column_title(column: str) -> str:
    """A CCA column as a heading: ``mo entry`` -> ``MO entry``."""
    return "MO" + column[2:] if column.startswith("mo ") else column.capitalize()


def _notes(analysis: dict, topic: str) -> list:
    """The pre-fill notes (what could not be attached, and why) about ``topic``."""
    return [d.Paragraph(f"Not included: {n}.", "note") for n in analysis.get("notes", []) if topic in n.lower()]


def _key_facts(patp: Patp) -> list[tuple[str, str]]:
    qa = f"{patp.qa['by']}, {patp.qa['at'][:10]}" + (f": {patp.qa['comment']}" if patp.qa.get("comment") else "") \
        if patp.qa else "Not yet quality-assured"
    return [("Reference", patp.reference), ("Title", patp.title), ("Borough", patp.borough or "-"),
            ("Author", patp.author), ("Date", patp.date), ("Higher Analyst QA", qa),
            ("Control-strategy priority", patp.priority), ("NIM level", NIM_LEVELS.get(patp.nim_level, "-")),
            ("Problem type", patp.problem_type.capitalize()), ("Owner", patp.owner or "-"),
            ("Review date", patp.review_date or "-"), ("Status", STATUS_LABELS.get(patp.status, patp.status))]


def _window(start, end) -> str:
    text = start.strftime("%d/%m/%Y %H:%M")
    if end is not None and end != start:
        text += " to " + (end.strftime("%H:%M") if end.date() == start.date() else end.strftime("%d/%m/%Y %H:%M"))
    return text


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _ratio(ratio, p) -> str:
    if ratio is None or (isinstance(ratio, float) and not np.isfinite(ratio)):
        return "-"
    return f"{ratio:.2f}" + ("*" if p is not None and p < 0.05 else "")


def _handling(marking: str, victims: bool, destination: str) -> str:
    return (f"This document is {marking}, prepared for {destination}. It is for policing purposes and for those "
            "tasked by the TTCG; do not copy or pass it on without the author's agreement. Graded intelligence "
            "appears only where its handling code permits. " + (
                "It INCLUDES victims' personal details: handle accordingly." if victims else
                "Victims' personal details have been withheld."))


def _new_document(store: Store, options: PackOptions, released: Released, title: str, subtitle: str,
                  cover) -> d.Document:
    return d.Document(title, subtitle, released.marking, store.setting("organisation", "") or "",
                      cover=cover, handling=_handling(released.marking, options.include_victim_details,
                                                      released.destination))


def pack_content(store: Store, patps: list[Patp], build) -> Content:
    """A pack before the gate: the store's records, the graded intelligence of ``patps``
    looked up again in the store (a report no longer there cannot be checked, so it is
    withheld), and their nominals of interest, each with its own security marking (a
    nominal marked above the release ceiling is withheld; the others count towards the
    pack's marking)."""
    reports = []
    for ref in dict.fromkeys(i.get("ref") for p in patps for i in p.graded_intelligence if i.get("ref")):
        found = find_report(store, ref)
        reports += fetch_reports(store, [found]) if found is not None else [{"id": f"missing:{ref}",
                                                                              "intel_ref": ref}]
    listed = [(p.reference, n) for p in patps
              for n in (p.supporting_analysis.get("nominals_of_interest") or {}).get("nominals", [])]
    current = load_nominals(store, refs=sorted({n["nominal"] for _, n in listed})).set_index("nominal_ref")
    # each nominal carries its marking as the store holds it now (as reports are looked up again)
    nominals = [Fact({**n, "patp": ref}, recorded=True,
                     marking=current["security_marking"].get(n["nominal"], n.get("security_marking")))
                for ref, n in listed]
    return Content(reports=[decorate(r) if "source_eval" in r else r for r in reports], records=True,
                   facts={"nominals": nominals}, build=build)


def patp_document(store: Store, patp: Patp, workdir: Path, options: PackOptions, released: Released) -> d.Document:
    """The document of one PATP (figures are written into ``workdir``)."""
    doc = _new_document(store, options, released, "Proactive Assessment and Tasking Proforma",
                        f"{patp.reference}: {patp.title}",
                        [("Reference", patp.reference), ("Borough", patp.borough or "-"), ("Author", patp.author),
                         ("Date", patp.date), ("Status", STATUS_LABELS.get(patp.status, patp.status))])
    doc.draft = "" if patp.qa else "DRAFT"          # until a Higher Analyst approves it
    _Builder(store, workdir, options, doc, released).patp(patp)
    return doc


def meeting_document(store: Store, meeting: dict, workdir: Path, options: PackOptions, released: Released,
                     control: JobControl | None = None) -> d.Document:
    """The tasking pack of one TTCG meeting: agenda, assessment, PATPs, reviews, decisions, actions."""
    control = control or JobControl()
    held = date.fromisoformat(meeting["held_on"])
    doc = _new_document(store, options, released, "TTCG Tasking Pack", f"Meeting of {held.day} {held:%B %Y}",
                        [("Meeting", f"{held.day} {held:%B %Y}"), ("Borough", meeting["borough"] or "All"),
                         ("Chair", meeting["chair"] or "-"),
                         ("Period assessed", f"{meeting['period_from']} to {meeting['period_to']}")])
    builder = _Builder(store, workdir, options, doc, released)
    agenda = meeting["agenda"]
    doc.add(d.Heading("Agenda"), d.Table(["#", "Item", "Detail"],
                                         [[str(i + 1), a["title"], a.get("detail", "")] for i, a in enumerate(agenda)],
                                         [0.3, 3, 4]))
    doc.add(d.Heading("Tactical assessment"))
    sections = (("assessment", "Approved assessment"), ("sexual", "New sexual offences"), ("series", "Series"),
                ("hotspot", "Hotspots"), ("trend", "Emerging trends"), ("offender", "Active offenders"),
                ("note", "Not assessed"))
    picture = [a for a in agenda if a["kind"] in dict(sections)]
    for kind, label in sections:
        items = [a for a in picture if a["kind"] == kind]
        if items:
            doc.add(d.Heading(label, 2), d.Bullets([f"{a['title']}: {a['detail']}" for a in items]))
    if not picture:
        doc.add(d.Paragraph("Nothing new in the period.", "note"))
    patp_items = [a for a in agenda if a["kind"] in ("patp", "review")]
    for n, item in enumerate(patp_items):
        control.report(n / max(1, len(patp_items)), f"adding {item.get('ref')}")
        doc.add(d.PageBreak())
        patp = load_patp(store, item["patp_id"])
        if item["kind"] == "review":
            builder.review(patp, item["title"])
        else:
            builder.patp(patp, level=2)
    doc.add(d.PageBreak(), d.Heading("Decision log"))
    if meeting["decisions"]:
        doc.add(d.Table(["Subject", "Decision", "Reasons", "By"],
                        [[x["subject"], x["decision"], x["reasons"], x["user"]] for x in meeting["decisions"]],
                        [2.5, 1, 3.5, 1.2]))
    else:
        doc.add(d.Paragraph("No decisions recorded yet.", "note"))
    doc.add(d.Heading("Actions"))
    actions = db.list_actions(store)
    doc.add(_actions_table(actions) if actions else d.Paragraph("No actions recorded.", "note"))
    return doc


def _write(store: Store, released: Released, out_dir: str | Path, stem: str, formats, options: PackOptions,
           object_type: str, object_id, control: JobControl, force: bool) -> list[Path]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BadInput(f"unknown pack format {unknown[0]!r}; use pdf or docx")
    control.report(0.6, "writing " + " and ".join(f.upper() for f in formats))
    outputs = [Output(path, render_pdf if path.suffix == ".pdf" else render_docx)
               for path in pack_files(out_dir, stem, formats)]
    files = export(store, released, outputs, action=AuditAction.EXPORT_PACK, object_type=object_type, object_id=object_id,
                   detail={"include_victim_details": options.include_victim_details}, force=force)
    control.report(1.0, "pack written")
    return files


def pack_files(out_dir: str | Path, stem: str, formats=FORMATS) -> list[Path]:
    """The files a pack named ``stem`` writes into ``out_dir`` (to ask before replacing them)."""
    return [Path(out_dir) / f"{stem}.{fmt}" for fmt in formats]


def patp_pack_stem(store: Store, key: str | int) -> str:
    """The file name stem of a PATP's pack (its reference)."""
    return load_patp(store, key).reference.replace("/", "-")


def meeting_pack_stem(store: Store, meeting_id: int) -> str:
    """The file name stem of a meeting's pack."""
    return f"TTCG-{require_meeting(store, meeting_id)['held_on']}"


def export_patp_pack(store: Store, key: str | int, out_dir: str | Path, *, formats=FORMATS,
                     options: PackOptions | None = None, progress=None, cancelled=None,
                     force: bool = False) -> list[Path]:
    """Release the pack of one PATP for ``options.destination`` and write it into
    ``out_dir`` (audited as ``export.pack``); return the files."""
    options = options or PackOptions()
    control = JobControl(progress, cancelled)
    patp = load_patp(store, key)
    rules = policy(store, options.destination, accept_conditions=options.accept_conditions)
    with tempfile.TemporaryDirectory(prefix="wb-pack-") as tmp:
        control.report(0.05, f"building {patp.reference}")
        released = release(pack_content(store, [patp], lambda r: patp_document(store, patp, Path(tmp), options, r)),
                           rules)
        return _write(store, released, out_dir, patp_pack_stem(store, patp.id), formats, options, "patp",
                      patp.id, control, force)


def export_meeting_pack(store: Store, meeting_id: int, out_dir: str | Path, *, formats=FORMATS,
                        options: PackOptions | None = None, progress=None, cancelled=None,
                        force: bool = False) -> list[Path]:
    """Release the tasking pack of one TTCG meeting for ``options.destination`` and write
    it into ``out_dir`` (audited as ``export.pack``); return the files."""
    options = options or PackOptions()
    control = JobControl(progress, cancelled)
    meeting = require_meeting(store, meeting_id)
    rules = policy(store, options.destination, accept_conditions=options.accept_conditions)
    patps = [load_patp(store, a["patp_id"]) for a in meeting["agenda"] if a["kind"] in ("patp", "review")]
    with tempfile.TemporaryDirectory(prefix="wb-pack-") as tmp:
        released = release(pack_content(store, patps, lambda r: meeting_document(
            store, meeting, Path(tmp), options, r, control.sub(0.0, 0.6))), rules)
        return _write(store, released, out_dir, meeting_pack_stem(store, meeting["id"]), formats, options, "ttcg_meeting",
                      meeting["id"], control, force)
