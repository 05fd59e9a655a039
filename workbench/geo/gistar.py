"""Getis-Ord Gi* hot and cold spots on grid-cell counts.

Each study-area cell's neighbourhood is every study-area cell whose centre lies within
``distance_band`` metres of its centre, *including the cell itself* (that is the star).
With binary weights the statistic is (Getis & Ord 1995)::

    Gi* = (sum_j w_ij x_j - xbar * W_i) / (s * sqrt((n * W_i - W_i^2) / (n - 1)))

where ``W_i`` is the number of neighbours, ``xbar`` and ``s`` are the mean and the
(population) standard deviation of the counts over the ``n`` study cells. This is the
z-score ``esda.G_Local(y, w, transform="B", star=True).Zs`` gives, computed here by two
FFT convolutions instead of a weights matrix, so a whole city at 100 m runs in a second.

p-values are two-sided normal; ``p_fdr`` are Benjamini-Hochberg adjusted over the study
cells (Gi* tests every cell, so without a correction about 10% of cells in random data
would be "90% hot/cold spots"). Classes: +3/+2/+1 for 99/95/90% hot spots, -1/-2/-3 for
cold spots, 0 otherwise; with ``fdr=True`` (default) the classes use ``p_fdr``, otherwise
the raw p (i.e. the +-1.65/1.96/2.58 z bins).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from scipy.signal import fftconvolve
from scipy.stats import false_discovery_control, norm

from workbench.errors import BadInput
from workbench.geo.cells import cells_frame, dissolve_cells, top_share
from workbench.geo.defaults import CONFIDENCE, COVERAGE
from workbench.geo.grid import Grid, auto_bandwidth, study_grid

CONFIDENCE_LEVELS = {0.90: 1, 0.95: 2, 0.99: 3}


def band_stencil(distance_band: float, cell: float) -> np.ndarray:
    """1 for the cells whose centre is within ``distance_band`` of the middle cell."""
    reach = int(np.floor(distance_band / cell + 1e-9))
    offsets = np.arange(-reach, reach + 1) * cell
    dx, dy = np.meshgrid(offsets, offsets)
    return (np.hypot(dx, dy) <= distance_band + 1e-9).astype(float)


def _neighbour_sum(values: np.ndarray, stencil: np.ndarray) -> np.ndarray:
    out = fftconvolve(values, stencil, mode="same")
    return np.round(out, 6)


@dataclass
class GiStarResult:
    """Getis-Ord Gi* z-scores on a grid.

    Attributes
    ----------
    z, p, p_fdr : ndarray (nrows, ncols)
        z-score, two-sided p-value and its Benjamini-Hochberg adjustment per cell; NaN
        outside the study area. Row 0 is the north.
    classes : ndarray of int8
        +3/+2/+1 hot spot at 99/95/90% confidence, -1/-2/-3 cold spot, 0 not
        significant or outside the study area.
    counts : ndarray
        Offences per cell.
    neighbours : ndarray
        Number of study cells in each cell's distance band (itself included).
    grid : Grid
    mask : ndarray of bool
        True for study-area cells.
    distance_band, cell : float
        Metres.
    fdr : bool
        Whether ``classes`` use the FDR-adjusted p-values.
    warnings : list of str
    """

    z: np.ndarray
    p: np.ndarray
    p_fdr: np.ndarray
    classes: np.ndarray
    counts: np.ndarray
    neighbours: np.ndarray
    grid: Grid
    mask: np.ndarray
    distance_band: float
    cell: float
    fdr: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def score(self) -> np.ndarray:
        """The value hotspots are ranked on (the z-score)."""
        return self.z

    def hot(self, confidence: float = CONFIDENCE) -> np.ndarray:
        """Cells that are hot spots at ``confidence`` (0.90, 0.95 or 0.99) or more."""
        return self.classes >= _level(confidence)

    def hotspot_mask(self, coverage: float = COVERAGE, confidence: float = CONFIDENCE) -> np.ndarray:
        """Hot-spot cells at ``confidence``, the highest z-scores first, up to
        ``coverage`` of the study area (fewer if fewer cells are significant)."""
        return top_share(self.z, self.mask, coverage, eligible=self.hot(confidence))

    def hotspot_polygons(self, coverage: float = COVERAGE, confidence: float = CONFIDENCE) -> gpd.GeoDataFrame:
        """:meth:`hotspot_mask` as polygons, largest first; ``max_score`` is the peak z."""
        return dissolve_cells(self.grid, self.hotspot_mask(coverage, confidence), self.z)

    def cells(self) -> gpd.GeoDataFrame:
        """Study-area cells with offences or a significant class, as square polygons."""
        keep = self.mask & ((self.counts > 0) | (self.classes != 0))
        return cells_frame(self.grid, {"count": self.counts, "z": self.z, "p": self.p,
                                       "p_fdr": self.p_fdr, "gi_class": self.classes}, keep)


def _level(confidence: float) -> int:
    for conf, level in CONFIDENCE_LEVELS.items():
        if abs(conf - confidence) < 1e-9:
            return level
    raise BadInput("confidence must be 0.90, 0.95 or 0.99")


def gi_star(data, *, grid: Grid | None = None, cell: float | None = None,
            distance_band: float | None = None, clip=None, mask: np.ndarray | None = None,
            fdr: bool = True) -> GiStarResult:
    """Getis-Ord Gi* on grid-cell counts.

    Parameters
    ----------
    data : ndarray (nrows, ncols) or (easting, northing)
        Either counts already on ``grid`` (``grid`` required), or a pair of coordinate
        arrays (BNG metres) to count on a grid covering ``clip`` (else the points).
    grid : Grid, optional
    cell : float, optional
        Cell size for counting points (default: the automatic rule of
        :mod:`workbench.geo.grid`).
    distance_band : float, optional
        Neighbourhood radius in metres (centre to centre). Default: the automatic KDE
        bandwidth of the points, at least 1.5 cells (every cell then has its 8
        neighbours); 3 cells for counts given directly.
    clip : shapely geometry, optional
        The study area: only cells whose centre is inside it are tested.
    mask : ndarray of bool, optional
        The study cells, instead of ``clip``.
    fdr : bool
        Class cells on FDR-adjusted p-values (default) rather than raw ones.
    """
    warnings: list[str] = []
    if isinstance(data, np.ndarray) and data.ndim == 2:
        if grid is None or grid.shape != data.shape:
            raise ValueError("counts on a grid need the grid they are on")
        counts = data.astype(float)
        default_band = 3 * grid.cell
    else:
        easting, northing = (np.asarray(a, float) for a in data)
        ok = np.isfinite(easting) & np.isfinite(northing)
        easting, northing = easting[ok], northing[ok]
        if grid is None:
            grid = study_grid(easting, northing, cell=cell, clip=clip)
        counts = grid.count(easting, northing)
        default_band = max(auto_bandwidth(easting, northing, cell=grid.cell), 1.5 * grid.cell)
    band = float(distance_band or default_band)
    if band < grid.cell:
        warnings.append(f"the distance band ({band:g} m) is smaller than the cell size "
                        f"({grid.cell:g} m): each cell is compared with itself only")
    if mask is None:
        mask = grid.inside(clip)
    counts = np.where(mask, counts, 0.0)
    inside = mask.astype(float)
    stencil = band_stencil(band, grid.cell)
    local = _neighbour_sum(counts, stencil)
    weights = _neighbour_sum(inside, stencil)
    n = int(mask.sum())
    values = counts[mask]
    mean = values.mean() if n else 0.0
    sd = values.std() if n else 0.0
    denom = sd * np.sqrt(np.clip(n * weights - weights ** 2, 0.0, None) / max(n - 1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(denom > 0, (local - mean * weights) / denom, 0.0)
    if sd == 0:
        warnings.append("every cell has the same count: there are no hot or cold spots")
    z[~mask] = np.nan
    p = np.full(grid.shape, np.nan)
    p[mask] = 2.0 * norm.sf(np.abs(z[mask]))
    p_fdr = np.full(grid.shape, np.nan)
    if n:
        p_fdr[mask] = false_discovery_control(p[mask], method="bh")
    test = p_fdr if fdr else p
    classes = np.zeros(grid.shape, np.int8)
    for level, alpha in ((1, 0.10), (2, 0.05), (3, 0.01)):
        sig = mask & (test <= alpha)
        classes[sig & (z > 0)] = level
        classes[sig & (z < 0)] = -level
    return GiStarResult(z=z, p=p, p_fdr=p_fdr, classes=classes, counts=counts,
                        neighbours=np.where(mask, weights, 0.0), grid=grid, mask=mask,
                        distance_band=band, cell=grid.cell, fdr=fdr, warnings=warnings)
