"""The Map: boundaries, offences (clustered when dense), the KDE surface, Gi* cells and
hotspot polygons, drawn natively in Qt with no internet.

Offences load and hotspots compute on a worker thread (progress and Cancel); selecting
with the rectangle or polygon tool sends the offences to every view (the Offences table
narrows to them) and selections made elsewhere are ringed here. The current map exports
as a PNG (with legend, scale bar, north arrow and security marking) and the layers as a
GeoPackage for QGIS/ArcGIS.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Selection, Session
from workbench.app.state import MapState
from workbench.domain import categories as cats
from workbench.events import Changed
from workbench.geo.gpkg import frame_of_points
from workbench.geo.hotspots import hotspot_cells, located
from workbench.geo.map_export import export_geopackage, export_map_image
from workbench.geo.nearrepeat import event_days
from workbench.geo.streets import find_streets
from workbench.jobs import JobControl
from workbench.store.basemap import attributions, load_features, named_features
from workbench.store.boundaries import area_names, boundaries_frame, load_boundaries, study_area_for
from workbench.store.offences import OffenceFilter, date_range, load_frame
from workbench.tasking.sources import problem_from_hotspot
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.map import style
from workbench.ui.map.canvas import Legend, MapCanvas, scale_denominator
from workbench.ui.map.navigate import MapFocus, show_on_map
from workbench.ui.map.tool_icons import tool_icon
from workbench.ui.overwrite import NO_DIALOG_CONFIRM, ask_replace
from workbench.ui.tasking.new_patp import open_new_patp
from workbench.ui.views.offences_view import register_offence_action

TITLE = "Map"
ORDER = 20
LEGEND_CATEGORIES = 12
POINT_COLUMNS = ("offence_ref", "category", "committed_from", "committed_to", "easting", "northing", "borough",
                 "ward")
ALL_BOROUGHS = "Boroughs with offences"


@dataclass
class MapHotspots:
    """The hotspot layers on the map: a KDE or Gi* surface and its top-``coverage``
    hotspot polygons."""

    method: str
    surface: object
    polygons: object
    coverage: float
    warnings: list[str] = field(default_factory=list)
    settings: str = ""
    study: str = ""

    def layers(self) -> dict:
        """GeoPackage layers: the surface cells and the hotspot polygons."""
        return {f"{self.method}_cells": self.surface.cells(), "hotspots": self.polygons}


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit(objectName=name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def _store_dates(store) -> tuple[date, date]:
    """The store's whole period (the last three months when it holds no offences)."""
    # The end of the latest window: a police.uk month runs to its last day, not its first.
    lo, hi = date_range(store, to_end=True)
    if not lo:
        today = QDate.currentDate()
        return today.addMonths(-3).toPython(), today.toPython()
    return date.fromisoformat(lo[:10]), date.fromisoformat(hi[:10])


def _span(state: MapState) -> str:
    """The period shown, as in titles: ``01/03/2025 to 31/03/2025``."""
    return f"{state.date_from:%d/%m/%Y} to {state.date_to:%d/%m/%Y}"


