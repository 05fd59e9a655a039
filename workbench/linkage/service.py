"""Linkage against a store: load, score, suggest, find series, train, evaluate, CCA.

These are the ``run``-style entry points the CLI and the UI call (``progress`` and
``cancelled`` as in :mod:`workbench.jobs`). They read the store; the only writes are
``train`` saving models (one transaction, audited). Analyst decisions are written by
the commands in :mod:`workbench.linkage.decisions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.domain import categories as cats
from workbench.errors import BadInput, NotFound
from workbench.jobs import JobControl
from workbench.linkage import candidates, reasons
from workbench.linkage.cca import cca_matrix, shared_cells
from workbench.linkage.config import GROUPS, blocking_for, crime_group
from workbench.linkage.dataset import LinkageData, build
from workbench.linkage.evaluate import evaluate as cross_validated
from workbench.linkage.features import Profiles, feature_columns, pair_features
from workbench.linkage.model import LinkModel, default_model, score
from workbench.linkage.series import MAX_SERIES_SIZE, describe_series, find_series
from workbench.linkage.training import prepare, train_group
from workbench.store import Store
from workbench.store import linkage as db
from workbench.store.offences import (
    OffenceFilter,
    find_offence,
    load_features,
    load_frame,
    load_offender_links,
    offence_category,
)

LINK_COLUMNS = ("id", "offence_ref", "category", "committed_from", "committed_to", "easting", "northing",
                "location_type", "status")


def clean(value):
    """JSON-safe: NaN and infinities become None, numpy scalars plain numbers."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (list, dict)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def group_categories(groups) -> list[str]:
    """The stored categories of the given crime groups."""
    return [c for c in cats.FINE + tuple(cats.COARSE) if crime_group(c) in set(groups)]


def groups_of(categories) -> list[str]:
    """Crime groups touched by a category filter (all groups without one)."""
    expanded = cats.expand(categories)
    if not expanded:
        return list(GROUPS)
    return [g for g in GROUPS if g in {crime_group(c) for c in expanded}]


def load_data(store: Store, *, groups=None, categories=None) -> LinkageData:
    """Offences (with features and offenders) of the given groups or categories."""
    if categories:
        flt = OffenceFilter(categories=categories)
    else:
        flt = OffenceFilter(categories=group_categories(groups or GROUPS))
    frame = load_frame(store, flt, LINK_COLUMNS)
    ids = frame["id"].tolist()
    if len(ids) > 50_000:      # an IN list that long is slower than reading every row
        features, links = load_features(store), load_offender_links(store)
    else:
        features, links = load_features(store, ids), load_offender_links(store, ids)
    return build(frame, features, links)


def load_ids(store: Store, offence_ids) -> LinkageData:
    """Linkage data of just the given offences (charts, CCA)."""
    ids = [int(i) for i in offence_ids]
    frame = load_frame(store, OffenceFilter(ids=ids), LINK_COLUMNS)
    return build(frame, load_features(store, ids), load_offender_links(store, ids))


def models_for(store: Store, data: LinkageData) -> tuple[dict[str, LinkModel], dict[str, str]]:
    """The model of each crime group in ``data`` and a note on where it came from."""
    stored = db.active_models(store)
    models, notes = {}, {}
    columns = feature_columns(data)
    for group in sorted(set(data.group.tolist())):
        rec = stored.get(group)
        if rec and not rec["is_default"] and rec["model"]:
            models[group] = LinkModel.from_bytes(rec["model"])
            notes[group] = f"{rec['method']} model trained {rec['created_at'][:10]} on {rec['n_linked']} linked pairs"
        else:
            why = rec["metrics"].get("reason") if rec else \
                f"no trained model for {group} offences yet: Retrain models (or `workbench link train`)"
            models[group] = default_model(group, columns, why)
            notes[group] = f"default model ({why})"
    return models, notes


