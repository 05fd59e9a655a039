"""The Series view: candidate and confirmed series, their link chart, CCA matrix and
timeline; confirm or reject links and turn candidates into named series.

Finding series scores every candidate pair, so it runs in the background with progress
(``workbench.ui.jobs``). Selecting a series shares its offences with the other views
(``session.select("offence", ids, origin="series")``), so the offences table lists them.
"""

from __future__ import annotations

import html
from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import SeriesState
from workbench.errors import Conflict
from workbench.events import Changed
from workbench.linkage import reasons, service
from workbench.linkage.decisions import (
    AddToSeries,
    CreateSeries,
    DecideLink,
    MergeSeries,
    NameSeries,
    RemoveFromSeries,
    SplitSeries,
)
from workbench.store import linkage as db
from workbench.store.conflicts import when
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.linkage.cca_table import CcaTable
from workbench.ui.linkage.link_chart import LinkChart
from workbench.ui.linkage.reasons_html import reasons_html
from workbench.ui.linkage.suspects_panel import SuspectsPanel
from workbench.ui.linkage.timeline import Timeline
from workbench.ui.map.navigate import show_on_map
from workbench.ui.overwrite import NO_DIALOG_CONFIRM, ask_replace

TITLE = "Series"
ORDER = 30
#: The crime groups offered: (label, category or crime group as ``--category`` takes it).
GROUP_CHOICES = (
    ("All crime groups", None),
    ("Sexual offences", "sexual"),
    ("Burglary", "burglary"),
    ("Robbery", "robbery"),
    ("Vehicle crime", "vehicle-crime"),
)
RISK_COLOURS = {"high": "#f4c7c3", "medium": "#fce8b2", "low": "#ffffff"}