class MapView(QWidget):
    """The map tab (see the module docstring)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("mapView")
        self.frame = pd.DataFrame()
        self.analysis = None
        self.colours: dict[str, QColor] = {}
        self._gi_drawn = np.zeros((0, 0), np.int8)
        self.focus: MapFocus | None = None
        self._zoomed_to_data = False
        self.jobs: list = []
        self._loads = 0                 # offence loads started: only the latest is shown
        lo, hi = _store_dates(session.store)
        self.state = MapState(date_from=lo, date_to=hi)

        self.canvas = MapCanvas(self)
        self.canvas.marking = session.store.setting("security_marking", "OFFICIAL-SENSITIVE")
        self.canvas.selected.connect(self._on_map_selection)
        self.canvas.zoomed.connect(self._update_status)

        self.category = QComboBox(objectName="category")
        self.category.addItem("All categories", None)
        for coarse in cats.COARSE:
            self.category.addItem(cats.LABELS[coarse] + " (all)", coarse)
        for fine in cats.FINE:
            self.category.addItem(cats.LABELS[fine], fine)
        self.borough = QComboBox(objectName="borough")
        self.borough.setToolTip("The borough to map and to find hotspots in; by default the boroughs that "
                                "hold the offences shown are the study area")
        for combo in (self.category, self.borough):      # long names show in full in the list
            combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        self.date_from, self.date_to = _date_edit("date_from"), _date_edit("date_to")
        self.show_button = QPushButton("Show")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.reload)

        self.method = QComboBox(objectName="method")
        self.method.addItem("KDE (learned settings)", "auto")
        self.method.addItem("Getis-Ord Gi*", "gi")
        self.hotspot_button = QPushButton("Find hotspots")
        self.hotspot_button.clicked.connect(self.compute_hotspots)
        self.patp_button = QPushButton("New PATP from a hotspot…")
        self.patp_button.setToolTip("Draft a PATP from the offences inside one of the hotspots found, in the "
                                    "Tasking view (find hotspots first)")
        self.patp_button.setEnabled(False)
        self.patp_button.clicked.connect(lambda: self.new_patp_from_hotspot())

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        for label, widget in (("Category", self.category), ("Borough", self.borough), ("From", self.date_from),
                              ("To", self.date_to)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.show_button)
        bar.addSpacing(18)
        bar.addWidget(self._separator())
        bar.addWidget(QLabel("Hotspots"))
        bar.addWidget(self.method)
        bar.addWidget(self.hotspot_button)
        bar.addWidget(self.patp_button)
        bar.addStretch(1)

        tools = QHBoxLayout()
        tools.setContentsMargins(8, 2, 8, 2)
        self.tool_group = QButtonGroup(self)
        self.tool_buttons: dict[str, QToolButton] = {}
        for mode, text, tip in (("pan", "Pan", "Drag to pan; wheel to zoom"),
                                ("rect", "Rectangle", "Drag a rectangle to select offences"),
                                ("polygon", "Polygon", "Click the corners, double-click to finish (Esc cancels)")):
            button = QToolButton()
            button.setText(text)
            button.setIcon(tool_icon(mode))
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setChecked(mode == "pan")
            button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
            button.clicked.connect(lambda _=False, m=mode: self.canvas.set_mode(m))
            self.tool_group.addButton(button)
            self.tool_buttons[mode] = button
            tools.addWidget(button)
        whole = QToolButton()
        whole.setText("Zoom to all")
        whole.clicked.connect(self.canvas.zoom_to_all)
        tools.addWidget(whole)
        tools.addSpacing(14)
        tools.addWidget(QLabel("Show:"))
        self.layer_boxes: dict[str, QCheckBox] = {}
        for key, text in (("streets", "Streets"), ("boundaries", "Boundaries"), ("offences", "Offences"),
                          ("surface", "Density"),
                          ("gi", "Gi* cells"), ("hotspots", "Hotspot areas"), ("risk", "Risk zones")):
            box = QCheckBox(text)
            box.setChecked(True)
            box.toggled.connect(self._layers_changed)
            self.layer_boxes[key] = box
            tools.addWidget(box)
        tools.addStretch(1)
        # The status line runs under the map, the whole width: long hotspot settings and
        # warnings wrap there (the tooltip has them whole) rather than widening the window.
        self.status = QLabel()
        self.status.setStyleSheet("color:#445")
        self.status.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.status.setWordWrap(True)
        self.status.setContentsMargins(8, 0, 8, 2)

        self.street = QLineEdit()
        self.street.setPlaceholderText("Go to street…")
        self.street.setClearButtonEnabled(True)
        self.street.setToolTip("Type a street name (e.g. Holloway Road) and press Enter; works offline")
        self.street.setMaximumWidth(220)
        self.street.returnPressed.connect(lambda: self.go_to_street(self.street.text()))
        tools.addWidget(self.street)
        # The exports sit on this row so the filter bar fits a 1366-pixel laptop screen.
        export_png = QPushButton("Export PNG…")
        export_png.clicked.connect(lambda: self.export_png())
        export_gpkg = QPushButton("Export GeoPackage…")
        export_gpkg.clicked.connect(lambda: self.export_gpkg())
        tools.addWidget(export_png)
        tools.addWidget(export_gpkg)

        self.banner = QFrame()
        self.banner.setObjectName("mapFocusBanner")
        self.banner.setStyleSheet("#mapFocusBanner{background:#fff4d6;border-bottom:1px solid #e0c56e}")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.back_button = QPushButton("Back to all offences")
        self.back_button.clicked.connect(self.back_to_all)
        banner = QHBoxLayout(self.banner)
        banner.setContentsMargins(10, 4, 10, 4)
        banner.addWidget(self.banner_text, 1)
        banner.addWidget(self.back_button)
        self.banner.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addLayout(tools)
        layout.addWidget(self.banner)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.status)
        self.binding = bind(self, self.state)
        self._fill_boroughs()

        session.selection_changed.connect(self._on_selection)
        session.changed.connect(self._on_changed)
        self.load_boundaries()
        self.load_basemap()
        self.reload()

    @staticmethod
    def _separator() -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.VLine)
        line.setStyleSheet("color:#ccd")
        return line

    # -- data ---------------------------------------------------------------------
    def _fill_boroughs(self) -> None:
        """List the store's boroughs, keeping the chosen one while it is still there."""
        self.borough.blockSignals(True)
        self.borough.clear()
        self.borough.addItem(ALL_BOROUGHS, None)
        for name in area_names(self.session.store, "borough"):
            self.borough.addItem(name, name)
        self.borough.blockSignals(False)
        self.binding.update(borough=self.state.borough if self.borough.findData(self.state.borough) > 0 else None)

    def current_filter(self) -> OffenceFilter:
        """The offences shown: a "Show on map" subset, else those of :attr:`state`."""
        if self.focus is not None:
            return OffenceFilter(ids=self.focus.ids)
        return self.state.offence_filter()

    def load_boundaries(self) -> None:
        store = self.session.store
        self.canvas.set_boundaries(load_boundaries(store, "borough"), load_boundaries(store, "ward"))
        self.canvas.zoom_to_all()

    def load_basemap(self) -> None:
        """The street map and street names (an imported basemap and/or the labels built
        from police.uk locations), with their attribution."""
        store = self.session.store
        self.canvas.set_basemap(load_features(store), " · ".join(attributions(store)))
        names = sorted({f.name for f in named_features(store) if f.name}, key=str.casefold)
        completer = QCompleter(names, self.street)
        completer.setCaseSensitivity(Qt.CaseInsensitive)
        completer.setFilterMode(Qt.MatchContains)
        completer.activated.connect(self.go_to_street)
        self.street.setCompleter(completer)

    def go_to_street(self, text: str) -> list:
        """Zoom to the street called ``text`` (the busiest place of that name; the status
        bar names the others); returns the streets found."""
        found = find_streets(text, named_features(self.session.store), limit=5) if text.strip() else []
        if not found:
            self.status.setText(f"No street matches {text!r}" if text.strip() else "")
            return []
        best = found[0]
        minx, miny, maxx, maxy = best.bounds
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        half = max(maxx - minx, maxy - miny, 1000.0) / 2
        self.canvas.zoom_to((cx - half, cy - half, cx + half, cy + half), margin=0.15)
        elsewhere = sum(s.name == best.name for s in found[1:])
        self.status.setText(f"{best.name}" + (f" (the busiest of {elsewhere + 1} places of that name)"
                                              if elsewhere else ""))
        return found

    def show_subset(self, focus: MapFocus) -> None:
        """Filter the map to ``focus``'s offences: the filter bar shows their category
        and period, a banner says what is shown with "Back to all offences", and risk
        zones or hotspots are drawn on top."""
        self.focus = focus
        info = load_frame(self.session.store, OffenceFilter(ids=focus.ids), ("category", "committed_from",
                                                                              "committed_to"))
        if len(info):
            end = info["committed_to"].fillna(info["committed_from"]).max()
            self.binding.update(category=_common_category(info["category"]),
                                date_from=info["committed_from"].min().date(), date_to=end.date())
        self.binding.update(borough=None)
        self.banner_text.setText(f"<b>{focus.title or 'Selected offences'}</b>: {len(focus.ids):,} offences "
                                 f"({self.category.currentText().lower()}, {_span(self.state)}) and nothing else."
                                 + (" Risk zones on top." if focus.risk_zones else ""))
        self.banner.show()
        self.reload()

    def back_to_all(self) -> None:
        """Leave a "Show on map" view: every offence of the store's whole period again."""
        self.focus = None
        self.banner.hide()
        lo, hi = _store_dates(self.session.store)
        self.binding.update(category=None, borough=None, date_from=lo, date_to=hi)
        self._zoomed_to_data = False
        self.reload()

    def reload(self) -> None:
        """Load the offences matching the filter bar on a worker thread. Only the latest
        load is shown: an earlier one that finishes later (the whole store while a "Show on
        map" subset is already in) is dropped."""
        flt = self.current_filter()
        self._loads += 1
        load = self._loads

        def work(store, progress, cancelled):
            progress(0.1, "reading offences")
            frame = load_frame(store, flt, POINT_COLUMNS)
            progress(1.0, f"{len(frame):,} offences")
            return frame

        def done(frame: pd.DataFrame) -> None:
            if load == self._loads:
                self.set_offences(frame)

        self.status.setText("Loading offences…")
        self._track(run_job(self, "Loading offences", work, session=self.session, on_done=done, modal=False))

    def set_offences(self, frame: pd.DataFrame) -> None:
        """Show these offences (columns of :data:`POINT_COLUMNS` plus ``id``)."""
        self.frame = frame
        present = frame["category"].value_counts()
        self.colours = style.category_colours(present.index)
        order = sorted(self.colours)
        codes = pd.Categorical(frame["category"], categories=order).codes
        self.canvas.set_points(frame["id"].to_numpy(), frame["easting"].to_numpy(), frame["northing"].to_numpy(),
                               codes, [self.colours[c] for c in order])
        if self.canvas.points.count and not self._zoomed_to_data:
            self._zoomed_to_data = True
            self.canvas.zoom_to_all()
        self.analysis = None
        self.canvas.set_surface(None)
        self.canvas.set_gi(None)
        self.canvas.set_hotspots(self.focus.hotspots if self.focus else [])
        self.canvas.set_risk_zones(self.focus.risk_zones if self.focus else [])
        if self.focus is not None:
            self.session.select("offence", self.focus.ids, origin="map")
            bbox = self.focus.bbox
            if bbox is None and len(frame):
                bbox = (frame["easting"].min(), frame["northing"].min(), frame["easting"].max(),
                        frame["northing"].max())
            if bbox is not None:
                self.canvas.zoom_to(tuple(float(v) for v in bbox), margin=0.3)
        self._highlight(self.session.selection)
        self._update_legend()
        self._update_status()

    def compute_hotspots(self) -> None:
        """KDE or Gi* of the offences shown, with hotspot polygons, off the UI thread."""
        if self.frame.empty:
            QMessageBox.information(self, "Hotspots", "There are no offences on the map to analyse.")
            return
        frame, state = self.frame, replace(self.state)

        def work(store, progress, cancelled):
            return map_hotspots(store, frame, state, JobControl(progress, cancelled))

        self._track(run_job(self, "Finding hotspots", work, session=self.session, on_done=self.show_hotspots))

    def show_hotspots(self, analysis) -> None:
        """Draw a :class:`MapHotspots`."""
        self.analysis = analysis
        grid = analysis.surface.grid
        if analysis.method != "gi":
            rgba, top = style.density_rgba(analysis.surface.density)
            self.canvas.set_surface(rgba, grid)
            self.canvas.set_gi(None)
            self._ramp = ("Density (offences per km²)", top)
        else:
            self._gi_drawn = np.where(analysis.surface.mask, analysis.surface.classes, 0)
            self.canvas.set_gi(style.classes_rgba(self._gi_drawn), grid)
            self.canvas.set_surface(None)
            self._ramp = None
        self.canvas.set_hotspots(list(analysis.polygons.geometry))
        self.patp_button.setEnabled(len(analysis.polygons) > 0)
        self._update_legend()
        self.status.setText(" · ".join([f"Study area: {analysis.study}", analysis.settings, *analysis.warnings]))
        self.status.setToolTip(self.status.text())

    def hotspot_labels(self) -> list[str]:
        """The hotspots found, as offered when choosing one for a PATP (offences shown inside, area)."""
        x, y = self.frame["easting"].to_numpy(float), self.frame["northing"].to_numpy(float)
        return [f"Hotspot {n}: {int(shapely.contains_xy(polygon, x, y).sum())} offences shown, "
                f"{polygon.area / 1e4:.0f} ha"
                for n, polygon in enumerate(self.analysis.polygons.geometry, 1)]

    def new_patp_from_hotspot(self, index: int | None = None) -> None:
        """Draft a PATP from one hotspot (asked for unless ``index`` is given): the offences of the
        map's category inside it in the map's period, as ``workbench patp create --from-hotspot``."""
        if self.analysis is None or not len(self.analysis.polygons):
            return
        if index is None:
            labels = self.hotspot_labels()
            choice, ok = QInputDialog.getItem(self, "New PATP", "Hotspot:", labels, 0, False)
            if not ok:
                return
            index = labels.index(choice)
        polygon = self.analysis.polygons.geometry.iloc[index]
        category, flt = self.state.category, self.state.offence_filter()
        centre = polygon.centroid
        inside = self.frame[shapely.contains_xy(polygon, self.frame["easting"].to_numpy(float),
                                                self.frame["northing"].to_numpy(float))]
        what = cats.LABELS.get(category, category) if category else "Offending"
        wards = inside["ward"].dropna().mode() if "ward" in inside else []
        title = f"{what} hotspot" + (f" in {wards.iloc[0]}" if len(wards) else f" at {centre.x:.0f},{centre.y:.0f}")
        open_new_patp(self, lambda store: problem_from_hotspot(
            store, polygon, date_from=flt.date_from, date_to=flt.date_to, categories=flt.categories,
            title=title, ref=f"{centre.x:.0f},{centre.y:.0f}"), f"hotspot {index + 1}")

    # -- selection ----------------------------------------------------------------
    def _on_map_selection(self, ids) -> None:
        self.session.select("offence", [int(i) for i in ids], origin="map")

    def _on_selection(self, selection: Selection) -> None:
        self._highlight(selection)

    def _highlight(self, selection: Selection) -> None:
        if selection.kind == "offence":
            self.canvas.points.select_ids(selection.ids)
        self._update_status()

    # -- layers, legend, status ---------------------------------------------------
    def _layers_changed(self) -> None:
        shown = {k: b.isChecked() for k, b in self.layer_boxes.items()}
        self.canvas.basemap.setVisible(shown["streets"])
        self.canvas.place_labels()
        for item in (self.canvas.boroughs_item, self.canvas.wards_item, *self.canvas.labels):
            item.setVisible(shown["boundaries"])
        self.canvas.points.setVisible(shown["offences"])
        self.canvas.surface_item.setVisible(shown["surface"])
        self.canvas.gi_item.setVisible(shown["gi"])
        self.canvas.hotspots_item.setVisible(shown["hotspots"])
        self.canvas.risk_item.setVisible(shown["risk"])
        self._update_legend()

    def _update_legend(self) -> None:
        shown = {k: b.isChecked() for k, b in self.layer_boxes.items()}
        legend = Legend(title=self._title())
        counts = self.frame["category"].value_counts() if not self.frame.empty else pd.Series(dtype=int)
        if shown["offences"]:
            legend.categories = [(self.colours[c], f"{cats.LABELS.get(c, c)} ({n:,})")
                                 for c, n in counts.head(LEGEND_CATEGORIES).items()]
            if len(counts) > LEGEND_CATEGORIES:
                legend.categories.append((QColor(style.MORE_CATEGORIES), f"{len(counts) - LEGEND_CATEGORIES} more categories"))
        if self.analysis is not None:
            if self.analysis.method != "gi" and shown["surface"]:
                legend.ramp = getattr(self, "_ramp", None)
            if self.analysis.method == "gi" and shown["gi"]:
                legend.classes = style.gi_legend(self._gi_drawn)
            if shown["hotspots"] and len(self.analysis.polygons):
                legend.lines.append((QColor(style.HOTSPOT_PEN),
                                     f"Hotspot areas (top {self.analysis.coverage:.0%} of the area)"))
        if shown["risk"] and not self.canvas.risk_item.path().isEmpty():
            legend.lines.append((QColor(style.RISK_ZONE), "Near-repeat risk zones"))
        self.canvas.legend = legend
        self.canvas.title = self._title()
        self.canvas.viewport().update()

    def _title(self) -> str:
        return f"{self.category.currentText()}, {_span(self.state)}"

    def _update_status(self) -> None:
        chosen = int(self.canvas.points.selected.sum()) if self.canvas.points.count else 0
        scale = scale_denominator(self.canvas)
        text = f"{self.canvas.points.count:,} offences on the map"
        if chosen:
            text += f" · {chosen:,} selected"
        if np.isfinite(scale):
            text += f" · about 1:{scale:,.0f}"
        self.status.setText(text)

    def _on_changed(self, changed: Changed) -> None:
        if changed.kind == "boundaries":
            self.load_boundaries()
        if changed.kind in ("basemap", "offences"):
            self.load_basemap()
        if changed.kind in ("offences", "boundaries"):
            self._fill_boroughs()
        if changed.kind in ("offences", "boundaries"):
            lo, hi = _store_dates(self.session.store)
            self.binding.update(date_from=lo, date_to=hi)
            self.reload()

    # -- export -------------------------------------------------------------------
    def export_png(self, path: str | None = None) -> str | None:
        """Save the map as shown (legend, scale bar, north arrow) as a PNG with the marking in
        bands top and bottom, through the map export service (audited); asks before replacing."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export map as PNG", "map.png", "PNG images (*.png)",
                                                  options=NO_DIALOG_CONFIRM)
            if not path:
                return None
        if not path.lower().endswith(".png"):
            path += ".png"
        force = ask_replace(self, [path])
        if force is None:
            return None
        image = self.canvas.viewport().grab().toImage()
        export_map_image(self.session.store, lambda marking: marked_png(image, marking), path, title=self._title(),
                         detail={"offences": self.canvas.points.count}, force=force)
        return path

    def export_gpkg(self, path: str | None = None):
        """Write the boundaries, offences shown and any hotspot layers to a GeoPackage
        through the export service (on a worker thread; returns the job, or None)."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "Export layers as GeoPackage", "map.gpkg",
                                                  "GeoPackage (*.gpkg)", options=NO_DIALOG_CONFIRM)
            if not path:
                return None
        if not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        force = ask_replace(self, [path])
        if force is None:
            return None
        frame, analysis, title = self.frame, self.analysis, self._title()

        def work(store, progress, cancelled):
            progress(0.1, "collecting layers")
            layers = {"boroughs": boundaries_frame(store, "borough"), "wards": boundaries_frame(store, "ward")}
            if not frame.empty:
                layers["offences"] = frame_of_points(frame, ["id", *POINT_COLUMNS])
            if analysis is not None:
                layers.update(analysis.layers())
            progress(0.4, "writing the GeoPackage")
            return export_geopackage(store, layers, path, detail={"title": title}, force=force)

        def done(written):
            self.status.setText(f"Wrote {', '.join(written)} to {Path(path).name}")

        return self._track(run_job(self, "Exporting GeoPackage", work, session=self.session, on_done=done))

    def _track(self, job):
        """Keep running jobs referenced (and forget finished ones)."""
        self.jobs = [j for j in self.jobs if j.running] + [job]
        return job


