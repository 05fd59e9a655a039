"""Suspects for an unsolved offence: known offenders ranked by how well their known
offences match it.

:func:`rank_suspects` is the one ranking: it takes the offence and *candidate
offenders with their offences* (positions into the linkage data), so candidates can come
from solved offences (:func:`known_offenders`) or from anywhere else that ties people to
offences. An offender's score is the best "same offender" probability between the
offence and any of their offences within a year of it (the pair model's own
calibration), ties broken by their second best; the reasons are those of that best pair.

:func:`leave_one_out` measures it the way the CLI reports it: each solved offence whose
offender has another solved offence is treated as unsolved (its own label hidden, the
offender's other offences still known) and the rank of its true offender noted.
"""

from __future__ import annotations

import numpy as np

from workbench.linkage import reasons
from workbench.linkage.candidates import HORIZON_DAYS
from workbench.linkage.dataset import LinkageData
from workbench.linkage.features import Profiles, iter_chunks, pair_features
from workbench.linkage.model import LinkModel


def known_offenders(data: LinkageData, positions=None) -> dict[str, np.ndarray]:
    """Offender key -> positions of their solved offences (among ``positions``)."""
    out: dict[str, list[int]] = {}
    if data.offenders is None:
        return {}
    chosen = range(len(data)) if positions is None else np.asarray(positions)
    for p in chosen:
        for key in data.offenders[p]:
            out.setdefault(key, []).append(int(p))
    return {k: np.array(v, dtype=np.int64) for k, v in out.items()}


def _flatten(candidates: dict[str, np.ndarray], target: int, within) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(offence positions, owner index per position, owner keys) without the target and
    outside the time horizon."""
    keys = list(candidates)
    pos = np.concatenate([candidates[k] for k in keys]) if keys else np.empty(0, np.int64)
    owner = np.repeat(np.arange(len(keys)), [len(candidates[k]) for k in keys])
    keep = (pos != target) & within(pos)
    return pos[keep], owner[keep], keys


def offender_scores(scores: np.ndarray, owner: np.ndarray, n_owners: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per owner: best score, second-best score (0 if none) and the index of the best pair."""
    order = np.lexsort((-scores, owner))
    first = np.ones(len(order), bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    best = np.zeros(n_owners)
    second = np.zeros(n_owners)
    best_at = np.full(n_owners, -1)
    best[owner[order][first]] = scores[order][first]
    best_at[owner[order][first]] = order[first]
    after = np.flatnonzero(first) + 1
    after = after[(after < len(order))]
    after = after[owner[order][after] == owner[order][after - 1]]
    second[owner[order][after]] = scores[order][after]
    return best, second, best_at


def rank_suspects(model: LinkModel, data: LinkageData, target: int, candidates: dict[str, np.ndarray], *,
                  top: int = 10, profiles: Profiles | None = None, explain: bool = True) -> list[dict]:
    """The ``top`` candidate offenders for the offence at position ``target``.

    Each: ``{"offender", "score", "offences": [refs of their offences scored, best
    first], "best_match": ref, "reasons": {...}}``.
    """
    def within(pos):
        gap = np.abs(data.mid[pos] - data.mid[target]) - data.half_width[pos] - data.half_width[target]
        return (gap <= HORIZON_DAYS) & (data.group[pos] == data.group[target])

    pos, owner, keys = _flatten(candidates, target, within)
    if not len(pos):
        return []
    frame = pair_features(data, np.full(len(pos), target), pos, profiles)
    scores = model.predict(frame).astype(float)
    best, second, best_at = offender_scores(scores, owner, len(keys))
    ranked = [k for k in np.lexsort((-second, -best)) if best_at[k] >= 0][:top]
    why = (reasons.explain(model, frame.iloc[[best_at[k] for k in ranked]], data,
                           np.full(len(ranked), target), pos[[best_at[k] for k in ranked]])
           if explain and ranked else [{}] * len(ranked))
    out = []
    for k, r in zip(ranked, why):
        mine = np.flatnonzero(owner == k)
        mine = mine[np.argsort(-scores[mine], kind="stable")]
        out.append({"offender": keys[k], "score": round(float(best[k]), 4),
                    "offences": [str(data.refs[pos[m]]) for m in mine],
                    "best_match": str(data.refs[pos[best_at[k]]]), "reasons": r})
    return out


def leave_one_out(model: LinkModel, data: LinkageData, positions, *, profiles: Profiles | None = None) -> dict:
    """Top-1 and top-10 rates of the true offender over ``positions`` (solved offences
    of one crime group): each is scored against every other solved offence of the group
    within a year, its offenders ranked by :func:`offender_scores`. Offences whose
    offenders have no other solved offence there are skipped (nobody could name them)."""
    positions = np.asarray(positions, dtype=np.int64)
    candidates = known_offenders(data, positions)
    keys = list(candidates)
    index = {k: n for n, k in enumerate(keys)}
    pos = np.concatenate([candidates[k] for k in keys]) if keys else np.empty(0, np.int64)
    owner = np.repeat(np.arange(len(keys)), [len(candidates[k]) for k in keys])
    evaluated = [p for p in positions if any(len(candidates[k]) > 1 for k in data.offenders[p])]
    profiles = profiles or Profiles.of(data)
    hits1 = hits10 = 0
    for p in evaluated:
        gap = np.abs(data.mid[pos] - data.mid[p]) - data.half_width[pos] - data.half_width[p]
        keep = (pos != p) & (gap <= HORIZON_DAYS)
        other, own = pos[keep], owner[keep]
        if not len(other):
            continue
        scores = np.concatenate([model.predict(pair_features(data, np.full(b - a, p), other[a:b], profiles))
                                 for a, b in iter_chunks(other)]).astype(float)
        best, second, best_at = offender_scores(scores, own, len(keys))
        ranked = [k for k in np.lexsort((-second, -best)) if best_at[k] >= 0]
        truth = {index[k] for k in data.offenders[p]}
        rank = next((n for n, k in enumerate(ranked) if k in truth), None)
        hits1 += rank == 0
        hits10 += rank is not None and rank < 10
    n = len(evaluated)
    return {"offences": n, "top1": hits1 / n if n else None, "top10": hits10 / n if n else None,
            "offenders": len(keys)}


def pool(results: list[dict]) -> dict:
    """Figures over several groups, weighted by their offences."""
    n = sum(r["offences"] for r in results)
    if not n:
        return {"offences": 0, "top1": None, "top10": None}
    return {"offences": n,
            "top1": sum(r["top1"] * r["offences"] for r in results if r["offences"]) / n,
            "top10": sum(r["top10"] * r["offences"] for r in results if r["offences"]) / n}

