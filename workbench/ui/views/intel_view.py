"""The Intelligence view: search intelligence reports, see each one's grade at a glance
(a coloured badge, green for the most reliable, red for the least) and read its text
with the people, vehicles, phones and postcodes it mentions highlighted.

Searching runs in the background (``workbench.ui.jobs``). Selecting a report shares it
(``session.select("intel", ...)``); "Show related offences" shares the offences it relates
to, so the offences table and map show them. A person selected elsewhere (the Network
view) filters the list to the reports that mention them.
"""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import IntelState
from workbench.domain.grading import Grade
from workbench.intel.search import search_reports
from workbench.network.style import style
from workbench.store.intel import report_detail
from workbench.ui.binding import bind
from workbench.ui.html_delegate import HtmlDelegate
from workbench.ui.jobs import run_job

TITLE = "Intelligence"
ORDER = 40
ORIGIN = "intel"
LIMIT = 500
COLUMNS = ("Grade", "Reference", "Recorded", "System", "Borough", "Report")
GRADING_CHOICES = (("Any grading", None), ("3x5x2", "3x5x2"), ("5x5x5 (legacy)", "5x5x5"))
KIND_WORDS = {"person": "Person", "vehicle": "Vehicle", "phone": "Phone", "postcode": "Postcode"}
MATCH = ("\x02", "\x03")          # around each search match in a snippet (never in report text)
SNIPPET_HTML = Qt.UserRole + 1


def snippet_html(snippet: str) -> str:
    """A search snippet as HTML with its matches highlighted."""
    escaped = html.escape(snippet.replace("\n", " "))
    return (escaped.replace(MATCH[0], '<span style="background-color:#ffe066; color:#000; font-weight:bold">')
                   .replace(MATCH[1], "</span>"))


def highlighted(text: str, mentions: list[dict]) -> str:
    """``text`` as HTML with each recognised entity span coloured by its kind."""
    spans = sorted((m for m in mentions if m.get("start") is not None), key=lambda m: m["start"])
    out, at = [], 0
    for m in spans:
        if m["start"] < at:
            continue
        colour = style("address" if m["kind"] == "postcode" else m["kind"])[0]
        out.append(html.escape(text[at:m["start"]]))
        out.append(f'<span style="background-color:{colour}; color:white; padding:1px;" '
                   f'title="{KIND_WORDS.get(m["kind"], m["kind"])}">{html.escape(text[m["start"]:m["end"]])}</span>')
        at = m["end"]
    out.append(html.escape(text[at:]))
    return "".join(out)


def report_html(detail: dict) -> str:
    """The report pane: grade in words, handling, highlighted text, entities, offences."""
    grade = Grade(detail["grading"], detail["source_eval"], detail["intel_eval"], detail["handling"],
                  detail.get("handling_conditions"))
    entities = sorted({(m["kind"], m["value"]) for m in detail["mentions"]})
    rows = "".join(f"<li>{KIND_WORDS.get(k, k)}: {html.escape(v)}</li>" for k, v in entities)
    offences = ", ".join(html.escape(o["offence_ref"]) + ("" if o["offence_id"] else " (not imported)")
                         for o in detail["offences"])
    place = detail.get("location_desc") or detail.get("borough") or "not recorded"
    return (f"<p><b>{html.escape(detail['security_marking'])}</b></p>"
            f"<h3>{html.escape(detail['intel_ref'])} &nbsp; {grade.code}</h3>"
            f"<p><i>{html.escape(grade.describe())}</i></p>"
            f"<p>Recorded {_when(detail['recorded_at'])}; place: {html.escape(place)}</p>"
            f"<p style='font-size:11pt'>{highlighted(detail['text'], detail['mentions'])}</p>"
            f"<p><b>Entities</b></p><ul>{rows or '<li>None recognised</li>'}</ul>"
            f"<p><b>Related offences:</b> {offences or 'none'}</p>")


def _when(stamp: str) -> str:
    """A recorded date-time for people: the date alone when no time was recorded."""
    when = stamp[:16].replace("T", " ")
    return when[:10] if when.endswith("00:00") else when


def find(store, state: IntelState) -> list[dict]:
    """Background work: the reports matching ``state`` (newest or best first)."""
    return search_reports(store, limit=LIMIT, marks=MATCH, **state.search_arguments())


