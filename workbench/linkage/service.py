"""Linkage against a store: load, score, suggest, find series, train, evaluate, CCA.

These are the ``run``-style entry points the CLI and the UI call (``progress`` and
``cancelled`` as in :mod:`workbench.jobs`). They read the store; the only writes are
``train`` saving models (one transaction, audited). Analyst decisions are written by
the commands in :mod:`workbench.linkage.decisions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.domain import categories as cats
from workbench.domain.audit import AuditAction
from workbench.errors import BadInput, NotFound
from workbench.jobs import JobControl
from workbench.linkage import candidates, reasons, suspects
from workbench.linkage.cca import cca_matrix, shared_cells
from workbench.linkage.config import GROUPS, crime_group
from workbench.linkage.dataset import LinkageData, build
from workbench.linkage.evaluate import evaluate as cross_validated
from workbench.linkage.features import Profiles, feature_columns, pair_features
from workbench.linkage.model import LinkModel, default_model, score
from workbench.linkage.series import (
    MAX_SERIES_SIZE,
    MIN_SCORE,
    MIN_SERIES_SIZE,
    describe_series,
    find_series,
)
from workbench.linkage.training import prepare, too_few_links, train_group
from workbench.store import Store
from workbench.store import linkage as db
from workbench.store.offences import (
    OffenceFilter,
    count,
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


def _filter(groups=None, categories=None, include_coarse: bool = False, linkable: bool | None = True) -> OffenceFilter:
    cats_ = categories if categories else group_categories(groups or GROUPS)
    return OffenceFilter(categories=cats_, linkable=None if include_coarse else linkable)


def left_out(store: Store, *, groups=None, categories=None, include_coarse: bool = False) -> int:
    """How many offences of the groups or categories are left out of linkage because
    their time or place is too coarse (police.uk snap points, month-only times)."""
    return 0 if include_coarse else count(store, _filter(groups, categories, linkable=False))


def coarse_note(n: int) -> str:
    """The visible line saying what was left out, and how to include it."""
    return (f"{n:,} police.uk or month-only records left out (their time or place is too coarse to link; "
            "--include-coarse to include them)") if n else ""


def load_data(store: Store, *, groups=None, categories=None, include_coarse: bool = False) -> LinkageData:
    """Linkable offences (with features and offenders) of the given groups or categories;
    with ``include_coarse`` police.uk and month-only records too."""
    frame = load_frame(store, _filter(groups, categories, include_coarse), LINK_COLUMNS)
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
        saved = LinkModel.from_bytes(rec["model"]) if rec and not rec["is_default"] and rec["model"] else None
        if saved is not None and list(saved.columns) == list(columns):
            models[group] = saved
            notes[group] = f"{rec['method']} model trained {rec['created_at'][:10]} on {rec['n_linked']} linked pairs"
        else:
            if rec and not rec["is_default"] and rec["model"]:
                why = (f"the {group} model saved on {rec['created_at'][:10]} was trained by an older Workbench "
                       "on other features: Retrain models (or `workbench link train`)")
            elif rec:
                why = rec["metrics"].get("reason")
            else:
                why = f"no trained model for {group} offences yet: Retrain models (or `workbench link train`)"
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
    left_out: int = 0


def score_store(store: Store, *, categories=None, include_coarse: bool = False, progress=None,
                cancelled=None) -> Scored:
    """Every candidate pair of the selected offences, scored by its group's model."""
    control = JobControl(progress, cancelled)
    control.report(0.0, "loading offences")
    data = load_data(store, categories=categories, include_coarse=include_coarse)
    models, notes = models_for(store, data)
    dec = decided_pairs(store, data)
    plans = candidates.plan(data, known=candidates.known_linked(data, dec))
    pairs = candidates.candidate_pairs(data, plans, control=control.sub(0.05, 0.3))
    scores = score(data, pairs, models, control=control.sub(0.3, 0.95))
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
    return Scored(data, pairs, scores, models, notes, {g: p.as_json() for g, p in plans.items()},
                  left_out(store, categories=categories, include_coarse=include_coarse))


# -- one crime group, cached ------------------------------------------------------

@dataclass
class GroupLinker:
    """What answering questions about one offence of a crime group needs, built once per
    process and store state: the group's linkable offences as arrays, their per-offence
    precomputations, the model, the search window and the known offenders."""

    group: str
    data: LinkageData
    profiles: Profiles
    model: LinkModel
    note: str
    plan: candidates.GroupPlan
    offenders: dict[str, np.ndarray]


