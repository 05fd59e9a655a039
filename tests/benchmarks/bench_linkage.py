"""Benchmark: candidate generation + scoring for 100,000 and 1,000,000 offences, and the
latency of ``suggest`` for one offence on a 100,000-offence store.

Run ``python tests/benchmarks/bench_linkage.py [N ...]`` for the link, and
``python tests/benchmarks/bench_linkage.py --suggest N`` for suggest latency (a store of N
generated offences is built in a temporary folder; the first suggest of a crime group
loads it, the rest reuse it). The synthetic generator makes
a year of offences for all London boroughs (a whole force) in one process, which builds
the linkage arrays (what loading from a store yields) and hands them over; a second,
fresh process then links them, so its peak memory is linking's own: find candidate pairs
(space/time windows learned from the data; the cheap first stage where a window holds
more than the budget) and score every one with models trained on a separate
20,000-offence generated year. It prints wall time and the CPU time of the link (the
machine may be shared: compare the naive rate too). Beside it, in the same run, the naive method: every pair within each
crime group of a subsample, featurised and scored the same way, with its rate
extrapolated to the full size. Prints ours vs naive side by side.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

SUBSAMPLE = 6000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def trained_models(seed: int = 2):
    """Models per crime group trained on a separately generated 20,000-offence year."""
    from workbench.linkage.config import GROUPS
    from workbench.linkage.dataset import from_canonical
    from workbench.linkage.features import feature_columns
    from workbench.linkage.model import default_model
    from workbench.linkage.training import prepare, train_group
    from workbench.synth import generate

    data = from_canonical(generate(seed=seed, offences=20_000, boroughs="all").offences)
    models = {}
    for group in GROUPS:
        if np.any(data.group == group):
            models[group], _ = train_group(prepare(data, group, k=3, seed=seed))
        else:
            models[group] = default_model(group, feature_columns(data), "benchmark")
    return models


def prepare(n: int, path: str) -> dict:
    """Generate ``n`` offences and save their linkage arrays to ``path``."""
    from workbench.linkage.dataset import from_canonical
    from workbench.synth import generate

    t = time.perf_counter()
    offences = generate(seed=1, offences=n, boroughs="all").offences
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    data = from_canonical(offences)
    t_build = time.perf_counter() - t
    with open(path, "wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return {"generate_s": t_gen, "arrays_s": t_build}


def run_one(n: int, path: str, prepared: dict) -> dict:
    from workbench.linkage.candidates import candidate_pairs, plan
    from workbench.linkage.features import Profiles
    from workbench.linkage.model import score

    models = trained_models()
    with open(path, "rb") as fh:
        data = pickle.load(fh)
    t_gen, t_build = prepared["generate_s"], prepared["arrays_s"]
    cpu = time.process_time()
    t = time.perf_counter()
    plans = plan(data)
    pairs = candidate_pairs(data, plans)
    t_block = time.perf_counter() - t
    t = time.perf_counter()
    profiles = Profiles.of(data)
    scores = score(data, pairs, models, profiles)
    t_score = time.perf_counter() - t
    cpu = time.process_time() - cpu
    ours = {"offences": n, "generate_s": t_gen, "arrays_s": t_build, "blocking_s": t_block, "scoring_s": t_score,
            "link_s": t_block + t_score, "cpu_s": cpu, "pairs": int(len(pairs)),
            "pairs_per_s": len(pairs) / max(1e-9, t_block + t_score), "links_over_0_5": int((scores >= 0.5).sum()),
            "peak_mb": peak_mb(), "methods": {g: m.method for g, m in models.items()},
            "blocking": {g: p.as_json() for g, p in plans.items()}}

    # naive: every pair within each crime group of a random subsample, same features and models
    rng = np.random.default_rng(0)
    sub = data.subset(np.sort(rng.choice(len(data), size=min(SUBSAMPLE, len(data)), replace=False)))
    t = time.perf_counter()
    parts = []
    for group in np.unique(sub.group):
        pos = np.flatnonzero(sub.group == group)
        i, j = np.triu_indices(len(pos), k=1)
        parts.append(np.column_stack([pos[i], pos[j]]))
    all_pairs = np.concatenate(parts)
    score(sub, all_pairs, models)
    t_naive = time.perf_counter() - t
    rate = len(all_pairs) / t_naive
    counts = np.unique(data.group, return_counts=True)[1].astype(np.float64)
    full_pairs = float((counts * (counts - 1) / 2).sum())
    naive = {"subsample": len(sub), "pairs": int(len(all_pairs)), "seconds": t_naive, "pairs_per_s": rate,
             "full_size_pairs": full_pairs, "full_size_hours_estimate": full_pairs / rate / 3600.0}
    return {"ours": ours, "naive": naive}


def main(sizes: list[int]) -> None:
    print(f"{'offences':>10} | {'blocked pairs':>13} | {'link time':>9} | {'pairs/s':>10} | {'peak MB':>8} || "
          f"{'naive pairs/s':>13} | {'naive all pairs':>15} | {'naive est.':>10}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "data.pickle")
            prepared = _child("--prepare", str(n), path)
            r = _child("--one", str(n), path, json.dumps(prepared))
        o, nv = r["ours"], r["naive"]
        print(f"{n:>10,} | {o['pairs']:>13,} | {o['link_s']:>8.1f}s | {o['pairs_per_s']:>10,.0f} | {o['peak_mb']:>8,.0f} || "
              f"{nv['pairs_per_s']:>13,.0f} | {nv['full_size_pairs']:>15,.0f} | {nv['full_size_hours_estimate']:>9.1f}h")
        print(f"{'':>10}   CPU time of the link {o['cpu_s']:.1f}s (both cores); arrays {o['arrays_s']:.1f}s, candidate pairs (blocking and first stage) {o['blocking_s']:.1f}s, full model scoring {o['scoring_s']:.1f}s; "
              f"{o['links_over_0_5']:,} links scored >= 0.5; models {o['methods']}; "
              f"naive on {nv['subsample']:,} offences: {nv['pairs']:,} pairs in {nv['seconds']:.1f}s "
              f"(generation {o['generate_s']:.1f}s and building the arrays {o['arrays_s']:.1f}s happen "
              "in the other process and are not in the link time)")
        for group, b in o["blocking"].items():
            print(f"{'':>10}   {group}: window {b['radius_m']:,} m / {b['days']:g} days (learned from "
                  f"{b['learned_from']:,} linked pairs), narrowed {b['narrowed']} (first stage {b['first_stage']}, "
                  f"keeps {b['first_stage_keeps']} of the known linked pairs in the window), "
                  f"finds {b['expected_recall']} of known linked pairs; {b['pairs_in_window']:,} pairs in the window")


def suggest_latency(n: int, samples: int = 20) -> None:
    """Time ``service.suggest`` on a store of ``n`` generated offences: the first call per
    crime group (loads it) and the median of the next ones."""
    import statistics

    from workbench.linkage import service
    from workbench.store import open_store
    from workbench.synth import generate, write_to_store

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bench.sqlite")
        with open_store(path) as store:
            write_to_store(store, generate(seed=1, offences=n, boroughs="all"))
            for category in ("sexual-assault", "burglary-residential"):
                conn = getattr(store, "_conn", None) or store.conn      # older stores named it conn
                refs = [r[0] for r in conn.execute(
                    "SELECT offence_ref FROM offences WHERE category = ? ORDER BY id LIMIT ?", (category, samples + 1))]
                t = time.perf_counter()
                service.suggest(store, refs[0])
                first = time.perf_counter() - t
                times = []
                cpu = time.process_time()
                for ref in refs[1:]:
                    t = time.perf_counter()
                    service.suggest(store, ref)
                    times.append(time.perf_counter() - t)
                cpu = (time.process_time() - cpu) / len(times)
                print(f"{n:,} offences, {category}: first suggest {first * 1000:.0f} ms, then median "
                      f"{statistics.median(times) * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms "
                      f"({len(times)} offences; CPU time {cpu * 1000:.1f} ms per suggest)")


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr)
        raise SystemExit(out.returncode)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--suggest":
        suggest_latency(int(sys.argv[2]))
    elif len(sys.argv) > 3 and sys.argv[1] == "--prepare":
        print(json.dumps(prepare(int(sys.argv[2]), sys.argv[3])))
    elif len(sys.argv) > 4 and sys.argv[1] == "--one":
        print(json.dumps(run_one(int(sys.argv[2]), sys.argv[3], json.loads(sys.argv[4]))))
    else:
        main([int(a) for a in sys.argv[1:]] or [100_000, 1_000_000])
