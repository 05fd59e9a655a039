"""The Near repeat panel: the Knox table (as Ratcliffe's Near Repeat Calculator, with
exact band labels), coloured by significance, and the near-repeat risk zones around the
latest offences on a map.

The test runs on a worker thread with progress and Cancel (999 permutations of 50,000
events take seconds with :func:`workbench.geo.nearrepeat.knox`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Session
from workbench.app.state import NearRepeatState
from workbench.domain import categories as cats
from workbench.geo.nearrepeat import MIN_OBSERVED, KnoxResult, event_days, knox, risk_window, risk_zones
from workbench.store.boundaries import load_boundaries
from workbench.store.offences import date_range, extent, load_frame, query_ids
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.map import style
from workbench.ui.map.canvas import Legend, MapCanvas
from workbench.ui.map.navigate import show_on_map

TITLE = "Near repeat"
ORDER = 25

#: Significance bands: (p at most, colour, label); a cell with fewer pairs than expected
#: is never coloured as a near-repeat.
BANDS = ((0.001, "#a50f15", "p ≤ 0.001"), (0.01, "#de2d26", "p ≤ 0.01"), (0.05, "#fc9272", "p ≤ 0.05"))
LOW = "#c6dbef"
FEW = "#eceef1"


@dataclass
class NearRepeatRun:
    """What the panel shows: the table, the offences tested and the risk zones, and the
    settings they were found with."""

    result: KnoxResult
    events: pd.DataFrame
    zones: object          # GeoDataFrame of risk zones around the latest offences
    state: NearRepeatState


def cell_colour(p: float, ratio: float) -> QColor | None:
    """Background for a table cell: reds for significantly more pairs than expected,
    pale blue for significantly fewer, none otherwise."""
    if not np.isfinite(p) or not np.isfinite(ratio):
        return None
    for limit, colour, _label in BANDS:
        if p <= limit and ratio > 1:
            return QColor(colour)
    return QColor(LOW) if p <= 0.05 and ratio < 1 else None


def _spin(name: str, low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    return box


def _day(day: date | None, open_end: str) -> str:
    """A period's end as in titles (``01/03/2025``), or ``open_end`` when it has none."""
    return f"{day:%d/%m/%Y}" if day else open_end


def _data_dates(store) -> tuple[date | None, date | None]:
    """The last year of the store's offences (None, None for an empty store)."""
    lo, hi = date_range(store)
    if not hi:
        return None, None
    end = date.fromisoformat(hi[:10])
    return max(date.fromisoformat(lo[:10]), end - timedelta(days=365)), end


