"""Every pair of offences inside a space/time box, streamed in chunks (numpy, no pair loop).

A box is a radius in metres and a range of gaps between the two time windows
(``lo < gap <= hi``; the gap is 0 when the windows overlap). :func:`box_pairs` yields the
pairs of such a box in chunks of about ``chunk`` pairs, each unordered pair exactly once,
so a window of hundreds of millions of pairs can be looked at with memory that stays
flat.

How: space is cut into square cells of the radius (or half of it where crowded), and the offences are sorted by
(cell, window midpoint). For each offence and each cell within the radius, the partners
whose midpoints are within reach form one contiguous run of that order, found by
binary search; runs are expanded into pairs with ``np.repeat`` arithmetic and then
filtered exactly. Each pair is produced once: a cell pairs only with the cells "after" it,
and inside one cell an offence only with those after it in the order. Offences are put
into classes by the half-width of their time window (as in
:mod:`workbench.linkage.candidates`), so a few very wide windows never widen the time
reach of the rest. When ``lo`` is not negative the runs skip the midpoints too close in
time to pass it, so a ring of gaps costs what it holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

#: Upper bounds (days) of the half-width classes; the last class takes the rest.
HALF_WIDTH_CLASSES = (0.25, 1.0, 4.0, 16.0, 64.0)
#: Cells are as wide as the radius (a 3 x 3 neighbourhood), or half that (5 x 5: fewer
#: wasted candidates, more look-ups) when a neighbourhood holds on average more than
#: this many offences.
FINE_CELLS_ABOVE = 2000
#: Pairs per yielded chunk, and offences whose runs are looked up at once.
CHUNK = 2_000_000
_BLOCK = 20_000


def half_width_class(half: np.ndarray) -> np.ndarray:
    """The half-width class of each time window (see :data:`HALF_WIDTH_CLASSES`)."""
    return np.searchsorted(np.asarray(HALF_WIDTH_CLASSES), half, side="left")


def box_pairs(x, y, mid, half, radius: float, hi: float, lo: float = -1.0,
              chunk: int = CHUNK) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Chunks ``(i, j, squared distance, gap)`` (int64 positions, ``i != j``, in no set
    order) of every pair at most ``radius`` metres apart whose window gap is in
    ``(lo, hi]``; each pair once.

    >>> chunks = box_pairs([0, 100, 5000, 50], [0, 0, 0, 0], [0.5, 3.5, 0.5, 30], [0.5] * 4, 500, 5)
    >>> sorted(tuple(sorted(p)) for i, j, _, _ in chunks for p in zip(i.tolist(), j.tolist()))
    [(0, 1)]
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    mid, half = np.asarray(mid, float), np.asarray(half, float)
    if len(x) < 2 or radius < 0 or hi < max(lo, 0.0) or hi < 0:
        return
    cls = half_width_class(half)
    members: list[tuple[np.ndarray, float, float]] = []
    for c in range(len(HALF_WIDTH_CLASSES) + 1):
        m = np.flatnonzero(cls == c)
        if len(m):
            members.append((m, float(half[m].min()), float(half[m].max())))
    grid = _Grid(x, y, mid, max(radius, 1.0))
    for a, (ma, amin, amax) in enumerate(members):
        for mb, bmin, bmax in members[a:]:
            same = mb is ma
            # the smaller class does the looking up (one look-up per offence and cell)
            pa, pb = (mb, ma) if len(ma) > len(mb) else (ma, mb)
            outer = hi + amax + bmax
            inner = lo + amin + bmin if lo >= 0 else -1.0
            yield from _join(grid, pa, pb, same, outer, inner, radius, lo, hi, half, chunk)


class _Grid:
    """Cell numbers of every offence (padded so a neighbouring cell never wraps), and its
    place and time relative to the first."""

    def __init__(self, x, y, mid, radius: float):
        self.x, self.y, self.mid = x, y, mid
        x0, y0 = x.min(), y.min()
        self.fx, self.fy = x - x0, y - y0
        self.t0 = float(mid.min())
        self.fmid = mid - self.t0
        self.per_radius = 1
        cells = self._cells(radius)
        # crowded cells (a wide radius over a dense area): finer cells waste fewer candidates
        if np.sum(np.bincount(cells) ** 2.0) * 9.0 / len(x) > FINE_CELLS_ABOVE:
            self.per_radius = 2
            cells = self._cells(radius)
        self.cell = cells

    def _cells(self, radius: float) -> np.ndarray:
        size, pad = radius / self.per_radius, self.per_radius
        gx = np.floor(self.fx / size).astype(np.int64) + pad
        gy = np.floor(self.fy / size).astype(np.int64) + pad
        self.rows = int(gy.max()) + 1 + pad
        return gx * self.rows + gy


def _offsets(rows: int, k: int, same: bool) -> list[int]:
    """Cell-number offsets of the neighbourhood, ``k`` cells per radius (for one set with
    itself: the cell itself and the half of the neighbours "after" it, so each pair of
    cells is met once)."""
    out = []
    for dx in range(-k, k + 1):
        for dy in range(-k, k + 1):
            if same and (dx < 0 or (dx == 0 and dy < 0)):
                continue
            out.append(dx * rows + dy)
    return out


def _join(grid: _Grid, pa: np.ndarray, pb: np.ndarray, same: bool, outer: float, inner: float,
          radius: float, lo: float, hi: float, half: np.ndarray, chunk: int):
    """Pairs between offences ``pa`` and ``pb`` (one set when ``same``)."""
    span = float(grid.mid.max()) - grid.t0 + 2.0 * outer + 1.0
    order = np.lexsort((grid.mid[pb], grid.cell[pb]))
    sorted_b = pb[order]
    keys = grid.cell[sorted_b] * span + (grid.mid[sorted_b] - grid.t0)
    # the partners' coordinates in their sorted order: runs are read front to back
    b = (grid.fx[sorted_b], grid.fy[sorted_b], grid.fmid[sorted_b], half[sorted_b])
    offsets = np.asarray(_offsets(grid.rows, grid.per_radius, same), dtype=np.int64)
    a_sorted = sorted_b if same else pa[np.lexsort((grid.mid[pa], grid.cell[pa]))]
    bounds = (radius * radius, lo, hi)
    pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    held = 0
    for start in range(0, len(a_sorted), _BLOCK):
        block = a_sorted[start:start + _BLOCK]
        # one row per neighbouring cell: each row's look-ups come in sorted order (cache friendly)
        base = (grid.cell[block][None, :] + offsets[:, None]) * span + (grid.mid[block] - grid.t0)[None, :]
        if inner < 0:
            runs = [(np.searchsorted(keys, base - outer, "left"), np.searchsorted(keys, base + outer, "right"))]
        else:
            runs = [(np.searchsorted(keys, base - outer, "left"), np.searchsorted(keys, base - inner, "left")),
                    (np.searchsorted(keys, base + inner, "right"), np.searchsorted(keys, base + outer, "right"))]
        for first, last in runs:
            if same:                    # inside its own cell, only partners after it in the order
                home = offsets == 0
                first[home, :] = np.maximum(first[home, :], np.arange(start + 1, start + 1 + len(block))[None, :])
            count = np.maximum(last - first, 0)
            who = np.broadcast_to(block[None, :], count.shape)
            nz = count > 0
            pending.append((who[nz], first[nz], count[nz]))
            held += int(count[nz].sum())
        if held >= chunk or start + _BLOCK >= len(a_sorted):
            yield from _expand(pending, sorted_b, b, grid, half, bounds, chunk)
            pending, held = [], 0


def _expand(pending, sorted_b, b, grid: _Grid, half, bounds, chunk: int):
    """Runs (who, first, count) into exact pairs, about ``chunk`` candidates at a time."""
    if not pending:
        return
    who = np.concatenate([p[0] for p in pending])
    first = np.concatenate([p[1] for p in pending])
    count = np.concatenate([p[2] for p in pending])
    if not len(count):
        return
    r2, lo, hi = bounds
    bx, by, bmid, bhalf = b
    ends = np.cumsum(count)
    stops = np.unique(np.minimum(np.searchsorted(ends, np.arange(chunk, int(ends[-1]) + chunk, chunk)) + 1,
                                 len(count)))
    begin = 0
    for stop in stops.tolist():
        c, w = count[begin:stop], who[begin:stop]
        at = np.repeat(first[begin:stop] - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))
        dx = np.repeat(grid.fx[w], c) - bx[at]
        dy = np.repeat(grid.fy[w], c) - by[at]
        dist2 = dx * dx + dy * dy
        gap = np.abs(np.repeat(grid.fmid[w], c) - bmid[at]) - np.repeat(half[w], c) - bhalf[at]
        np.maximum(gap, 0, out=gap)
        keep = np.flatnonzero((dist2 <= r2) & (gap <= hi) & (gap > lo))
        if len(keep):
            yield np.repeat(w, c)[keep], sorted_b[at[keep]], dist2[keep], gap[keep]
        begin = stop