def decided_pairs(store: Store, data: LinkageData) -> pd.DataFrame:
    """Analyst labels as positions (i, j, linked): confirmed/rejected links and every pair
    within a confirmed series."""
    rows = []
    dec = db.load_decisions(store)
    members = db.confirmed_member_pairs(store)
    lookup = pd.Index(data.ids)
    if len(dec):
        i, j = lookup.get_indexer(dec["offence_a"]), lookup.get_indexer(dec["offence_b"])
        rows.append(pd.DataFrame({"i": i, "j": j, "linked": dec["decision"].eq("confirmed").to_numpy()}))
    if len(members):
        joined = members.merge(members, on="series_id")
        joined = joined[joined["offence_id_x"] < joined["offence_id_y"]]
        rows.append(pd.DataFrame({"i": lookup.get_indexer(joined["offence_id_x"]),
                                  "j": lookup.get_indexer(joined["offence_id_y"]), "linked": True}))
    if not rows:
        return pd.DataFrame({"i": [], "j": [], "linked": []}).astype({"i": int, "j": int, "linked": bool})
    out = pd.concat(rows, ignore_index=True)
    out = out[(out["i"] >= 0) & (out["j"] >= 0)]
    # an explicit rejection beats series membership
    return out.drop_duplicates(["i", "j"], keep="first").reset_index(drop=True)


def _keys(i, j, n: int) -> np.ndarray:
    lo, hi = np.minimum(i, j).astype(np.int64), np.maximum(i, j).astype(np.int64)
    return lo * n + hi


@dataclass
class Scored:
    """Scored candidate pairs of a store (rejected links removed, confirmed ones at 1)."""

    data: LinkageData
    pairs: np.ndarray
    scores: np.ndarray
    models: dict[str, LinkModel]
    notes: dict[str, str]
    blocking: dict[str, dict]


def score_store(store: Store, *, categories=None, progress=None, cancelled=None) -> Scored:
    """Every candidate pair of the selected offences, scored by its group's model."""
    control = JobControl(progress, cancelled)
    control.report(0.0, "loading offences")
    data = load_data(store, categories=categories)
    models, notes = models_for(store, data)
    plan = candidates.plan_blocking(data)
    pairs = candidates.candidate_pairs(data, blocking=plan, max_candidates=None, control=control.sub(0.05, 0.3))
    scores = score(data, pairs, models, control=control.sub(0.3, 0.95))
    dec = decided_pairs(store, data)
    n = len(data)
    if len(dec):
        keys = _keys(pairs[:, 0], pairs[:, 1], n)
        rejected = dec[~dec["linked"]]
        keep = ~np.isin(keys, _keys(rejected["i"].to_numpy(), rejected["j"].to_numpy(), n))
        pairs, scores, keys = pairs[keep], scores[keep], keys[keep]
        confirmed = dec[dec["linked"]]
        c_keys = _keys(confirmed["i"].to_numpy(), confirmed["j"].to_numpy(), n)
        scores[np.isin(keys, c_keys)] = 1.0
        extra = ~np.isin(c_keys, keys)
        if extra.any():
            add = np.sort(confirmed[["i", "j"]].to_numpy(dtype=np.int64)[extra], axis=1)
            pairs = np.concatenate([pairs, add])
            scores = np.concatenate([scores, np.ones(len(add), np.float32)])
    control.report(1.0, f"{len(pairs):,} candidate pairs scored")
    windows = {g: {"radius_m": round(r.radius_m), "days": round(r.days, 1),
                   "shrunk_for_density": r != blocking_for(g)} for g, r in plan.items()}
    return Scored(data, pairs, scores, models, notes, windows)


def resolve(store: Store, ref: str) -> int:
    """The id of an offence reference (or numeric id); ValueError if unknown."""
    oid = find_offence(store, ref)
    if oid is None:
        raise NotFound(f"no offence with reference {ref!r}")
    return int(oid)


