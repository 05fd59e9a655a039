"""Tasking packs: a single PATP or a whole TTCG meeting as PDF and Word documents.

Every page carries the store's security marking (setting ``security_marking``,
default OFFICIAL-SENSITIVE); a pack has a cover, contents, maps, trend and results
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

from workbench.domain.categories import LABELS
from workbench.errors import BadInput
from workbench.jobs import JobControl
from workbench.paths import current_user
from workbench.reports import document as d
from workbench.reports.docx import render_docx
from workbench.reports.figures import problem_map, trend_chart
from workbench.reports.pdf import render_pdf
from workbench.store import Store
from workbench.store import tasking as db
from workbench.store.boundaries import load_boundaries
from workbench.store.offences import OffenceFilter, load_features, load_frame
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
    """What goes into a pack. ``include_victim_details`` must be chosen deliberately."""

    include_victim_details: bool = False
    marking: str | None = None


class _Builder:
    """Builds the document blocks for PATPs (and meetings) into one :class:`Document`."""

    def __init__(self, store: Store, workdir: Path, options: PackOptions, doc: d.Document):
        self.store, self.workdir, self.options, self.doc = store, workdir, options, doc
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
            monthly = sa.get("summary", {}).get("monthly", {})
            if monthly:
                doc.add(d.Figure(trend_chart(self.figure_path("trend"), monthly), "Offences by month", 0.92))
            doc.add(self._offence_table(frame))
        else:
            doc.add(d.Paragraph("No offences are attached to this PATP.", "note"))
        doc.add(d.Heading("Comparative case analysis", level + 1))
        doc.add(*(_notes(sa, "comparative case analysis") or self._cca(sa.get("cca"))))
        doc.add(d.Heading("Near-repeat analysis", level + 1))
        doc.add(*(_notes(sa, "near-repeat") or self._near_repeat(sa.get("near_repeat"))))

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
        items = patp.graded_intelligence
        if not items:
            return [d.Paragraph("No graded intelligence that may be shared is attached.", "note")]
        rows = [[i.get("ref", ""), str(i.get("recorded_at", ""))[:10], i.get("grade", ""),
                 i.get("handling", ""), i.get("text", "")] for i in items]
        return [d.Table(["Reference", "Recorded", "Grade", "Handling", "Intelligence"], rows,
                        [1.1, 0.9, 0.8, 1.5, 4], small=True,
                        caption="Graded intelligence, included only where its handling code permits")]

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
        doc.add(d.Table(["Area", "Before", "After"],
                        [["Tasked area", m.target_before, m.target_after],
                         [f"Buffer ({result.buffer_m:.0f} m)", m.buffer_before, m.buffer_after],
                         ["Comparison area", m.control_before, m.control_after]], [2, 1, 1]),
                d.Paragraph(m.interpretation + (f" Total net effect: {m.total_net_effect:.1f} offences."
                                                if m.total_net_effect is not None else "")))


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


def _handling(marking: str, victims: bool) -> str:
    return (f"This document is {marking}. It is for policing purposes and for those tasked by the TTCG; do not "
            "copy or pass it on without the author's agreement. Graded intelligence appears only where its "
            "handling code permits. " + (
                "It INCLUDES victims' personal details: handle accordingly." if victims else
                "Victims' personal details have been withheld."))


def _new_document(store: Store, options: PackOptions, title: str, subtitle: str, cover) -> d.Document:
    marking = options.marking or store.setting("security_marking", "OFFICIAL-SENSITIVE")
    return d.Document(title, subtitle, marking, store.setting("organisation", "") or "",
                      cover=cover, handling=_handling(marking, options.include_victim_details))


def patp_document(store: Store, patp: Patp, workdir: Path, options: PackOptions) -> d.Document:
    """The document of one PATP (figures are written into ``workdir``)."""
    doc = _new_document(store, options, "Proactive Assessment and Tasking Proforma",
                        f"{patp.reference}: {patp.title}",
                        [("Reference", patp.reference), ("Borough", patp.borough or "-"), ("Author", patp.author),
                         ("Date", patp.date), ("Status", STATUS_LABELS.get(patp.status, patp.status))])
    _Builder(store, workdir, options, doc).patp(patp)
    return doc


def meeting_document(store: Store, meeting: dict, workdir: Path, options: PackOptions,
                     control: JobControl | None = None) -> d.Document:
    """The tasking pack of one TTCG meeting: agenda, assessment, PATPs, reviews, decisions, actions."""
    control = control or JobControl()
    held = date.fromisoformat(meeting["held_on"])
    doc = _new_document(store, options, "TTCG Tasking Pack", f"Meeting of {held.day} {held:%B %Y}",
                        [("Meeting", f"{held.day} {held:%B %Y}"), ("Borough", meeting["borough"] or "All"),
                         ("Chair", meeting["chair"] or "-"),
                         ("Period assessed", f"{meeting['period_from']} to {meeting['period_to']}")])
    builder = _Builder(store, workdir, options, doc)
    agenda = meeting["agenda"]
    doc.add(d.Heading("Agenda"), d.Table(["#", "Item", "Detail"],
                                         [[str(i + 1), a["title"], a.get("detail", "")] for i, a in enumerate(agenda)],
                                         [0.3, 3, 4]))
    doc.add(d.Heading("Tactical assessment"))
    picture = [a for a in agenda if a["kind"] in ("series", "hotspot", "trend", "offender", "note")]
    for kind, label in (("series", "New series"), ("hotspot", "Hotspots"), ("trend", "Emerging trends"),
                        ("offender", "Active offenders"), ("note", "Not assessed")):
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


def _render(doc: d.Document, out_dir: Path, stem: str, formats, control: JobControl) -> list[Path]:
    files = []
    for n, fmt in enumerate(formats):
        if fmt not in FORMATS:
            raise BadInput(f"unknown pack format {fmt!r}; use pdf or docx")
        control.report(0.6 + 0.4 * n / len(formats), f"writing {fmt.upper()}")
        target = out_dir / f"{stem}.{fmt}"
        files.append(render_pdf(doc, target) if fmt == "pdf" else render_docx(doc, target))
    control.report(1.0, "pack written")
    return files


def export_patp_pack(store: Store, key: str | int, out_dir: str | Path, *, formats=FORMATS,
                     options: PackOptions | None = None, progress=None, cancelled=None) -> list[Path]:
    """Write the pack of one PATP into ``out_dir``; return the files (audited)."""
    options = options or PackOptions()
    control = JobControl(progress, cancelled)
    patp = load_patp(store, key)
    out = _out_dir(out_dir)
    with tempfile.TemporaryDirectory(prefix="wb-pack-") as tmp:
        control.report(0.05, f"building {patp.reference}")
        doc = patp_document(store, patp, Path(tmp), options)
        files = _render(doc, out, patp.reference.replace("/", "-"), formats, control)
    _audit(store, "patp", patp.id, files, options, doc.marking)
    return files


def export_meeting_pack(store: Store, meeting_id: int, out_dir: str | Path, *, formats=FORMATS,
                        options: PackOptions | None = None, progress=None, cancelled=None) -> list[Path]:
    """Write the tasking pack of one TTCG meeting into ``out_dir``; return the files (audited)."""
    options = options or PackOptions()
    control = JobControl(progress, cancelled)
    meeting = require_meeting(store, meeting_id)
    out = _out_dir(out_dir)
    with tempfile.TemporaryDirectory(prefix="wb-pack-") as tmp:
        doc = meeting_document(store, meeting, Path(tmp), options, control.sub(0.0, 0.6))
        files = _render(doc, out, f"TTCG-{meeting['held_on']}", formats, control)
    _audit(store, "ttcg_meeting", meeting["id"], files, options, doc.marking)
    return files


def _out_dir(path: str | Path) -> Path:
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _audit(store: Store, object_type: str, object_id, files, options: PackOptions, marking: str) -> None:
    with store.atomic():
        store.audit("pack.export", object_type, object_id,
                    {"files": [str(f) for f in files], "marking": marking,
                     "include_victim_details": options.include_victim_details}, user=current_user())
