"""Blocking finds exactly the pairs within the space/time window, never fewer."""

import numpy as np
import pandas as pd

from workbench.linkage.candidates import (
    block_pairs,
    candidate_pairs,
    known_linked,
    learn_window,
    pair_distance,
    pairs_with,
    plan,
    window_gap,
)
from workbench.linkage.config import DEFAULT_BLOCKING, Blocking
from workbench.linkage.dataset import from_canonical


def brute_force(x, y, t0, t1, rule):
    n = len(x)
    i, j = np.triu_indices(n, 1)
    dist = np.hypot(x[i] - x[j], y[i] - y[j])
    gap = np.maximum(0, np.maximum(t0[j] - t1[i], t0[i] - t1[j]))
    keep = (dist <= rule.radius_m) & (gap <= rule.days)
    return {(a, b) for a, b in zip(i[keep], j[keep])}


def test_blocking_equals_all_pairs_within_window():
    rng = np.random.default_rng(7)
    n = 1500
    x, y = rng.uniform(0, 20_000, n), rng.uniform(0, 20_000, n)
    t0 = rng.uniform(0, 365, n)
    width = np.where(rng.random(n) < 0.8, rng.uniform(0, 0.5, n), rng.uniform(0, 200, n))  # some very wide
    t1 = t0 + width
    rule = Blocking(radius_m=1500, days=20)
    found = block_pairs(x, y, t0, t1, rule)
    assert {tuple(p) for p in found.tolist()} == brute_force(x, y, t0, t1, rule)
    assert len(found) == len({tuple(p) for p in found.tolist()})      # no duplicates


def test_overlapping_windows_far_apart_in_midpoints_are_kept():
    # a 100-day window and a point inside its end: midpoints 49 days apart, gap 0
    found = block_pairs([0, 10], [0, 0], [0, 99], [100, 99.01], Blocking(500, 3))
    assert found.tolist() == [[0, 1]]


def test_candidates_stay_within_crime_group(small_data):
    pairs = candidate_pairs(small_data, plan(small_data))
    assert (small_data.group[pairs[:, 0]] == small_data.group[pairs[:, 1]]).all()
    refs = {tuple(sorted(small_data.refs[p])) for p in pairs}
    assert ("B1", "B2") in refs and not any("B5" in r for r in refs)   # B5 is 35 km away


def test_pairs_with_one_offence(small_data):
    b1 = int(np.flatnonzero(small_data.refs == "B1")[0])
    p = plan(small_data)["burglary"]
    partners = set(small_data.refs[pairs_with(small_data, b1, p)])
    assert partners == {"B2", "B3", "B4", "B6"}


def _series_data(n_offenders: int, group_category: str, seed: int = 0, noise: int = 0):
    """Offenders with 4 offences each, spread heavy-tailed (median ~1 km, tail to ~30 km),
    plus ``noise`` unsolved one-offs."""
    rng = np.random.default_rng(seed)
    rows = []
    for o in range(n_offenders):
        ax, ay, t = rng.uniform(520_000, 550_000), rng.uniform(170_000, 195_000), rng.uniform(0, 300)
        for k in range(4):
            r = rng.lognormal(np.log(800), 1.0)
            a = rng.uniform(0, 2 * np.pi)
            day = t + rng.exponential(15) * k
            rows.append(dict(offence_ref=f"S{o}-{k}", category=group_category, status="solved", offender_ids=f"O{o}",
                             committed_from=str(pd.Timestamp("2024-01-01") + pd.Timedelta(days=day)),
                             easting=ax + r * np.cos(a), northing=ay + r * np.sin(a)))
    for k in range(noise):
        rows.append(dict(offence_ref=f"N{k}", category=group_category, status="unsolved",
                         committed_from=str(pd.Timestamp("2024-01-01") + pd.Timedelta(days=rng.uniform(0, 365))),
                         easting=rng.uniform(520_000, 550_000), northing=rng.uniform(170_000, 195_000)))
    return from_canonical(pd.DataFrame(rows))


def test_learned_window_covers_99_percent_of_known_linked_pairs():
    data = _series_data(60, "burglary-residential")
    known = known_linked(data)["burglary"]
    window, learned = learn_window(data, "burglary", known)
    assert learned == len(known) == 60 * 6
    dist, gap = pair_distance(data, known), window_gap(data, known)
    assert np.mean((dist <= window.radius_m) & (gap <= window.days)) >= 0.99
    assert window != DEFAULT_BLOCKING["burglary"]
    # too few pairs: the documented default
    assert learn_window(data, "burglary", known[:10])[0] == DEFAULT_BLOCKING["burglary"]


def test_plan_within_budget_finds_the_known_pairs_and_is_not_narrowed():
    data = _series_data(60, "burglary-residential", noise=300)
    plans = plan(data)
    candidate_pairs(data, plans)
    assert not plans["burglary"].narrowed
    assert plans["burglary"].expected_recall >= 0.99
    assert plans["burglary"].as_json()["learned_from"] == 360


def test_over_budget_narrows_and_says_so_but_never_for_sexual_offences():
    burglary = _series_data(60, "burglary-residential", noise=3000)
    plans = plan(burglary, budget=20_000)
    pairs = candidate_pairs(burglary, plans)
    p = plans["burglary"]
    assert p.narrowed and p.first_stage is not None
    assert len(pairs) <= 1.2 * 20_000 and p.expected_recall is not None
    # a narrowed plan keeps only pairs inside the learned window
    assert (pair_distance(burglary, pairs) <= p.window.radius_m + 1e-6).all()
    assert p.as_json()["narrowed"] is True and 0 < p.as_json()["expected_recall"] <= 1
    sexual = _series_data(60, "rape", noise=3000)
    plans = plan(sexual, budget=20_000)
    assert not plans["sexual"].narrowed
    assert plans["sexual"].pairs_in_window > 20_000


def test_sexual_offences_over_budget_keep_their_window_through_a_first_stage():
    sexual = _series_data(80, "rape", noise=4000)
    plans = plan(sexual, budget=200_000)
    p = plans["sexual"]
    assert not p.narrowed and p.first_stage is not None
    w = p.first_stage.weights
    assert (w[:3] <= 0).all() and (w[3:] >= 0).all()         # closer and agreeing never count against
    pairs = candidate_pairs(sexual, plans)
    all_pairs = block_pairs(sexual.x, sexual.y, sexual.t_from, sexual.t_to, p.window)
    kept = {tuple(q) for q in pairs.tolist()}
    assert kept <= {tuple(q) for q in all_pairs.tolist()} and len(kept) < len(all_pairs)
    assert p.expected_recall >= 0.99
    assert p.as_json()["first_stage"] is True and p.as_json()["narrowed"] is False
    assert p.as_json()["first_stage_keeps"] >= 0.99
