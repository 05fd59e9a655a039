"""Candidate pairs by space/time blocking, never all pairs.

Two offences of one crime group are candidates when they are at most ``radius_m``
apart and the gap between their time windows is at most ``days`` (0 when the windows
overlap). Pairs outside the blocks count as unlinked.

How it stays exact and fast: offences are put into classes by the half-width of their
time window. For two classes with half-widths up to H1 and H2, the window gap is at
most T only if the midpoints are at most T + H1 + H2 apart; so a KD-tree (scipy's
cKDTree) over (easting, northing, scaled midpoint) with a Chebyshev box finds a small
superset, which is then filtered exactly. Narrow windows (most offences) never pay for
the few very wide ones.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from workbench.jobs import JobControl
from workbench.linkage.config import Blocking, blocking_for
from workbench.linkage.dataset import LinkageData

#: Upper bounds (days) of the half-width classes; the last class takes the rest.
HALF_WIDTH_CLASSES = (0.25, 1.0, 4.0, 16.0, 64.0)
#: Where offences are so dense that a group's window would give an offence more candidates
#: than this on average, the window is shrunk (radius and days by the same factor) until
#: it does not: the cost of linking stays linear in the number of offences.
MAX_CANDIDATES_PER_OFFENCE = 60
_SAMPLE = 3000


def _class_of(half: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(HALF_WIDTH_CLASSES), half, side="left")


def block_pairs(x, y, t_from, t_to, blocking: Blocking) -> np.ndarray:
    """All pairs (i < j) within ``blocking`` as an (m, 2) int32 array (in no set order).

    >>> block_pairs([0, 100, 5000], [0, 0, 0], [0, 3, 0], [1, 4, 1], Blocking(500, 5)).tolist()
    [[0, 1]]
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    t_from, t_to = np.asarray(t_from, float), np.asarray(t_to, float)
    n = len(x)
    if n < 2:
        return np.empty((0, 2), dtype=np.int32)
    mid, half = (t_from + t_to) / 2.0, (t_to - t_from) / 2.0
    cls = _class_of(half)
    members = [np.flatnonzero(cls == c).astype(np.int32) for c in range(len(HALF_WIDTH_CLASSES) + 1)]
    bound = [float(half[m].max()) if len(m) else 0.0 for m in members]
    r = float(blocking.radius_m)
    found = []
    for a, ma in enumerate(members):
        if len(ma) == 0:
            continue
        for b in range(a, len(members)):
            mb = members[b]
            if len(mb) == 0:
                continue
            reach = blocking.days + bound[a] + bound[b]
            scale = r / reach if reach > 0 else 1.0
            pts_a = np.column_stack([x[ma], y[ma], mid[ma] * scale])
            tree_a = cKDTree(pts_a)
            if a == b:
                local = tree_a.query_pairs(r, p=np.inf, output_type="ndarray")
                i, j = ma[local[:, 0]], ma[local[:, 1]]
            else:
                tree_b = cKDTree(np.column_stack([x[mb], y[mb], mid[mb] * scale]))
                local = tree_a.sparse_distance_matrix(tree_b, r, p=np.inf, output_type="ndarray")
                i, j = ma[local["i"]], mb[local["j"]]
            del local
            if len(i):
                found.append(_exact(i, j, x, y, mid, half, blocking))
    if not found:
        return np.empty((0, 2), dtype=np.int32)
    pairs = np.concatenate(found) if len(found) > 1 else found[0]
    pairs.sort(axis=1)
    return pairs


def _exact(i: np.ndarray, j: np.ndarray, x, y, mid, half, blocking: Blocking) -> np.ndarray:
    dist2 = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2
    gap = np.abs(mid[i] - mid[j]) - half[i] - half[j]
    keep = (dist2 <= blocking.radius_m ** 2) & (gap <= blocking.days)
    return np.column_stack([i[keep], j[keep]])


def fit_to_density(x, y, t_from, t_to, rule: Blocking, max_candidates: float = MAX_CANDIDATES_PER_OFFENCE,
                   seed: int = 0) -> Blocking:
    """``rule``, shrunk if offences are so dense that it would give more than
    ``max_candidates`` candidates per offence. The count is estimated on a random sample
    (pairs grow with the square of the number of offences); the window shrinks by the
    cube root of the excess (pairs grow with radius squared times days) and is measured
    again, since clustered offences shrink more slowly than that."""
    n = len(x)
    m = min(n, _SAMPLE)
    if n < 2:
        return rule
    pick = np.random.default_rng(seed).choice(n, size=m, replace=False) if m < n else np.arange(n)
    xs, ys, t0, t1 = (np.asarray(v)[pick] for v in (x, y, t_from, t_to))
    for _ in range(6):
        per_offence = 2.0 * len(block_pairs(xs, ys, t0, t1, rule)) * (n / m) ** 2 / n
        if per_offence <= max_candidates * 1.1:
            break
        factor = (max_candidates / per_offence) ** (1.0 / 3.0)
        rule = Blocking(radius_m=rule.radius_m * factor, days=rule.days * factor)
    return rule


def plan_blocking(data: LinkageData, blocking: dict[str, Blocking] | None = None, groups=None,
                  max_candidates: float = MAX_CANDIDATES_PER_OFFENCE) -> dict[str, Blocking]:
    """The window each crime group present in ``data`` will be blocked with."""
    plan = {}
    for group in sorted(dict.fromkeys(data.group.tolist())):
        if groups is not None and group not in groups:
            continue
        pos = np.flatnonzero(data.group == group)
        plan[group] = fit_to_density(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos],
                                     blocking_for(group, blocking), max_candidates)
    return plan


def candidate_pairs(data: LinkageData, *, blocking: dict[str, Blocking] | None = None,
                    groups=None, control: JobControl | None = None,
                    max_candidates: float | None = MAX_CANDIDATES_PER_OFFENCE) -> np.ndarray:
    """Candidate pairs (positions into ``data``, i < j) within each crime group's block,
    shrunk where offences are dense (see :func:`plan_blocking`; ``max_candidates=None``
    keeps the windows exactly as given). ``groups`` limits the crime groups considered."""
    control = control or JobControl()
    if max_candidates is None:
        plan = {g: blocking_for(g, blocking) for g in dict.fromkeys(data.group.tolist())
                if groups is None or g in groups}
    else:
        plan = plan_blocking(data, blocking, groups, max_candidates)
    out = []
    for k, (group, rule) in enumerate(sorted(plan.items())):
        control.report(k / max(1, len(plan)), f"finding candidate pairs: {group}")
        pos = np.flatnonzero(data.group == group)
        local = block_pairs(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos], rule)
        if len(local):
            out.append(pos.astype(np.int32)[local])
        del local
    control.report(1.0, "candidate pairs found")
    if not out:
        return np.empty((0, 2), dtype=np.int32)
    return np.concatenate(out) if len(out) > 1 else out[0]


def pairs_with(data: LinkageData, position: int, *, blocking: dict[str, Blocking] | None = None) -> np.ndarray:
    """Candidate partners (positions) of one offence within its group's (full) block."""
    group = data.group[position]
    rule = blocking_for(group, blocking)
    same = data.group == group
    dist2 = (data.x - data.x[position]) ** 2 + (data.y - data.y[position]) ** 2
    gap = np.abs(data.mid - data.mid[position]) - data.half_width - data.half_width[position]
    keep = same & (dist2 <= rule.radius_m ** 2) & (gap <= rule.days)
    keep[position] = False
    return np.flatnonzero(keep)
