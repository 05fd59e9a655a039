"""Training data per crime group, folds grouped by offender, and model training.

:func:`prepare` builds a group's labelled candidate pairs once (features included);
:func:`cross_validate` gives out-of-fold scores for one learner; :func:`train_group`
compares the learners on those folds, keeps the better (by AUC), calibrates it on its
out-of-fold scores and refits it on every pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.jobs import JobControl
from workbench.linkage.candidates import (
    GroupPlan,
    group_pairs,
    known_linked,
    linked_pairs,
    pair_keys,
    plan,
)
from workbench.linkage.config import MIN_LINKED_PAIRS, MIN_OFFENDERS
from workbench.linkage.dataset import LinkageData
from workbench.linkage.features import Profiles, feature_columns
from workbench.linkage.metrics import pair_metrics
from workbench.linkage.model import (
    METHODS,
    LinkModel,
    default_model,
    featurise,
    fit,
    offender_codes,
    offender_components,
    pair_weights,
    platt,
    same_offender,
)


@dataclass
class GroupPairs:
    """A crime group's labelled pairs, ready for cross-validation."""

    group: str
    pairs: np.ndarray          # (m, 2) positions: candidate pairs (scored)
    X: pd.DataFrame            # their features
    labels: np.ndarray         # bool: same offender (or confirmed by an analyst)
    weights: np.ndarray
    fold: np.ndarray           # per pair: fold of both offences, -1 if they straddle folds
    missed: np.ndarray         # (k, 2) linked pairs within the horizon that blocking missed
    missed_fold: np.ndarray    # their fold (-1 if straddling)
    offences: int              # solved offences in the group
    offenders: int             # offenders with at least one linked pair
    plan: GroupPlan | None = None  # how the pairs were found (window, narrowing, recall)

    @property
    def trainable(self) -> bool:
        return int(self.labels.sum()) >= MIN_LINKED_PAIRS and self.offenders >= MIN_OFFENDERS

    @property
    def too_few_reason(self) -> str:
        return (f"only {int(self.labels.sum())} linked pairs from {self.offenders} offenders among "
                f"{self.offences} solved {self.group} offences (at least {MIN_LINKED_PAIRS} pairs from "
                f"{MIN_OFFENDERS} offenders are needed to train)")