def suggest(store: Store, ref: str, *, top: int = 10, progress=None, cancelled=None) -> dict:
    """The offences most likely linked to ``ref``, with reasons, and the best-matching
    confirmed series. Rejected links are left out; confirmed ones are marked."""
    control = JobControl(progress, cancelled)
    oid = resolve(store, ref)
    category = offence_category(store, oid)
    group = crime_group(category)
    control.report(0.1, f"loading {group} offences")
    data = load_data(store, groups=[group])
    models, notes = models_for(store, data)
    model = models[group]
    me = int(data.positions([oid])[0])
    partners = candidates.pairs_with(data, me)
    control.report(0.4, f"scoring {len(partners):,} candidates")
    frame = pair_features(data, np.full(len(partners), me), partners)
    scores = model.predict(frame) if len(partners) else np.zeros(0, np.float32)
    dec = db.load_decisions(store)
    decision = {}
    for a, b, d in zip(dec["offence_a"], dec["offence_b"], dec["decision"]):
        if oid in (a, b):
            decision[int(b if a == oid else a)] = d
    other_ids = data.ids[partners]
    keep = np.array([decision.get(int(o)) != "rejected" for o in other_ids], dtype=bool)
    partners, scores, frame = partners[keep], scores[keep], frame[keep].reset_index(drop=True)
    order = np.argsort(-scores, kind="stable")[:top]
    why = reasons.explain(model, frame.iloc[order], data, np.full(len(order), me), partners[order])
    cands = [{"offence": str(data.refs[partners[k]]), "id": int(data.ids[partners[k]]), "score": round(float(scores[k]), 4),
              "category": str(data.category[partners[k]]), "decision": decision.get(int(data.ids[partners[k]])),
              "reasons": r} for k, r in zip(order, why)]
    control.report(1.0, "done")
    return {"offence": str(data.refs[me]), "id": oid, "group": group, "model": notes[group],
            "default_model": model.is_default, "candidates_considered": int(len(partners)),
            "candidates": cands, "series": _best_series(store, data, partners, scores)}


def _best_series(store: Store, data: LinkageData, partners: np.ndarray, scores: np.ndarray) -> dict | None:
    """The confirmed series whose members score highest with the offence (max score)."""
    by_id = dict(zip(data.ids[partners].tolist(), scores.tolist()))
    best = None
    for s in db.list_series(store):
        member_scores = [by_id[o] for o in s["offence_ids"] if o in by_id]
        if member_scores and (best is None or max(member_scores) > best["score"]):
            best = {"id": f"S{s['id']}", "name": s["name"], "score": round(max(member_scores), 4),
                    "size": len(s["offence_ids"])}
    return best


def _member_strength(pairs, scores, positions) -> float:
    inside = np.isin(pairs[:, 0], positions) & np.isin(pairs[:, 1], positions)
    return float(scores[inside].mean()) if inside.any() else 0.0


def series(store: Store, *, categories=None, min_score: float = 0.5, max_size: int = MAX_SERIES_SIZE, seed: int = 0,
           progress=None, cancelled=None) -> dict:
    """Confirmed series and candidate series (from links scored >= ``min_score``),
    strongest and most recent first; candidates already wholly inside a confirmed series
    are left out, and overlaps named."""
    if not 0.0 <= min_score <= 1.0:
        raise BadInput("--min-score must be between 0 and 1")
    control = JobControl(progress, cancelled)
    scored = score_store(store, categories=categories, progress=control.sub(0.0, 0.85).report)
    data = scored.data
    control.report(0.9, "building series")
    out = []
    confirmed_sets = {}
    lookup = pd.Index(data.ids)
    for s in db.list_series(store):
        pos = lookup.get_indexer(s["offence_ids"])
        pos = sorted(int(p) for p in pos if p >= 0)
        if not pos:
            continue
        desc = describe_series(data, pos, None)
        desc.strength = _member_strength(scored.pairs, scored.scores, pos)
        item = {"id": f"S{s['id']}", "kind": "confirmed", "name": s["name"], "notes": s["notes"]}
        item.update(desc.as_json())
        out.append(item)
        confirmed_sets[item["id"]] = set(pos)
    for n, cand in enumerate(find_series(data, scored.pairs, scored.scores, min_score=min_score,
                                         max_size=max_size, seed=seed), start=1):
        members = set(cand.positions)
        overlaps = [sid for sid, ps in confirmed_sets.items() if members & ps]
        if any(members <= confirmed_sets[sid] for sid in overlaps):
            continue
        item = {"id": f"C{n}", "kind": "candidate", "name": "", "notes": "", "confirmed_overlap": overlaps}
        item.update(cand.as_json())
        out.append(item)
    control.report(1.0, f"{len(out)} series")
    return {"series": out, "min_score": min_score, "models": scored.notes,
            "candidate_pairs": int(len(scored.pairs)), "blocking": scored.blocking}