class NearRepeatView(QWidget):
    """The panel (see the module docstring)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.run_result: NearRepeatRun | None = None
        self.job = None
        self.setObjectName("nearRepeatView")
        date_from, date_to = _data_dates(session.store)
        self.state = NearRepeatState(date_from=date_from, date_to=date_to or date.today())

        self.category = QComboBox()
        self.category.setObjectName("category")
        for value in ("burglary", "burglary-residential", "burglary-business", "theft-from-vehicle",
                      "theft-of-vehicle", "vehicle-crime", "robbery", "criminal-damage"):
            self.category.addItem(cats.LABELS[value] + (" (all)" if value in cats.COARSE else ""), value)
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit, name in ((self.date_from, "date_from"), (self.date_to, "date_to")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.distance_band = _spin("distance_band", 1, 100_000, " m")
        self.distance_bands = _spin("distance_bands", 1, 50)
        self.time_band = _spin("time_band", 1, 365, " days")
        self.time_bands = _spin("time_bands", 1, 52)
        self.permutations = _spin("permutations", 9, 99_999)
        self.seed = _spin("seed", 0, 2 ** 31 - 1)
        self.metric_box = QComboBox()
        self.metric_box.setObjectName("metric")
        self.metric_box.addItem("Euclidean (straight line)", "euclidean")
        self.metric_box.addItem("Manhattan (street grid)", "manhattan")
        self.run_button = QPushButton("Run Knox test")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)

        form_box = QGroupBox("Parameters")
        form = QFormLayout(form_box)
        for label, widget in (("Offences", self.category), ("From", self.date_from), ("To", self.date_to),
                              ("Distance band", self.distance_band), ("Distance bands", self.distance_bands),
                              ("Time band", self.time_band), ("Time bands", self.time_bands),
                              ("Distance", self.metric_box), ("Permutations", self.permutations),
                              ("Seed", self.seed)):
            form.addRow(label, widget)
        form.addRow(self.run_button)
        self.binding = bind(form_box, self.state)

        self.summary = QLabel("Choose the offences and bands, then run the test.")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size:11pt; color:#1f3b5a; padding:4px")
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignCenter | Qt.TextWordWrap)
        self.table.horizontalHeader().setFixedHeight(60)
        self.key = QLabel(self._key_html())
        self.key.setWordWrap(True)
        self.to_map = QPushButton("Show risk zones on the Map")
        self.to_map.setEnabled(False)
        self.to_map.clicked.connect(self.show_on_main_map)

        self.canvas = MapCanvas(self)
        self.canvas.marking = session.store.setting("security_marking", "OFFICIAL-SENSITIVE")
        self.canvas.set_boundaries(load_boundaries(session.store, "borough"), load_boundaries(session.store, "ward"))
        bounds = extent(session.store)
        if bounds is not None:
            self.canvas.zoom_to(bounds)
        else:
            self.canvas.zoom_to_all()

        left = QVBoxLayout()
        left.addWidget(form_box)
        left.addStretch(1)
        left_box = QWidget()
        left_box.setLayout(left)
        centre = QVBoxLayout()
        centre.addWidget(self.summary)
        centre.addWidget(self.table, 1)
        centre.addWidget(self.key)
        centre.addWidget(self.to_map, 0, Qt.AlignLeft)
        centre_box = QWidget()
        centre_box.setLayout(centre)
        splitter = QSplitter()
        for widget in (left_box, centre_box, self.canvas):
            splitter.addWidget(widget)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([250, 900, 500])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)

    @staticmethod
    def _key_html() -> str:
        swatch = "<span style='background:{};'>&nbsp;&nbsp;&nbsp;&nbsp;</span> {}"
        parts = [swatch.format(colour, f"more pairs than expected, {label}") for _p, colour, label in BANDS]
        parts.append(swatch.format(LOW, "fewer pairs than expected, p ≤ 0.05"))
        parts.append(swatch.format(FEW, f"grey text: fewer than {MIN_OBSERVED} pairs observed, too few to quote"))
        return ("<small>Each cell: Knox ratio (observed / expected pairs), then observed and expected counts and "
                "the permutation p-value.<br>" + " &nbsp; ".join(parts) + "</small>")

    # -- running --------------------------------------------------------------------
    def run(self):
        """Run the Knox test of :attr:`state` on a worker thread (returns the job)."""
        state = replace(self.state)
        flt, params = state.offence_filter(), state.knox_arguments()

        def work(store, progress, cancelled):
            events = load_frame(store, flt, ("offence_ref", "category", "committed_from", "committed_to",
                                             "easting", "northing"))
            events = events[np.isfinite(events["easting"]) & np.isfinite(events["northing"])]
            result = knox(events["easting"], events["northing"], event_days(events), progress=progress,
                          cancelled=cancelled, **params)
            # Risk zones surround only records precise enough to act on (not police.uk
            # snap points or month-only dates), as the scan's near-repeat alerts do.
            precise = set(query_ids(store, replace(flt, linkable=True), order_by="id").tolist())
            return NearRepeatRun(result, events, _latest_zones(result, events[events["id"].isin(precise)]), state)

        self.run_button.setEnabled(False)
        self.job = run_job(self, "Near-repeat test", work, session=self.session,
                           on_done=self.show_result, on_error=self._failed)
        return self.job

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        if message:
            self.summary.setText(message)

    def show_result(self, run: NearRepeatRun) -> None:
        """Fill the table, summary and map from a finished run."""
        self.run_button.setEnabled(True)
        self.run_result = run
        r = run.result
        self.table.setRowCount(len(r.distance_bands))
        self.table.setColumnCount(len(r.time_bands))
        self.table.setVerticalHeaderLabels(r.distance_bands)
        self.table.setHorizontalHeaderLabels(r.time_bands)
        for i in range(len(r.distance_bands)):
            for j in range(len(r.time_bands)):
                obs, exp, ratio, p = r.observed[i, j], r.expected[i, j], r.knox_ratio[i, j], r.p_value[i, j]
                ratio_text = f"{ratio:.2f}" if np.isfinite(ratio) else "–"
                item = QTableWidgetItem(f"{ratio_text}\n{obs:,} / {exp:,.1f}\np = {p:.3f}")
                item.setTextAlignment(Qt.AlignCenter)
                few = obs < MIN_OBSERVED
                colour = None if few else cell_colour(p, ratio)
                if few:
                    item.setBackground(QBrush(QColor(FEW)))
                    item.setForeground(QBrush(QColor("#8a8f98")))
                elif colour is not None:
                    item.setBackground(QBrush(colour))
                    if colour.lightness() < 140:
                        item.setForeground(QBrush(QColor("white")))
                item.setToolTip(f"{r.distance_bands[i]}, {r.time_bands[j]}: {obs:,} pairs observed, "
                                f"{exp:,.2f} expected, Knox ratio {ratio_text}, p = {p:.4f}"
                                + (f"\nFewer than {MIN_OBSERVED} pairs observed: too few to quote; not used "
                                   "for the risk window" if few else ""))
                self.table.setItem(i, j, item)
        window = risk_window(r)
        text = (f"{r.n_events:,} offences, {r.permutations:,} permutations ({r.metric} distance, seed {r.seed}). ")
        text += (window.summary() + f"; {len(run.zones)} risk zones around the latest offences are on the map."
                 if window else "No near-repeat pattern: no band is significantly above expectation.")
        self.summary.setText(text + ("\n" + " ".join(r.warnings) if r.warnings else ""))
        self.to_map.setEnabled(len(run.zones) > 0)
        self._draw_map(run)

    def show_on_main_map(self):
        """Draw the risk zones on the Map tab and open it at the offences they surround."""
        run = self.run_result
        if run is None or not len(run.zones):
            return None
        window = risk_window(run.result)
        title = f"Near-repeat risk zones: {window.summary()}" if window else "Near-repeat risk zones"
        return show_on_map(self, [int(i) for i in run.zones["offence"]], tuple(run.zones.total_bounds),
                           title=title, risk_zones=list(run.zones.geometry))

    def _draw_map(self, run: NearRepeatRun) -> None:
        events = run.events
        self.canvas.set_points(events["id"].to_numpy(), events["easting"].to_numpy(), events["northing"].to_numpy(),
                               np.zeros(len(events), np.int32), [QColor("#4e79a7")])
        self.canvas.set_risk_zones(list(run.zones.geometry) if len(run.zones) else [])
        state = run.state
        what = self.category.itemText(self.category.findData(state.category))
        legend = Legend(title=f"{what}, {_day(state.date_from, 'the start')} to {_day(state.date_to, 'the end')}",
                        categories=[(QColor("#4e79a7"), f"Offences tested ({len(events):,})")])
        if len(run.zones):
            legend.lines.append((QColor(style.RISK_ZONE), f"Risk zones (until {run.zones['end'].max():%d %b %Y})"))
            self.canvas.zoom_to(tuple(run.zones.total_bounds), margin=0.15)
        self.canvas.legend = legend
        self.canvas.viewport().update()


def _latest_zones(result: KnoxResult, events: pd.DataFrame):
    """Risk zones around the offences whose risk window is still open at the end of the data."""
    window = risk_window(result)
    latest = events["committed_from"].max() if len(events) else None
    if window is None or latest is None:
        return risk_zones(result, [], [], [])
    recent = events[events["committed_from"] >= latest.normalize() - pd.Timedelta(days=window.days)]
    return risk_zones(result, recent["easting"], recent["northing"], recent["committed_from"],
                      ids=recent["id"].tolist())


def create_view(session: Session, parent=None) -> NearRepeatView:
    return NearRepeatView(session, parent)
