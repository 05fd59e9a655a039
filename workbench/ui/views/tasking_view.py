"""The Tasking view: PATPs from draft to TTCG decision, and their tasking packs.

Left, the PATPs (filter to the QA queue or any status). Right, the selected PATP as an
editable form with its pre-filled sections, the fields still missing before it can be
submitted, the workflow buttons its status allows (submit, QA approve/return, schedule,
TTCG decision), its history, and Export pack (PDF and Word, off the UI thread); Export
return writes the borough's return to the central intelligence bureau.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import PatpListState
from workbench.commands import Command
from workbench.errors import Conflict, UserError
from workbench.events import Changed
from workbench.reports.pack import export_patp_pack, pack_files, patp_pack_stem
from workbench.returns.export import write_return
from workbench.store import tasking as db
from workbench.store.boundaries import load_boundaries
from workbench.tasking.editing import CreatePatp, EditPatp, load_patp
from workbench.tasking.patp import DECISIONS, EDITABLE, NIM_LEVELS, PROBLEM_TYPES, TACTIC_HEADINGS, Patp
from workbench.tasking.prefill import build_patp
from workbench.tasking.results import analyse_patp, chart
from workbench.tasking.sources import problem_from_offences, problem_from_series, series_choices
from workbench.tasking.strategy import priority_names
from workbench.tasking.workflow import STATUS_LABELS, PatpTransition, allowed_actions
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.overwrite import NO_DIALOG_CONFIRM, ask_replace
from workbench.ui.tasking.meetings_panel import MeetingsPanel, plain_table
from workbench.ui.tasking.new_patp import open_new_patp
from workbench.ui.tasking.products_panel import ProductsPanel
from workbench.ui.views.offences_view import register_offence_action

TITLE = "Tasking"
ORDER = 60
#: The PATP list's queues (:data:`workbench.app.state.PATP_QUEUES`) as offered.
QUEUES = {"All PATPs": None, "QA queue (submitted)": "qa", "Approved, awaiting TTCG": "awaiting-ttcg",
          "Drafts and returned": "drafts", "Decided": "decided"}
TEXT_FIELDS = {"title": "Title", "priority": "Control-strategy priority", "owner": "Owner",
               "review_date": "Review date (YYYY-MM-DD)"}
LONG_FIELDS = {"problem_summary": "Problem summary", "threat_harm_risk": "Threat, harm and risk",
               "resources_requested": "Resources requested", "objectives": "Objectives",
               "success_measures": "Success measures", "community_impact": "Community impact",
               "result_review": "Result and review"}
BUTTONS = {"submit": "Submit for QA", "approve": "Approve (QA)", "return": "Return with comments",
           "schedule": "Put on TTCG agenda", "decide": "Record TTCG decision"}


def _long_edit(height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setMinimumHeight(height)
    return edit


def _set_read_only(edit, read_only: bool) -> None:
    """Lock a field after submission, and make it look locked (greyed background)."""
    edit.setReadOnly(read_only)
    edit.setStyleSheet("background:#eceff3; color:#333" if read_only else "")


class TaskingView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.patp: Patp | None = None
        self.job = None
        self.last_files: list[Path] = []
        self.last_return: dict | None = None
        self.last_results = None

        self.state = PatpListState()
        self.filter = QComboBox()
        self.filter.setObjectName("queue")
        for label, queue in QUEUES.items():
            self.filter.addItem(label, queue)
        self.table = plain_table(["Reference", "Status", "Title", "Author"])
        self.table.itemSelectionChanged.connect(self._selected)
        new = QPushButton("New PATP from series…")
        new.clicked.connect(self.new_from_series)
        send = QPushButton("Export return…")
        send.setToolTip("The borough's series, hotspots and offenders of interest for the central "
                        "intelligence bureau")
        send.clicked.connect(self._choose_return)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.addWidget(self.filter)
        lay.addWidget(self.table, 1)
        lay.addWidget(new)
        lay.addWidget(send)

        self.heading = QLabel("Select a PATP")
        self.heading.setStyleSheet("font-weight:bold; font-size:13pt; color:#1f3b5a")
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.edits: dict[str, QWidget] = {}
        form = QFormLayout()
        for name, label in TEXT_FIELDS.items():
            self.edits[name] = QLineEdit()
            form.addRow(label, self.edits[name])
        self.nim = QComboBox()
        for level, label in NIM_LEVELS.items():
            self.nim.addItem(label, level)
        form.addRow("NIM level", self.nim)
        self.ptype = QComboBox()
        self.ptype.addItems(list(PROBLEM_TYPES))
        form.addRow("Problem type", self.ptype)
        for name, label in LONG_FIELDS.items():
            self.edits[name] = _long_edit(90 if name == "problem_summary" else 60)
            form.addRow(label, self.edits[name])
        self.tactics = {}
        for heading in TACTIC_HEADINGS:
            self.tactics[heading] = _long_edit(60)
            self.tactics[heading].setPlaceholderText("one tactic per line")
            form.addRow(f"Tactics: {heading}", self.tactics[heading])
        self.evidence = QTextBrowser()
        self.evidence.setMinimumHeight(120)
        form.addRow("Supporting analysis", self.evidence)
        self.history = QTextBrowser()
        self.history.setMinimumHeight(90)
        form.addRow("History", self.history)
        self.results = QLabel()
        self.results.setWordWrap(True)
        form.addRow("Results analysis", self.results)
        holder = QWidget()
        holder.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)

        self.save_button = QPushButton("Save changes")
        self.save_button.clicked.connect(self.save)
        self.buttons = {action: QPushButton(label) for action, label in BUTTONS.items()}
        for action, button in self.buttons.items():
            button.clicked.connect(lambda _=False, a=action: self.transition(a))
        self.results_button = QPushButton("Results analysis")
        self.results_button.setToolTip("Offences before and after the TTCG decision in the tasked area, "
                                       "its buffer and a comparison area, with the WDQ")
        self.results_button.clicked.connect(self.show_results)
        self.export_button = QPushButton("Export pack…")
        self.export_button.clicked.connect(self._choose_export)
        bar = QHBoxLayout()
        bar.addWidget(self.save_button)
        for button in self.buttons.values():
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.results_button)
        bar.addWidget(self.export_button)
        right = QWidget()
        rlay = QVBoxLayout(right)
        rlay.addWidget(self.heading)
        rlay.addWidget(self.missing)
        rlay.addLayout(bar)
        rlay.addWidget(self.message)
        rlay.addWidget(scroll, 1)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([470, 830])
        self.meetings = MeetingsPanel(session)
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "PATPs")
        self.tabs.addTab(self.meetings, "TTCG meetings")
        self.products = ProductsPanel(session)
        self.tabs.addTab(self.products, "Assessments and insight")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.tabs)
        self.binding = bind(left, self.state)
        self.filter.currentIndexChanged.connect(self.refresh)      # after the binder: refresh sees the queue
        session.changed.connect(self._changed)
        self._show(None)
        self.refresh()

    # -- list ---------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.patp.id if self.patp else None
        rows = db.list_patps(self.session.store, self.state.statuses())
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        select = None
        for r, row in enumerate(rows):
            for c, value in enumerate([row["reference"], STATUS_LABELS.get(row["status"], row["status"]),
                                       row["title"], row["author"]]):
                item = QTableWidgetItem(value or "")
                item.setData(Qt.UserRole, row["id"])
                self.table.setItem(r, c, item)
            if row["id"] == keep:
                select = r
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        if select is not None:
            self.table.selectRow(select)
            self._show(load_patp(self.session.store, keep))
        elif rows:
            self.table.selectRow(0)
        else:
            self._show(None)

    def _changed(self, changed: Changed) -> None:
        if changed.kind != "tasking":
            return
        if changed.detail.get("remote") and self.patp is not None and self.form_changes():
            # someone else's change must not wipe what the analyst is typing; the form keeps
            # the version it was read at, so saving reports a conflict if theirs was to this PATP
            self._say(f"{', '.join(changed.detail['users'])} changed tasking: your unsaved changes to "
                      f"{self.patp.reference} are kept; the list is brought up to date when you save.")
            return
        self.refresh()

    def _selected(self) -> None:
        items = self.table.selectedItems()
        if items:
            self._show(load_patp(self.session.store, items[0].data(Qt.UserRole)))

    # -- editor -------------------------------------------------------------------
    def _show(self, patp: Patp | None) -> None:
        self.patp = patp
        editable = set(EDITABLE) if patp and patp.status in ("draft", "returned") else {"result_review", "owner",
                                                                                        "review_date"}
        for name, edit in self.edits.items():
            value = getattr(patp, name, "") if patp else ""
            if isinstance(edit, QLineEdit):
                edit.setText(str(value or ""))
            else:
                edit.setPlainText(str(value or ""))
            _set_read_only(edit, patp is None or name not in editable)
        for heading, edit in self.tactics.items():
            edit.setPlainText("\n".join(patp.tactics.get(heading, [])) if patp else "")
            _set_read_only(edit, patp is None or "tactics" not in editable)
        names = priority_names(self.session.store)       # a PATP's priority is one of the control strategy's
        self.edits["priority"].setCompleter(QCompleter(names, self.edits["priority"]))
        self.edits["priority"].setToolTip("One of the control strategy's priorities: " + "; ".join(names)
                                          if names else "Add priorities under File > Settings > Control strategy")
        self.nim.setCurrentIndex(max(0, self.nim.findData(patp.nim_level if patp else 1)))
        self.ptype.setCurrentText(patp.problem_type if patp else PROBLEM_TYPES[0])
        self.nim.setEnabled(bool(patp) and "nim_level" in editable)
        self.ptype.setEnabled(bool(patp) and "problem_type" in editable)
        allowed = allowed_actions(patp.status) if patp else []
        for action, button in self.buttons.items():
            button.setEnabled(action in allowed)
        self.save_button.setEnabled(patp is not None)
        self.export_button.setEnabled(patp is not None)
        self.results_button.setEnabled(patp is not None and patp.status == "accepted")
        self.results.clear()
        if patp is None:
            self.heading.setText("Select a PATP, or create one: from a series here, from offences (right-click in "
                                 "Offences), a person (People) or a hotspot (Map)")
            self.missing.clear()
            self.evidence.clear()
            self.history.clear()
            return
        self.heading.setText(f"{patp.reference}: {patp.title}  ({STATUS_LABELS.get(patp.status, patp.status)})")
        self._show_missing(patp)
        self.evidence.setHtml(_evidence_html(patp))
        self.history.setHtml("".join(
            f"<p>{escape(h['at'][:16].replace('T', ' '))} <b>{escape(h['user'])}</b> {escape(h['action'])} → "
            f"{escape(STATUS_LABELS.get(h['to_status'], h['to_status']))}"
            + (f": <i>{escape(h['comment'])}</i>" if h["comment"] else "") + "</p>"
            for h in db.transitions(self.session.store, patp.id)) or "<p><i>No workflow steps yet.</i></p>")

    def _show_missing(self, patp: Patp) -> None:
        missing = patp.missing_for_submission()
        if missing and patp.status in ("draft", "returned"):
            self.missing.setText("Needed before submission: " + ", ".join(missing))
            self.missing.setStyleSheet("color:#a61b1b; font-weight:bold")
        else:
            self.missing.setText("All required fields are filled in." if patp.status in ("draft", "returned")
                                 else "")
            self.missing.setStyleSheet("color:#196f3d")

    def form_changes(self) -> dict:
        """The fields the analyst changed in the form (only those still editable)."""
        patp = self.patp
        values = {name: (e.text() if isinstance(e, QLineEdit) else e.toPlainText()).strip()
                  for name, e in self.edits.items() if not e.isReadOnly()}
        if self.nim.isEnabled():
            values["nim_level"] = self.nim.currentData()
            values["problem_type"] = self.ptype.currentText()
        if not self.tactics[TACTIC_HEADINGS[0]].isReadOnly():
            values["tactics"] = {h: [t.strip() for t in e.toPlainText().splitlines() if t.strip()]
                                 for h, e in self.tactics.items()}
        return {k: v for k, v in values.items() if v != (getattr(patp, k) or ("" if isinstance(v, str) else v))}

    def save(self) -> bool:
        """Store the form's changes (one undoable edit); False with the reason if refused."""
        if self.patp is None:
            return False
        changes = self.form_changes()
        if not changes:
            return True
        if not self._run(EditPatp(self.patp.id, changes, seen=self.patp.version)):
            return False
        self._say(f"Saved: {', '.join(sorted(changes))}.")
        return True

    def transition(self, action: str, *, comment: str | None = None, decision: str | None = None,
                   meeting_id: int | None = None) -> bool:
        """One workflow step; asks for what it needs unless given (tests pass it in)."""
        if self.patp is None or not self.save():
            return False
        if action == "submit":
            missing = load_patp(self.session.store, self.patp.id).missing_for_submission()
            if missing:
                self._say(f"Fill in {', '.join(missing)} before submitting.", error=True)
                return False
        if action == "schedule" and meeting_id is None:
            meeting_id = self._ask_meeting()
            if meeting_id is None:
                return False
        if action == "decide" and decision is None:
            decision, ok = QInputDialog.getItem(self, "TTCG decision", "Decision:", list(DECISIONS), 0, False)
            if not ok:
                return False
        if comment is None and action in ("approve", "return", "decide", "submit"):
            prompt = {"return": "What must change?", "decide": "Reasons for the decision:"}.get(action, "Comment:")
            comment, ok = QInputDialog.getMultiLineText(self, BUTTONS[action], prompt)
            if not ok:
                return False
        if not self._run(PatpTransition(self.patp.id, action, comment or None, decision=decision,
                                        meeting_id=meeting_id, seen=self.patp.version)):
            return False
        self._say(f"{BUTTONS[action]}: done.")
        return True

    def _run(self, command: Command) -> bool:
        """Run an edit or a workflow step of the PATP on show (it names the version shown);
        False with the reason if refused. After a conflict the PATP is shown again as the
        other analyst left it, under the message saying what they changed."""
        try:
            self.session.run(command)
        except Conflict as exc:
            self.refresh()
            self._say(str(exc), error=True)
            return False
        except UserError as exc:
            self._say(str(exc), error=True)
            return False
        return True

    def _ask_meeting(self) -> int | None:
        meetings = db.list_meetings(self.session.store)
        if not meetings:
            self._say("No TTCG meeting yet: create one first with \"New meeting (next on the cycle)\" on the "
                      "TTCG meetings tab.", error=True)
            return None
        labels = [f"{m['held_on']}  {m['borough'] or 'all boroughs'} (meeting {m['id']})" for m in meetings]
        choice, ok = QInputDialog.getItem(self, "TTCG meeting", "Put on the agenda of:", labels, 0, False)
        return meetings[labels.index(choice)]["id"] if ok else None

    def new_from_series(self, series_id: str | None = None) -> None:
        """Draft a PATP from a series, chosen by name (with its reference and size) unless given."""
        if series_id is None:
            choices = series_choices(self.session.store)
            if not choices:
                self._say("No series yet: confirm one in the Series view or import offences with series "
                          "references.", error=True)
                return
            labels = [label for label, _ in choices]
            choice, ok = QInputDialog.getItem(self, "New PATP", "Series (most recent first):", labels, 0, False)
            if not ok:
                return
            series_id = choices[labels.index(choice)][1]
        self.create_patp(lambda store, ref=series_id: problem_from_series(store, ref), f"series {series_id}")

    def create_patp(self, make_problem, what: str) -> None:
        """Draft a PATP from ``make_problem(store)`` off the UI thread (the analysis behind it can
        take a while), store it and show it; ``what`` names its source in the message."""
        def work(store, progress, cancelled):
            progress(0.1, f"analysing {what}")
            return build_patp(store, make_problem(store))

        self.job = run_job(self, "Drafting PATP", work, session=self.session,
                           on_done=lambda patp: self._created(patp, what),
                           on_error=lambda message: self._say(message, error=True))

    def _created(self, patp: Patp, what: str) -> None:
        self.session.run(CreatePatp(patp))
        self.patp = patp
        self.filter.setCurrentIndex(0)               # show it whatever the list was filtered to
        self.refresh()
        self._say(f"Created {patp.reference}, pre-filled from {what}: check every section.")

    # -- export -------------------------------------------------------------------
    def _choose_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export tasking pack to")
        if folder:
            self.export_pack(folder)

    def export_pack(self, folder: str) -> None:
        """Write the PDF and Word pack in the background with progress (victim details left out),
        asking first if it would replace files."""
        if self.patp is None or not self.save():
            return
        key = self.patp.id
        force = ask_replace(self, pack_files(folder, patp_pack_stem(self.session.store, key)))
        if force is None:
            return

        def work(store, progress, cancelled):
            return export_patp_pack(store, key, folder, progress=progress, cancelled=cancelled, force=force)

        self.job = run_job(self, "Exporting tasking pack", work, session=self.session, on_done=self._exported)

    def show_results(self) -> None:
        """Run the results analysis in the background and show its numbers and chart."""
        if self.patp is None:
            return
        patp, chart_path = self.patp, Path(tempfile.mkdtemp(prefix="wb-results-")) / "results.png"

        def work(store, progress, cancelled):
            progress(0.2, "counting offences before and after")
            result = analyse_patp(store, patp)
            return result, chart(result, chart_path, title=f"Results of {patp.reference}")

        self.job = run_job(self, "Results analysis", work, session=self.session, on_done=self._show_results)

    def _show_results(self, outcome) -> None:
        result, path = outcome
        m = result.measures

        def after(n):
            return "not yet" if n is None else n

        self.results.setText(
            f"<p>Tasked area {m.target_before} → {after(m.target_after)}, buffer {m.buffer_before} → "
            f"{after(m.buffer_after)}, comparison area {m.control_before} → {after(m.control_after)} "
            f"(from the {escape(result.start_basis)}; {escape(result.before[0])} to "
            f"{escape(result.after[1])}).<br>WDQ: {'n/a' if m.wdq is None else f'{m.wdq:.2f}'}. "
            f"{escape(m.interpretation)}</p><p><img src='{path}' width=640></p>")
        self.last_results = result

    def _exported(self, files) -> None:
        self.last_files = list(files)
        self._say("Pack written: " + ", ".join(str(f) for f in files))

    def _choose_return(self) -> None:
        boroughs = [b.name for b in load_boundaries(self.session.store, "borough")]
        if not boroughs:
            self._say("Load the borough boundaries first: a return is for one borough.", error=True)
            return
        borough, ok = QInputDialog.getItem(self, "Export return", "Borough:", boroughs, 0, False)
        if not ok:
            return
        end = date.today().replace(day=1) - timedelta(days=1)
        start = (end.replace(day=1) - timedelta(days=62)).replace(day=1)
        period, ok = QInputDialog.getText(self, "Export return", "Period (from to, ISO dates):",
                                          text=f"{start} {end}")
        if not ok:
            return
        try:
            first, last = (date.fromisoformat(p) for p in period.split())
        except ValueError:
            self._say("The period is two ISO dates, e.g. 2025-01-01 2025-03-31.", error=True)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save return", f"{borough}-{first}-{last}.json",
                                              "Return (*.json)", options=NO_DIALOG_CONFIRM)
        if path:
            self.export_return(borough, first, last, path)

    def export_return(self, borough: str, first: date, last: date, path: str) -> None:
        """Write the borough's return in the background (audited), asking before replacing a file."""
        force = ask_replace(self, [path])
        if force is None:
            return

        def work(store, progress, cancelled):
            progress(0.1, f"collecting {borough}'s series, hotspots and offenders")
            return write_return(store, borough, first, last, path, force=force)

        self.job = run_job(self, "Exporting return", work, session=self.session, on_done=self._returned)

    def _returned(self, summary: dict) -> None:
        self.last_return = summary
        self._say(f"Return written to {summary['out']}: {summary['series']} series, {summary['hotspots']} "
                  f"hotspots, {summary['offenders']} offenders of interest.")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color:#a61b1b" if error else "color:#1f3b5a")


