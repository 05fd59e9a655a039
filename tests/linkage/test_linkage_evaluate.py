"""Evaluation: folds grouped by offender, metrics with known answers, pair weights."""

import numpy as np
import pandas as pd
import pytest

from workbench.linkage.dataset import from_canonical
from workbench.linkage.evaluate import top_k_hit_rate
from workbench.linkage.metrics import pair_metrics
from workbench.linkage.model import offender_components, pair_weights, same_offender
from workbench.linkage.training import assign_folds, prepare


def offences(offenders: list[str]) -> pd.DataFrame:
    n = len(offenders)
    return pd.DataFrame({
        "offence_ref": [f"R{k}" for k in range(n)], "category": "burglary-residential",
        "committed_from": [f"2025-03-{1 + k % 28:02d}T12:00" for k in range(n)],
        "easting": 530000 + 10 * np.arange(n), "northing": 180000, "status": "solved", "offender_ids": offenders,
    })


def test_co_offenders_share_a_component_and_a_fold():
    data = from_canonical(offences(["A", "A;B", "B", "C", "D", "D", "E", "F", "G", "H"]))
    comp = offender_components(data)
    assert comp[0] == comp[1] == comp[2] and comp[3] != comp[0] and comp[4] == comp[5]
    folds = assign_folds(comp, 3, seed=1)
    assert folds[0] == folds[1] == folds[2] and folds[4] == folds[5]


def test_no_offender_in_two_folds():
    rng = np.random.default_rng(0)
    offenders = [f"O{rng.integers(0, 40)}" + (f";O{rng.integers(0, 40)}" if rng.random() < 0.1 else "") for _ in range(300)]
    data = from_canonical(offences(offenders))
    gp = prepare(data, "burglary", k=5, seed=2)
    folds_of = {}
    fold = np.full(len(data), -1)
    fold[:] = assign_folds(offender_components(data), 5, seed=2)
    for k, offs in enumerate(data.offenders):
        for o in offs:
            folds_of.setdefault(o, set()).add(int(fold[k]))
    assert all(len(f) == 1 for f in folds_of.values())
    # pairs used for testing never straddle folds
    inside = gp.fold >= 0
    assert (fold[gp.pairs[inside, 0]] == fold[gp.pairs[inside, 1]]).all()


def test_same_offender_labels_with_co_offending():
    data = from_canonical(offences(["A", "A;B", "B", "C"]))
    labels = same_offender(data, np.array([[0, 1], [1, 2], [0, 2], [2, 3]]))
    assert labels.tolist() == [True, True, False, False]


def test_prolific_offender_weighted_down():
    data = from_canonical(offences(["A"] * 5 + ["B", "B"]))
    pairs = np.array([[a, b] for a in range(7) for b in range(a + 1, 7)])
    labels = same_offender(data, pairs)
    w = pair_weights(data, pairs, labels)
    a_total, b_total = w[labels & (pairs[:, 0] < 5)].sum(), w[labels & (pairs[:, 0] >= 5)].sum()
    assert a_total == pytest.approx(b_total)                 # A's 10 pairs weigh as B's one
    assert w[labels].sum() == pytest.approx(labels.sum())     # total linked weight kept
    assert (w[~labels] == 1).all()


def test_metrics_known_answers():
    m = pair_metrics(np.array([0.9, 0.8, 0.3, 0.2]), np.array([1, 1, 0, 0]))
    assert m["auc"] == 1.0 and m["average_precision"] == 1.0 and m["tpr_at_5pct_fpr"] == 1.0
    m = pair_metrics(np.array([0.9, 0.8, 0.3, 0.2]), np.array([0, 1, 1, 0]))
    assert m["auc"] == pytest.approx(0.5)


def test_top10_hit_rate_counts_missed_links_as_failures():
    # offence 0: linked partner 1 ranked first -> hit; offence 2: its partner 3 was missed by blocking
    i = np.array([0, 0, 2])
    j = np.array([1, 4, 3])
    scores = np.array([0.9, 0.1, 0.0])
    labels = np.array([True, False, True])
    findable = np.array([True, True, False])
    rate, counted = top_k_hit_rate(i, j, scores, labels, findable)
    assert counted == 4 and rate == pytest.approx(0.5)       # 0 and 1 hit; 2 and 3 cannot