def series_graph(store: Store, offence_ids) -> dict:
    """Nodes and scored edges among the given offences (for the link chart)."""
    data = load_ids(store, offence_ids)
    models, _ = models_for(store, data)
    pos = data.positions(offence_ids)
    ii, jj = np.triu_indices(len(pos), k=1)
    i, j = pos[ii], pos[jj]
    same = data.group[i] == data.group[j]
    i, j = i[same], j[same]
    frame = pair_features(data, i, j)
    scores = np.zeros(len(i), dtype=np.float32)
    for group in np.unique(data.group[i]) if len(i) else []:
        mask = data.group[i] == group
        scores[mask] = models[group].predict(frame[mask])
    return {"data": data, "positions": pos, "i": i, "j": j, "scores": scores, "features": frame, "models": models}


def train(store: Store, *, groups=None, seed: int = 0, folds: int = 3, progress=None, cancelled=None) -> dict:
    """Train, compare and save a model per crime group (default where data is too thin)."""
    control = JobControl(progress, cancelled)
    control.report(0.0, "loading offences")
    data = load_data(store, groups=groups or GROUPS)
    decided = decided_pairs(store, data)
    present = [g for g in (groups or GROUPS) if np.any(data.group == g)]
    profiles = Profiles.of(data)
    results, fitted = {}, []
    for n, group in enumerate(present):
        step = control.sub(0.05 + 0.9 * n / len(present), 0.05 + 0.9 * (n + 1) / len(present))
        gp = prepare(data, group, k=folds, seed=seed, decided=decided, profiles=profiles)
        model, compared = train_group(gp, k=folds, seed=seed, control=step)
        fitted.append((group, model, gp))
        results[group] = {"method": model.method, "default_model": model.is_default,
                          "pairs": int(len(gp.pairs)), "linked_pairs": int(gp.labels.sum()),
                          "solved_offences": gp.offences, "compared": compared,
                          "note": model.metrics.get("reason", "")}
    control.check()
    with store.atomic():
        for group, model, gp in fitted:
            results[group]["model_id"] = db.save_model(
                store, group, model.method, None if model.is_default else model.to_bytes(),
                is_default=model.is_default, n_offences=gp.offences, n_pairs=int(len(gp.pairs)),
                n_linked=int(gp.labels.sum()), metrics=clean(model.metrics), columns=model.columns)
        store.audit("link.train", "model", None, clean({g: {k: r[k] for k in ("method", "pairs", "linked_pairs")}
                                                        for g, r in results.items()}))
    control.report(1.0, "models saved")
    return clean({"models": results, "labels_from_decisions": int(len(decided))})


def evaluate(store: Store, *, categories=None, folds: int = 5, seed: int = 0, progress=None, cancelled=None) -> dict:
    """Cross-validated figures on the store's solved offences (see
    :mod:`workbench.linkage.evaluate`), with analyst decisions as labels."""
    if folds < 2:
        raise BadInput("--folds must be at least 2")
    groups = groups_of(categories)
    data = load_data(store, categories=categories) if categories else load_data(store, groups=groups)
    if data.solved is None or not data.solved.any():
        raise BadInput("no solved offences with offender ids to evaluate on")
    result = cross_validated(data, groups=groups, k=folds, seed=seed, decided=decided_pairs(store, data),
                             progress=progress, cancelled=cancelled)
    return clean(result)


def cca(store: Store, offence_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CCA matrix and its shared-cell mask for the given offences."""
    if not len(offence_ids):
        raise BadInput("choose at least one offence for the CCA matrix")
    data = load_ids(store, offence_ids)
    pos = list(range(len(data)))
    matrix = cca_matrix(data, pos)
    return matrix, shared_cells(matrix, data, pos)
