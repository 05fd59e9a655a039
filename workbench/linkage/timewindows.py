"""Uncertain time windows: expected differences between two offences' times.

A burglary discovered after a weekend away happened *somewhere* in its window. As in
Porter's ``crimelinkage`` (R), each offence's time is taken as uniform over its window
and pair features are *expected* differences:

- :func:`expected_abs_diff`: E|X - Y| for X ~ U(a1, b1), Y ~ U(a2, b2), exactly;
- :func:`cyclic_profile` + :func:`expected_cyclic_diff`: the expected circular
  difference in time of day (24 h) or day of week (7 days), from each window's share
  of every hour (or day) of the cycle.
"""

from __future__ import annotations

import numpy as np

#: 1970-01-01 was a Thursday: shift so that day-of-week bin 0 is Monday.
_MONDAY_SHIFT = 3.0


def expected_abs_diff(a1, b1, a2, b2) -> np.ndarray:
    """E|X - Y| for independent X ~ U(a1, b1) and Y ~ U(a2, b2) (vectorised, any unit).

    Disjoint windows: the difference of the midpoints (exact). Overlapping ones: the
    double integral of |x - y| over the rectangle, G(b1-a2) + G(a1-b2) - G(b1-b2) -
    G(a1-a2) with G(t) = |t|^3 / 6, divided by the two widths. The origin is moved to a1
    first so the cubes stay small and exact. Widths must be > 0.

    >>> float(expected_abs_diff(0.0, 1.0, 0.0, 1.0)[()])   # two identical unit windows
    0.3333333333333333
    >>> float(expected_abs_diff(0.0, 1.0, 5.0, 7.0)[()])   # disjoint: midpoints 0.5 and 6
    5.5
    """
    a1, b1, a2, b2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a1, b1, a2, b2)))
    mid = np.atleast_1d(np.abs((a1 + b1) / 2.0 - (a2 + b2) / 2.0))
    overlap = np.atleast_1d((a1 < b2) & (a2 < b1))
    if not np.any(overlap):
        return mid.reshape(a1.shape)
    a1o, b1o, a2o, b2o = (np.atleast_1d(v)[overlap] for v in (a1, b1, a2, b2))
    b1o, a2o, b2o = b1o - a1o, a2o - a1o, b2o - a1o
    a1o = np.zeros_like(b1o)

    def g(t):
        return np.abs(t) ** 3 / 6.0

    integral = g(b1o - a2o) + g(a1o - b2o) - g(b1o - b2o) - g(a1o - a2o)
    out = mid.copy()
    out[overlap] = integral / ((b1o - a1o) * (b2o - a2o))
    return out.reshape(a1.shape)


def cyclic_profile(start, end, period: float, shift: float = 0.0) -> np.ndarray:
    """Share of each window [start, end] falling in each unit bin of a cycle.

    ``start``/``end`` are in cycle units (hours for time of day with ``period`` 24, days
    for day of week with ``period`` 7); returns (n, period) float32 rows summing to 1.
    A window longer than the cycle covers every bin (plus the remainder).
    """
    s = np.asarray(start, dtype=float)[:, None] + shift
    e = np.asarray(end, dtype=float)[:, None] + shift
    bins = np.arange(int(period), dtype=float)[None, :]

    def cumulative(t):
        return np.floor(t / period) + np.clip(np.mod(t, period) - bins, 0.0, 1.0)

    share = cumulative(e) - cumulative(s)
    return (share / (e - s)).astype(np.float32)


def cyclic_distance_matrix(period: int) -> np.ndarray:
    """Expected circular distance between a uniform time in bin i and one in bin j:
    the distance between bin centres, and 1/3 within one bin."""
    k = np.arange(period)
    d = np.abs(k[:, None] - k[None, :]).astype(np.float32)
    d = np.minimum(d, period - d)
    np.fill_diagonal(d, 1.0 / 3.0)
    return d


def hour_profile(t_from_days, t_to_days) -> np.ndarray:
    """(n, 24) share of each window in each hour of the day."""
    return cyclic_profile(np.asarray(t_from_days) * 24.0, np.asarray(t_to_days) * 24.0, 24.0)


def weekday_profile(t_from_days, t_to_days) -> np.ndarray:
    """(n, 7) share of each window in each day of the week (0 = Monday)."""
    return cyclic_profile(t_from_days, t_to_days, 7.0, shift=_MONDAY_SHIFT)


def expected_cyclic_diff(weighted_left: np.ndarray, profile_right: np.ndarray) -> np.ndarray:
    """Expected circular difference of pairs: rows of ``profile @ distance_matrix`` for
    the left offences (precomputed once per offence) dotted with the right profiles."""
    return np.einsum("ij,ij->i", weighted_left, profile_right)
