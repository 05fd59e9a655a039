"""Colours of the map: offence categories, the density ramp and Gi* classes.

Category colours follow a qualitative palette that stays distinguishable for the common
forms of colour blindness (Okabe-Ito first, then Tableau); the density ramp is
yellow-orange-red, the convention analysts know from ArcGIS and QGIS heat maps.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from PySide6.QtGui import QColor

from workbench.domain.categories import ALL, COARSE, SEXUAL

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7f3c8d", "#F0E442",
           "#4e79a7", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#bab0ac", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e")

#: Gi* class (+3..-3) -> colour: hot spots red, cold spots blue, as ArcGIS draws them.
GI_COLOURS = {3: "#b2182b", 2: "#ef8a62", 1: "#fddbc7", -1: "#d1e5f0", -2: "#67a9cf", -3: "#2166ac"}
GI_LABELS = {3: "Hot spot, 99% confidence", 2: "Hot spot, 95%", 1: "Hot spot, 90%",
             -1: "Cold spot, 90%", -2: "Cold spot, 95%", -3: "Cold spot, 99%"}

#: The legend's swatch for the categories it has no room to list.
MORE_CATEGORIES = "#999999"
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
    "violence": "#C0392B", "anti-social-behaviour": "#6B8E23", "theft-from-person": "#E69F00",
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


#: Further categories of a family are its hue mixed towards black or white by one of these
#: amounts: whichever shade lies furthest from every colour already given out, so
#: residential and business burglary (say) read as clearly different shades of one hue.
#: (The map's light background counts as a colour given out, so pale shades that would
#: vanish into it lose.)
SHADES = (("black", 0.3), ("black", 0.45), ("black", 0.6), ("white", 0.3), ("white", 0.45), ("white", 0.6))
#: Spare palette colours closer than this (CIE76 ΔE) to a family colour are not used.
SPARE_DISTANCE = 25.0


def lab(colour) -> np.ndarray:
    """A colour (QColor or ``#rrggbb``) in CIE L*a*b* (D65)."""
    c = QColor(colour)
    rgb = np.array([c.redF(), c.greenF(), c.blueF()])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def colour_distance(a, b) -> float:
    """How far apart two colours look: CIE76 ΔE (about 2 is just noticeable; above 20
    they read as different colours at a glance)."""
    return float(np.linalg.norm(lab(a) - lab(b)))


def _mix(base: str, target: str, amount: float) -> QColor:
    colour = QColor(base)
    towards = 0 if target == "black" else 255
    return QColor(*(round(v + (towards - v) * amount) for v in (colour.red(), colour.green(), colour.blue())))


def _family_rank(category: str) -> tuple:
    """Order within a family: the police.uk (coarse) category first, then the fine ones as
    the specification lists them, so a category's shade never depends on which others
    happen to be on the map."""
    known = ALL.index(category) if category in ALL else len(ALL)
    return (category not in COARSE, known, category)


def category_colours(categories) -> dict[str, QColor]:
    """A stable colour per category: its family's hue, then for each further category of
    the family the shade of :data:`SHADES` furthest from every colour given out before
    (shades are worked out for every known category, so a category's colour never depends
    on which others are on the map); categories with no family take the next unused
    colour of :data:`PALETTE` that is not close to a family colour."""
    colours: dict[str, QColor] = {}
    given = list(FAMILY_COLOURS.values())
    spare = iter([c for c in PALETTE if min(colour_distance(c, f) for f in given) >= SPARE_DISTANCE] * 2)
    wanted = set(categories)
    members: dict[str, set[str]] = {family: set() for family in FAMILY_COLOURS}
    for category in sorted(wanted | set(ALL)):
        family = _family(category)
        if family in members:
            members[family].add(category)
        elif category in wanted:
            colours[category] = QColor(next(spare))
    taken = [lab(c) for c in (*given, BACKGROUND)]
    for family, names in members.items():
        base = FAMILY_COLOURS[family]
        for n, category in enumerate(sorted(names, key=_family_rank)):
            colour = QColor(base) if n == 0 else max(
                (_mix(base, target, amount) for target, amount in SHADES),
                key=lambda c: min(float(np.linalg.norm(lab(c) - t)) for t in taken))
            if n:
                taken.append(lab(colour))
            if category in wanted:
                colours[category] = colour
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


def gi_legend(classes: np.ndarray) -> list[tuple[QColor, str]]:
    """Legend entries for the Gi* classes present in ``classes`` (hot first), the ones
    :func:`classes_rgba` draws: a class that no cell has is not listed."""
    present = set(np.unique(classes).tolist())
    return [(QColor(GI_COLOURS[k]), GI_LABELS[k]) for k in sorted(GI_COLOURS, reverse=True) if k in present]


def classes_rgba(classes: np.ndarray, *, alpha: float = 0.75) -> np.ndarray:
    """Gi* classes as RGBA pixels (not significant = transparent)."""
    rgba = np.zeros(classes.shape + (4,), np.uint8)
    for value, colour in GI_COLOURS.items():
        c = QColor(colour)
        rgba[classes == value] = (c.red(), c.green(), c.blue(), int(alpha * 255))
    return rgba
