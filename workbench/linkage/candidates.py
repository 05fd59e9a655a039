"""Candidate pairs: search windows learned from the store, a stated budget, never all pairs.

Two offences of one crime group are candidates when they are at most ``radius_m``
apart and the gap between their time windows is at most ``days`` (0 when the windows
overlap). Pairs outside count as unlinked. Each group's window is learned from its known
linked pairs (:func:`learn_window`: at least :data:`COVERAGE` of them inside). A link run
scores at most about :data:`PAIR_BUDGET` pairs with the full model. A group whose window
holds more than its share has its window's pairs looked at by a cheap first stage
(:mod:`workbench.linkage.first_stage`: a small model on distance, time gap, MO and
description agreement) and only the pairs it keeps are scored. Sexual offences are never
narrowed: their stage keeps :data:`~workbench.linkage.first_stage.KEEP` of the known
linked pairs however many pairs that takes. The other groups share what is left; a
group whose stage must pass fewer pairs than that to stay within its share is
*narrowed*, and its :class:`GroupPlan` says so, with the share of known linked pairs
still found.

Pairs inside a window are found exactly by :func:`workbench.linkage.sweep.box_pairs`
(a spatial grid and a sorted-time sweep, chunk by chunk).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.jobs import JobControl
from workbench.linkage import first_stage
from workbench.linkage.config import DEFAULT_BLOCKING, Blocking
from workbench.linkage.dataset import LinkageData
from workbench.linkage.first_stage import FirstStage
from workbench.linkage.sweep import box_pairs

#: A learned window holds at least this share of the known linked pairs ...
COVERAGE = 0.99
#: ... widened by this factor, so the next offender's pairs are not cut at the edge.
WINDOW_MARGIN = 1.1
#: Fewer known linked pairs than this: the documented default window.
MIN_LEARN_PAIRS = 30
MIN_RADIUS_M, MIN_DAYS = 500.0, 7.0
#: Linked pairs further apart in time than this are not expected to be found.
HORIZON_DAYS = 365.0
#: The stated budget of one link run: about this many candidate pairs are scored by the
#: full model (about 30 s on two cores and under 2 GB at any store size). Sexual offences
#: are never narrowed and spend what their first stage keeps first; the other groups
#: share the rest (at least MIN_SHARE_LEFT of the budget).
PAIR_BUDGET = 30_000_000
#: ... and at most this many per offence on average (but never fewer than MIN_PAIR_BUDGET
#: in all, a few seconds' work), so a mid-sized store links in seconds too.
PAIRS_PER_OFFENCE = 40
MIN_PAIR_BUDGET = 5_000_000
#: A group with too few known linked pairs to learn its first stage from (scored by the
#: default model) asks for at most this many pairs per offence: its best by the default
#: model's own distance, time and MO weights.
UNLEARNED_PER_OFFENCE = 10
NEVER_NARROWED = ("sexual",)
#: A never-narrowed group whose window holds more than this share of the budget has its
#: window's pairs chosen by the first stage (every pair looked at, none narrowed away).
NEVER_NARROWED_SHARE = 0.25
MIN_SHARE_LEFT = 0.5
_SAMPLE = 2000


def block_pairs(x, y, t_from, t_to, blocking: Blocking) -> np.ndarray:
    """All pairs (i < j) within ``blocking`` as an (m, 2) int32 array (in no set order).

    >>> block_pairs([0, 100, 5000], [0, 0, 0], [0, 3, 0], [1, 4, 1], Blocking(500, 5)).tolist()
    [[0, 1]]
    """
    t_from, t_to = np.asarray(t_from, float), np.asarray(t_to, float)
    found = [np.column_stack([i, j]).astype(np.int32)
             for i, j, _, _ in box_pairs(x, y, (t_from + t_to) / 2.0, (t_to - t_from) / 2.0, blocking.radius_m, blocking.days)]
    if not found:
        return np.empty((0, 2), dtype=np.int32)
    pairs = np.concatenate(found) if len(found) > 1 else found[0]
    pairs.sort(axis=1)
    return pairs


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

    Without a ``first_stage`` every pair inside ``window`` is a candidate. With one (the
    window holds more pairs than the group's share of the budget), every pair of the
    window that could pass is looked at by the cheap first stage and only those it keeps
    are candidates; ``narrowed`` when the stage had to keep fewer than
    :data:`~workbench.linkage.first_stage.KEEP` of the known linked pairs inside the
    window to stay within the budget (never for sexual offences). ``expected_recall`` is
    the share of the known linked pairs (within a year) the plan finds."""

    group: str
    window: Blocking
    learned_from: int
    pairs_in_window: float            # estimated candidate pairs of the full window
    expected_recall: float | None = None
    first_stage: FirstStage | None = None

    @property
    def narrowed(self) -> bool:
        return self.first_stage is not None and self.first_stage.cut

    def as_json(self) -> dict:
        stage = self.first_stage
        return {"radius_m": round(self.window.radius_m), "days": round(self.window.days, 1),
                "learned_from": self.learned_from,
                "expected_recall": None if self.expected_recall is None else round(self.expected_recall, 4),
                "narrowed": self.narrowed, "first_stage": stage is not None,
                "first_stage_keeps": None if stage is None or stage.keeps is None else round(stage.keeps, 4),
                "pairs_in_window": int(self.pairs_in_window)}