def assign_folds(components: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold per offence: whole offender components go to one fold, largest first, each
    to the fold with fewest offences so far (ties broken by a seeded shuffle)."""
    uniq, inverse, sizes = np.unique(components, return_inverse=True, return_counts=True)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(uniq))
    order = order[np.argsort(-sizes[order], kind="stable")]
    load = np.zeros(k, dtype=np.int64)
    comp_fold = np.empty(len(uniq), dtype=np.int64)
    for c in order:
        f = int(np.argmin(load))
        comp_fold[c] = f
        load[f] += sizes[c]
    return comp_fold[inverse]


def too_few_links(data: LinkageData, group: str, decided: pd.DataFrame | None = None) -> str | None:
    """Why ``group`` cannot train whatever its search window (None when it may): the
    pairs training could label are at most its solved offences' linked pairs plus the
    analyst's confirmed links, so when even those are too few, scoring every candidate
    pair of the group (millions for a large group of unrelated offences) is skipped."""
    solved = data.solved if data.solved is not None else np.zeros(len(data), bool)
    in_group = data.group == group
    universe = linked_pairs(data, np.flatnonzero(in_group & solved))
    first, _ = offender_codes(data)
    confirmed = 0
    if decided is not None and len(decided):
        mine = in_group[decided["i"].to_numpy()] & in_group[decided["j"].to_numpy()]
        confirmed = int(decided.loc[mine, "linked"].astype(bool).sum())
    offenders = len(np.unique(first[universe[:, 0]])) if len(universe) else 0
    if len(universe) + confirmed >= MIN_LINKED_PAIRS and offenders + confirmed >= MIN_OFFENDERS:
        return None
    return (f"only {len(universe) + confirmed} linked pairs from {offenders} offenders among "
            f"{int((in_group & solved).sum())} solved {group} offences (at least {MIN_LINKED_PAIRS} pairs "
            f"from {MIN_OFFENDERS} offenders are needed to train)")


def prepare(data: LinkageData, group: str, *, k: int = 5, seed: int = 0,
            plans: dict[str, GroupPlan] | None = None, decided: pd.DataFrame | None = None,
            profiles: Profiles | None = None) -> GroupPairs:
    """Labelled candidate pairs of one crime group's solved offences.

    The pairs are those the group's search plan finds among *all* its offences (so a
    narrowed plan loses here what it loses in use), kept where both offences are solved.
    ``decided``: analyst labels as rows (i, j, linked) of positions; they override the
    offender truth and bring their (possibly unsolved) offences into training.
    """
    solved = data.solved if data.solved is not None else np.zeros(len(data), bool)
    in_group = data.group == group
    positions = np.flatnonzero(in_group & solved)
    extra, extra_linked = np.empty((0, 2), np.int64), np.zeros(0, bool)
    if decided is not None and len(decided):
        d = decided[in_group[decided["i"].to_numpy()] & in_group[decided["j"].to_numpy()]]
        extra = np.sort(d[["i", "j"]].to_numpy(dtype=np.int64), axis=1)
        extra_linked = d["linked"].to_numpy(bool)
        positions = np.union1d(positions, extra.ravel())
    plans = plans if plans is not None else plan(data, groups=[group], known=known_linked(data, decided))
    gplan = plans[group]
    n = len(data)
    pairs = group_pairs(data, gplan, positions)
    if len(extra):
        keys = pair_keys(pairs, n)
        pairs = np.concatenate([pairs, extra[~np.isin(pair_keys(extra, n), keys)]])
    labels = same_offender(data, pairs) if len(pairs) else np.zeros(0, bool)
    if len(extra):
        keys = pair_keys(pairs, n)
        where = np.searchsorted(keys, pair_keys(extra, n), sorter=np.argsort(keys))
        labels[np.argsort(keys)[where]] = extra_linked
    components = offender_components(data)
    fold_of = np.full(n, -1, dtype=np.int64)
    fold_of[positions] = assign_folds(components[positions], k, seed)
    fold = (np.where(fold_of[pairs[:, 0]] == fold_of[pairs[:, 1]], fold_of[pairs[:, 0]], -1) if len(pairs)
            else np.zeros(0, np.int64))
    universe = linked_pairs(data, np.flatnonzero(in_group & solved))
    missed = universe[~np.isin(pair_keys(universe, n), pair_keys(pairs, n))] if len(universe) else universe
    missed_fold = np.where(fold_of[missed[:, 0]] == fold_of[missed[:, 1]], fold_of[missed[:, 0]], -1)
    if len(universe):
        gplan.expected_recall = 1.0 - len(missed) / len(universe)
    first, _ = offender_codes(data)
    if not labels.any() and not len(missed):
        # nothing linked to learn from or evaluate: the pairs need no features (a group
        # of one-off offenders, such as most "other" crime, would cost millions)
        pairs, labels, fold = pairs[:0], labels[:0], fold[:0]
    X = featurise(data, pairs, profiles, feature_columns(data))
    return GroupPairs(group, pairs, X, labels, pair_weights(data, pairs, labels), fold, missed, missed_fold,
                      offences=int((in_group & solved).sum()),
                      offenders=len(np.unique(first[pairs[labels, 0]])) if labels.any() else 0,
                      plan=gplan)


def cross_validate(gp: GroupPairs, method: str, k: int, seed: int = 0, control: JobControl | None = None) -> np.ndarray:
    """Out-of-fold raw scores for every pair with a fold (NaN for straddling pairs).
    A fold whose training part is too small is scored by the default model."""
    control = control or JobControl()
    oof = np.full(len(gp.pairs), np.nan)
    for f in range(k):
        control.report(f / k, f"{gp.group}: {method} fold {f + 1} of {k}")
        test = gp.fold == f
        if not test.any():
            continue
        train = (gp.fold >= 0) & ~test
        y = gp.labels[train]
        if y.sum() >= MIN_LINKED_PAIRS // 2 and (~y).any():
            model = fit(method, gp.group, gp.X[train], y, gp.weights[train], seed)
        else:
            model = default_model(gp.group, list(gp.X.columns), "too few training pairs in this fold")
        oof[test] = model.raw(gp.X[test])
    return oof


def train_group(gp: GroupPairs, *, k: int = 3, seed: int = 0, methods=METHODS,
                control: JobControl | None = None) -> tuple[LinkModel, dict]:
    """The better learner for a group, calibrated and refitted on all its pairs; with
    the cross-validated AUC of each learner. Falls back to the default model."""
    control = control or JobControl()
    columns = list(gp.X.columns)
    if not gp.trainable:
        return default_model(gp.group, columns, gp.too_few_reason), {}
    compared = {}
    oofs = {}
    for n, method in enumerate(methods):
        oof = cross_validate(gp, method, k, seed, control.sub(n / (len(methods) + 1), (n + 1) / (len(methods) + 1)))
        ok = ~np.isnan(oof)
        compared[method] = pair_metrics(oof[ok], gp.labels[ok])
        oofs[method] = oof
    best = max(compared, key=lambda m: (compared[m]["auc"], compared[m]["average_precision"]))
    control.report(len(methods) / (len(methods) + 1), f"{gp.group}: fitting {best} on all pairs")
    model = fit(best, gp.group, gp.X, gp.labels, gp.weights, seed)
    ok = ~np.isnan(oofs[best])
    model.calibration = platt(oofs[best][ok], gp.labels[ok])
    model.metrics = {"compared": compared, "chosen": best, "folds": k}
    return model, compared
