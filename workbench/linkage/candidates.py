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

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from workbench.jobs import JobControl
from workbench.linkage.config import DEFAULT_BLOCKING, Blocking
from workbench.linkage.dataset import LinkageData

#: Upper bounds (days) of the half-width classes; the last class takes the rest.
HALF_WIDTH_CLASSES = (0.25, 1.0, 4.0, 16.0, 64.0)
#: A learned window holds at least this share of the known linked pairs ...
COVERAGE = 0.99
#: ... widened by this factor, so the next offender's pairs are not cut at the edge.
WINDOW_MARGIN = 1.1
#: Fewer known linked pairs than this: the documented default window.
MIN_LEARN_PAIRS = 30
MIN_RADIUS_M, MIN_DAYS = 500.0, 7.0
#: Linked pairs further apart in time than this are not expected to be found.
HORIZON_DAYS = 365.0
#: The stated budget of one link run: at most this many candidate pairs are scored by the
#: full model (about 40 s on two cores and under 2 GB at any store size). Sexual offences
#: are never narrowed and spend what their window needs first; the other groups share
#: the rest (at least MIN_SHARE_LEFT of the budget).
PAIR_BUDGET = 40_000_000
NEVER_NARROWED = ("sexual",)
MIN_SHARE_LEFT = 0.5
#: A narrowed group still compares each offence with at least this many neighbours.
MIN_NEAREST = 10
_SAMPLE = 3000
_QUERY_CHUNK = 100_000


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


def linked_pairs(data: LinkageData, positions, horizon_days: float = HORIZON_DAYS) -> np.ndarray:
    """Every pair (i < j) of ``positions`` sharing an offender and at most
    ``horizon_days`` apart: the pairs a search window should find."""
    from workbench.linkage.model import offender_codes

    _, all_codes = offender_codes(data)
    rows = [(p, c) for p in np.asarray(positions) for c in all_codes[p]]
    if not rows:
        return np.empty((0, 2), dtype=np.int64)
    frame = pd.DataFrame(rows, columns=["pos", "code"])
    joined = frame.merge(frame, on="code")
    joined = joined[joined["pos_x"] < joined["pos_y"]]
    pairs = np.unique(joined[["pos_x", "pos_y"]].to_numpy(dtype=np.int64), axis=0).reshape(-1, 2)
    return pairs[window_gap(data, pairs) <= horizon_days]


def known_linked(data: LinkageData, decided: pd.DataFrame | None = None) -> dict[str, np.ndarray]:
    """Per crime group, the known linked pairs windows are learned from: solved offences
    sharing an offender and the analyst's confirmed links, at most a year apart."""
    solved = _solved(data)
    out = {}
    for group in dict.fromkeys(data.group.tolist()):
        pos = np.flatnonzero((data.group == group) & solved)
        pairs = linked_pairs(data, pos)
        if decided is not None and len(decided):
            d = decided[decided["linked"].to_numpy(bool)]
            i, j = d["i"].to_numpy(np.int64), d["j"].to_numpy(np.int64)
            both = (data.group[i] == group) & (data.group[j] == group)
            extra = np.column_stack([np.minimum(i, j), np.maximum(i, j)])[both]
            extra = extra[window_gap(data, extra) <= HORIZON_DAYS]
            pairs = np.unique(np.concatenate([pairs, extra]), axis=0) if len(extra) else pairs
        out[group] = pairs
    return out


def window_gap(data: LinkageData, pairs: np.ndarray) -> np.ndarray:
    """Days between the two time windows of each pair (0 when they overlap)."""
    i, j = pairs[:, 0], pairs[:, 1]
    return np.maximum(0.0, np.abs(data.mid[i] - data.mid[j]) - data.half_width[i] - data.half_width[j])


def pair_distance(data: LinkageData, pairs: np.ndarray) -> np.ndarray:
    return np.hypot(data.x[pairs[:, 0]] - data.x[pairs[:, 1]], data.y[pairs[:, 0]] - data.y[pairs[:, 1]])


