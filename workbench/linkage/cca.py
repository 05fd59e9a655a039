"""Comparative case analysis (CCA): a matrix of offences x features showing why they link.

Rows are offences in time order; columns are when (window, day, time of day), where
(easting, northing, location type), each MO domain, and the victim and suspect
attributes. :func:`shared_cells` marks the cells that agree with the rest of the series
(the value most offences share, or a behaviour at least half of them share), which the
image colours. Exports, written through the release gate by
:func:`workbench.linkage.service.export_cca`: CSV (:func:`write_matrix_csv`) and
PNG/PDF/SVG (:func:`write_matrix_image`, matplotlib without a display).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.linkage.dataset import EPOCH, LinkageData
from workbench.linkage.series import common_mo
from workbench.release import Released, png_metadata, write_csv

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _stamp(days: float) -> pd.Timestamp:
    return pd.Timestamp(EPOCH + np.timedelta64(int(round(days * 86400)), "s"))


def _time_band(start: pd.Timestamp, end: pd.Timestamp) -> str:
    if (end - start) >= pd.Timedelta(hours=24):
        return "unknown (window over a day)"
    return f"{start:%H:%M}-{end:%H:%M}"


def cca_matrix(data: LinkageData, positions) -> pd.DataFrame:
    """The CCA matrix of the offences at ``positions`` (index: offence reference)."""
    ordered = sorted(positions, key=lambda p: (data.mid[p], p))
    rows = []
    for p in ordered:
        start, end = _stamp(data.t_from[p]), _stamp(data.t_to[p])
        row = {
            "offence": str(data.refs[p]),
            "category": str(data.category[p]),
            "from": f"{start:%Y-%m-%d %H:%M}",
            "to": f"{end:%Y-%m-%d %H:%M}",
            "day": DAY_NAMES[start.day_of_week] if (end - start) < pd.Timedelta(days=1) else "unknown",
            "time of day": _time_band(start, end),
            "easting": int(round(data.x[p])),
            "northing": int(round(data.y[p])),
            "location type": data.location_labels[data.location_type[p]] if data.location_type[p] >= 0 else "",
        }
        for domain in sorted(data.mo):
            row[f"mo {domain.replace('_', ' ')}"] = "; ".join(sorted(data.mo_sets(domain, p)))
        for attr in data.attributes:
            value = attr.values[p]
            if attr.numeric:
                text = "" if np.isnan(value) else f"{value:g}"
            else:
                text = attr.labels[value] if value >= 0 else ""
            row[f"{attr.kind} {attr.name.replace('_', ' ')}"] = text
        rows.append(row)
    frame = pd.DataFrame(rows).set_index("offence")
    # Columns empty for every offence of the selection say nothing: drop them.
    return frame.loc[:, [c for c in frame.columns if frame[c].astype(str).ne("").any()]]


def shared_cells(matrix: pd.DataFrame, data: LinkageData | None = None, positions=None) -> pd.DataFrame:
    """True where a cell agrees with the series: an MO cell sharing a behaviour recorded in
    at least half the offences, any other cell equal to the commonest non-empty value
    (if at least two offences have it). Easting/northing are never marked."""
    out = pd.DataFrame(False, index=matrix.index, columns=matrix.columns)
    common = common_mo(data, list(positions)) if data is not None and positions is not None else {}
    for col in matrix.columns:
        values = matrix[col].astype(str)
        if col in ("easting", "northing", "from", "to"):
            continue
        if col.startswith("mo "):
            domain = col[3:].replace(" ", "_")
            behaviours = set(common.get(domain, ()))
            out[col] = values.map(lambda v, b=behaviours: bool(b & set(v.split("; "))) if v else False)
            continue
        counts = values[values != ""].value_counts()
        if len(counts) and counts.iloc[0] >= 2:
            out[col] = values == counts.index[0]
    return out


def write_matrix_csv(released: Released, path: Path) -> None:
    """Write a released CCA matrix (body: ``(matrix, shared, title)``) as UTF-8 CSV (opens
    in Excel): the marking on the first line, every cell safe from formula injection."""
    matrix, _, title = released.body
    rows = [[ref, *["" if v is None else v for v in values]] for ref, values in zip(matrix.index, matrix.to_numpy())]
    write_csv(path, released, ["offence", *matrix.columns], rows, title=title)


def write_matrix_image(released: Released, path: Path) -> None:
    """Draw a released CCA matrix as a table image (PNG, or PDF/SVG by extension),
    marked top and bottom."""
    matrix, shared, title = released.body
    fig = matrix_figure(matrix, shared, title=title, marking=released.marking)
    metadata = png_metadata(released, title) if path.suffix.lower() == ".png" else {"Title": title}
    fig.savefig(path, dpi=130, bbox_inches="tight", metadata=metadata)


def matrix_figure(matrix: pd.DataFrame, shared: pd.DataFrame, *, title: str = "", marking: str = ""):
    """The matrix as a table figure: shared cells tinted, empty cells grey."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    cells = matrix.astype(str).map(lambda v: v if len(v) <= 28 else v[:27] + "\u2026")
    colours = np.where(shared.to_numpy(), "#cfe8cf", np.where(cells.to_numpy() == "", "#eeeeee", "#ffffff"))
    n_rows, n_cols = cells.shape
    fig = Figure(figsize=(max(8.0, 1.6 * (n_cols + 1)), max(2.0, 0.26 * (n_rows + 4))))
    ax = fig.add_subplot(111)
    ax.axis("off")
    table = ax.table(cellText=cells.to_numpy(), cellColours=colours, rowLabels=list(cells.index),
                     colLabels=list(cells.columns), loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(7)
    table.scale(1.0, 1.3)
    ax.set_title(title or "Comparative case analysis", fontsize=10, loc="left")
    fig.text(0.01, 0.02, "Green: shared with the series.  Grey: not recorded.", fontsize=7)
    if marking:
        fig.text(0.5, 1.0, marking, ha="center", va="bottom", fontsize=10, fontweight="bold")
        fig.text(0.5, -0.01, marking, ha="center", va="top", fontsize=10, fontweight="bold")
    return fig
