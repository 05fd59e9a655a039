"""Colours of the map: offence categories, the density ramp and Gi* classes.

Category colours follow a qualitative palette that stays distinguishable for the common
forms of colour blindness (Okabe-Ito first, then Tableau); the density ramp is
yellow-orange-red, the convention analysts know from ArcGIS and QGIS heat maps.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from PySide6.QtGui import QColor

from workbench.domain.categories import SEXUAL

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7f3c8d", "#F0E442",
           "#4e79a7", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")

#: Gi* class (+3..-3) -> colour: hot spots red, cold spots blue, as ArcGIS draws them.
GI_COLOURS = {3: "#b2182b", 2: "#ef8a62", 1: "#fddbc7", -1: "#d1e5f0", -2: "#67a9cf", -3: "#2166ac"}
GI_LABELS = {3: "Hot spot, 99% confidence", 2: "Hot spot, 95%", 1: "Hot spot, 90%",
             -1: "Cold spot, 90%", -2: "Cold spot, 95%", -3: "Cold spot, 99%"}

BOROUGH_PEN = "#24313f"
WARD_PEN = "#b9c2cc"
HOTSPOT_PEN = "#c0392b"
SELECTION = "#ffd400"
BACKGROUND = "#f4f2ee"
RISK_ZONE = "#8e44ad"


#: One hue per crime family, so a family reads as one colour on the map whether the
#: source said "burglary" (police.uk) or "burglary-residential" (force records); the
#: families are the ones analysts scan for, in hues that stay apart for colour-blind readers.
FAMILY_COLOURS = {
    "burglary": "#D55E00", "robbery": "#CC79A7", "vehicle": "#0072B2", "sexual": "#7B2D8E",
    "violence": "#C0392B", "anti-social-behaviour": "#8C8C8C", "theft-from-person": "#E69F00",
    "other-theft": "#009E73", "shoplifting": "#56B4E9", "criminal-damage": "#8C564B",
    "drugs": "#F0E442", "public-order": "#B8860B", "bicycle-theft": "#17BECF",
    "possession-of-weapons": "#222222",
}


def _family(category: str) -> str:
    if category in SEXUAL:
        return "sexual"
    if category.startswith("violence"):
        return "violence"
    for family in ("burglary", "robbery"):
        if category.startswith(family):
            return family
    if category in ("vehicle-crime", "theft-from-vehicle", "theft-of-vehicle"):
        return "vehicle"
    return category


def category_colours(categories) -> dict[str, QColor]:
    """A stable colour per category: its family's hue, a lighter or darker shade for
    each further category of the same family; categories with no family take the next
    unused colour of :data:`PALETTE`."""
    colours: dict[str, QColor] = {}
    shades: dict[str, int] = {}
    taken = {c.lower() for c in FAMILY_COLOURS.values()}
    spare = iter([c for c in PALETTE if c.lower() not in taken] * 2)
    for category in sorted(categories):
        family = _family(category)
        base = FAMILY_COLOURS.get(family)
        if base is None:
            colours[category] = QColor(next(spare))
            continue
        n = shades.get(family, 0)
        shades[family] = n + 1
        colour = QColor(base)
        colours[category] = colour if n == 0 else (colour.lighter(100 + 35 * n) if n % 2 else colour.darker(100 + 25 * n))
    return colours


def ramp(name: str = "YlOrRd", n: int = 256) -> np.ndarray:
    """A colour ramp as an (n, 4) uint8 RGBA lookup table."""
    return (colormaps[name](np.linspace(0.0, 1.0, n)) * 255).round().astype(np.uint8)


def density_rgba(density: np.ndarray, *, alpha: float = 0.7, floor: float = 0.02) -> tuple[np.ndarray, float]:
    """A density surface as RGBA pixels and the value at the top of the ramp.

    The ramp is stretched to the 99.5th percentile of positive cells (one extreme cell
    would otherwise wash everything else out); cells below ``floor`` of that, zero or
    NaN are transparent so the boundaries show through.
    """
    values = np.nan_to_num(density, nan=0.0)
    positive = values[values > 0]
    top = float(np.percentile(positive, 99.5)) if positive.size else 1.0
    scaled = np.clip(values / top, 0.0, 1.0)
    lut = ramp()
    rgba = lut[(scaled * 255).astype(np.int64)].copy()
    rgba[..., 3] = np.where(scaled > floor, (alpha * 255 * np.sqrt(np.clip(scaled * 4, 0, 1))).astype(np.uint8), 0)
    return np.ascontiguousarray(rgba), top


def classes_rgba(classes: np.ndarray, *, alpha: float = 0.75) -> np.ndarray:
    """Gi* classes as RGBA pixels (not significant = transparent)."""
    rgba = np.zeros(classes.shape + (4,), np.uint8)
    for value, colour in GI_COLOURS.items():
        c = QColor(colour)
        rgba[classes == value] = (c.red(), c.green(), c.blue(), int(alpha * 255))
    return rgba