def learn_window(data: LinkageData, group: str, known: np.ndarray) -> tuple[Blocking, int]:
    """The smallest window (radius, days) holding at least :data:`COVERAGE` of the
    group's ``known`` linked pairs, with a margin; the documented default while there
    are fewer than :data:`MIN_LEARN_PAIRS`. Returns (window, pairs learned from)."""
    if len(known) < MIN_LEARN_PAIRS:
        return DEFAULT_BLOCKING[group], int(len(known))
    dist, gap = pair_distance(data, known), window_gap(data, known)
    for q in np.linspace(COVERAGE, 1.0, 21):
        radius, days = np.quantile(dist, q), np.quantile(gap, q)
        if np.mean((dist <= radius) & (gap <= days)) >= COVERAGE:
            break
    radius = np.ceil(radius * WINDOW_MARGIN / 100.0) * 100.0
    days = min(HORIZON_DAYS, float(np.ceil(days * WINDOW_MARGIN)))
    return Blocking(radius_m=max(radius, MIN_RADIUS_M), days=max(days, MIN_DAYS)), int(len(known))


@dataclass
class GroupPlan:
    """How one crime group's candidate pairs are found, and what that costs in recall.

    ``nearest`` is None when every pair inside ``window`` is a candidate; otherwise the
    cheap first stage keeps, for each offence, only its ``nearest`` neighbours in space
    and time (``metres_per_day`` trades days for metres) inside the window, because all
    pairs would exceed the budget. ``expected_recall`` is the share of the known linked
    pairs (within a year) the plan finds."""

    group: str
    window: Blocking
    learned_from: int
    pairs_in_window: float            # estimated candidate pairs of the full window
    nearest: int | None = None
    metres_per_day: float = 0.0
    expected_recall: float | None = None

    @property
    def narrowed(self) -> bool:
        return self.nearest is not None

    def as_json(self) -> dict:
        return {"radius_m": round(self.window.radius_m), "days": round(self.window.days, 1),
                "learned_from": self.learned_from,
                "expected_recall": None if self.expected_recall is None else round(self.expected_recall, 4),
                "narrowed": self.narrowed, "nearest": self.nearest,
                "pairs_in_window": int(self.pairs_in_window)}


def estimate_pairs(x, y, t_from, t_to, rule: Blocking, seed: int = 0) -> float:
    """Candidate pairs ``rule`` would give on these offences, estimated on a random
    sample (pairs grow with the square of the number of offences)."""
    n = len(x)
    if n < 2:
        return 0.0
    m = min(n, _SAMPLE)
    pick = np.random.default_rng(seed).choice(n, size=m, replace=False) if m < n else np.arange(n)
    found = len(block_pairs(*(np.asarray(v)[pick] for v in (x, y, t_from, t_to)), rule))
    return found * (n / m) ** 2 if m < n else float(found)


def plan(data: LinkageData, *, groups=None, budget: float = PAIR_BUDGET, known: dict | None = None,
         overrides: dict[str, Blocking] | None = None) -> dict[str, GroupPlan]:
    """The plan of each crime group present in ``data`` (or in ``groups``).

    Windows are learned from ``known`` linked pairs per group (default: the solved
    offences' shared offenders). Sexual offences always get every pair in their window.
    The other groups share what is left of ``budget`` (candidate pairs per run) in
    proportion to their offences; a group whose window holds more pairs than its share
    is narrowed to nearest neighbours, never silently: its plan says so and by how much.
    """
    present = [g for g in dict.fromkeys(data.group.tolist()) if groups is None or g in groups]
    plans = {}
    for group in sorted(present):
        pos = np.flatnonzero(data.group == group)
        pairs = known.get(group) if known is not None else linked_pairs(data, pos[_solved(data)[pos]])
        pairs = np.empty((0, 2), np.int64) if pairs is None else pairs
        if overrides and group in overrides:
            window, learned = overrides[group], int(len(pairs))
        else:
            window, learned = learn_window(data, group, pairs)
        cost = estimate_pairs(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos], window)
        plans[group] = GroupPlan(group, window, learned, cost)
    left = budget - sum(p.pairs_in_window for g, p in plans.items() if g in NEVER_NARROWED)
    left = max(left, budget * MIN_SHARE_LEFT)
    others = [p for g, p in plans.items() if g not in NEVER_NARROWED]
    sizes = {p.group: int(np.sum(data.group == p.group)) for p in others}
    # water-filling: groups within their share take all their pairs; the rest split the remainder
    todo = sorted(others, key=lambda p: p.pairs_in_window / max(1, sizes[p.group]))
    for k, p in enumerate(todo):
        share = left * sizes[p.group] / max(1, sum(sizes[q.group] for q in todo[k:]))
        if p.pairs_in_window > share:
            p.nearest = max(MIN_NEAREST, int(2 * share / max(1, sizes[p.group])))
            p.metres_per_day = _metres_per_day(data, known.get(p.group) if known is not None else None, p)
            left -= min(share, sizes[p.group] * p.nearest)
        else:
            left -= p.pairs_in_window
    return plans


