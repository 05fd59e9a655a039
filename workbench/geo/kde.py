"""Kernel density estimation (KDE) of offences on a British National Grid raster.

The surface is computed by *binning and convolution*, not a loop over points: the points
are spread onto the grid by linear binning (each point shares its weight among the four
nearest cell centres, so the position error is second order in the cell size), and the
binned counts are convolved with the discretised kernel by FFT
(:func:`scipy.signal.fftconvolve`). A million points on a borough grid take well under a
second.

Kernels (``d`` = distance, ``h`` = bandwidth):

* ``quartic`` (biweight, as in ArcGIS and CrimeStat): ``3 / (pi h^2) * (1 - d^2/h^2)^2``
  for ``d < h``; the bandwidth is the search radius.
* ``gaussian``: ``1 / (2 pi h^2) * exp(-d^2 / (2 h^2))``; the bandwidth is the standard
  deviation and the kernel is cut at ``4 h``.

The discrete kernel is scaled to sum to exactly one point per point, so the surface
always integrates to the number (or total weight) of offences. Density is in offences
per square kilometre. Cells outside the study area (``clip``) are NaN.

Example
-------
>>> import numpy as np
>>> from workbench.geo.kde import kde
>>> result = kde(np.array([500.0]), np.array([500.0]), cell=10, bandwidth=100)
>>> round(float(np.nansum(result.density)) * result.grid.cell_area / 1e6, 6)
1.0
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from scipy.signal import fftconvolve

from workbench.errors import BadInput
from workbench.geo.cells import cells_frame, dissolve_cells, top_share
from workbench.geo.defaults import COVERAGE, KERNEL
from workbench.geo.grid import Grid, auto_bandwidth, study_grid

KERNELS = ("quartic", "gaussian")
GAUSSIAN_CUT = 4.0
PER_KM2 = 1e6


def kernel_reach(kernel: str, bandwidth: float) -> float:
    """How far (metres) a kernel of this bandwidth reaches."""
    return bandwidth * (GAUSSIAN_CUT if kernel == "gaussian" else 1.0)


def kernel_values(kernel: str, distance: np.ndarray, bandwidth: float) -> np.ndarray:
    """The continuous kernel (per square metre) at ``distance`` metres."""
    u2 = (np.asarray(distance, float) / bandwidth) ** 2
    if kernel == "quartic":
        return np.where(u2 < 1.0, 3.0 / (np.pi * bandwidth ** 2) * (1.0 - u2) ** 2, 0.0)
    if kernel == "gaussian":
        return np.where(u2 <= GAUSSIAN_CUT ** 2, np.exp(-0.5 * u2) / (2.0 * np.pi * bandwidth ** 2), 0.0)
    raise BadInput(f"unknown kernel {kernel!r}; expected one of: {', '.join(KERNELS)}")


def kernel_stencil(kernel: str, bandwidth: float, cell: float) -> np.ndarray:
    """The kernel on a square of cells centred on one cell, scaled to sum to 1."""
    reach = int(np.ceil(kernel_reach(kernel, bandwidth) / cell))
    offsets = np.arange(-reach, reach + 1) * cell
    dx, dy = np.meshgrid(offsets, offsets)
    stencil = kernel_values(kernel, np.hypot(dx, dy), bandwidth)
    total = stencil.sum()
    if total <= 0:     # a kernel narrower than half a cell: all its mass in its own cell
        stencil = np.zeros_like(stencil)
        stencil[reach, reach] = 1.0
        return stencil
    return stencil / total


def linear_bin(grid: Grid, easting, northing, weights=None) -> np.ndarray:
    """Points spread onto ``grid`` by linear binning (weights shared among the four
    nearest cell centres); weight falling off the grid is dropped."""
    x = np.asarray(easting, float)
    y = np.asarray(northing, float)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
    fx = (x - grid.x0) / grid.cell - 0.5            # column coordinate of the point
    fy = (grid.top - y) / grid.cell - 0.5           # row coordinate
    c0 = np.floor(fx).astype(np.int64)
    r0 = np.floor(fy).astype(np.int64)
    tx = fx - c0
    ty = fy - r0
    size = grid.nrows * grid.ncols
    out = np.zeros(size)
    for dr, dc, share in ((0, 0, (1 - ty) * (1 - tx)), (0, 1, (1 - ty) * tx),
                          (1, 0, ty * (1 - tx)), (1, 1, ty * tx)):
        r = r0 + dr
        c = c0 + dc
        ok = (r >= 0) & (r < grid.nrows) & (c >= 0) & (c < grid.ncols)
        out += np.bincount(r[ok] * grid.ncols + c[ok], weights=(w * share)[ok], minlength=size)
    return out.reshape(grid.shape)


@dataclass
class KdeResult:
    """A kernel density surface.

    Attributes
    ----------
    density : ndarray (nrows, ncols)
        Offences per square kilometre at each cell centre; row 0 is the north. NaN
        outside the study area.
    grid : Grid
        The raster (origin, cell size, shape, ``transform``, ``extent``, ``index``...).
    mask : ndarray of bool
        True for cells in the study area.
    bandwidth, cell : float
        Metres (for the Gaussian kernel the bandwidth is the standard deviation).
    kernel : str
        ``"quartic"`` or ``"gaussian"``.
    n_points : int
        Points given; ``total`` is their total weight.
    auto_cell, auto_bandwidth : bool
        Whether the cell size / bandwidth came from the automatic rule.
    warnings : list of str
        Things the analyst should know (bandwidth below the cell size, points dropped).
    """

    density: np.ndarray
    grid: Grid
    mask: np.ndarray
    bandwidth: float
    cell: float
    kernel: str
    n_points: int
    total: float
    auto_cell: bool
    auto_bandwidth: bool
    warnings: list[str] = field(default_factory=list)

    @property
    def score(self) -> np.ndarray:
        """The value hotspots are ranked on (the density)."""
        return self.density

    def hotspot_mask(self, coverage: float = COVERAGE) -> np.ndarray:
        """Cells of the densest ``coverage`` share of the study area."""
        return top_share(self.density, self.mask, coverage)

    def hotspot_polygons(self, coverage: float = COVERAGE) -> gpd.GeoDataFrame:
        """The densest ``coverage`` (default 3%) of the study area as polygons, largest
        first; ``max_score`` is the peak density (offences per km²) inside each."""
        return dissolve_cells(self.grid, self.hotspot_mask(coverage), self.density)

    def cells(self) -> gpd.GeoDataFrame:
        """Study-area cells with a density above zero as square polygons."""
        values = np.nan_to_num(self.density)
        return cells_frame(self.grid, {"density": values}, self.mask & (values > 0))

def kde(easting, northing, *, grid: Grid | None = None, cell: float | None = None,
        bandwidth: float | None = None, kernel: str = KERNEL, clip=None,
        weights=None, mask: np.ndarray | None = None, warn_blocky: bool = True) -> KdeResult:
    """Kernel density of points (BNG metres) on a grid.

    Parameters
    ----------
    easting, northing : array-like
        Offence locations.
    grid : Grid, optional
        The raster to compute on; default: covering ``clip`` (else the points) with
        ``cell``.
    cell : float, optional
        Cell size in metres (default :func:`workbench.geo.grid.auto_cell`).
    bandwidth : float, optional
        Metres (default :func:`workbench.geo.grid.auto_bandwidth`).
    kernel : ``"quartic"`` or ``"gaussian"``
    clip : shapely geometry, optional
        The study area; cells whose centre is outside it are NaN. Points outside it
        still contribute near its edge.
    weights : array-like, optional
        A weight per point (default 1).
    mask : ndarray of bool, optional
        The study-area cells of ``grid``, when already known (``grid.inside(clip)``
        is the slow part of a fine grid, so cross-validation computes it once).
    warn_blocky : bool
        Warn when the bandwidth is below the cell size (not when cross-validation chose
        that on purpose).
    """
    if kernel not in KERNELS:
        raise BadInput(f"unknown kernel {kernel!r}; expected one of: {', '.join(KERNELS)}")
    x = np.asarray(easting, float)
    y = np.asarray(northing, float)
    finite = np.isfinite(x) & np.isfinite(y)
    warnings: list[str] = []
    if not finite.all():
        warnings.append(f"{int((~finite).sum()):,} offences without coordinates were left out")
        x, y = x[finite], y[finite]
        weights = None if weights is None else np.asarray(weights, float)[finite]
    auto_cell = grid is None and cell is None
    grid_from_points = grid is None and (clip is None or clip.is_empty)
    if grid is None:
        grid = study_grid(x, y, cell=cell, clip=clip)
    auto_bw = bandwidth is None
    if auto_bw:
        bandwidth = auto_bandwidth(x, y, cell=grid.cell)
    if bandwidth <= 0:
        raise BadInput("the bandwidth must be positive")
    if grid_from_points:
        # Without a study area the surface covers the points plus the kernel's reach.
        grid = study_grid(x, y, cell=grid.cell, pad=kernel_reach(kernel, bandwidth))
    if warn_blocky and bandwidth < grid.cell:
        warnings.append(f"the bandwidth ({bandwidth:g} m) is smaller than the cell size "
                        f"({grid.cell:g} m): the surface will be blocky; use a smaller cell")
    if len(x) < 10:
        warnings.append(f"only {len(x)} offences: a density surface says little")
    stencil = kernel_stencil(kernel, bandwidth, grid.cell)
    reach = stencil.shape[0] // 2
    work = grid.padded(reach)
    binned = linear_bin(work, x, y, weights)
    dropped = (len(x) if weights is None else float(np.sum(weights))) - binned.sum()
    if dropped > 0.5:
        warnings.append(f"{dropped:,.0f} offences lie too far outside the grid to contribute")
    density = fftconvolve(binned, stencil, mode="valid") if binned.any() else np.zeros(grid.shape)
    # FFT round-off leaves ~1e-16 noise where the true density is zero: remove it.
    density[density < 1e-12 * max(float(density.max()), 1e-300)] = 0.0
    density *= PER_KM2 / grid.cell_area
    if mask is None:
        mask = grid.inside(clip)
    density[~mask] = np.nan
    return KdeResult(density=density, grid=grid, mask=mask, bandwidth=float(bandwidth),
                     cell=grid.cell, kernel=kernel, n_points=len(x),
                     total=float(len(x) if weights is None else np.sum(weights)),
                     auto_cell=auto_cell, auto_bandwidth=auto_bw,
                     warnings=warnings)
