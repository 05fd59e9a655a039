"""The Scan dashboard, the first screen: what is new since your last scan.

It opens on the last recorded scan (no waiting), runs a new one in the background, lists
the alerts grouped by kind (each can select its offences or open the map at them), and
manages your saved searches and their subscriptions.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape

import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import SavedSearchState, ScanState
from workbench.domain import categories as cats
from workbench.domain.alerts import KIND_TITLES, KINDS, Alert
from workbench.errors import UserError
from workbench.events import Changed
from workbench.identity import current_user
from workbench.scan.scanner import run_scan
from workbench.store.scan import delete_search, list_searches, load_scan_state, save_search, set_subscribed
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.map.navigate import show_on_map, show_view
from workbench.ui.people.alert_html import people_alert_html

TITLE = "Scan"
ORDER = 0
KIND_COLOURS = {"sexual_offence": "#8e1b3a", "trend": "#b45f06", "hotspot": "#c0392b", "near_repeat": "#6c3483",
                "repeat_location": "#1f618d", "saved_search": "#196f3d", "nominal_near_offence": "#a04000",
                "nominal_breach": "#943126", "missing_person": "#7d3c98", "repeat_victim": "#1a5276",
                "missing_location": "#5b2c6f"}
ALERT_ROLE = Qt.UserRole + 1


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() + 1)
    label.setFont(font)
    label.setStyleSheet("color:#1f3b5a; padding-top:4px")
    return label


def _when(iso: str | None) -> str:
    """A stored UTC time as the analyst's local time, e.g. ``Mon 03 Mar 2025 09:14``."""
    if not iso:
        return "never"
    stamp = datetime.fromisoformat(iso)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone().strftime("%a %d %b %Y %H:%M")


def offence_count_text(alert: Alert) -> str:
    """The Offences column of an alert: a new sexual offence counts as itself plus its link
    candidates (``1 + 5 candidates``), not as six offences."""
    n = len(alert.offence_ids)
    if alert.kind == "sexual_offence" and n > 1:
        return f"1 + {n - 1} candidate{'s' if n > 2 else ''}"
    return f"{n:,}" if n else ""


def alert_html(alert: Alert) -> str:
    """An alert's details for the panel under the list."""
    d = alert.detail
    parts = [f"<p><b style='color:{KIND_COLOURS.get(alert.kind, '#222')}'>{KIND_TITLES.get(alert.kind, alert.kind)}"
             f"</b><br>{escape(alert.summary)}</p>"]
    if alert.kind == "trend":
        parts.append(f"<p>Observed {d['observed']} against {d['expected']:.1f} expected "
                     f"({d['baseline']} baseline of {d['baseline_periods']} periods, over-dispersion "
                     f"{d['dispersion']:.2f}); p = {d['p_value']:.2g}, false-discovery-rate q = {d['q_value']:.2g}.</p>")
    if d.get("candidates"):
        rows = "".join(f"<tr><td>{escape(str(c['offence']))}</td><td align=right>{c['score']:.2f}</td>"
                       f"<td>{escape(cats.LABELS.get(c.get('category') or '', c.get('category') or ''))}</td>"
                       f"<td>{escape((c.get('reasons') or {}).get('summary') or '')}</td></tr>"
                       for c in d["candidates"])
        parts.append("<p><b>Best link candidates</b> (probability of one offender, and why)</p>"
                     "<table cellspacing=0 cellpadding=2>"
                     "<tr><th align=left>Offence</th><th>Score</th><th align=left>Category</th>"
                     "<th align=left>Why</th></tr>"
                     f"{rows}</table>")
    if d.get("series"):
        series = d["series"]
        parts.append(f"<p><b>Best-matching series:</b> {escape(str(series.get('name') or series.get('id')))} "
                     f"({series.get('size')} offences, best score {series.get('score', 0):.2f})</p>")
    if alert.kind == "near_repeat":
        parts.append(f"<p>{len(d.get('zones', []))} risk zones of {d['radius_m']:,.0f} m for {d['days']:g} days "
                     f"(Knox ratio up to {d['knox_ratio']:.1f}).</p>")
    if alert.kind == "saved_search" and alert.offence_ids == [] and d.get("new_ids"):
        parts.append(f"<p>New intelligence reports: {escape(', '.join(map(str, d['new_ids'][:30])))}</p>")
    parts.append(people_alert_html(alert))
    return "".join(parts)


