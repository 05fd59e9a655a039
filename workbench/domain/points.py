"""Remembering what was worked out for each point, because points repeat.

police.uk publishes every crime at one of a fixed set of anonymised snap points (about
43,000 distinct ones in a million London rows), and force extracts repeat addresses, so
an import that transforms or locates every row does the same work over and over.
:class:`PointMemo` wraps a vectorised function of points and computes it once per
distinct point, looking the rest up with numpy (no Python loop over rows).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

#: Points a memo keeps (beyond this it starts again, so memory stays bounded).
MEMO_POINTS = 500_000


class PointMemo:
    """``compute(x, y) -> tuple of arrays`` (one value per point), remembered by exact
    point. Points with a NaN or infinite coordinate are computed every time, not kept."""

    def __init__(self, compute: Callable[[np.ndarray, np.ndarray], tuple[Any, ...]], limit: int = MEMO_POINTS):
        self._compute, self._limit = compute, limit
        self._lock = threading.Lock()
        self._keys = np.zeros(0, dtype=complex)
        self._values: tuple[np.ndarray, ...] = ()

    def __call__(self, x: Any, y: Any) -> tuple[np.ndarray, ...]:
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        finite = np.isfinite(x) & np.isfinite(y)
        points, inverse = np.unique(x[finite] + 1j * y[finite], return_inverse=True)
        with self._lock:
            if len(self._keys) + len(points) > self._limit:
                self._keys, self._values = np.zeros(0, dtype=complex), ()
            at = np.minimum(np.searchsorted(self._keys, points), max(len(self._keys) - 1, 0))
            known = self._keys[at] == points if len(self._keys) else np.zeros(len(points), dtype=bool)
            new = points[~known]
            computed = tuple(np.asarray(v) for v in self._compute(new.real, new.imag))
            keys = np.concatenate((self._keys, new))
            order = np.argsort(keys, kind="stable")
            self._keys = keys[order]
            self._values = tuple(np.concatenate((old, v))[order] for old, v in
                                 zip(self._values or tuple(v[:0] for v in computed), computed))
            found = tuple(v[np.searchsorted(self._keys, points)] for v in self._values)
        odd = self._compute(x[~finite], y[~finite]) if (~finite).any() else None
        out = []
        for k, values in enumerate(found):
            column = np.empty(x.shape, dtype=values.dtype if odd is None else np.result_type(values, odd[k]))
            column[finite] = values[inverse.reshape(-1)]
            if odd is not None:
                column[~finite] = odd[k]
            out.append(column)
        return tuple(out)