#: The linkers of the store last asked about (one store at a time, so memory stays that of
#: one store's offences however many stores a process opens).
_LINKERS: dict[tuple, tuple[tuple, GroupLinker]] = {}


def group_linker(store: Store, group: str, *, include_coarse: bool = False) -> GroupLinker:
    """The cached :class:`GroupLinker` of ``group``; rebuilt when the store has changed
    since (an import, a decision, a retrained model: see ``store.linkage.change_stamp``)."""
    key = (store.location, group, include_coarse)
    stamp = db.change_stamp(store)
    if any(other[0] != key[0] for other in _LINKERS):
        _LINKERS.clear()
    cached = _LINKERS.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    data = load_data(store, groups=[group], include_coarse=include_coarse)
    models, notes = models_for(store, data)
    known = candidates.known_linked(data, decided_pairs(store, data))
    window, learned = candidates.learn_window(data, group, known.get(group, np.empty((0, 2), np.int64)))
    # one offence at a time is cheap: its whole window is searched, never narrowed
    cost = candidates.estimate_pairs(data.x, data.y, data.t_from, data.t_to, window)
    gplan = candidates.GroupPlan(group, window, learned, cost, expected_recall=candidates.window_recall(
        data, known.get(group, np.empty((0, 2), np.int64)), window))
    solved = np.flatnonzero(data.solved) if data.solved is not None else np.empty(0, np.int64)
    linker = GroupLinker(group, data, Profiles.of(data), models.get(group) or default_model(
        group, feature_columns(data), "no offences"), notes.get(group, ""), gplan,
        suspects.known_offenders(data, solved))
    _LINKERS[key] = (db.change_stamp(store), linker)
    return linker


def _position(store: Store, ref: str, include_coarse: bool) -> tuple[int, GroupLinker, int]:
    """(offence id, its group's linker, its position there); BadInput for a record left
    out of linkage."""
    oid = resolve(store, ref)
    group = crime_group(offence_category(store, oid))
    linker = group_linker(store, group, include_coarse=include_coarse)
    found = linker.data.positions([oid]) if oid in set(linker.data.ids.tolist()) else None
    if found is None:
        raise BadInput(f"offence {ref} is a police.uk or month-only record, too coarse to link "
                         "(--include-coarse to link it anyway)")
    return oid, linker, int(found[0])


def resolve(store: Store, ref: str) -> int:
    """The id of an offence reference (or numeric id); ValueError if unknown."""
    oid = find_offence(store, ref)
    if oid is None:
        raise NotFound(f"no offence with reference {ref!r}")
    return int(oid)


def suggest(store: Store, ref: str, *, top: int = 10, include_coarse: bool = False, progress=None,
            cancelled=None) -> dict:
    """The offences most likely linked to ``ref``, with reasons, and the best-matching
    confirmed series. Rejected links are left out; confirmed ones are marked. Every
    offence of the group inside the search window is a candidate."""
    control = JobControl(progress, cancelled)
    oid, linker, me = _position(store, ref, include_coarse)
    data, model = linker.data, linker.model
    partners = candidates.pairs_with(data, me, linker.plan)
    control.report(0.4, f"scoring {len(partners):,} candidates")
    frame = pair_features(data, np.full(len(partners), me), partners, linker.profiles)
    scores = model.predict(frame) if len(partners) else np.zeros(0, np.float32)
    decision = db.decisions_for(store, oid)
    rejected = np.array([o for o, d in decision.items() if d == "rejected"], dtype=np.int64)
    keep = ~np.isin(data.ids[partners], rejected)
    partners, scores, frame = partners[keep], scores[keep], frame[keep].reset_index(drop=True)
    order = np.argsort(-scores, kind="stable")[:top]
    why = reasons.explain(model, frame.iloc[order], data, np.full(len(order), me), partners[order])
    cands = [{"offence": str(data.refs[partners[k]]), "id": int(data.ids[partners[k]]), "score": round(float(scores[k]), 4),
              "category": str(data.category[partners[k]]), "decision": decision.get(int(data.ids[partners[k]])),
              "reasons": r} for k, r in zip(order, why)]
    control.report(1.0, "done")
    return {"offence": str(data.refs[me]), "id": oid, "group": linker.group, "model": linker.note,
            "default_model": model.is_default, "candidates_considered": int(len(partners)),
            "blocking": linker.plan.as_json(), "candidates": cands,
            "series": _best_series(store, data, partners, scores)}


