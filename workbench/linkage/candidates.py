"""Candidate pairs: search windows learned from the store, a stated budget, never all pairs.

Two offences of one crime group are candidates when they are at most ``radius_m``
apart and the gap between their time windows is at most ``days`` (0 when the windows
overlap). Pairs outside count as unlinked. Each group's window is learned from its known
linked pairs (:func:`learn_window`: at least :data:`COVERAGE` of them inside). A link run
scores at most :data:`PAIR_BUDGET` pairs: sexual offences always get every pair in their
window; a group whose window holds more than its share is narrowed by a cheap first
stage (each offence's nearest neighbours in space and time inside the window), and its
:class:`GroupPlan` says so, with the share of known linked pairs still found.

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
#: full model (about 30 s on two cores and under 2 GB at any store size). Sexual offences
#: are never narrowed and spend what their window needs first; the other groups share
#: the rest (at least MIN_SHARE_LEFT of the budget).
PAIR_BUDGET = 30_000_000
NEVER_NARROWED = ("sexual",)
#: A never-narrowed group whose window holds more than this share of the budget has every
#: pair looked at by a cheap first stage (:func:`cheap_stage`) that keeps this share of the
#: known linked pairs; about FIRST_STAGE_SHARE of the window's pairs then reach the model.
NEVER_NARROWED_SHARE = 0.25
FIRST_STAGE_KEEP = 0.995
FIRST_STAGE_SHARE = 0.3
MIN_SHARE_LEFT = 0.5
#: A narrowed group compares each offence with at least MIN_NEAREST and at most
#: MAX_NEAREST of its nearest neighbours in space and time; beyond a few hundred the
#: known linked pairs found hardly grow while the cost does (``expected_recall`` says
#: what is found).
MIN_NEAREST = 10
MAX_NEAREST = 200
_SAMPLE = 3000
_QUERY_PAIRS = 5_000_000     # neighbours looked up per chunk (memory stays flat)


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
    pairs would exceed the budget. A group that is never narrowed but whose window holds
    too many pairs has a ``first_stage`` instead: every pair in the window is looked at,
    and only those a small distance-and-time model does not rule out (it keeps
    :data:`FIRST_STAGE_KEEP` of the known linked pairs) go to the full model. ``expected_recall`` is the share of the known linked
    pairs (within a year) the plan finds."""

    group: str
    window: Blocking
    learned_from: int
    pairs_in_window: float            # estimated candidate pairs of the full window
    nearest: int | None = None
    metres_per_day: float = 0.0
    expected_recall: float | None = None
    first_stage: tuple[float, float, float] | None = None   # (a, b, threshold), see cheap_stage

    @property
    def narrowed(self) -> bool:
        return self.nearest is not None

    def as_json(self) -> dict:
        return {"radius_m": round(self.window.radius_m), "days": round(self.window.days, 1),
                "learned_from": self.learned_from,
                "expected_recall": None if self.expected_recall is None else round(self.expected_recall, 4),
                "narrowed": self.narrowed, "nearest": self.nearest, "first_stage": self.first_stage is not None,
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
    plans, known_pairs = {}, {}
    for group in sorted(present):
        pos = np.flatnonzero(data.group == group)
        pairs = known.get(group) if known is not None else linked_pairs(data, pos[_solved(data)[pos]])
        pairs = np.empty((0, 2), np.int64) if pairs is None else pairs
        known_pairs[group] = pairs
        if overrides and group in overrides:
            window, learned = overrides[group], int(len(pairs))
        else:
            window, learned = learn_window(data, group, pairs)
        cost = estimate_pairs(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos], window)
        plans[group] = GroupPlan(group, window, learned, cost)
    for g, p in plans.items():
        if g in NEVER_NARROWED and p.pairs_in_window > budget * NEVER_NARROWED_SHARE:
            p.first_stage = cheap_stage(data, known_pairs[g], p.window)
    left = budget - sum(p.pairs_in_window * (FIRST_STAGE_SHARE if p.first_stage else 1.0)
                        for g, p in plans.items() if g in NEVER_NARROWED)
    left = max(left, budget * MIN_SHARE_LEFT)
    others = [p for g, p in plans.items() if g not in NEVER_NARROWED]
    sizes = {p.group: int(np.sum(data.group == p.group)) for p in others}
    # water-filling: groups within their share take all their pairs; the rest split the remainder
    todo = sorted(others, key=lambda p: p.pairs_in_window / max(1, sizes[p.group]))
    for k, p in enumerate(todo):
        share = left * sizes[p.group] / max(1, sum(sizes[q.group] for q in todo[k:]))
        if p.pairs_in_window > share:
            p.nearest = int(np.clip(2 * share / max(1, sizes[p.group]), MIN_NEAREST, MAX_NEAREST))
            p.metres_per_day = _metres_per_day(data, known_pairs[p.group], p)
            left -= min(share, sizes[p.group] * p.nearest)
        else:
            left -= p.pairs_in_window
    return plans