def _evidence_html(patp: Patp) -> str:
    """The pre-filled evidence at a glance (the pack shows it in full)."""
    sa = patp.supporting_analysis
    summary = sa.get("summary", {})
    parts = [f"<p><b>{summary.get('offences', len(patp.offence_ids))} offences</b>"
             + (f", {escape(summary.get('date_from', ''))} to {escape(summary.get('date_to', ''))}"
                if summary.get("date_from") else "")
             + (f"; offenders: {escape(', '.join(sa.get('offenders', [])))}" if sa.get("offenders") else "")
             + "</p>"]
    cca = sa.get("cca")
    if cca and cca.get("rows"):
        parts.append(f"<p>Comparative case analysis: {len(cca['rows'])} offences x {len(cca['columns'])} features.</p>")
    if sa.get("near_repeat"):
        parts.append(f"<p>Near-repeat table from {sa['near_repeat'].get('events', '?')} offences.</p>")
    parts.append(f"<p>Graded intelligence: {len(patp.graded_intelligence)} report(s) its handling codes allow.</p>")
    parts.extend(f"<p style='color:#5a5a5a'><i>Not included: {escape(n)}.</i></p>" for n in sa.get("notes", []))
    return "".join(parts)


def new_patp_from_offences(session: Session, ids, parent: QWidget) -> None:
    """The Offences table's "New PATP from these offences…"."""
    chosen = [int(i) for i in ids]
    open_new_patp(parent, lambda store: problem_from_offences(store, chosen),
                  f"{len(chosen)} chosen offence{'s' if len(chosen) != 1 else ''}")


register_offence_action("New PATP from these offences…", new_patp_from_offences)


def create_view(session: Session, parent=None) -> QWidget:
    return TaskingView(session, parent)