def _solved(data: LinkageData) -> np.ndarray:
    return data.solved if data.solved is not None else np.zeros(len(data), bool)


def _metres_per_day(data: LinkageData, known, p: GroupPlan) -> float:
    """How many metres one day apart counts as, for nearest neighbours in space and time:
    the ratio of the known linked pairs' median distance to their median gap (the
    window's own ratio when there are too few)."""
    if known is not None and len(known) >= MIN_LEARN_PAIRS:
        dist, gap = np.median(pair_distance(data, known)), np.median(window_gap(data, known))
        if dist > 0 and gap > 0:
            return float(dist / gap)
    return float(p.window.radius_m / max(p.window.days, 1.0))


def nearest_pairs(x, y, mid, half, rule: Blocking, k: int, metres_per_day: float) -> np.ndarray:
    """Pairs (i < j) where one is among the other's ``k`` nearest in space and time
    (days scaled to metres by ``metres_per_day``), kept only inside ``rule``."""
    n = len(x)
    if n < 2:
        return np.empty((0, 2), dtype=np.int32)
    points = np.column_stack([x, y, mid * metres_per_day])
    tree = cKDTree(points)
    k = min(k + 1, n)
    out = []
    for start in range(0, n, _QUERY_CHUNK):
        stop = min(n, start + _QUERY_CHUNK)
        _, nn = tree.query(points[start:stop], k=k, workers=-1)
        i = np.repeat(np.arange(start, stop, dtype=np.int32), k - 1)
        j = nn[:, 1:].ravel().astype(np.int32)
        ok = j < n
        out.append(np.column_stack([np.minimum(i[ok], j[ok]), np.maximum(i[ok], j[ok])]))
    pairs = np.unique(np.concatenate(out), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return _exact(pairs[:, 0], pairs[:, 1], np.asarray(x, float), np.asarray(y, float), mid, half, rule)


def group_pairs(data: LinkageData, p: GroupPlan, positions: np.ndarray | None = None) -> np.ndarray:
    """The candidate pairs (positions into ``data``) of one group's plan."""
    pos = np.flatnonzero(data.group == p.group) if positions is None else positions
    if p.nearest is None:
        local = block_pairs(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos], p.window)
    else:
        local = nearest_pairs(data.x[pos], data.y[pos], data.mid[pos], data.half_width[pos], p.window,
                              p.nearest, p.metres_per_day)
    return pos.astype(np.int64)[local] if len(local) else np.empty((0, 2), dtype=np.int64)


def pair_keys(pairs: np.ndarray, n: int) -> np.ndarray:
    """One int64 per pair (lower position first), for set operations on pairs."""
    lo, hi = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    return lo.astype(np.int64) * n + hi


def measure_recall(data: LinkageData, p: GroupPlan, pairs: np.ndarray, known: np.ndarray) -> None:
    """Set ``p.expected_recall``: the share of ``known`` linked pairs among ``pairs``."""
    if len(known):
        n = len(data)
        p.expected_recall = float(np.isin(pair_keys(known, n), pair_keys(pairs, n)).mean())


def candidate_pairs(data: LinkageData, plans: dict[str, GroupPlan] | None = None, *,
                    control: JobControl | None = None) -> np.ndarray:
    """Candidate pairs (positions into ``data``, i < j) of every planned group, with
    each plan's ``expected_recall`` measured on the solved offences' linked pairs."""
    control = control or JobControl()
    plans = plan(data) if plans is None else plans
    out = []
    for k, (group, p) in enumerate(sorted(plans.items())):
        control.report(k / max(1, len(plans)), f"finding candidate pairs: {group}")
        found = group_pairs(data, p)
        pos = np.flatnonzero(data.group == group)
        measure_recall(data, p, found, linked_pairs(data, pos[_solved(data)[pos]]))
        if len(found):
            out.append(found)
    control.report(1.0, "candidate pairs found")
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(out) if len(out) > 1 else out[0]


def pairs_with(data: LinkageData, position: int, p: GroupPlan) -> np.ndarray:
    """Candidate partners (positions) of one offence inside its group's window (a single
    offence is cheap, so every offence in the window is a candidate)."""
    same = data.group == data.group[position]
    dist2 = (data.x - data.x[position]) ** 2 + (data.y - data.y[position]) ** 2
    gap = np.abs(data.mid - data.mid[position]) - data.half_width - data.half_width[position]
    keep = same & (dist2 <= p.window.radius_m ** 2) & (gap <= p.window.days)
    keep[position] = False
    return np.flatnonzero(keep)
