"""The cheap first stage: hand-made pairs with known answers, exactness against brute
force, and flat memory on a window of millions of pairs."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from workbench.linkage import first_stage as fs
from workbench.linkage.config import Blocking
from workbench.linkage.dataset import from_canonical
from workbench.linkage.sweep import box_pairs


def _offences(rows):
    base = dict(category="rape", status="unsolved")
    return from_canonical(pd.DataFrame([dict(base, **r) for r in rows]))


def test_cheap_features_of_hand_made_pairs():
    data = _offences([
        dict(offence_ref="A", committed_from="2025-01-01T10:00", easting=530000, northing=180000,
             mo_approach="con;blitz", suspect_sex="M", suspect_build="thin", location_type="street"),
        dict(offence_ref="B", committed_from="2025-01-03T10:00", easting=533000, northing=184000,
             mo_approach="con;blitz", suspect_sex="M", suspect_build="heavy", location_type="street"),
        dict(offence_ref="C", committed_from="2025-01-01T10:00", easting=530000, northing=180000,
             mo_approach="con;surprise", suspect_sex="F", location_type="park"),
        dict(offence_ref="D", committed_from="2025-01-01T10:00", easting=530000, northing=180000),
    ])
    codes = fs.CheapCodes.of(data)
    f = fs.features(codes, codes.rarity(np.arange(len(data))), data, np.array([0, 0, 0]), np.array([1, 2, 3]))
    cols = {c: f[:, k] for k, c in enumerate(fs.COLUMNS)}
    assert np.allclose(cols["log_km"], np.log1p([5.0, 0.0, 0.0]))            # 3-4-5 km triangle
    assert np.allclose(cols["log_days"][:2], np.log1p([2.0, 0.0]), atol=1e-3)  # two days between point times
    # {con, blitz} v {con, blitz}: all alike; v {con, surprise}: they share only "con", which
    # every offence recording the approach shows, so it weighs nothing (rarity weighting)
    assert np.allclose(cols["mo"][:2], [1.0, 0.0])
    assert np.isnan(cols["mo"][2])                                          # D records no MO
    assert np.allclose(cols["suspect"], [0.0, -1.0, 0.0])                   # sex same, build differs; sex differs; none
    assert np.allclose(cols["same_location"][:2], [1.0, 0.0]) and np.isnan(cols["same_location"][2])


def _stage(weights, threshold, codes, intercept=0.0):
    stage = fs.FirstStage(np.array(weights, float), intercept, np.zeros(len(fs.COLUMNS) - fs.SPACE_TIME, np.float32),
                          learned=True, tables=codes.rarity(np.arange(len(codes.mo))), threshold=threshold)
    stage.reach = stage.intercept + stage.bonus() - stage.threshold
    return stage


def test_keep_agrees_with_the_score_on_hand_made_pairs():
    # score = 2 * MO - ln(1 + km) - ln(1 + days); keep at -1.5 or more
    data = _offences([
        dict(offence_ref="A", committed_from="2025-01-01T10:00", easting=530000, northing=180000, mo_approach="con"),
        dict(offence_ref="B", committed_from="2025-01-01T10:00", easting=530000, northing=180000, mo_approach="con"),
        dict(offence_ref="C", committed_from="2025-01-01T10:00", easting=536389, northing=180000, mo_approach="blitz"),
        dict(offence_ref="D", committed_from="2025-01-01T10:00", easting=536389, northing=180000, mo_approach="con"),
    ])
    codes = fs.CheapCodes.of(data)
    stage = _stage([-1, -1, 0, 2, 0, 0, 0, 0], threshold=-1.5, codes=codes)
    i, j = np.array([0, 0, 0]), np.array([1, 2, 3])
    km = np.hypot(data.x[i] - data.x[j], data.y[i] - data.y[j]) / 1000.0     # 0, e^2 - 1, e^2 - 1
    kept = stage.keep(codes, i, j, km, np.zeros(3))
    assert kept.tolist() == [0, 2]        # A-B score 2; A-C -2 (dropped); A-D 0
    assert np.allclose(stage.score(fs.features(codes, stage.tables, data, i, j)), [2.0, -2.0, 0.0], atol=1e-3)


def _random_offences(n, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        day = pd.Timestamp("2025-01-01") + pd.Timedelta(hours=float(rng.uniform(0, 24 * 200)))
        rows.append(dict(offence_ref=f"R{k}", committed_from=str(day),
                         committed_to=str(day + pd.Timedelta(hours=float(rng.choice([0, 2, 30, 300])))),
                         easting=rng.uniform(520000, 545000), northing=rng.uniform(170000, 190000),
                         mo_approach=rng.choice(["con", "blitz", "surprise", ""]),
                         mo_control=rng.choice(["threat", "restraint", ""]),
                         suspect_sex=rng.choice(["M", "F", ""]), suspect_build=rng.choice(["thin", "heavy", ""]),
                         location_type=rng.choice(["street", "park", "dwelling", ""])))
    return _offences(rows)


@pytest.mark.parametrize("shrink", [0.0, 1.5])
def test_kept_pairs_are_exactly_the_window_pairs_the_score_keeps(shrink):
    """The staircase of boxes and the cascade lose nothing and add nothing, also when the
    region looked at is shrunk to stay within a budget: against every pair, brute force."""
    data = _random_offences(900, seed=3)
    window = Blocking(radius_m=12_000, days=120)
    codes = fs.CheapCodes.of(data)
    stage = _stage([-1.5, -0.7, -0.1, 0.3, 0.1, 0.1, 0.0, 0.1], threshold=-4.0, codes=codes)
    stage.reach -= shrink
    pos = np.arange(len(data))
    got = {tuple(p) for p in fs.kept_pairs(stage, data, pos, window, codes).tolist()}
    i, j = np.triu_indices(len(data), 1)
    dist = np.hypot(data.x[i] - data.x[j], data.y[i] - data.y[j])
    gap = np.abs(data.mid[i] - data.mid[j]) - data.half_width[i] - data.half_width[j]
    inside = (dist <= window.radius_m) & (gap <= window.days)
    feats = fs.features(codes, stage.tables, data, i, j)
    passes = inside & (stage.score(feats) >= stage.threshold) & (stage.spread(feats[:, :fs.SPACE_TIME]) <= stage.reach)
    want = set(zip(i[passes].tolist(), j[passes].tolist()))
    assert got == want and 0 < len(want) < inside.sum()


def test_box_pairs_streams_millions_of_pairs_in_flat_memory():
    """5,000 offences in one square kilometre on one day: 12.5 million pairs in the
    window, looked at in chunks; memory stays far below what holding them would take
    (12.5 million pairs of two int64 positions alone are 200 MB)."""
    rng = np.random.default_rng(0)
    n = 5000
    x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
    mid, half = rng.uniform(0, 1, n), np.full(n, 0.01)
    tracemalloc.start()
    try:
        seen = biggest = 0
        for i, _, _, _ in box_pairs(x, y, mid, half, radius=2000, hi=5, chunk=200_000):
            seen += len(i)
            biggest = max(biggest, len(i))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == n * (n - 1) // 2
    assert biggest <= 200_000 + n
    assert peak < 60e6


def test_a_never_narrowed_stage_keeps_its_share_of_known_links_and_a_limited_one_says_what_it_loses():
    rng = np.random.default_rng(5)
    rows = []
    for o in range(120):                       # offenders with a habitual approach, heavy-tailed spread
        ax, ay, t0 = rng.uniform(520000, 545000), rng.uniform(170000, 190000), rng.uniform(0, 250)
        habit = rng.choice(["con", "blitz", "surprise", "ruse"])
        for k in range(3):
            r = rng.lognormal(np.log(900), 1.0)
            rows.append(dict(offence_ref=f"S{o}-{k}", status="solved", offender_ids=f"O{o}",
                             committed_from=str(pd.Timestamp("2025-01-01") + pd.Timedelta(days=t0 + rng.exponential(12) * k)),
                             easting=ax + r, northing=ay, mo_approach=habit))
    for k in range(3000):
        rows.append(dict(offence_ref=f"N{k}",
                         committed_from=str(pd.Timestamp("2025-01-01") + pd.Timedelta(days=rng.uniform(0, 300))),
                         easting=rng.uniform(520000, 545000), northing=rng.uniform(170000, 190000),
                         mo_approach=rng.choice(["con", "blitz", "surprise", "ruse"])))
    data = _offences(rows)
    from workbench.linkage.candidates import estimate_pairs, known_linked

    known = known_linked(data)["sexual"]
    window = Blocking(radius_m=30_000, days=365)
    cost = estimate_pairs(data.x, data.y, data.t_from, data.t_to, window)
    codes = fs.CheapCodes.of(data)
    stage = fs.fit(data, np.arange(len(data)), known, window, codes=codes, pairs_in_window=cost)
    assert stage.learned and stage.keeps >= fs.KEEP - 0.005 and not stage.cut
    assert stage.weights[fs.COLUMNS.index("mo")] > 0          # the habitual approach is learned
    kept = fs.kept_pairs(stage, data, np.arange(len(data)), window, codes)
    assert len(kept) < 0.5 * cost                              # a real first stage, not the whole window
    stage.limit(len(kept) / 4)
    assert stage.cut and stage.keeps < fs.KEEP and stage.expected_pairs <= 0.35 * len(kept)


def test_link_series_over_budget_says_the_first_stage_chose_its_pairs(store, monkeypatch):
    """End to end on a generated store whose windows exceed a (shrunk) budget: the series
    command's `blocking` and the Series view's note say which groups a first stage
    chose the pairs of, what share of known links it keeps, and that sexual offences are
    never narrowed."""
    from workbench.linkage import candidates, service
    from workbench.synth import generate, write_to_store
    from workbench.ui.views.series_view import window_note

    write_to_store(store, generate(seed=3, offences=4000, boroughs=("Camden", "Islington")))
    monkeypatch.setattr(candidates, "PAIRS_PER_OFFENCE", 2)
    monkeypatch.setattr(candidates, "MIN_PAIR_BUDGET", 0)
    result = service.series(store, categories=["burglary", "rape", "sexual-assault"])
    blocking = result["blocking"]
    assert blocking["burglary"]["first_stage"] and blocking["burglary"]["narrowed"]
    assert 0 < blocking["burglary"]["first_stage_keeps"] < 0.995
    assert blocking["sexual"]["narrowed"] is False
    if blocking["sexual"]["first_stage"] and blocking["sexual"]["learned_from"] >= 30:
        assert blocking["sexual"]["first_stage_keeps"] >= 0.99
    assert result["candidate_pairs"] < 0.5 * sum(b["pairs_in_window"] for b in blocking.values())
    note = window_note(blocking)
    assert "burglary" in note and "pairs chosen by a first stage (narrowed to stay within budget" in note
