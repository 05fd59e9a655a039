"""The Map: boundaries, offences (clustered when dense), the KDE surface, Gi* cells and
hotspot polygons, drawn natively in Qt with no internet.

Offences load and hotspots compute on a worker thread (progress and Cancel); selecting
with the rectangle or polygon tool sends the offences to every view (the Offences table
narrows to them) and selections made elsewhere are ringed here. The current map exports
as a PNG (with legend, scale bar, north arrow and security marking) and the layers as a
GeoPackage for QGIS/ArcGIS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.app.session import Selection, Session
from workbench.app.state import MapState
from workbench.domain import categories as cats
from workbench.events import Changed
from workbench.geo.defaults import COVERAGE
from workbench.geo.gpkg import frame_of_points
from workbench.geo.hotspots import surface
from workbench.geo.map_export import export_geopackage, export_map_image
from workbench.store.boundaries import boundaries_frame, load_boundaries, study_area
from workbench.store.offences import OffenceFilter, date_range, load_frame
from workbench.ui.binding import bind
from workbench.ui.jobs import run_job
from workbench.ui.map import style
from workbench.ui.map.canvas import Legend, MapCanvas, scale_denominator
from workbench.ui.map.navigate import show_on_map
from workbench.ui.overwrite import NO_DIALOG_CONFIRM, ask_replace
from workbench.ui.views.offences_view import register_offence_action

TITLE = "Map"
ORDER = 20
LEGEND_CATEGORIES = 12
POINT_COLUMNS = ("offence_ref", "category", "committed_from", "easting", "northing", "borough", "ward")


@dataclass
class MapHotspots:
    """The hotspot layers on the map: a KDE or Gi* surface and its top-``coverage``
    hotspot polygons."""

    method: str
    surface: object
    polygons: object
    coverage: float
    warnings: list[str] = field(default_factory=list)

    def layers(self) -> dict:
        """GeoPackage layers: the surface cells and the hotspot polygons."""
        return {f"{self.method}_cells": self.surface.cells(), "hotspots": self.polygons}


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


def _store_dates(store) -> tuple[date, date]:
    # The end of the latest window: a police.uk month runs to its last day, not its first.
    lo, hi = date_range(store, to_end=True)
    if not lo:
        today = date.today()
        return today - timedelta(days=91), today
    return date.fromisoformat(lo[:10]), date.fromisoformat(hi[:10])


class MapView(QWidget):
    """The map tab (see the module docstring)."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("mapView")
        self.frame = pd.DataFrame()
        self.analysis = None
        self.colours: dict[str, QColor] = {}
        self._pending_focus: tuple[list[int], tuple | None] | None = None
        self._zoomed_to_data = False
        self.jobs: list = []

        self.canvas = MapCanvas(self)
        self.canvas.marking = session.store.setting("security_marking", "OFFICIAL-SENSITIVE")
        self.canvas.selected.connect(self._on_map_selection)
        self.canvas.zoomed.connect(self._update_status)

        date_from, date_to = _store_dates(session.store)
        self.state = MapState(date_from=date_from, date_to=date_to)
        self.category = QComboBox()
        self.category.setObjectName("category")
        self.category.addItem("All categories", None)
        for coarse in cats.COARSE:
            self.category.addItem(cats.LABELS[coarse] + " (all)", coarse)
        for fine in cats.FINE:
            self.category.addItem(cats.LABELS[fine], fine)
        self.date_from, self.date_to = _date_edit("date_from"), _date_edit("date_to")
        self.show_button = apply = QPushButton("Show")
        apply.setDefault(True)
        apply.clicked.connect(self.reload)

        self.method = QComboBox()
        self.method.setObjectName("method")
        self.method.addItem("KDE surface", "kde")
        self.method.addItem("Getis-Ord Gi*", "gi")
        self.hotspot_button = QPushButton("Find hotspots")
        self.hotspot_button.clicked.connect(self.compute_hotspots)

        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 0)
        for label, widget in (("Category", self.category), ("From", self.date_from), ("To", self.date_to)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(apply)
        bar.addSpacing(18)
        bar.addWidget(self._separator())
        bar.addWidget(QLabel("Hotspots"))
        bar.addWidget(self.method)
        bar.addWidget(self.hotspot_button)
        bar.addStretch(1)
        export_png = QPushButton("Export PNG…")
        export_png.clicked.connect(lambda: self.export_png())
        export_gpkg = QPushButton("Export GeoPackage…")
        export_gpkg.clicked.connect(lambda: self.export_gpkg())
        bar.addWidget(export_png)
        bar.addWidget(export_gpkg)

        tools = QHBoxLayout()
        tools.setContentsMargins(8, 2, 8, 2)
        self.tool_group = QButtonGroup(self)
        for mode, text, tip in (("pan", "✋ Pan", "Drag to pan; wheel to zoom"),
                                ("rect", "▭ Rectangle", "Drag a rectangle to select offences"),
                                ("polygon", "⬠ Polygon", "Click the corners, double-click to finish (Esc cancels)")):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setChecked(mode == "pan")
            button.setToolButtonStyle(Qt.ToolButtonTextOnly)
            button.clicked.connect(lambda _=False, m=mode: self.canvas.set_mode(m))
            self.tool_group.addButton(button)
            tools.addWidget(button)
        whole = QToolButton()
        whole.setText("Zoom to all")
        whole.clicked.connect(self.canvas.zoom_to_all)
        tools.addWidget(whole)
        tools.addSpacing(14)
        tools.addWidget(QLabel("Show:"))
        self.layer_boxes: dict[str, QCheckBox] = {}
        for key, text in (("boundaries", "Boundaries"), ("offences", "Offences"), ("surface", "Density"),
                          ("gi", "Gi* cells"), ("hotspots", "Hotspot areas"), ("risk", "Risk zones")):
            box = QCheckBox(text)
            box.setChecked(True)
            box.toggled.connect(self._layers_changed)
            self.layer_boxes[key] = box
            tools.addWidget(box)
        tools.addStretch(1)
        self.status = QLabel()
        self.status.setStyleSheet("color:#445")
        tools.addWidget(self.status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)

        self.binding = bind(self, self.state)
        session.selection_changed.connect(self._on_selection)
        session.changed.connect(self._on_changed)
        self.load_boundaries()
        self.reload()

    @staticmethod
    def _separator() -> QFrame:
        line = QFrame()
        line.setFrameShape(QFrame.VLine)
        line.setStyleSheet("color:#ccd")
        return line

    # -- data ---------------------------------------------------------------------
    def current_filter(self) -> OffenceFilter:
        return self.state.offence_filter()

    def load_boundaries(self) -> None:
        store = self.session.store
        self.canvas.set_boundaries(load_boundaries(store, "borough"), load_boundaries(store, "ward"))
        self.canvas.zoom_to_all()

    def reload(self) -> None:
        """Load the offences matching the filter bar on a worker thread."""
        flt = self.current_filter()

        def work(store, progress, cancelled):
            progress(0.1, "reading offences")
            frame = load_frame(store, flt, POINT_COLUMNS)
            progress(1.0, f"{len(frame):,} offences")
            return frame

        self.status.setText("Loading offences…")
        self._track(run_job(self, "Loading offences", work, session=self.session,
                            on_done=self.set_offences, modal=False))

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
        self.canvas.set_hotspots([])
        self._highlight(self.session.selection)
        self._update_legend()
        if self._pending_focus is not None:
            self.focus_offences(*self._pending_focus)
        self._update_status()

    def compute_hotspots(self) -> None:
        """KDE or Gi* of the offences shown, with hotspot polygons, off the UI thread."""
        if self.frame.empty:
            QMessageBox.information(self, "Hotspots", "There are no offences on the map to analyse.")
            return
        method = self.state.method
        frame = self.frame

        def work(store, progress, cancelled):
            progress(0.1, "computing the density surface" if method == "kde" else "computing Gi*")
            located = frame[np.isfinite(frame["easting"]) & np.isfinite(frame["northing"])]
            result = surface(located["easting"].to_numpy(), located["northing"].to_numpy(), method=method,
                             clip=study_area(store))
            progress(0.7, "drawing hotspot areas")
            return MapHotspots(method, result, result.hotspot_polygons(COVERAGE), COVERAGE, list(result.warnings))

        self._track(run_job(self, "Finding hotspots", work, session=self.session, on_done=self.show_hotspots))

    def show_hotspots(self, analysis) -> None:
        """Draw a :class:`MapHotspots`."""
        self.analysis = analysis
        grid = analysis.surface.grid
        if analysis.method == "kde":
            rgba, top = style.density_rgba(analysis.surface.density)
            self.canvas.set_surface(rgba, grid)
            self.canvas.set_gi(None)
            self._ramp = ("Density (offences per km²)", top)
        else:
            self.canvas.set_gi(style.classes_rgba(analysis.surface.classes), grid)
            self.canvas.set_surface(None)
            self._ramp = None
        self.canvas.set_hotspots(list(analysis.polygons.geometry))
        self._update_legend()
        if analysis.warnings:
            self.status.setText(" · ".join(analysis.warnings))

    def set_risk_zones(self, geometries) -> None:
        """Near-repeat risk zones to draw (from the Near repeat panel)."""
        self.canvas.set_risk_zones(list(geometries))
        self._update_legend()

    # -- selection ----------------------------------------------------------------
    def _on_map_selection(self, ids) -> None:
        self.session.select("offence", [int(i) for i in ids], origin="map")

    def _on_selection(self, selection: Selection) -> None:
        self._highlight(selection)

    def _highlight(self, selection: Selection) -> None:
        if selection.kind == "offence":
            self.canvas.points.select_ids(selection.ids)
        self._update_status()

    def focus_offences(self, ids: list[int], bbox=None) -> None:
        """Ring these offences and zoom to them (or to ``bbox``)."""
        if self.frame.empty and not self.canvas.points.count:
            self._pending_focus = (ids, bbox)
            return
        self._pending_focus = None
        self.session.select("offence", ids, origin="map")
        if bbox is None:
            rows = self.frame[self.frame["id"].isin(ids)]
            if rows.empty:
                return
            bbox = (rows["easting"].min(), rows["northing"].min(), rows["easting"].max(), rows["northing"].max())
        self.canvas.zoom_to(tuple(float(v) for v in bbox), margin=0.3)

    # -- layers, legend, status ---------------------------------------------------
    def _layers_changed(self) -> None:
        shown = {k: b.isChecked() for k, b in self.layer_boxes.items()}
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
                legend.categories.append((QColor("#999"), f"{len(counts) - LEGEND_CATEGORIES} more categories"))
        if self.analysis is not None:
            if self.analysis.method == "kde" and shown["surface"]:
                legend.ramp = getattr(self, "_ramp", None)
            if self.analysis.method == "gi" and shown["gi"]:
                legend.classes = [(QColor(style.GI_COLOURS[k]), style.GI_LABELS[k]) for k in (3, 2, 1, -1, -2, -3)]
            if shown["hotspots"] and len(self.analysis.polygons):
                legend.lines.append((QColor(style.HOTSPOT_PEN),
                                     f"Hotspot areas (top {self.analysis.coverage:.0%} of the area)"))
        if shown["risk"] and not self.canvas.risk_item.path().isEmpty():
            legend.lines.append((QColor(style.RISK_ZONE), "Near-repeat risk zones"))
        self.canvas.legend = legend
        self.canvas.title = self._title()
        self.canvas.viewport().update()

    def _title(self) -> str:
        category = self.category.currentText()
        span = f"{self.date_from.date().toString('dd/MM/yyyy')} to {self.date_to.date().toString('dd/MM/yyyy')}"
        return f"{category}, {span}"

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
        if changed.kind in ("offences", "boundaries"):
            self.state.date_from, self.state.date_to = _store_dates(self.session.store)
            self.binding.show()
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


def show_offences_on_map(session: Session, ids, parent: QWidget) -> None:
    """The Offences table's "Show on map": open the Map at the chosen offences."""
    show_on_map(parent, ids)


register_offence_action("Show on map", show_offences_on_map)