class CountTable(QTableWidget):
    """A two-column table of names and counts, largest first."""

    def __init__(self, header: str, parent=None):
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels([header, "New"])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setAlternatingRowColors(True)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.verticalHeader().setDefaultSectionSize(21)

    def fill(self, counts: dict[str, int], labels: dict[str, str] | None = None) -> None:
        self.setRowCount(len(counts))
        for row, (name, n) in enumerate(counts.items()):
            self.setItem(row, 0, QTableWidgetItem((labels or {}).get(name, name)))
            count = QTableWidgetItem(f"{n:,}")
            count.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.setItem(row, 1, count)


class SearchDialog(QDialog):
    """Save a search of offences or intelligence."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New saved search")
        self.state = SavedSearchState()
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem("Offences", "offences")
        self.kind.addItem("Intelligence reports", "intel")
        self.category = QComboBox()
        self.category.addItem("Any category", None)
        for coarse in cats.COARSE:
            self.category.addItem(cats.LABELS[coarse] + " (all)", coarse)
        for fine in cats.FINE:
            self.category.addItem(cats.LABELS[fine], fine)
        self.borough = QLineEdit()
        self.borough.setPlaceholderText("any borough")
        self.text = QLineEdit()
        self.text.setPlaceholderText("offences: in the reference or location; intelligence: free text")
        self.subscribe = QCheckBox("Report new matches in every scan")
        for widget, name in ((self.name, "name"), (self.kind, "kind"), (self.category, "category"),
                             (self.borough, "borough"), (self.text, "text"), (self.subscribe, "subscribed")):
            widget.setObjectName(name)
        self.kind.currentIndexChanged.connect(lambda: self.category.setEnabled(self.kind.currentData() == "offences"))
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Search", self.kind)
        form.addRow("Category", self.category)
        form.addRow("Borough", self.borough)
        form.addRow("Text", self.text)
        form.addRow("", self.subscribe)
        buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.buttons = buttons
        self.setMinimumWidth(460)
        self.binding = bind(self, self.state)


class ScanView(QWidget):
    """The dashboard (see the module docstring)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.user = current_user()
        self.report: dict | None = None
        self.job = None
        self.setObjectName("scanView")
        self.state = ScanState()

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.use_since = QCheckBox("Since")
        self.since = QDateEdit()
        self.use_since.setObjectName("use_since")
        self.since.setObjectName("since")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("dd/MM/yyyy")
        self.use_since.toggled.connect(self.since.setEnabled)
        self.run_button = QPushButton("Run scan")
        self.run_button.setDefault(True)
        self.run_button.setStyleSheet("QPushButton{background:#1f3b5a;color:white;padding:5px 16px;"
                                      "font-weight:bold;border-radius:3px} QPushButton:disabled{background:#889}")
        self.run_button.clicked.connect(self.run_scan)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.use_since)
        top.addWidget(self.since)
        top.addWidget(self.run_button)

        self.new_count = QLabel("–")
        big = QFont(self.new_count.font())
        big.setPointSizeF(big.pointSizeF() * 2.4)
        big.setBold(True)
        self.new_count.setFont(big)
        self.new_count.setStyleSheet("color:#1f3b5a")
        self.new_caption = QLabel("new offences")
        self.new_caption.setWordWrap(True)
        self.by_category = CountTable("Category")
        self.by_area = CountTable("Borough")
        left = QVBoxLayout()
        left.addWidget(self.new_count)
        left.addWidget(self.new_caption)
        left.addWidget(_heading("By category"))
        left.addWidget(self.by_category, 1)
        left.addWidget(_heading("By borough"))
        left.addWidget(self.by_area, 1)
        left_box = QWidget()
        left_box.setLayout(left)

        self.alerts = QTreeWidget()
        self.alerts.setHeaderLabels(["Alert", "Offences"])
        self.alerts.setRootIsDecorated(True)
        self.alerts.setAlternatingRowColors(True)
        self.alerts.setWordWrap(True)
        self.alerts.setUniformRowHeights(False)
        self.alerts.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.alerts.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.alerts.header().setStretchLastSection(False)
        self.alerts.itemDoubleClicked.connect(lambda item, _col: self.show_alert_on_map(item))
        self.alerts.currentItemChanged.connect(self._alert_chosen)
        self.show_button = QPushButton("Show offences")
        self.show_button.clicked.connect(lambda: self.show_alert_offences())
        self.map_button = QPushButton("Show on map")
        self.map_button.clicked.connect(lambda: self.show_alert_on_map())
        self.detail = QTextBrowser()
        self.detail.setMaximumHeight(190)
        self.detail.setPlaceholderText("Choose an alert to see its details; double-click to open the map at it.")
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color:#7a5b00")
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.map_button)
        buttons.addStretch(1)
        centre = QVBoxLayout()
        centre.addWidget(_heading("Alerts"))
        centre.addWidget(self.alerts, 1)
        centre.addWidget(self.detail)
        centre.addLayout(buttons)
        centre.addWidget(self.notes)
        centre_box = QWidget()
        centre_box.setLayout(centre)

        self.searches = QTableWidget(0, 4)
        self.searches.setHorizontalHeaderLabels(["Subscribed", "Name", "Search", "Filter"])
        self.searches.verticalHeader().setVisible(False)
        self.searches.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.searches.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.searches.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.searches.itemChanged.connect(self._subscription_toggled)
        self.new_search_button = QPushButton("New search…")
        self.new_search_button.clicked.connect(self.new_search)
        remove = QPushButton("Delete")
        remove.clicked.connect(self.delete_search)
        search_buttons = QHBoxLayout()
        search_buttons.addWidget(self.new_search_button)
        search_buttons.addWidget(remove)
        search_buttons.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(_heading("Saved searches"))
        right.addWidget(self.searches, 1)
        right.addLayout(search_buttons)
        right_box = QWidget()
        right_box.setLayout(right)

        splitter = QSplitter()
        for widget in (left_box, centre_box, right_box):
            splitter.addWidget(widget)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([260, 700, 380])

        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        line.setStyleSheet("color:#d8dde3")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(line)
        layout.addWidget(splitter, 1)
        self.binding = bind(self, self.state)
        self.since.setEnabled(self.state.use_since)

        session.changed.connect(self._on_changed)
        self.refresh_searches()
        state = load_scan_state(session.store, self.user)
        self.show_report(state.last_report if state else None, state.last_scan_at if state else None)

    # -- scanning -----------------------------------------------------------------
    def run_scan(self):
        """Run a scan of :attr:`state` in the background and show it (returns the job)."""
        since, options, user = self.state.since_bound(), self.state.scan_options(), self.user

        def work(store, progress, cancelled):
            return run_scan(store, user, since, progress=progress, cancelled=cancelled, **options).as_json()

        def done(report: dict) -> None:
            self.run_button.setEnabled(True)
            state = load_scan_state(self.session.store, self.user)
            self.show_report(report, state.last_scan_at if state else None)
            self.refresh_searches()
            self.session.notify(Changed("scan", (), {"user": self.user}))

        self.run_button.setEnabled(False)
        self.job = run_job(self, "Scanning", work, session=self.session, on_done=done,
                           on_error=self._failed)
        return self.job

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        if message:
            QMessageBox.warning(self, "Scan", message)

    def show_report(self, report: dict | None, scanned_at: str | None = None) -> None:
        """Fill the dashboard from a scan's JSON (``ScanReport.as_json``)."""
        self.report = report
        self.alerts.clear()
        if not report:
            self.status.setText(f"<b>No scan yet for {self.user}.</b> Press <b>Run scan</b> to see what is new: "
                                "offences, emerging trends, new sexual offences, repeat and near-repeat "
                                "locations, new hotspots and your saved searches.")
            self.new_count.setText("–")
            self.by_category.fill({})
            self.by_area.fill({})
            self.notes.setText("")
            self._alert_chosen(None)
            return
        alerts = [Alert.from_json(a) for a in report["alerts"]]
        self.status.setText(f"<b>Last scan</b> {_when(scanned_at)} for {self.user}: {report['summary']}.")
        self.new_count.setText(f"{report['new_offences']:,}")
        period = report.get("trend_period") or {}
        caption = "new offences"
        if period:
            caption += f"; trends compare {period['from']} to {period['to']} with the baseline"
        self.new_caption.setText(caption)
        self.by_category.fill(report["by_category"], cats.LABELS)
        self.by_area.fill(report["by_area"])
        for kind in KINDS:
            group = [a for a in alerts if a.kind == kind]
            header = QTreeWidgetItem([f"{KIND_TITLES[kind]} ({len(group)})", ""])
            font = header.font(0)
            font.setBold(True)
            header.setFont(0, font)
            header.setForeground(0, QBrush(QColor(KIND_COLOURS[kind] if group else "#8a9099")))
            header.setFlags(Qt.ItemIsEnabled)
            self.alerts.addTopLevelItem(header)
            for alert in group:
                item = QTreeWidgetItem([alert.summary, offence_count_text(alert)])
                item.setToolTip(0, alert.summary)
                item.setData(0, ALERT_ROLE, alert)
                item.setTextAlignment(1, Qt.AlignRight | Qt.AlignVCenter)
                header.addChild(item)
            header.setExpanded(bool(group))
        self.notes.setText("\n".join(f"Note: {n}" for n in report.get("notes", [])))
        self._alert_chosen(None)

    # -- alerts -------------------------------------------------------------------
    def current_alert(self, item: QTreeWidgetItem | None = None) -> Alert | None:
        item = item or self.alerts.currentItem()
        return item.data(0, ALERT_ROLE) if item is not None else None

    def _alert_chosen(self, item, *_):
        alert = self.current_alert(item) if item is not None else None
        self.show_button.setEnabled(bool(alert and alert.offence_ids))
        self.map_button.setEnabled(bool(alert and (alert.offence_ids or alert.bbox)))
        self.detail.setHtml(alert_html(alert) if alert else "")

    def show_alert_offences(self, item: QTreeWidgetItem | None = None) -> list[int]:
        """Select the alert's offences everywhere and bring the Offences table forward."""
        alert = self.current_alert(item)
        if alert is None or not alert.offence_ids:
            return []
        self.session.select("offence", alert.offence_ids, origin="scan")
        show_view(self, "Offences")
        return alert.offence_ids

    def show_alert_on_map(self, item: QTreeWidgetItem | None = None) -> Alert | None:
        """Open the Map at the alert's offences."""
        alert = self.current_alert(item)
        if alert is None:
            return None
        zones, hotspots = [], []
        if alert.kind == "near_repeat" and alert.detail.get("zones"):
            radius = max(float(alert.detail.get("radius_m", 0)), 10.0)
            points = shapely.points([(z["easting"], z["northing"]) for z in alert.detail["zones"]])
            zones = list(shapely.buffer(points, radius))
        if alert.kind == "hotspot" and alert.detail.get("wkt"):
            hotspots = [shapely.from_wkt(alert.detail["wkt"])]
        view = show_on_map(self, alert.offence_ids, alert.bbox, title=alert.summary, risk_zones=zones,
                           hotspots=hotspots)
        if view is None:
            self.session.select("offence", alert.offence_ids, origin="scan")
        return alert

    # -- saved searches -----------------------------------------------------------
    def refresh_searches(self) -> None:
        self.searches.blockSignals(True)
        found = list_searches(self.session.store, owner=self.user)
        self.searches.setRowCount(len(found))
        for row, search in enumerate(found):
            box = QTableWidgetItem()
            box.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled | Qt.ItemIsSelectable)
            box.setCheckState(Qt.Checked if search.subscribed else Qt.Unchecked)
            box.setData(Qt.UserRole, search)
            self.searches.setItem(row, 0, box)
            self.searches.setItem(row, 1, QTableWidgetItem(search.name))
            self.searches.setItem(row, 2, QTableWidgetItem("Offences" if search.kind == "offences" else "Intelligence"))
            summary = "; ".join(f"{k.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                                for k, v in search.filter.items()) or "everything"
            cell = QTableWidgetItem(summary)
            cell.setToolTip(summary)
            self.searches.setItem(row, 3, cell)
        self.searches.resizeColumnsToContents()
        self.searches.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.searches.blockSignals(False)

    def _subscription_toggled(self, item: QTableWidgetItem) -> None:
        search = item.data(Qt.UserRole)
        if item.column() != 0 or search is None:
            return
        wanted = item.checkState() == Qt.Checked
        if wanted != search.subscribed:
            set_subscribed(self.session.store, search, wanted)
            self.refresh_searches()

    def new_search(self) -> None:
        dialog = SearchDialog(self)
        if dialog.exec() != QDialog.Accepted:
            return
        search = dialog.state
        try:
            save_search(self.session.store, search.name, search.kind, search.spec(), owner=self.user,
                        subscribed=search.subscribed)
        except UserError as exc:
            QMessageBox.warning(self, "Saved search", str(exc))
            return
        self.refresh_searches()

    def delete_search(self) -> None:
        row = self.searches.currentRow()
        item = self.searches.item(row, 0) if row >= 0 else None
        search = item.data(Qt.UserRole) if item else None
        if search is None:
            return
        if QMessageBox.question(self, "Delete saved search", f"Delete the saved search {search.name!r}?") \
                == QMessageBox.Yes:
            delete_search(self.session.store, search)
            self.refresh_searches()

    def _on_changed(self, changed: Changed) -> None:
        if changed.kind in ("offences", "store"):
            self.status.setText(self.status.text().split(" <i>")[0] + " <i>New data has arrived: run a scan.</i>")


def create_view(session: Session, parent=None) -> ScanView:
    return ScanView(session, parent)