def map_hotspots(store, frame: pd.DataFrame, state: MapState, control: JobControl) -> MapHotspots:
    """Hotspots of the offences on the map by the settings of ``state`` (the CLI's rule: the
    study area is the chosen borough, else the boroughs holding the offences; KDE settings
    learned)."""
    from workbench.geo.cells import dissolve_cells
    from workbench.geo.hotspots import shape_warnings

    data = located(frame)
    study = study_area_for(store, data["borough"], state.boroughs())
    x, y = data["easting"].to_numpy(float), data["northing"].to_numpy(float)
    found = hotspot_cells(x, y, event_days(data), clip=study.geometry, control=control.sub(0.0, 0.8),
                          **state.hotspot_arguments())
    control.report(0.8, "drawing hotspot areas")
    polygons = dissolve_cells(found.surface.grid, found.selected, found.surface.score)
    in_hot = found.surface.grid.sample(found.selected, x, y, outside=False).astype(bool)
    settings = found.settings.describe() if found.settings else "Gi* on the rule-of-thumb cell and distance band"
    return MapHotspots(found.method, found.surface, polygons, state.coverage,
                       found.warnings + shape_warnings(in_hot, polygons, study.areas), settings, study.describe())


def marked_png(image: QImage, marking: str) -> bytes:
    """``image`` with a band above and below carrying ``marking``, as PNG bytes (the
    marking also in the PNG's text chunks)."""
    band = 26
    out = QImage(image.width(), image.height() + 2 * band, QImage.Format_ARGB32)
    out.fill(QColor("white"))
    painter = QPainter(out)
    painter.drawImage(0, band, image)
    font = QFont()
    font.setPixelSize(14)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    for top in (0, image.height() + band):
        painter.drawText(QRect(0, top, out.width(), band), Qt.AlignCenter, marking)
    painter.end()
    out.setText("Warning", marking)
    out.setText("Description", f"Security marking: {marking}")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    out.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def create_view(session: Session, parent=None) -> MapView:
    return MapView(session, parent)


def _common_category(categories: pd.Series) -> str | None:
    """The one category (or crime group) all these offences share, else None (all)."""
    present = set(categories.dropna())
    if len(present) == 1:
        return present.pop()
    groups = [g for g in cats.COARSE if present <= set(cats.expand([g]))]
    return groups[0] if groups else None


def show_offences_on_map(session: Session, ids, parent: QWidget) -> None:
    """The Offences table's "Show on map": the Map filtered to the chosen offences."""
    show_on_map(parent, ids, title="Offences chosen in the table")


register_offence_action("Show on map", show_offences_on_map)