def suspects_for(store: Store, ref: str, *, top: int = 10, include_coarse: bool = False) -> dict:
    """Known offenders ranked by how well their known (solved) offences match ``ref``
    (see :mod:`workbench.linkage.suspects`)."""
    if top < 1:
        raise BadInput("--top must be at least 1")
    oid, linker, me = _position(store, ref, include_coarse)
    found = suspects.rank_suspects(linker.model, linker.data, me, linker.offenders, top=top,
                                   profiles=linker.profiles)
    return {"offence": str(linker.data.refs[me]), "id": oid, "group": linker.group, "model": linker.note,
            "default_model": linker.model.is_default, "offenders_considered": len(linker.offenders),
            "suspects": found}


def evaluate_suspects(store: Store, *, categories=None, include_coarse: bool = False, progress=None,
                      cancelled=None) -> dict:
    """Leave-one-out over the solved offences whose offender has another solved offence:
    how often the true offender is ranked first and in the top 10, overall and per group.
    The stored models score the pairs."""
    control = JobControl(progress, cancelled)
    wanted = set(cats.expand(categories)) if categories else None
    per_group = {}
    present = groups_of(categories)
    for n, group in enumerate(present):
        control.report(n / max(1, len(present)), f"{group}: ranking suspects")
        linker = group_linker(store, group, include_coarse=include_coarse)
        data = linker.data
        if data.solved is None or not data.solved.any():
            continue
        chosen = data.solved & (np.isin(data.category, list(wanted)) if wanted else True)
        result = suspects.leave_one_out(linker.model, data, np.flatnonzero(chosen), profiles=linker.profiles)
        if result["offences"]:
            per_group[group] = dict(result, model=linker.note)
    control.report(1.0, "done")
    out = suspects.pool(list(per_group.values()))
    out.update({"groups": per_group,
                "left_out": left_out(store, categories=categories, groups=present, include_coarse=include_coarse)})
    return clean(out)


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


def series(store: Store, *, categories=None, min_score: float = MIN_SCORE, max_size: int = MAX_SERIES_SIZE,
           min_size: int = MIN_SERIES_SIZE, include_coarse: bool = False, seed: int = 0,
           progress=None, cancelled=None) -> dict:
    """Confirmed series and candidate series (from links scored >= ``min_score``, at
    least ``min_size`` offences), strongest and most recent first; candidates already
    wholly inside a confirmed series are left out, and overlaps named."""
    if not 0.0 <= min_score <= 1.0:
        raise BadInput("--min-score must be between 0 and 1")
    if min_size < 2:
        raise BadInput("--min-size must be at least 2")
    control = JobControl(progress, cancelled)
    scored = score_store(store, categories=categories, include_coarse=include_coarse,
                         progress=control.sub(0.0, 0.85).report)
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
    found = find_series(data, scored.pairs, scored.scores, min_score=min_score, max_size=max_size, seed=seed)
    smaller = sum(1 for c in found if len(c.positions) < min_size)
    for n, cand in enumerate((c for c in found if len(c.positions) >= min_size), start=1):
        members = set(cand.positions)
        overlaps = [sid for sid, ps in confirmed_sets.items() if members & ps]
        if any(members <= confirmed_sets[sid] for sid in overlaps):
            continue
        item = {"id": f"C{n}", "kind": "candidate", "name": "", "notes": "", "confirmed_overlap": overlaps}
        item.update(cand.as_json())
        out.append(item)
    control.report(1.0, f"{len(out)} series")
    return {"series": out, "min_score": min_score, "min_size": min_size, "smaller_left_out": smaller,
            "models": scored.notes, "candidate_pairs": int(len(scored.pairs)), "blocking": scored.blocking,
            "left_out": scored.left_out, "left_out_note": coarse_note(scored.left_out)}


def series_risk(store: Store, offence_ids) -> dict:
    """The risk indicator of a set of offences taken as one series (for the PATP it seeds)."""
    data = load_ids(store, offence_ids)
    if not len(data):
        raise BadInput("a series needs offences")
    desc = describe_series(data, list(range(len(data))))
    return {"risk": desc.risk, "reasons": desc.risk_reasons}


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


