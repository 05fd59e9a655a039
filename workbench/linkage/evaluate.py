"""How well linkage works on the store's solved offences, measured as the research does.

K-fold cross-validation grouped by offender (offences tied by shared offenders, co-
offending included, are always in the same fold, so no offender is in both training and
test). Each crime group's pairs are scored out-of-fold by each learner; the better one
per group is reported. The evaluation pairs of a fold are its candidate pairs plus the
linked pairs (same offender, at most a year apart) that blocking missed, which count
with score 0: blocking losses lower the figures rather than hide.

Figures: ``auc`` (ROC area), ``tpr_at_5pct_fpr`` (share of linked pairs found when 5%
of unlinked ones are flagged), ``average_precision`` (area under precision-recall) and
``top10_hit_rate`` (share of solved offences with a linked offence among their 10
highest-scored candidates, of those with any linked offence).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.jobs import JobControl
from workbench.linkage.candidates import known_linked, plan
from workbench.linkage.config import GROUPS, Blocking
from workbench.linkage.dataset import LinkageData
from workbench.linkage.features import Profiles
from workbench.linkage.metrics import pair_metrics
from workbench.linkage.model import METHODS
from workbench.linkage.training import cross_validate, prepare


def top_k_hit_rate(i, j, scores, labels, findable, k: int = 10) -> tuple[float, int]:
    """Share of offences with a linked partner that have one among their ``k`` highest-
    scored candidates; ``findable`` False marks linked pairs blocking missed (they count
    in the denominator but can never be hits). Returns (rate, offences counted)."""
    frame = pd.DataFrame({
        "offence": np.concatenate([i, j]), "score": np.concatenate([scores, scores]),
        "label": np.concatenate([labels, labels]), "findable": np.concatenate([findable, findable]),
    })
    frame = frame.sort_values(["offence", "score"], ascending=[True, False], kind="stable")
    candidates = frame[frame["findable"]]
    rank = candidates.groupby("offence").cumcount()
    hits = candidates.loc[(rank < k) & candidates["label"], "offence"].unique()
    with_links = frame.loc[frame["label"], "offence"].unique()
    if len(with_links) == 0:
        return float("nan"), 0
    return float(len(hits) / len(with_links)), int(len(with_links))


def summarise(i, j, scores, labels, findable) -> dict:
    """Every figure for a set of evaluation pairs."""
    out = {"pairs": int(len(scores)), "linked_pairs": int(np.sum(labels))}
    out.update(pair_metrics(scores, labels))
    rate, counted = top_k_hit_rate(i, j, scores, labels, findable)
    out["top10_hit_rate"] = rate
    out["offences_with_links"] = counted
    out["blocking_recall"] = float(np.mean(findable[labels])) if np.any(labels) else float("nan")
    return out


def _evaluation_pairs(gp, oof: np.ndarray):
    """Scored in-fold pairs plus missed linked pairs (score 0), as flat arrays."""
    ok = gp.fold >= 0
    miss = gp.missed_fold >= 0
    i = np.concatenate([gp.pairs[ok, 0], gp.missed[miss, 0]])
    j = np.concatenate([gp.pairs[ok, 1], gp.missed[miss, 1]])
    scores = np.concatenate([oof[ok], np.zeros(int(miss.sum()))])
    labels = np.concatenate([gp.labels[ok], np.ones(int(miss.sum()), bool)])
    findable = np.concatenate([np.ones(int(ok.sum()), bool), np.zeros(int(miss.sum()), bool)])
    return i, j, scores, labels, findable


def evaluate(data: LinkageData, *, groups=None, k: int = 5, seed: int = 0,
             blocking: dict[str, Blocking] | None = None, decided: pd.DataFrame | None = None,
             methods=METHODS, progress=None, cancelled=None) -> dict:
    """Cross-validated figures overall and per crime group (see the module docstring).

    Returns the keys of the CLI contract plus ``method`` (the learner kept per group),
    ``methods`` (each learner's figures), ``groups`` (per crime group) and ``blocking``
    (per crime group: the search window, what it was learned from, the share of known
    linked pairs it finds and whether it was narrowed to stay within the budget).
    ``blocking`` overrides the learned windows.
    """
    control = JobControl(progress, cancelled)
    present = [g for g in GROUPS if (groups is None or g in groups) and np.any(data.group == g)]
    profiles = Profiles.of(data)
    plans = plan(data, groups=present, known=known_linked(data, decided), overrides=blocking)
    per_group, pooled = {}, {m: [] for m in methods + ("best",)}
    for n, group in enumerate(present):
        step = control.sub(n / max(1, len(present)), (n + 1) / max(1, len(present)))
        step.report(0.0, f"{group}: building pairs")
        gp = prepare(data, group, k=k, seed=seed, plans=plans, decided=decided, profiles=profiles)
        if not gp.labels.any() and not len(gp.missed):
            per_group[group] = {"pairs": int(len(gp.pairs)), "linked_pairs": 0, "model": "none",
                                "note": f"no linked pairs among the solved {group} offences",
                                "blocking": plans[group].as_json()}
            continue
        results = {}
        for m, method in enumerate(methods):
            oof = cross_validate(gp, method, k, seed, step.sub(m / len(methods), (m + 1) / len(methods)))
            arrays = _evaluation_pairs(gp, oof)
            results[method] = (summarise(*arrays), arrays)
        best = max(results, key=lambda m: (np.nan_to_num(results[m][0]["auc"]),
                                           np.nan_to_num(results[m][0]["average_precision"])))
        entry = dict(results[best][0])
        entry["method"] = best
        entry["model"] = best if gp.trainable else "default"
        if not gp.trainable:
            entry["note"] = gp.too_few_reason + "; the default model scored most folds"
        entry["methods"] = {m: results[m][0] for m in methods}
        entry["blocking"] = plans[group].as_json()
        per_group[group] = entry
        for m in methods:
            pooled[m].append(results[m][1])
        pooled["best"].append(results[best][1])
    control.report(1.0, "evaluation done")
    out = _pool(pooled["best"])
    out.update({"folds": k, "seed": seed, "groups": per_group,
                "methods": {m: _pool(pooled[m]) for m in methods},
                "method": {g: e.get("method", e.get("model")) for g, e in per_group.items()},
                "blocking": {g: e["blocking"] for g, e in per_group.items()}})
    return out


def _pool(parts: list) -> dict:
    if not parts:
        return {"pairs": 0, "linked_pairs": 0, "auc": None, "tpr_at_5pct_fpr": None,
                "top10_hit_rate": None, "average_precision": None}
    arrays = [np.concatenate([p[k] for p in parts]) for k in range(5)]
    return summarise(*arrays)
