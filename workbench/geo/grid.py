"""The British National Grid raster every surface is computed on, and the automatic
cell-size and bandwidth rules.

A :class:`Grid` is north-up: row 0 is the northernmost row and column 0 the westernmost,
so a 2-D array on it can be shown as an image with ``extent=grid.extent``. Its origin is
snapped to a multiple of the cell size, so grids of the same cell size line up with each
other and with the national grid.

Automatic choices (documented in the user guide, overridable everywhere):

* **cell size**: the shorter side of the study extent divided by 250 (the ArcGIS Pro
  default), rounded to a "nice" size (1, 2, 2.5 or 5 x a power of ten), never below 5 m;
* **bandwidth**: the spatially robust Silverman rule that ArcGIS Pro's Kernel Density
  uses, ``0.9 * min(SD, sqrt(1 / ln 2) * Dm) * n ** -0.2``, where SD is the standard
  distance of the points and Dm their median distance from the mean centre; rounded to
  the metre, never below one cell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from workbench.errors import BadInput

NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
MIN_CELL = 5.0
CELLS_ACROSS = 250


def nice_size(value: float) -> float:
    """``value`` rounded (on a log scale) to 1, 2, 2.5 or 5 times a power of ten.

    >>> nice_size(32.0), nice_size(140.0), nice_size(6.0)
    (25.0, 100.0, 5.0)
    """
    if value <= 0 or not math.isfinite(value):
        raise BadInput("a size must be a positive number")
    power = 10.0 ** math.floor(math.log10(value))
    candidates = [s * power for s in NICE_STEPS] + [10.0 * power]
    return min(candidates, key=lambda c: abs(math.log(c / value)))


def auto_cell(bounds: tuple[float, float, float, float]) -> float:
    """The automatic cell size for an extent ``(minx, miny, maxx, maxy)`` in metres."""
    minx, miny, maxx, maxy = bounds
    short = min(maxx - minx, maxy - miny)
    if short <= 0:
        return 50.0
    return max(MIN_CELL, nice_size(short / CELLS_ACROSS))


def auto_bandwidth(easting: np.ndarray, northing: np.ndarray, *, cell: float | None = None) -> float:
    """The automatic bandwidth (search radius) in metres for the given points.

    ArcGIS Pro's rule (Silverman's rule of thumb made robust to spatial outliers):
    ``0.9 * min(SD, sqrt(1/ln 2) * Dm) * n ** -0.2``. With fewer than two distinct points
    the rule is undefined and the answer is ten cells (or 500 m without a cell size).
    """
    x = np.asarray(easting, float)
    y = np.asarray(northing, float)
    n = len(x)
    fallback = 10.0 * cell if cell else 500.0
    if n < 2:
        return fallback
    dx, dy = x - x.mean(), y - y.mean()
    d2 = dx * dx + dy * dy
    sd = math.sqrt(d2.mean())
    dm = math.sqrt(float(np.median(d2)))
    width = 0.9 * min(sd, math.sqrt(1.0 / math.log(2.0)) * dm) * n ** -0.2
    if width <= 0:
        width = sd * 0.9 * n ** -0.2
    if width <= 0:
        return fallback
    return float(max(round(width), cell or 1.0))


@dataclass(frozen=True)
class Grid:
    """A north-up raster on the British National Grid.

    Attributes
    ----------
    x0, y0 : float
        The south-west corner (metres).
    cell : float
        The side of a (square) cell in metres.
    nrows, ncols : int
        Rows (north to south) and columns (west to east).
    """

    x0: float
    y0: float
    cell: float
    nrows: int
    ncols: int

    @classmethod
    def covering(cls, bounds: tuple[float, float, float, float], cell: float, *, pad: float = 0.0) -> Grid:
        """The smallest grid of ``cell`` covering ``bounds`` (plus ``pad`` metres all
        round), with its origin on a multiple of ``cell``."""
        if cell <= 0:
            raise BadInput("the cell size must be positive")
        minx, miny, maxx, maxy = bounds
        x0 = math.floor((minx - pad) / cell) * cell
        y0 = math.floor((miny - pad) / cell) * cell
        ncols = max(1, int(math.ceil((maxx + pad - x0) / cell)))
        nrows = max(1, int(math.ceil((maxy + pad - y0) / cell)))
        if ncols * nrows > 60_000_000:
            raise BadInput(f"a {cell:g} m grid over this area would have {ncols * nrows:,} cells; "
                             "use a larger cell size or a smaller study area")
        return cls(float(x0), float(y0), float(cell), nrows, ncols)

    # -- geometry ------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, int]:
        return self.nrows, self.ncols

    @property
    def top(self) -> float:
        """Northing of the grid's northern edge."""
        return self.y0 + self.nrows * self.cell

    @property
    def right(self) -> float:
        """Easting of the grid's eastern edge."""
        return self.x0 + self.ncols * self.cell

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the whole grid."""
        return self.x0, self.y0, self.right, self.top

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(left, right, bottom, top)``, as matplotlib's ``imshow(extent=...)`` wants."""
        return self.x0, self.right, self.y0, self.top

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL geotransform ``(x0, cell, 0, top, 0, -cell)``: pixel (col, row) has its
        north-west corner at ``x = x0 + col * cell``, ``y = top - row * cell``."""
        return self.x0, self.cell, 0.0, self.top, 0.0, -self.cell

    @property
    def cell_area(self) -> float:
        """Area of one cell in square metres."""
        return self.cell * self.cell

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Easting and northing of every cell centre, each of :attr:`shape`."""
        xs = self.x0 + (np.arange(self.ncols) + 0.5) * self.cell
        ys = self.top - (np.arange(self.nrows) + 0.5) * self.cell
        return np.meshgrid(xs, ys)

    def index(self, easting, northing) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of the cell holding each point; -1 for both outside the grid."""
        x = np.asarray(easting, float)
        y = np.asarray(northing, float)
        col = np.floor((x - self.x0) / self.cell)
        row = np.floor((self.top - y) / self.cell)
        inside = (col >= 0) & (col < self.ncols) & (row >= 0) & (row < self.nrows)
        col = np.where(inside, col, -1).astype(np.int64)
        row = np.where(inside, row, -1).astype(np.int64)
        return row, col

    def sample(self, values: np.ndarray, easting, northing, *, outside=np.nan) -> np.ndarray:
        """The value of a grid array at each point (``outside`` beyond the grid)."""
        row, col = self.index(easting, northing)
        ok = row >= 0
        out = np.full(row.shape, outside, dtype=np.result_type(values.dtype, type(outside)))
        out[ok] = values[row[ok], col[ok]]
        return out

    def count(self, easting, northing, weights=None) -> np.ndarray:
        """How many points (or how much weight) fall in each cell (points outside are
        dropped)."""
        row, col = self.index(easting, northing)
        ok = row >= 0
        flat = row[ok] * self.ncols + col[ok]
        w = None if weights is None else np.asarray(weights, float)[ok]
        counts = np.bincount(flat, weights=w, minlength=self.nrows * self.ncols)
        return counts.reshape(self.shape).astype(float)

    def inside(self, geometry) -> np.ndarray:
        """True for the cells whose centre lies in ``geometry`` (all True for None)."""
        if geometry is None:
            return np.ones(self.shape, bool)
        shapely.prepare(geometry)
        xs, ys = self.centres()
        return shapely.contains_xy(geometry, xs, ys)

    def boxes(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Square polygons of the given cells (arrays of shapely geometries)."""
        minx = self.x0 + np.asarray(cols) * self.cell
        maxy = self.top - np.asarray(rows) * self.cell
        return shapely.box(minx, maxy - self.cell, minx + self.cell, maxy)

    def padded(self, cells: int) -> Grid:
        """This grid with ``cells`` extra cells on every side."""
        return Grid(self.x0 - cells * self.cell, self.y0 - cells * self.cell, self.cell,
                    self.nrows + 2 * cells, self.ncols + 2 * cells)

    def describe(self) -> str:
        """One line for reports: cell size, size in cells and origin."""
        return (f"{self.cell:g} m cells, {self.ncols} x {self.nrows}, "
                f"south-west corner E {self.x0:.0f} N {self.y0:.0f} (EPSG:27700)")


def study_grid(easting, northing, *, cell: float | None = None, clip=None, pad: float = 0.0) -> Grid:
    """The grid for a surface: covering ``clip`` (the study area) when given, else the
    points; cell size from :func:`auto_cell` unless given."""
    if clip is not None and not clip.is_empty:
        bounds = clip.bounds
    else:
        x = np.asarray(easting, float)
        y = np.asarray(northing, float)
        if len(x) == 0:
            raise BadInput("no offences to map and no study area to cover")
        bounds = (x.min(), y.min(), x.max(), y.max())
    return Grid.covering(bounds, cell or auto_cell(bounds), pad=pad)