def cheap_stage(data: LinkageData, known, window: Blocking, seed: int = 0) -> tuple[float, float, float] | None:
    """The first stage of a never-narrowed group: ``a ln(1 + km) + b ln(1 + days) <=
    threshold`` keeps a pair. ``a`` and ``b`` (never negative: closer never counts against)
    are a logistic regression of the known linked pairs against random pairs of the
    window; the threshold keeps :data:`FIRST_STAGE_KEEP` of the known linked pairs. None
    (every pair goes to the full model) with too few known pairs."""
    from sklearn.linear_model import LogisticRegression

    if known is None or len(known) < MIN_LEARN_PAIRS:
        return None
    pos = np.flatnonzero(data.group == data.group[known[0, 0]])
    rng = np.random.default_rng(seed)
    pick = rng.choice(pos, size=min(len(pos), _SAMPLE), replace=False)
    sample = pick[block_pairs(data.x[pick], data.y[pick], data.t_from[pick], data.t_to[pick], window)]
    if len(sample) < MIN_LEARN_PAIRS:
        return None

    def logs(pairs):
        return np.column_stack([np.log1p(pair_distance(data, pairs) / 1000.0), np.log1p(window_gap(data, pairs))])

    X = np.vstack([logs(known), logs(sample)])
    y = np.concatenate([np.ones(len(known)), np.zeros(len(sample))])
    coef = -LogisticRegression(C=1.0, class_weight="balanced").fit(X, y).coef_[0]
    a, b = (float(max(c, 0.0)) for c in coef)
    if a == 0 and b == 0:
        return None
    threshold = float(np.quantile(logs(known) @ np.array([a, b]), FIRST_STAGE_KEEP))
    return a, b, threshold


def window_pairs_through(x, y, mid, half, rule: Blocking, stage: tuple[float, float, float],
                         expected: float) -> np.ndarray:
    """Every pair inside ``rule``, looked at chunk by chunk (memory stays flat however many
    there are), kept where the first ``stage`` does not rule it out."""
    n = len(x)
    x, y = np.asarray(x, float), np.asarray(y, float)
    reach = rule.days + 2.0 * float(np.max(half)) if n else rule.days
    scale = rule.radius_m / reach if reach > 0 else 1.0
    points = np.column_stack([x, y, mid * scale])
    tree = cKDTree(points)
    chunk = int(np.clip(_QUERY_PAIRS * n / max(1.0, 2.0 * expected), 100, n or 1))
    a, b, threshold = stage
    out = []
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        found = cKDTree(points[start:stop]).sparse_distance_matrix(tree, rule.radius_m, p=np.inf,
                                                                   output_type="ndarray")
        i, j = found["i"].astype(np.int64) + start, found["j"].astype(np.int64)
        del found
        later = j > i
        pairs = _exact(i[later], j[later], x, y, mid, half, rule)
        km = np.hypot(x[pairs[:, 0]] - x[pairs[:, 1]], y[pairs[:, 0]] - y[pairs[:, 1]]) / 1000.0
        gap = np.maximum(0.0, np.abs(mid[pairs[:, 0]] - mid[pairs[:, 1]]) - half[pairs[:, 0]] - half[pairs[:, 1]])
        out.append(pairs[a * np.log1p(km) + b * np.log1p(gap) <= threshold].astype(np.int32))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int32)


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
    chunk = max(1000, _QUERY_PAIRS // k)
    keys = []
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        _, nn = tree.query(points[start:stop], k=k, workers=-1)
        i = np.repeat(np.arange(start, stop, dtype=np.int64), k - 1)
        j = nn[:, 1:].ravel().astype(np.int64)
        del nn
        ok = (j < n) & (j != i)
        keys.append(distinct(np.minimum(i[ok], j[ok]) * n + np.maximum(i[ok], j[ok])))
    merged = distinct(np.concatenate(keys))
    del keys
    i, j = (merged // n).astype(np.int32), (merged % n).astype(np.int32)
    return _exact(i, j, np.asarray(x, float), np.asarray(y, float), mid, half, rule)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values by sorting (numpy's hash-based ``unique`` is many times
    slower on millions of 64-bit keys).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    values = np.sort(values)
    if len(values) < 2:
        return values
    return values[np.concatenate([[True], values[1:] != values[:-1]])]


def group_pairs(data: LinkageData, p: GroupPlan, positions: np.ndarray | None = None) -> np.ndarray:
    """The candidate pairs (positions into ``data``) of one group's plan."""
    pos = np.flatnonzero(data.group == p.group) if positions is None else positions
    if p.first_stage is not None:
        share = len(pos) / max(1, np.count_nonzero(data.group == p.group))
        local = window_pairs_through(data.x[pos], data.y[pos], data.mid[pos], data.half_width[pos], p.window,
                                     p.first_stage, p.pairs_in_window * share ** 2)
    elif p.nearest is None:
        local = block_pairs(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos], p.window)
    else:
        local = nearest_pairs(data.x[pos], data.y[pos], data.mid[pos], data.half_width[pos], p.window,
                              p.nearest, p.metres_per_day)
    return pos.astype(np.int64)[local] if len(local) else np.empty((0, 2), dtype=np.int64)


def pair_keys(pairs: np.ndarray, n: int) -> np.ndarray:
    """One int64 per pair (lower position first), for set operations on pairs."""
    lo, hi = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    return lo.astype(np.int64) * n + hi


def window_recall(data: LinkageData, known: np.ndarray, window: Blocking) -> float | None:
    """The share of ``known`` linked pairs inside ``window`` (None without any): what a
    search of the whole window, as for one offence, finds."""
    if not len(known):
        return None
    return float(np.mean((pair_distance(data, known) <= window.radius_m) & (window_gap(data, known) <= window.days)))


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