def estimate_pairs(x, y, t_from, t_to, rule: Blocking, seed: int = 0) -> float:
    """Candidate pairs ``rule`` would give on these offences, estimated on a random
    sample (pairs grow with the square of the number of offences)."""
    n = len(x)
    if n < 2:
        return 0.0
    m = min(n, _SAMPLE)
    pick = np.random.default_rng(seed).choice(n, size=m, replace=False) if m < n else np.arange(n)
    x, y, t_from, t_to = (np.asarray(v, float)[pick] for v in (x, y, t_from, t_to))
    found = sum(len(chunk[0]) for chunk in box_pairs(x, y, (t_from + t_to) / 2.0, (t_to - t_from) / 2.0, rule.radius_m, rule.days))
    return found * n * (n - 1) / (m * (m - 1.0)) if m < n else float(found)


def plan(data: LinkageData, *, groups=None, budget: float = PAIR_BUDGET, known: dict | None = None,
         overrides: dict[str, Blocking] | None = None) -> dict[str, GroupPlan]:
    """The plan of each crime group present in ``data`` (or in ``groups``).

    Windows are learned from ``known`` linked pairs per group (default: the solved
    offences' shared offenders). Sexual offences always keep their whole window; when it
    holds more than a quarter of ``budget`` (candidate pairs per run) a first stage that
    keeps 99.5% of their known linked pairs chooses the pairs scored. ``budget`` is capped
    at :data:`PAIRS_PER_OFFENCE` per offence (at least :data:`MIN_PAIR_BUDGET`). The other
    groups share what is left in proportion to their offences, none taking more than it
    asks for (what its first stage needs to keep 99.5% of its known linked pairs; at most
    :data:`UNLEARNED_PER_OFFENCE` per offence without known links); a group whose window
    holds more pairs than its share gets a first stage that passes at most its share,
    never silently: its plan says what share of the known linked pairs is kept.
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
    budget = min(budget, max(MIN_PAIR_BUDGET, PAIRS_PER_OFFENCE * sum(int(np.sum(data.group == g)) for g in plans)))
    codes: list[first_stage.CheapCodes] = []         # made once, only if a group needs a first stage

    def staged(p: GroupPlan) -> first_stage.FirstStage:
        if p.first_stage is None:
            codes[:] = codes or [first_stage.CheapCodes.of(data)]
            p.first_stage = first_stage.fit(data, np.flatnonzero(data.group == p.group), known_pairs[p.group],
                                            p.window, codes=codes[0], pairs_in_window=p.pairs_in_window)
        return p.first_stage

    spent = 0.0
    for g, p in plans.items():
        if g in NEVER_NARROWED:
            spent += staged(p).expected_pairs if p.pairs_in_window > budget * NEVER_NARROWED_SHARE else p.pairs_in_window
    left = max(budget - spent, budget * MIN_SHARE_LEFT)
    others = [p for g, p in plans.items() if g not in NEVER_NARROWED]
    sizes = {p.group: int(np.sum(data.group == p.group)) for p in others}
    fair = left / max(1, sum(sizes.values()))
    demand = {}
    for p in others:
        if p.pairs_in_window <= fair * sizes[p.group]:
            demand[p.group] = p.pairs_in_window
        else:
            stage = staged(p)
            wanted = stage.expected_pairs if stage.learned else UNLEARNED_PER_OFFENCE * sizes[p.group]
            demand[p.group] = min(wanted, p.pairs_in_window)
    # water-filling: groups asking for less than their share take it; the rest split the remainder
    todo = sorted(others, key=lambda p: demand[p.group] / max(1, sizes[p.group]))
    for k, p in enumerate(todo):
        share = min(demand[p.group], left * sizes[p.group] / max(1, sum(sizes[q.group] for q in todo[k:])))
        if share < p.pairs_in_window:
            staged(p).limit(share)
            left -= p.first_stage.expected_pairs
        else:
            p.first_stage = None         # the whole window fits: every pair is scored
            left -= p.pairs_in_window
    return plans


def _solved(data: LinkageData) -> np.ndarray:
    return data.solved if data.solved is not None else np.zeros(len(data), bool)


def group_pairs(data: LinkageData, p: GroupPlan, positions: np.ndarray | None = None,
                codes: first_stage.CheapCodes | None = None) -> np.ndarray:
    """The candidate pairs (positions into ``data``) of one group's plan (among
    ``positions`` only, when given: the same pairs as the whole group's, restricted)."""
    pos = np.flatnonzero(data.group == p.group) if positions is None else np.asarray(positions)
    if p.first_stage is not None:
        return first_stage.kept_pairs(p.first_stage, data, pos, p.window, codes or first_stage.CheapCodes.of(data))
    local = block_pairs(data.x[pos], data.y[pos], data.t_from[pos], data.t_to[pos], p.window)
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
        wanted = np.unique(pair_keys(known, n))
        keys = pair_keys(pairs, n)
        at = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
        found = np.unique(at[wanted[at] == keys])       # few known pairs: no sort of every pair
        p.expected_recall = len(found) / len(wanted)


def candidate_pairs(data: LinkageData, plans: dict[str, GroupPlan] | None = None, *,
                    control: JobControl | None = None) -> np.ndarray:
    """Candidate pairs (positions into ``data``, i < j) of every planned group, with
    each plan's ``expected_recall`` measured on the solved offences' linked pairs."""
    control = control or JobControl()
    plans = plan(data) if plans is None else plans
    out = []
    codes = first_stage.CheapCodes.of(data) if any(p.first_stage for p in plans.values()) else None
    for k, (group, p) in enumerate(sorted(plans.items())):
        control.report(k / max(1, len(plans)), f"finding candidate pairs: {group}")
        found = group_pairs(data, p, codes=codes)
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
