"""The Assessments and insight panel of the Tasking view.

Top: the products register (PATPs and assessments, searched by text, author and status)
with the QA steps for a selected assessment and a new tactical or strategic assessment
(built in the background, written as PDF and Word). Bottom: performance and insight, the
accepted taskings of a period measured and tabulated by tactic, with the chart.
"""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import ProductsState
from workbench.errors import UserError
from workbench.events import Changed
from workbench.tasking.products import AssessmentTransition, search_products
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.tasking.meetings_panel import _fill, _sentence, plain_table

STATUSES = ("any status", "draft", "submitted", "returned", "approved", "accepted", "rejected", "deferred")


def _pct(value) -> str:
    return "-" if value is None else f"{value:+.0%}"


class ProductsPanel(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.job = None
        self.rows: list[dict] = []
        self.last_files: list[Path] = []
        self.insight = None
        self.state = ProductsState()
        self.text = QLineEdit()
        self.text.setObjectName("text")
        self.text.setPlaceholderText("Search products: words in any field (e.g. a series, a street, a tactic)")
        self.author = QLineEdit()
        self.author.setObjectName("author")
        self.author.setPlaceholderText("author")
        self.status = QComboBox()
        self.status.setObjectName("status")
        for status in STATUSES:
            self.status.addItem(status, None if status == STATUSES[0] else status)
        self.search_button = QPushButton("Search")
        top = QHBoxLayout()
        for w, stretch in ((self.text, 3), (self.author, 1), (self.status, 0), (self.search_button, 0)):
            top.addWidget(w, stretch)
        self.table = plain_table(["Kind", "Reference", "Title", "Author", "Date", "Status"])
        buttons = QHBoxLayout()
        for label, slot in (("New tactical assessment…", lambda: self.new_assessment("tactical")),
                            ("New strategic assessment…", lambda: self.new_assessment("strategic")),
                            ("Submit", lambda: self.transition("submit")),
                            ("Approve (QA)", lambda: self.transition("approve")),
                            ("Return with comments…", lambda: self.transition("return"))):
            button = QPushButton(label)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)

        upper = QWidget()
        lay = QVBoxLayout(upper)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("<b>Products register</b>: PATPs and assessments"))
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.message)

        self.insight_from = QLineEdit()
        self.insight_from.setObjectName("insight_from")
        self.insight_to = QLineEdit()
        self.insight_to.setObjectName("insight_to")
        self.measure_button = QPushButton("Measure taskings")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("<b>Performance and insight</b>: taskings accepted from"))
        bar.addWidget(self.insight_from)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.insight_to)
        bar.addWidget(self.measure_button)
        bar.addStretch(1)
        self.by_tactic = plain_table(["Tactic", "Taskings", "Measured", "Before", "After", "Change", "Reduced",
                                      "Mean WDQ", "Per 1,000 before", "Per 1,000 after"])
        self.taskings = plain_table(["PATP", "Priority", "Problem", "Tactics", "Before", "After", "Change", "WDQ"])
        self.chart = QLabel()
        self.chart.setAlignment(Qt.AlignCenter)
        tables = QSplitter(Qt.Vertical)
        tables.addWidget(self.by_tactic)
        tables.addWidget(self.taskings)
        lower_split = QSplitter(Qt.Horizontal)
        lower_split.addWidget(tables)
        lower_split.addWidget(self.chart)
        lower = QWidget()
        low = QVBoxLayout(lower)
        low.setContentsMargins(0, 0, 0, 0)
        low.addLayout(bar)
        low.addWidget(lower_split, 1)

        split = QSplitter(Qt.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        outer = QVBoxLayout(self)
        outer.addWidget(split)
        self.binding = bind(self, self.state)
        self.text.returnPressed.connect(self.search)
        self.search_button.clicked.connect(lambda: self.search())
        self.measure_button.clicked.connect(lambda: self.measure())
        session.changed.connect(self._changed)
        self.search()

    # -- register -------------------------------------------------------------------
    def search(self) -> None:
        """List the products matching :attr:`state`."""
        try:
            self.rows = search_products(self.session.store, **self.state.search_arguments())
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return
        _fill(self.table, [[r["kind"], r["reference"], r["title"], r["author"], r["date"], r["status_label"]]
                           for r in self.rows])

    def _changed(self, changed: Changed) -> None:
        if changed.kind == "tasking":
            self.search()

    def _selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message.setText("Select an assessment first.")
            return None
        return self.rows[rows[0].row()]

    def transition(self, action: str, row: int | None = None, comment: str | None = None) -> bool:
        """Submit, approve or return the selected assessment (undoable with Edit > Undo)."""
        product = self.rows[row] if row is not None else self._selected()
        if product is None:
            return False
        if not product["kind"].endswith("assessment"):
            self.message.setText("PATPs go through QA on the PATPs tab; select an assessment here.")
            return False
        if action == "return" and comment is None:
            comment, ok = QInputDialog.getMultiLineText(self, "Return assessment", "What should change?")
            if not ok:
                return False
        try:
            self.session.run(AssessmentTransition(product["reference"], action, comment))
        except UserError as exc:
            self.message.setText(_sentence(str(exc)))
            return False
        self.message.setText(f"{product['reference']}: {action} recorded.")
        return True

    def new_assessment(self, kind: str, date_from: str | None = None, date_to: str | None = None,
                       folder: str | None = None) -> None:
        """Build a tactical or strategic assessment in the background and write it to ``folder``."""
        if date_from is None:
            default = (date.today() - timedelta(days=14 if kind == "tactical" else 365)).isoformat()
            date_from, ok = QInputDialog.getText(self, f"New {kind} assessment", "From (YYYY-MM-DD):", text=default)
            if not ok:
                return
            date_to, ok = QInputDialog.getText(self, f"New {kind} assessment", "To (YYYY-MM-DD):",
                                               text=(date.today() - timedelta(days=1)).isoformat())
            if not ok:
                return
            folder = QFileDialog.getExistingDirectory(self, "Write the assessment to")
            if not folder:
                return

        boroughs = [self.session.store.setting("borough")] if kind == "tactical" else []

        def work(store, progress, cancelled):
            from workbench.reports.assessment import build_assessment

            a, files = build_assessment(store, kind, date_from, date_to, folder, boroughs=boroughs, progress=progress)
            return a.reference, files

        self.job = run_job(self, f"Building the {kind} assessment", work, session=self.session,
                           on_done=self._built)

    def _built(self, outcome) -> None:
        reference, files = outcome
        self.last_files = [Path(f) for f in files]
        self.session.notify(Changed("tasking", (), {"created": reference}))
        self.message.setText(f"{reference} written (DRAFT until approved): " + ", ".join(map(str, files)))

    # -- insight --------------------------------------------------------------------
    def measure(self) -> None:
        from workbench.tasking.insight import insight_figure, tasking_insight

        start, end = self.state.insight_from.strip(), self.state.insight_to.strip()
        chart_path = Path(tempfile.mkdtemp(prefix="wb-insight-")) / "insight.png"

        def work(store, progress, cancelled):
            insight = tasking_insight(store, start, end)
            if insight.by_tactic:
                insight_figure(insight).savefig(chart_path)
            return insight

        def done(insight) -> None:
            self.insight = insight
            _fill(self.by_tactic, [[t["tactic"], t["taskings"], t["measured"], t["before"], t["after"],
                                    _pct(t["change"]), t["reduced"], "-" if t["mean_wdq"] is None else
                                    f"{t['mean_wdq']:.2f}", t.get("before_per_1000", "-"),
                                    t.get("after_per_1000", "-")] for t in insight.by_tactic])
            _fill(self.taskings, [[r["patp"], r["priority"], r["problem_type"], ", ".join(r["tactics"]), r["before"],
                                   "not yet" if r["after"] is None else r["after"], _pct(r["change"]),
                                   "-" if r["wdq"] is None else f"{r['wdq']:.2f}"] for r in insight.taskings])
            self.chart.setPixmap(QPixmap(str(chart_path)).scaledToWidth(560, Qt.SmoothTransformation)
                                 if chart_path.exists() else QPixmap())
            self.message.setText(" ".join(insight.notes))

        self.job = run_job(self, "Measuring taskings", work, session=self.session, on_done=done)