class SeriesView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("seriesView")
        self.result: dict | None = None
        self.current: dict | None = None
        self.graph: dict | None = None
        self.edge: tuple[int, int] | None = None
        #: The link decisions on show (pair -> decision, user, at, version), read with the chart.
        self.decided: dict[tuple[int, int], dict] = {}
        self.job = None
        self.state = SeriesState()

        self.group = QComboBox(objectName="category")
        for label, value in GROUP_CHOICES:
            self.group.addItem(label, value)
        self.min_score = QDoubleSpinBox(objectName="min_score")
        self.min_score.setRange(0.05, 0.99)
        self.min_score.setSingleStep(0.05)
        self.min_score.setPrefix("links scored ≥ ")
        self.min_size = QSpinBox(objectName="min_size")
        self.min_size.setRange(2, 50)
        self.min_size.setPrefix("at least ")
        self.min_size.setSuffix(" offences")
        self.include_coarse = QCheckBox("Include police.uk / month-only records", objectName="include_coarse")
        self.include_coarse.setToolTip("Left out by default: their place is a snap point or their time only a "
                                       "month, too coarse to link")
        self.find_button = QPushButton("Find series")
        self.find_button.clicked.connect(self.find_series)
        self.train_button = QPushButton("Retrain models")
        self.train_button.setToolTip("Train each crime group's model on solved offences and your decisions")
        self.train_button.clicked.connect(self.train_models)
        self.model_note = QLabel()
        self.model_note.setWordWrap(True)
        self.model_note.setStyleSheet("color:#555")
        bar = QHBoxLayout()
        for w in (QLabel("Crime group"), self.group, self.min_score, self.min_size, self.include_coarse,
                  self.find_button, self.train_button):
            bar.addWidget(w)
        bar.addStretch(1)

        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(["Series", "Offences", "Score", "First", "Last", "Risk", "Common MO"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.Stretch)
        self.table.horizontalHeaderItem(6).setToolTip("MO details every offence of the series shares (the whole "
                                                      "list is in each cell's tooltip and beside the chart)")
        self.table.itemSelectionChanged.connect(self._series_chosen)
        self.confirm_series = QPushButton("Confirm as series…")
        self.confirm_series.clicked.connect(self._confirm_series)
        self.rename = QPushButton("Name / notes…")
        self.rename.clicked.connect(self._rename)
        self.add_offences = QPushButton("Add selected offences")
        self.add_offences.setToolTip("Add the offences selected in the offences table or on the map")
        self.add_offences.clicked.connect(self._add_selected)
        self.merge = QPushButton("Merge with…")
        self.merge.clicked.connect(self._merge)
        self.to_map = QPushButton("Show on map")
        self.to_map.setToolTip("The Map filtered to this series' offences")
        self.to_map.clicked.connect(self.show_series_on_map)
        left_buttons = QHBoxLayout()
        for b in (self.confirm_series, self.rename, self.add_offences, self.merge, self.to_map):
            left_buttons.addWidget(b)
        left_buttons.addStretch(1)
        self.summary = QLabel("Choose a crime group and press Find series.")
        self.summary.setWordWrap(True)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.table, 1)
        lv.addLayout(left_buttons)
        lv.addWidget(self.summary)

        self.chart = LinkChart()
        self.chart.on_edge = self._edge_chosen
        self.chart.on_node = self._node_chosen
        self.node: int | None = None
        self.elsewhere: tuple = ()     # offences selected in other views, for "Add"
        self.reasons = QTextBrowser()
        self.reasons.setHtml("<p style='color:#555'>Click a link in the chart to see why it scored as it did.</p>")
        self.confirm_link = QPushButton("Confirm link…")
        self.reject_link = QPushButton("Reject link…")
        self.confirm_link.clicked.connect(lambda: self._decide("confirmed"))
        self.reject_link.clicked.connect(lambda: self._decide("rejected"))
        self.remove_offence = QPushButton("Remove offence")
        self.remove_offence.clicked.connect(self._remove_offence)
        self.split_off = QPushButton("Split off…")
        self.split_off.setToolTip("Move the chosen offence into a new series")
        self.split_off.clicked.connect(self._split)
        link_buttons = QHBoxLayout()
        for b in (self.confirm_link, self.reject_link, self.remove_offence, self.split_off):
            link_buttons.addWidget(b)
        link_buttons.addStretch(1)
        reasons_box = QWidget()
        rv = QVBoxLayout(reasons_box)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.reasons, 1)
        rv.addLayout(link_buttons)
        chart_split = QSplitter(Qt.Horizontal)
        chart_split.addWidget(self.chart)
        chart_split.addWidget(reasons_box)
        chart_split.setSizes([520, 300])

        self.cca = CcaTable()
        self.export_csv = QPushButton("Export CSV…")
        self.export_image = QPushButton("Export image…")
        self.export_csv.clicked.connect(lambda: self._export("csv"))
        self.export_image.clicked.connect(lambda: self._export("png"))
        cca_box = QWidget()
        cv = QVBoxLayout(cca_box)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.cca, 1)
        export_row = QHBoxLayout()
        export_row.addWidget(QLabel("Green: shared with the series. Grey: not recorded."))
        export_row.addStretch(1)
        export_row.addWidget(self.export_csv)
        export_row.addWidget(self.export_image)
        cv.addLayout(export_row)

        self.timeline = Timeline()
        self.suspects = SuspectsPanel()
        self.tabs = QTabWidget()
        self.tabs.addTab(chart_split, "Link chart")
        self.tabs.addTab(cca_box, "CCA matrix")
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(self.suspects, "Suspects")

        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setSizes([430, 720])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.model_note)
        layout.addWidget(split, 1)
        self.binding = bind(self, self.state)
        self._update_buttons()
        session.changed.connect(self._on_changed)
        session.selection_changed.connect(self._on_selection)

    # -- finding series ----------------------------------------------------------------
    def find_series(self) -> None:
        """Score candidate pairs and build series (of :attr:`state`) in the background."""
        arguments = self.state.series_arguments()
        self.find_button.setEnabled(False)
        self.job = run_job(self, "Finding series", lambda store, progress, cancelled: service.series(
            store, progress=progress, cancelled=cancelled, **arguments),
            session=self.session, on_done=self.show_series, on_error=self._job_failed, modal=False)

    def _job_failed(self, message: str) -> None:
        self.find_button.setEnabled(True)
        self.train_button.setEnabled(True)
        if "cancelled" not in message:
            QMessageBox.warning(self, "Series", message)

    def show_series(self, result: dict) -> None:
        """Fill the list from a ``service.series`` result."""
        self.find_button.setEnabled(True)
        self.result = result
        defaults = [f"{g}: {n}" for g, n in result["models"].items() if n.startswith("default")]
        note = f"{result['candidate_pairs']:,} candidate pairs scored."
        if defaults:
            note += " Scored with the default model — " + "; ".join(defaults) + "."
        note += " " + window_note(result.get("blocking", {}))
        if result.get("left_out_note"):
            note += " " + result["left_out_note"].replace("--include-coarse", "tick Include") + "."
        self.model_note.setText(note)
        self.table.setRowCount(0)
        for s in result["series"]:
            row = self.table.rowCount()
            self.table.insertRow(row)
            label = f"{s['id']} {s['name']}".strip() if s["kind"] == "confirmed" else f"{s['id']} (candidate)"
            mo = common_mo(s)
            cells = [label, str(s["size"]), f"{s['score']:.2f}", s["first"][:10], s["last"][:10], s["risk"], mo]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 6:
                    item.setToolTip(mo.replace("; ", "\n") or "no MO detail shared by all the offences")
                if col == 5:
                    item.setBackground(QBrush(QColor(RISK_COLOURS[s["risk"]])))
                    item.setToolTip("; ".join(s["risk_reasons"]) or "no escalation or shortening intervals")
                if s["kind"] == "confirmed":
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        for col in range(6):
            self.table.resizeColumnToContents(col)
        self.table.resizeRowsToContents()
        self.summary.setText(f"{sum(s['kind'] == 'confirmed' for s in result['series'])} confirmed and "
                             f"{sum(s['kind'] == 'candidate' for s in result['series'])} candidate series of at "
                             f"least {result['min_size']} offences (strongest and most recent first); "
                             f"{result['smaller_left_out']:,} smaller left out.")
        if result["series"]:
            self.table.selectRow(0)

    # -- one series ----------------------------------------------------------------------
    def _series_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.result is None:
            return
        self.current = self.result["series"][rows[0].row()]
        self.session.select("offence", self.current["offence_ids"], origin="series")
        self.show_current()

    def show_series_on_map(self):
        """The Map filtered to the current series' offences."""
        s = self.current
        if s is None:
            return None
        name = s.get("name") or f"Series {s['id']}"
        return show_on_map(self, s["offence_ids"], title=f"{name} ({s['kind']})")

    def show_current(self) -> None:
        """Draw the chart, CCA matrix and timeline of the current series."""
        s = self.current
        if s is None:
            return
        store = self.session.store
        self.graph = service.series_graph(store, s["offence_ids"])
        data = self.graph["data"]
        decided = db.load_decisions(store)
        # what the analyst sees of each decision; deciding names its version (Two analysts at once)
        self.decided = {(int(a), int(b)): {"decision": d, "why": w, "user": u, "at": t, "version": int(v)}
                        for a, b, d, w, u, t, v in zip(decided["offence_a"], decided["offence_b"], decided["decision"],
                                                       decided["why"], decided["user"], decided["at"],
                                                       decided["version"])}
        confirmed = {k for k, d in self.decided.items() if d["decision"] == "confirmed"}
        rejected = {k for k, d in self.decided.items() if d["decision"] == "rejected"}
        # links weaker than the series threshold are left off: they only add clutter
        threshold = self.result["min_score"] if self.result else 0.5
        edges = []
        for i, j, score in zip(self.graph["i"], self.graph["j"], self.graph["scores"]):
            key = tuple(sorted((int(data.ids[i]), int(data.ids[j]))))
            if key in rejected:
                continue
            if score >= threshold or key in confirmed:
                edges.append((int(i), int(j), 1.0 if key in confirmed else float(score), key in confirmed))
        labels = {int(p): str(data.refs[p]) for p in self.graph["positions"]}
        tips = {int(p): f"{data.refs[p]} ({data.category[p]})" for p in self.graph["positions"]}
        self.chart.show_graph(labels, edges, tips)
        self.edge, self.node = None, None
        self.reasons.setHtml(f"<p><b>{s['id']}</b>: {s['size']} offences, {s['first'][:10]} to {s['last'][:10]}, "
                             f"within {s['radius_m']:,} m of the centre.</p>"
                             + (f"<p>Common MO: {html.escape(common_mo(s))}.</p>" if s["common_mo"] else "")
                             + (f"<p>Risk <b>{s['risk']}</b>: {'; '.join(s['risk_reasons'])}</p>"
                                if s["risk_reasons"] else "")
                             + "<p style='color:#555'>Click a link in the chart to see why it scored as it did.</p>")
        matrix, shared = service.cca(store, s["offence_ids"])
        self.cca.show_matrix(matrix, shared)
        self.timeline.show_offences([(str(data.refs[p]), _when(data.t_from[p]), _when(data.t_to[p]),
                                      str(data.category[p])) for p in self.graph["positions"]])
        self.suspects.show_offence(store, s["offence_ids"][-1], f"the latest offence of {s['id']}")
        self._update_buttons()

    def _edge_chosen(self, i: int, j: int) -> None:
        g = self.graph
        data = g["data"]
        k = int(np.flatnonzero((g["i"] == i) & (g["j"] == j))[0])
        model = g["models"][data.group[i]]
        why = reasons.explain(model, g["features"].iloc[[k]], data, [i], [j])[0]
        self.edge = (i, j)
        known = self.decided.get(self._pair(i, j))
        self.reasons.setHtml(reasons_html(str(data.refs[i]), str(data.refs[j]), float(g["scores"][k]), why,
                                          model.is_default)
                             + (f"<p>Marked <b>{known['decision']}</b> by {html.escape(known['user'])} at "
                                f"{html.escape(when(known['at']))}"
                                + (f": <i>{html.escape(known['why'])}</i>" if known["why"] else "") + ".</p>"
                                if known else ""))
        self._update_buttons()

    def _pair(self, i: int, j: int) -> tuple[int, int]:
        """The offence ids of chart positions ``i`` and ``j``, lower first (how decisions are keyed)."""
        ids = self.graph["data"].ids
        return db.ordered(int(ids[i]), int(ids[j]))

    def _node_chosen(self, position: int) -> None:
        data = self.graph["data"]
        self.node, self.edge = position, None
        self.reasons.setHtml(f"<p><b>{data.refs[position]}</b> ({data.category[position]})</p>"
                             "<p style='color:#555'>Remove it from this confirmed series, or split it off into "
                             "a new one. The Suspects tab now ranks known offenders for it.</p>")
        self.suspects.show_offence(self.session.store, int(data.ids[position]), "chosen in the link chart")
        self._update_buttons()

    def _confirmed_id(self) -> int | None:
        s = self.current
        return int(s["id"].lstrip("S")) if s is not None and s["kind"] == "confirmed" else None

    def _remove_offence(self) -> None:
        sid = self._confirmed_id()
        if sid is None or self.node is None:
            return
        oid = int(self.graph["data"].ids[self.node])
        why, ok = QInputDialog.getText(self, "Remove offence", "Why? (kept in the audit log)")
        if ok:
            self.session.run(RemoveFromSeries(sid, [oid], why=why or None))

    def _split(self) -> None:
        sid = self._confirmed_id()
        if sid is None or self.node is None:
            return
        name, ok = QInputDialog.getText(self, "Split off", "Name of the new series:")
        if ok and name.strip():
            self.session.run(SplitSeries(sid, [int(self.graph["data"].ids[self.node])], name.strip()))

    def _add_selected(self) -> None:
        sid = self._confirmed_id()
        new = [o for o in self.elsewhere if o not in set(self.current["offence_ids"])] if sid is not None else []
        if new:
            self.session.run(AddToSeries(sid, new, why="added from the offences selected in another view"))

    def _merge(self) -> None:
        sid = self._confirmed_id()
        others = [s for s in (self.result or {}).get("series", []) if s["kind"] == "confirmed" and s["id"] != f"S{sid}"]
        if sid is None or not others:
            return
        labels = [f"{s['id']} {s['name']} ({s['size']} offences)" for s in others]
        choice, ok = QInputDialog.getItem(self, "Merge series", f"Merge into S{sid}:", labels, 0, False)
        if ok:
            other = others[labels.index(choice)]
            self.session.run(MergeSeries(sid, [int(other["id"].lstrip("S"))]))

    def _on_selection(self, selection) -> None:
        if selection.kind == "offence" and selection.origin != "series":
            self.elsewhere = tuple(selection.ids)
            self._update_buttons()

    def _decide(self, decision: str) -> None:
        if self.edge is None:
            return
        a, b = self._pair(*self.edge)
        seen = self.decided.get((a, b), {}).get("version", 0)
        verb = "Confirm" if decision == "confirmed" else "Reject"
        why, ok = QInputDialog.getText(self, f"{verb} link", "Why? (kept in the audit log)")
        if not ok:
            return
        try:
            self.session.run(DecideLink(a, b, decision, why=why or None, seen=seen))
        except Conflict as exc:            # another analyst decided meanwhile: say so, show theirs
            QMessageBox.warning(self, "Someone else decided", str(exc))
            self.show_current()

    def _confirm_series(self) -> None:
        s = self.current
        if s is None or s["kind"] != "candidate":
            return
        name, ok = QInputDialog.getText(self, "Confirm series", "Name for the series:")
        if ok and name.strip():
            self.session.run(CreateSeries(s["offence_ids"], name.strip(), why=f"confirmed candidate {s['id']}"))

    def _rename(self) -> None:
        s = self.current
        if s is None or s["kind"] != "confirmed":
            return
        name, ok = QInputDialog.getText(self, "Name series", "Name:", text=s["name"])
        if not ok:
            return
        notes, ok = QInputDialog.getMultiLineText(self, "Series notes", "Notes:", s.get("notes", ""))
        if ok:
            self.session.run(NameSeries(self._confirmed_id(), name.strip() or s["name"], notes))

    def _export(self, kind: str) -> None:
        if self.current is None:
            return
        default = f"cca-{self.current['id']}.{kind}"
        path, _ = QFileDialog.getSaveFileName(self, "Export CCA matrix", default,
                                              "CSV (*.csv)" if kind == "csv" else "PNG image (*.png)",
                                              options=NO_DIALOG_CONFIRM)
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> str | None:
        """Write the current CCA matrix as CSV or image (by extension) through the export
        service (marked, audited), asking before replacing a file."""
        force = ask_replace(self, [path])
        if force is None:
            return None
        kind = "csv" if path.lower().endswith(".csv") else "image"
        service.export_cca(self.session.store, self.current["offence_ids"], force=force, **{kind: path},
                           title=f"Series {self.current['id']} {self.current['name']}".strip())
        return path

    def train_models(self) -> None:
        self.train_button.setEnabled(False)
        self.job = run_job(self, "Training linkage models", lambda store, progress, cancelled: service.train(
            store, progress=progress, cancelled=cancelled), session=self.session, on_done=self._trained,
            on_error=self._job_failed)

    def _trained(self, result: dict) -> None:
        self.train_button.setEnabled(True)
        lines = [f"{g}: {'default model' if m['default_model'] else m['method']}" for g, m in result["models"].items()]
        self.model_note.setText("Models trained — " + "; ".join(lines) + ". Press Find series to rescore.")

    def _update_buttons(self) -> None:
        has = self.current is not None
        self.confirm_series.setEnabled(has and self.current["kind"] == "candidate")
        self.rename.setEnabled(has and self.current["kind"] == "confirmed")
        confirmed = has and self.current["kind"] == "confirmed"
        self.add_offences.setEnabled(confirmed and bool(set(self.elsewhere) - set(self.current["offence_ids"])))
        self.merge.setEnabled(confirmed)
        self.to_map.setEnabled(has)
        self.remove_offence.setEnabled(confirmed and self.node is not None and self.current["size"] > 1)
        self.split_off.setEnabled(confirmed and self.node is not None and self.current["size"] > 1)
        self.confirm_link.setEnabled(self.edge is not None)
        self.reject_link.setEnabled(self.edge is not None)
        self.export_csv.setEnabled(has)
        self.export_image.setEnabled(has)

    def _on_changed(self, changed: Changed) -> None:
        if changed.kind == "links" and self.current is not None:
            self.show_current()
        elif changed.kind == "series" and self.result is not None:
            self.find_series()


def window_note(blocking: dict) -> str:
    """One line on the search windows: learned or default, and any narrowing."""
    parts = []
    for group, b in blocking.items():
        text = f"{group} {b['radius_m'] / 1000:.1f} km / {b['days']:g} days"
        text += f" (learned from {b['learned_from']:,} linked pairs)" if b["learned_from"] >= 30 else " (default)"
        if b["first_stage"]:
            recall = "" if b["expected_recall"] is None else f", finds {b['expected_recall']:.0%} of known links"
            why = "narrowed to stay within budget" if b["narrowed"] else "whole window"
            text += f", pairs chosen by a first stage ({why}{recall})"
        parts.append(text)
    return ("Search windows: " + "; ".join(parts) + ".") if parts else ""


def _when(days: float) -> datetime:
    return datetime(1970, 1, 1) + (np.timedelta64(int(round(days * 86400)), "s")).item()


def create_view(session: Session, parent=None) -> QWidget:
    return SeriesView(session, parent)


def common_mo(series: dict) -> str:
    """A series' shared MO as one line: "entry: rear door; method: forced"."""
    return "; ".join(f"{d.replace('_', ' ')}: {', '.join(v)}" for d, v in series["common_mo"].items())
