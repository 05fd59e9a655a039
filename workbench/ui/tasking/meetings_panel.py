"""The TTCG meetings panel of the Tasking view: a meeting's agenda with the decision on
each item, its actions (overdue ones highlighted), and its tasking pack."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.errors import UserError
from workbench.events import Changed
from workbench.reports.pack import export_meeting_pack, meeting_pack_stem, pack_files
from workbench.store import tasking as db
from workbench.tasking.meetings import (
    ACTION_STATUSES,
    MEETING_DECISIONS,
    AddAction,
    CreateMeeting,
    RecordDecision,
    SetActionStatus,
    live_agenda,
    overdue_actions,
)
from workbench.tasking.patp import DECISIONS
from workbench.ui.jobs import run_job
from workbench.ui.overwrite import ask_replace

OVERDUE = QColor("#fde9c8")


def plain_table(headers: list[str]) -> QTableWidget:
    """A read-only table selecting whole rows, last column stretched."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], highlight=()) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if r in highlight:
                item.setBackground(QBrush(OVERDUE))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()


def _sentence(text: str) -> str:
    """A core error message as a sentence for the panel."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class MeetingsPanel(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.meeting: dict | None = None
        self.job = None
        self.last_files: list[Path] = []
        self.choice = QComboBox()
        self.choice.currentIndexChanged.connect(self._chosen)
        new = QPushButton("New meeting (next on the cycle)")
        new.clicked.connect(lambda: self.new_meeting())
        top = QHBoxLayout()
        top.addWidget(QLabel("TTCG meeting:"))
        top.addWidget(self.choice, 1)
        top.addWidget(new)
        self.agenda = plain_table(["#", "Item", "Detail", "Decision"])
        self.actions = plain_table(["Action", "Owner", "Due", "Status", "PATP"])
        decide = QPushButton("Record decision on item…")
        decide.clicked.connect(lambda: self.decide())
        add = QPushButton("Add action…")
        add.clicked.connect(lambda: self.add_action())
        status = QPushButton("Change action status…")
        status.setToolTip("Mark the selected action in progress, done or cancelled (Edit > Undo reverses it)")
        status.clicked.connect(lambda: self.set_status())
        export = QPushButton("Export meeting pack…")
        export.clicked.connect(self._choose_export)
        bar = QHBoxLayout()
        for button in (decide, add, status):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(export)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(QLabel("<b>Agenda</b>"))
        lay.addWidget(self.agenda, 3)
        lay.addLayout(bar)
        lay.addWidget(self.message)
        lay.addWidget(QLabel("<b>Actions</b> (overdue actions highlighted)"))
        lay.addWidget(self.actions, 2)
        session.changed.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        keep = self.meeting["id"] if self.meeting else None
        meetings = db.list_meetings(self.session.store)
        self.choice.blockSignals(True)
        self.choice.clear()
        for m in meetings:
            self.choice.addItem(f"{m['held_on']}  {m['borough'] or 'all boroughs'}  (chair: {m['chair'] or '-'})",
                                m["id"])
        index = max(0, self.choice.findData(keep)) if keep is not None else 0
        self.choice.setCurrentIndex(index)
        self.choice.blockSignals(False)
        self._chosen()

    def _changed(self, changed: Changed) -> None:
        if changed.kind == "tasking":
            self.refresh()

    def _chosen(self) -> None:
        mid = self.choice.currentData()
        self.meeting = db.load_meeting(self.session.store, mid) if mid is not None else None
        if self.meeting is None:
            _fill(self.agenda, [])
            _fill(self.actions, [])
            return
        decided = {d["subject"]: f"{d['decision']}: {d['reasons']}" for d in self.meeting["decisions"]}
        for d in self.meeting["decisions"]:
            if d["patp_id"]:
                decided.setdefault(f"patp:{d['patp_id']}", f"{d['decision']}: {d['reasons']}")
        rows = []
        for n, item in enumerate(live_agenda(self.session.store, self.meeting), 1):
            key = f"patp:{item['patp_id']}" if item["kind"] == "patp" else item["title"]
            rows.append([n, item["title"], item.get("detail", ""), decided.get(key, "")])
        _fill(self.agenda, rows)
        actions = db.list_actions(self.session.store)
        self.action_ids = [a["id"] for a in actions]
        overdue = {a["id"] for a in overdue_actions(actions)}
        _fill(self.actions, [[a["description"], a["owner"], a["due_date"],
                              a["status"] + (" (overdue)" if a["id"] in overdue else ""), a["patp_reference"] or ""]
                             for a in actions], {i for i, a in enumerate(actions) if a["id"] in overdue})

    def new_meeting(self, held_on: str | None = None) -> None:
        self.session.run(CreateMeeting(held_on))
        self.meeting = None
        self.refresh()
        self.choice.setCurrentIndex(0)

    def _item(self) -> int | None:
        rows = self.agenda.selectionModel().selectedRows() if self.agenda.selectionModel() else []
        if not rows:
            self.message.setText("Select an agenda item first.")
            return None
        return rows[0].row() + 1

    def decide(self, item: int | None = None, decision: str | None = None, reasons: str | None = None) -> bool:
        if self.meeting is None:
            return False
        item = item or self._item()
        if item is None:
            return False
        if decision is None:
            kind = self.meeting["agenda"][item - 1]["kind"]
            options = list(DECISIONS) if kind == "patp" else list(MEETING_DECISIONS)
            decision, ok = QInputDialog.getItem(self, "TTCG decision", "Decision:", options, 0, False)
            if not ok:
                return False
        if reasons is None:
            reasons, ok = QInputDialog.getMultiLineText(self, "TTCG decision", "Reasons:")
            if not ok:
                return False
        try:
            self.session.run(RecordDecision(self.meeting["id"], item, decision, reasons))
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        self.message.setText(f"Decision recorded on item {item}.")
        return True

    def add_action(self, text: str | None = None, owner: str | None = None, due: str | None = None,
                   force: bool = False) -> bool:
        """Add an action to the meeting; a due date before today is refused unless ``force``
        (the dialog asks whether a past action is meant)."""
        if self.meeting is None:
            return False
        if text is None:
            asked = self._ask_action()
            if asked is None:
                return False
            text, owner, due = asked
            force = self._past_confirmed(due)
        try:
            self.session.run(AddAction(text, owner, due, meeting_id=self.meeting["id"], force=force))
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        return True

    def _past_confirmed(self, due: str) -> bool:
        from datetime import date

        from PySide6.QtWidgets import QMessageBox

        try:
            past = date.fromisoformat(due) < date.today()
        except ValueError:
            return False
        return past and QMessageBox.question(
            self, "Past due date", f"{due} is before today. Record an action that was already due?") \
            == QMessageBox.Yes

    def _action_row(self) -> int | None:
        rows = self.actions.selectionModel().selectedRows() if self.actions.selectionModel() else []
        if not rows:
            self.message.setText("Select an action first.")
            return None
        return rows[0].row()

    def set_status(self, row: int | None = None, status: str | None = None, note: str | None = None) -> bool:
        """Change the status of the action in ``row`` (default: the selected one); undoable."""
        row = self._action_row() if row is None else row
        if row is None:
            return False
        if status is None:
            status, ok = QInputDialog.getItem(self, "Action status", "Status:", list(ACTION_STATUSES), 2, False)
            if not ok:
                return False
            note, ok = QInputDialog.getText(self, "Action status", "Note (what was done, or why cancelled):")
            if not ok:
                return False
        try:
            self.session.run(SetActionStatus(self.action_ids[row], status, note or None))
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        self.message.setText(f"Action marked {status}. Edit > Undo reverses it.")
        return True

    def _ask_action(self) -> tuple[str, str, str] | None:
        values = []
        for prompt in ("Action:", "Owner:", "Due date (YYYY-MM-DD):"):
            value, ok = QInputDialog.getText(self, "Add action", prompt)
            if not ok:
                return None
            values.append(value.strip())
        return values[0], values[1], values[2]

    def _choose_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export meeting pack to")
        if folder:
            self.export_pack(folder)

    def export_pack(self, folder: str) -> None:
        if self.meeting is None:
            return
        mid = self.meeting["id"]
        force = ask_replace(self, pack_files(folder, meeting_pack_stem(self.session.store, mid)))
        if force is None:
            return

        def work(store, progress, cancelled):
            return export_meeting_pack(store, mid, folder, progress=progress, cancelled=cancelled, force=force)

        self.job = run_job(self, "Exporting meeting pack", work, session=self.session, on_done=self._exported)

    def _exported(self, files) -> None:
        self.last_files = list(files)
        self.message.setText("Pack written: " + ", ".join(str(f) for f in files))
