"""Ranking figures for scored offence pairs: ROC area, true-positive rate at a false-
positive rate, average precision. Used to choose a learner (training) and to report how
well linkage works (evaluate)."""

from __future__ import annotations

import numpy as np


def tpr_at_fpr(scores: np.ndarray, labels: np.ndarray, fpr_limit: float = 0.05) -> float:
    """True-positive rate at the given false-positive rate (ROC interpolated)."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(labels, scores)
    return float(np.interp(fpr_limit, fpr, tpr))


def pair_metrics(scores: np.ndarray, labels: np.ndarray) -> dict:
    """AUC, TPR at 5% FPR and average precision (NaN when one class is absent)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    labels = np.asarray(labels, bool)
    if labels.all() or not labels.any():
        return {"auc": float("nan"), "tpr_at_5pct_fpr": float("nan"), "average_precision": float("nan")}
    return {"auc": float(roc_auc_score(labels, scores)),
            "tpr_at_5pct_fpr": tpr_at_fpr(scores, labels),
            "average_precision": float(average_precision_score(labels, scores))}