def train(store: Store, *, groups=None, seed: int = 0, folds: int = 3, include_coarse: bool = False,
          progress=None, cancelled=None) -> dict:
    """Train, compare and save a model per crime group (default where data is too thin)."""
    control = JobControl(progress, cancelled)
    control.report(0.0, "loading offences")
    data = load_data(store, groups=groups or GROUPS, include_coarse=include_coarse)
    decided = decided_pairs(store, data)
    present = [g for g in (groups or GROUPS) if np.any(data.group == g)]
    profiles = Profiles.of(data)
    plans = candidates.plan(data, groups=present, known=candidates.known_linked(data, decided))
    results, fitted = {}, []
    for n, group in enumerate(present):
        step = control.sub(0.05 + 0.9 * n / len(present), 0.05 + 0.9 * (n + 1) / len(present))
        reason = too_few_links(data, group, decided)
        if reason:
            model, compared = default_model(group, feature_columns(data), reason), {}
            solved = data.solved if data.solved is not None else np.zeros(len(data), bool)
            counts = (int(((data.group == group) & solved).sum()), 0, 0)
        else:
            gp = prepare(data, group, k=folds, seed=seed, plans=plans, decided=decided, profiles=profiles)
            model, compared = train_group(gp, k=folds, seed=seed, control=step)
            counts = (gp.offences, int(len(gp.pairs)), int(gp.labels.sum()))
            del gp                  # one group's pairs in memory at a time
        fitted.append((group, model, counts))
        results[group] = {"method": model.method, "default_model": model.is_default,
                          "pairs": counts[1], "linked_pairs": counts[2],
                          "solved_offences": counts[0], "compared": compared,
                          "note": model.metrics.get("reason", ""), "blocking": plans[group].as_json()}
    control.check()
    with store.atomic():
        for group, model, (n_offences, n_pairs, n_linked) in fitted:
            results[group]["model_id"] = db.save_model(
                store, group, model.method, None if model.is_default else model.to_bytes(),
                is_default=model.is_default, n_offences=n_offences, n_pairs=n_pairs,
                n_linked=n_linked, metrics=clean(model.metrics), columns=model.columns)
        store.audit(AuditAction.LINK_TRAIN, "model", None, clean({g: {k: r[k] for k in ("method", "pairs", "linked_pairs")}
                                                        for g, r in results.items()}))
    control.report(1.0, "models saved")
    return clean({"models": results, "labels_from_decisions": int(len(decided))})


def evaluate(store: Store, *, categories=None, folds: int = 5, seed: int = 0, include_coarse: bool = False,
             progress=None, cancelled=None) -> dict:
    """Cross-validated figures on the store's solved offences (see
    :mod:`workbench.linkage.evaluate`), with analyst decisions as labels."""
    if folds < 2:
        raise BadInput("--folds must be at least 2")
    groups = groups_of(categories)
    data = load_data(store, categories=categories, groups=groups, include_coarse=include_coarse)
    if data.solved is None or not data.solved.any():
        raise BadInput("no solved offences with offender ids to evaluate on")
    result = cross_validated(data, groups=groups, k=folds, seed=seed, decided=decided_pairs(store, data),
                             progress=progress, cancelled=cancelled)
    result["left_out"] = left_out(store, categories=categories, groups=groups, include_coarse=include_coarse)
    return clean(result)


def cca(store: Store, offence_ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CCA matrix and its shared-cell mask for the given offences."""
    if not len(offence_ids):
        raise BadInput("choose at least one offence for the CCA matrix")
    data = load_ids(store, offence_ids)
    pos = list(range(len(data)))
    matrix = cca_matrix(data, pos)
    return matrix, shared_cells(matrix, data, pos)


def export_cca(store: Store, offence_ids, *, title: str, csv: str | Path | None = None,
               image: str | Path | None = None, force: bool = False) -> dict:
    """Release the CCA matrix of ``offence_ids`` (the store's records) and write it as CSV
    and/or an image, audited as one ``export.cca`` entry; ``{"offences", "features",
    "csv", "image", "marking"}``."""
    from workbench.linkage.cca import write_matrix_csv, write_matrix_image
    from workbench.release import Content, Output, export, policy, release

    matrix, shared = cca(store, offence_ids)
    released = release(Content(records=True, build=lambda _: (matrix, shared, title)), policy(store))
    outputs = [Output(Path(p), w) for p, w in ((csv, write_matrix_csv), (image, write_matrix_image)) if p]
    export(store, released, outputs, action=AuditAction.EXPORT_CCA, object_type="offences", object_id=None,
           detail={"offences": list(matrix.index)}, force=force)
    return {"offences": len(matrix), "features": len(matrix.columns), "csv": str(csv) if csv else None,
            "image": str(image) if image else None, "marking": released.marking}
