"""Blocking finds exactly the pairs within the space/time window, never fewer."""

import numpy as np

from workbench.linkage.candidates import block_pairs, candidate_pairs, pairs_with
from workbench.linkage.config import Blocking


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
    pairs = candidate_pairs(small_data)
    assert (small_data.group[pairs[:, 0]] == small_data.group[pairs[:, 1]]).all()
    refs = {tuple(sorted(small_data.refs[p])) for p in pairs}
    assert ("B1", "B2") in refs and not any("B5" in r for r in refs)   # B5 is 35 km away


def test_pairs_with_one_offence(small_data):
    b1 = int(np.flatnonzero(small_data.refs == "B1")[0])
    partners = set(small_data.refs[pairs_with(small_data, b1)])
    assert partners == {"B2", "B3", "B4", "B6"}


def test_dense_groups_get_a_narrower_window_sparse_ones_keep_theirs():
    from workbench.linkage.candidates import fit_to_density

    rng = np.random.default_rng(1)
    n = 20_000
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    t0 = rng.uniform(0, 365, n)
    rule = Blocking(radius_m=1000, days=60)
    narrowed = fit_to_density(x, y, t0, t0 + 0.1, rule, max_candidates=50)
    assert narrowed.radius_m < rule.radius_m and narrowed.days < rule.days
    per_offence = 2 * len(block_pairs(x, y, t0, t0 + 0.1, narrowed)) / n
    assert 30 < per_offence < 70
    assert fit_to_density(x[:300], y[:300], t0[:300], t0[:300] + 0.1, rule, max_candidates=50) == rule