class IntelView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("intelView")
        self.reports: list[dict] | None = None
        self.current: dict | None = None
        self.state = IntelState()
        self.job = None

        self.search = QLineEdit()
        self.search.setObjectName("query")
        self.search.setPlaceholderText('Search report text: words, "a phrase", prefix*, a OR b, or a VRM/phone')
        self.grading = QComboBox()
        self.grading.setObjectName("grading")
        for label, value in GRADING_CHOICES:
            self.grading.addItem(label, value)
        self.search_button = QPushButton("Search")
        self.clear_person = QPushButton()
        self.clear_person.setVisible(False)
        self.clear_person.clicked.connect(self._clear_person)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.grading)
        bar.addWidget(self.search_button)
        bar.addWidget(self.clear_person)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.Stretch)
        self.table.setItemDelegateForColumn(len(COLUMNS) - 1, HtmlDelegate(SNIPPET_HTML, self.table))
        self.table.itemSelectionChanged.connect(self._selected)
        self.pane = QTextBrowser()
        self.related = QPushButton("Show related offences")
        self.related.setEnabled(False)
        self.related.clicked.connect(self._share_offences)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.pane, 1)
        side.addWidget(self.related)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.status = QLabel()

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.binding = bind(self, self.state)
        # connected after the binder, so a search sees the state already changed
        self.search.returnPressed.connect(self.refresh)
        self.grading.currentIndexChanged.connect(self.refresh)
        self.search_button.clicked.connect(self.refresh)
        session.selection_changed.connect(self._shared_selection)
        session.changed.connect(lambda _changed: self.refresh())
        self.refresh()

    def refresh(self, *_args) -> None:
        """Search again with :attr:`state`: text, grading and person (in the background)."""
        state = replace(self.state)
        self.status.setText("Searching…")
        self.job = run_job(self, "Searching intelligence",
                           lambda store, progress, cancelled: find(store, state),
                           session=self.session, on_done=self._show, on_error=self.status.setText, modal=False)

    def _show(self, reports: list[dict]) -> None:
        self.reports = reports
        self.table.clearSelection()      # so selecting row 0 below always shows its report
        self.table.setRowCount(len(reports))
        for row, rep in enumerate(reports):
            badge = QTableWidgetItem(rep["grade"])
            badge.setBackground(QBrush(QColor(rep["badge"])))
            badge.setTextAlignment(Qt.AlignCenter)
            badge.setToolTip(Grade(rep["grading"], rep["source_eval"], rep["intel_eval"], rep["handling"],
                                   rep.get("handling_conditions")).describe())
            excerpt = rep.get("snippet") or rep["text"]
            text = QTableWidgetItem(excerpt.replace(MATCH[0], "").replace(MATCH[1], "").replace("\n", " "))
            text.setData(SNIPPET_HTML, snippet_html(excerpt))
            text.setToolTip(rep["text"][:600])
            cells = [badge, QTableWidgetItem(rep["intel_ref"]), QTableWidgetItem(rep["recorded_at"][:10]),
                     QTableWidgetItem(rep["grading"]), QTableWidgetItem(rep.get("borough") or ""), text]
            for col, item in enumerate(cells):
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.Stretch)
        more = f" (the first {LIMIT}; narrow the search)" if len(reports) == LIMIT else ""
        who = f" mentioning {self.state.person}" if self.state.person else ""
        self.status.setText(f"{len(reports):,} report(s){who}{more}.")
        if reports:
            self.table.selectRow(0)
        else:
            self.pane.setHtml("<p>No intelligence matches.</p>")
            self.related.setEnabled(False)

    def _selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows or not self.reports:
            return
        report = self.reports[min(rows)]
        self.current = report_detail(self.session.store, report["id"])
        self.pane.setHtml(report_html(self.current))
        self.related.setEnabled(any(o["offence_id"] for o in self.current["offences"]))
        self.session.select("intel", [report["id"]], origin=ORIGIN)

    def _share_offences(self) -> None:
        if self.current:
            ids = [o["offence_id"] for o in self.current["offences"] if o["offence_id"]]
            self.session.select("offence", ids, origin=ORIGIN)

    def _shared_selection(self, selection) -> None:
        if selection.origin == ORIGIN or selection.kind != "person" or not selection.ids:
            return
        self.state.person = str(selection.ids[0])
        self.clear_person.setText(f"Showing {self.state.person} only: show all")
        self.clear_person.setVisible(True)
        self.refresh()

    def _clear_person(self) -> None:
        self.state.person = None
        self.clear_person.setVisible(False)
        self.refresh()


def create_view(session: Session, parent=None) -> QWidget:
    return IntelView(session, parent)
