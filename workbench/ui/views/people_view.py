"""The People view: nominals by flag with their latest activity, repeat victims, and
repeat missing people with a timeline and a map of where they were last seen and found.

The lists load in the background (``workbench.ui.jobs``) from
:mod:`workbench.people.overview`; selecting a nominal shows their page (management
status, missing episodes, victimisation: :func:`workbench.network.person.person_page`);
selecting a repeat victim shares their offences with the other views and can show them
on the map.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import PeopleState
from workbench.domain.categories import LABELS
from workbench.domain.people import FLAGS
from workbench.errors import NotFound
from workbench.network.person import person_page
from workbench.people.overview import nominals_by_flag, repeat_missing, repeat_victims
from workbench.store.boundaries import load_boundaries
from workbench.tasking.sources import problem_from_person
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.map.navigate import show_on_map
from workbench.ui.people.charts import RISK_COLOURS, EpisodeMap, EpisodeTimeline
from workbench.ui.tasking.meetings_panel import plain_table
from workbench.ui.tasking.new_patp import open_new_patp

TITLE = "People"
ORDER = 45
ORIGIN = "people"
OVERDUE = QColor("#c0392b")


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.clearSelection()
    table.setRowCount(len(rows))
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table.setItem(i, j, QTableWidgetItem("" if value is None else str(value)))
    table.resizeColumnsToContents()


def _day(text: str | None) -> str:
    return text.replace("T", " ")[:16] if text else ""


def load_people(store, state: PeopleState) -> dict:
    """Everything the view lists by the settings of ``state`` (run in the background)."""
    return {"nominals": nominals_by_flag(store, state.flags()),
            "victims": repeat_victims(store, min_offences=state.victim_offences, days=state.victim_days),
            "missing": repeat_missing(store, min_episodes=state.missing_episodes, days=state.missing_days),
            "wards": load_boundaries(store, "ward")}


def nominal_html(page: dict) -> str:
    """A nominal's page: management status, missing episodes, victimisation, offending."""
    m = page.get("management") or {}
    parts = [f"<h3>{html.escape(page['person'])}" + (f" &nbsp; {html.escape(m['name'])}" if m.get("name") else "")
             + "</h3>"]
    if m:
        parts.append(f"<p><b>{html.escape(m['security_marking'])}</b></p>")
        flags = ", ".join(html.escape(f["meaning"]) for f in m["flags"]) or "no flags"
        review = m["review_date"] or "not set"
        if m["review_overdue"]:
            review = f"<span style='color:#c0392b'><b>{review} (overdue)</b></span>"
        described = ", ".join(str(v) for v in (m["sex"], m["date_of_birth"] and f"born {m['date_of_birth']}",
                                               m["height_cm"] and f"{m['height_cm']:.0f} cm", m["build"],
                                               m["ethnicity_code"]) if v)
        home = m["home"] or {}
        home_area = ", ".join(p for p in (home.get("ward"), home.get("borough")) if p)
        mappa = f"level {m['mappa_level']}" if m["mappa_level"] else "not a MAPPA case"
        parts.append("<table cellspacing=3>"
                     f"<tr><td><b>Flags</b></td><td>{flags}</td></tr>"
                     f"<tr><td><b>MAPPA</b></td><td>{mappa}</td></tr>"
                     f"<tr><td><b>Review</b></td><td>{review}</td></tr>"
                     f"<tr><td><b>Conditions</b></td><td>{html.escape(m['conditions'] or 'none recorded')}"
                     f"{' (exclusion zone recorded)' if m['exclusion_wkt'] else ''}</td></tr>"
                     f"<tr><td><b>Known for</b></td><td>{html.escape(', '.join(m['offending']) or 'not recorded')}</td></tr>"
                     f"<tr><td><b>Description</b></td><td>{html.escape(described or 'not recorded')}</td></tr>"
                     f"<tr><td><b>Home</b></td><td>{html.escape(home_area or 'not recorded')}</td></tr>"
                     "</table>")
    c = page["counts"]
    parts.append(f"<p>{c['offences']} offences, {c['intelligence']} intelligence reports, {c['associates']} associates"
                 + (f"; active {page['first_activity']} to {page['last_activity']}" if page["first_activity"] else "")
                 + "</p>")
    if page["offences"]:
        parts.append("<p><b>Latest offences</b></p><ul>" + "".join(
            f"<li>{html.escape(o['offence_ref'])}: {html.escape(LABELS.get(o['category'], o['category']))}, "
            f"{_day(o['committed_from'])}</li>" for o in page["offences"][:6]) + "</ul>")
    if page["missing_episodes"]:
        parts.append("<p><b>Missing episodes</b></p><ul>" + "".join(
            f"<li>{html.escape(e['episode_ref'])}: reported {_day(e['reported_at'])}, "
            f"{'found ' + _day(e['found_at']) if e['found_at'] else 'not found'} ({html.escape(e['risk'])} risk)</li>"
            for e in page["missing_episodes"]) + "</ul>")
    if page["victimisation"]:
        parts.append("<p><b>Victim of</b></p><ul>" + "".join(
            f"<li>{html.escape(v['offence_ref'])}: {html.escape(LABELS.get(v['category'], v['category']))}, "
            f"{_day(v['committed_from'])}</li>" for v in page["victimisation"]) + "</ul>")
    return "".join(parts)


class PeopleView(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.data: dict = {"nominals": [], "victims": [], "missing": [], "wards": []}
        self.current_page: dict | None = None
        self.job = None
        self.state = PeopleState()

        self.flag = QComboBox()
        self.flag.setObjectName("flag")
        self.flag.addItem("All nominals", None)
        for flag, meaning in FLAGS.items():
            self.flag.addItem(meaning, flag)
        self.status = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.flag)
        bar.addStretch(1)

        self.nominals = plain_table(["Nominal", "Name", "Flags", "MAPPA", "Borough", "Review", "Latest activity"])
        self.nominals.itemSelectionChanged.connect(self._nominal_selected)
        self.page = QTextBrowser()
        self.show_offences = QPushButton("Show their offences on the map")
        self.show_offences.clicked.connect(self._show_nominal_offences)
        self.new_patp = QPushButton("New PATP for this person")
        self.new_patp.setToolTip("Draft a PATP from the offences this person is linked to, in the Tasking view")
        self.new_patp.clicked.connect(self._new_patp)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.page, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_offences)
        buttons.addWidget(self.new_patp)
        rl.addLayout(buttons)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.nominals)
        split.addWidget(right)
        split.setSizes([720, 480])
        nominals_tab = QWidget()
        nl = QVBoxLayout(nominals_tab)
        nl.addLayout(bar)
        nl.addWidget(split, 1)

        self.victims = plain_table(["Victim ref", "Offences", "Most in a year", "First", "Last", "Offence types"])
        self.victims.itemSelectionChanged.connect(self._victim_selected)
        self.victim_detail = QTextBrowser()
        self.show_victim = QPushButton("Show these offences on the map")
        self.show_victim.clicked.connect(self._show_victim_offences)
        vright = QWidget()
        vl = QVBoxLayout(vright)
        vl.setContentsMargins(0, 0, 0, 0)
        vl.addWidget(self.victim_detail, 1)
        vl.addWidget(self.show_victim)
        victims_tab = QSplitter(Qt.Horizontal)
        victims_tab.addWidget(self.victims)
        victims_tab.addWidget(vright)
        victims_tab.setSizes([720, 480])

        self.missing = plain_table(["Person", "Episodes", "Most in 90 days", "Last reported", "Home type", "Flags"])
        self.missing.itemSelectionChanged.connect(self._missing_selected)
        self.timeline = EpisodeTimeline()
        self.map = EpisodeMap()
        charts = QSplitter(Qt.Vertical)
        charts.addWidget(self.timeline)
        charts.addWidget(self.map)
        charts.setSizes([260, 420])
        missing_tab = QSplitter(Qt.Horizontal)
        missing_tab.addWidget(self.missing)
        missing_tab.addWidget(charts)
        missing_tab.setSizes([560, 640])

        self.tabs = QTabWidget()
        self.tabs.addTab(nominals_tab, "Nominals")
        self.tabs.addTab(victims_tab, "Repeat victims")
        self.tabs.addTab(missing_tab, "Repeat missing people")
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self.binding = bind(self, self.state)
        self.flag.currentIndexChanged.connect(self.refresh)      # after the binder: refresh sees the new flag
        session.changed.connect(lambda changed: self.refresh() if changed.kind in
                                ("people", "offences", "intel", "store", "boundaries") else None)
        self.refresh()

    def refresh(self, *_args) -> None:
        """Load the lists of :attr:`state` again (in the background)."""
        state = replace(self.state)
        self.status.setText("Loading…")
        self.job = run_job(self, "Loading people", lambda store, progress, cancelled: load_people(
            store, state), session=self.session, on_done=self._show, on_error=self.status.setText,
            modal=False)

    def _show(self, data: dict) -> None:
        self.data = data
        self.status.setText(f"{len(data['nominals'])} nominals · {len(data['victims'])} repeat victims · "
                            f"{len(data['missing'])} repeat missing people")
        _fill(self.nominals, [[n["nominal"], n["name"], ", ".join(n["flags"]), n["mappa_level"] or "",
                               n["borough"] or "", n["review_date"] or "",
                               f"{n['latest_kind']} {_day(n['latest_activity'])}" if n["latest_activity"] else "none"]
                              for n in data["nominals"]])
        today = date.today().isoformat()
        for row, n in enumerate(data["nominals"]):
            if n["review_date"] and n["review_date"] < today:
                self.nominals.item(row, 5).setForeground(QBrush(OVERDUE))
                self.nominals.item(row, 5).setToolTip("Review overdue")
        _fill(self.victims, [[v["victim_ref"], v["offences"], v["most_in_window"], _day(v["first"])[:10],
                              _day(v["last"])[:10], ", ".join(f"{LABELS.get(c, c)} {k}" for c, k in v["categories"].items())]
                             for v in data["victims"]])
        _fill(self.missing, [[m["person_ref"], m["episodes"], m["most_in_window"], _day(m["last"]),
                              ", ".join(m["home_types"]), ", ".join(m["flags"])] for m in data["missing"]])
        for row, m in enumerate(data["missing"]):
            worst = next((r for r in RISK_COLOURS if r in m["risks"]), None)
            if worst == "high":
                self.missing.item(row, 0).setForeground(QBrush(QColor(RISK_COLOURS["high"])))
        self.map.set_wards(data["wards"])
        for table in (self.nominals, self.victims, self.missing):
            if table.rowCount():
                table.selectRow(0)

    def _row(self, table: QTableWidget, key: str) -> dict | None:
        rows = table.selectionModel().selectedRows() if table.selectionModel() else []
        return self.data[key][rows[0].row()] if rows else None

    def _nominal_selected(self) -> None:
        chosen = self._row(self.nominals, "nominals")
        self.current_page = None
        if chosen is None:
            self.page.clear()
            return
        try:
            self.current_page = person_page(self.session.store, chosen["nominal"])
        except NotFound as exc:
            self.page.setPlainText(str(exc))
            return
        self.page.setHtml(nominal_html(self.current_page))
        self.session.select("person", [chosen["nominal"]], origin=ORIGIN)

    def _show_nominal_offences(self) -> None:
        if self.current_page and self.current_page["offences"]:
            who = (self.current_page.get("management") or {}).get("name") or self.current_page["person"]
            show_on_map(self, [o["id"] for o in self.current_page["offences"]], title=f"Offences of {who}")

    def _new_patp(self) -> None:
        if self.current_page:
            person = self.current_page["person"]
            open_new_patp(self, lambda store: problem_from_person(store, person), f"person {person}")

    def _victim_selected(self) -> None:
        chosen = self._row(self.victims, "victims")
        if chosen is None:
            self.victim_detail.clear()
            return
        self.victim_detail.setHtml(
            f"<h3>Victim {html.escape(chosen['victim_ref'])}</h3><p>{chosen['offences']} offences from "
            f"{_day(chosen['first'])} to {_day(chosen['last'])}</p><ul>"
            + "".join(f"<li><b>{html.escape(o['offence_ref'])}</b> {_day(o['committed_from'])}: "
                      f"{html.escape(LABELS.get(o['category'], o['category']))}"
                      f"{', ' + html.escape(o['place']) if o['place'] else ''}"
                      f"{' (' + html.escape(o['ward']) + ')' if o['ward'] else ''}</li>" for o in chosen["timeline"])
            + "</ul>")
        self.session.select("offence", chosen["offence_ids"], origin=ORIGIN)

    def _show_victim_offences(self) -> None:
        chosen = self._row(self.victims, "victims")
        if chosen:
            show_on_map(self, chosen["offence_ids"], title=f"Offences against victim {chosen['victim_ref']}")

    def _missing_selected(self) -> None:
        chosen = self._row(self.missing, "missing")
        episodes = chosen["timeline"] if chosen else []
        self.timeline.set_episodes(episodes)
        self.map.set_episodes(episodes)


def create_view(session: Session, parent=None) -> PeopleView:
    return PeopleView(session, parent)
