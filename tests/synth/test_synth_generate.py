"""The synthetic data generator: determinism, geography, truth, realism, importability."""

from __future__ import annotations

import json
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from workbench.paths import data_path
from workbench.synth import SyntheticData, generate, write_to_store
from workbench.synth.generate import offence_columns

BURGLARY_MO = ["mo_entry", "mo_method", "mo_search", "mo_property", "mo_premises"]
SEXUAL_MO = ["mo_approach", "mo_control", "mo_sexual_acts", "mo_verbal", "mo_precautions", "mo_escape"]


@pytest.fixture(scope="module")
def data() -> SyntheticData:
    return generate(seed=7, offences=8000, boroughs=("Camden", "Islington"), start="2025-11-01")


def _borough(name: str):
    frame = gpd.read_file(data_path("boundaries", "london.gpkg"), layer="boroughs")
    return frame.loc[frame["name"] == name].geometry.iloc[0]


def test_same_seed_same_data_and_other_seed_differs():
    a = generate(seed=11, offences=1500, boroughs="Hackney", start="2025-01-01")
    b = generate(seed=11, offences=1500, boroughs="Hackney", start="2025-01-01")
    c = generate(seed=12, offences=1500, boroughs="Hackney", start="2025-01-01")
    pd.testing.assert_frame_equal(a.offences, b.offences)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    pd.testing.assert_frame_equal(a.intel, b.intel)
    assert a.series == b.series
    assert not a.offences["easting"].equals(c.offences["easting"])


def test_columns_counts_and_period(data):
    off = data.offences
    assert list(off.columns) == offence_columns()
    assert len(off) == 8000 and off["offence_ref"].is_unique
    assert all(off[c].map(type).eq(str).all() for c in off.columns)
    assert off["committed_from"].min() >= "2025-11-01"
    assert off["committed_from"].max() < "2026-11-01"
    shares = off["category"].value_counts(normalize=True)
    assert 0.01 < shares[["rape", "sexual-assault", "exposure", "other-sexual"]].sum() < 0.05
    assert shares["anti-social-behaviour"] > shares["burglary-residential"] > shares["rape"]


def test_points_inside_the_requested_boroughs(data):
    union = shapely.union_all([_borough("Camden"), _borough("Islington")])
    x = data.offences["easting"].astype(float).to_numpy()
    y = data.offences["northing"].astype(float).to_numpy()
    assert shapely.contains_xy(union, x, y).all()
    single = generate(seed=3, offences=500, boroughs="sutton")
    hx, hy = single.offences["easting"].astype(float), single.offences["northing"].astype(float)
    assert shapely.contains_xy(_borough("Sutton"), hx.to_numpy(), hy.to_numpy()).all()
    assert single.boroughs == ("Sutton",)


def test_unknown_borough_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown borough 'Narnia'"):
        generate(seed=1, offences=100, boroughs=("Camden", "Narnia"))


def test_truth_covers_every_offence_and_series_share_an_offender(data):
    truth, off = data.truth, data.offences
    assert list(truth["offence_ref"]) == list(off["offence_ref"])
    assert (truth["true_offender"] != "").all()
    in_series = truth["series_id"] != ""
    assert 0.05 < in_series.mean() < 0.5          # one-offs are the majority
    one_off = truth[~in_series]
    repeat = one_off["true_offender"].duplicated(keep=False)    # only a burglar returning next door
    assert set(one_off.loc[repeat, "category"]) == {"burglary-residential"}
    assert repeat.mean() < 0.05
    for s in data.series:
        rows = truth[truth["series_id"] == s["id"]]
        assert len(rows) == s["n"] >= 3
        assert set(rows["true_offender"]) == {s["offender"]}
        assert list(rows["offence_ref"]) == s["offences"]


def test_offender_ids_only_on_solved_offences_and_name_the_true_offender(data):
    off, truth = data.offences, data.truth
    solved = off["status"] == "solved"
    assert (off.loc[~solved, "offender_ids"] == "").all()
    first = off.loc[solved, "offender_ids"].str.split(";").str[0]
    assert (first == truth.loc[solved, "true_offender"]).all()
    in_series = truth["series_id"] != ""
    assert 0.25 < solved[in_series].mean() < 0.5
    pairs = off["offender_ids"].str.contains(";")
    assert pairs.sum() > 10                                   # co-offending exists
    assert set(off.loc[pairs, "category"]) <= {"burglary-residential", "burglary-business", "robbery-personal",
                                                "robbery-business", "theft-from-vehicle", "theft-of-vehicle"}
    linked = off["series_ref"] != ""
    assert 0 < linked.sum() < 0.3 * in_series.sum()           # the force has linked only a few


def _sets(frame: pd.DataFrame, columns: list[str]) -> list[set]:
    return [{f"{c}={v}" for c in columns for v in row[c].split(";") if v} for _, row in frame.iterrows()]


def _pair_stats(data: SyntheticData, categories: tuple[str, ...], columns: list[str]):
    """Mean distance (m), gap (days) and MO Jaccard of within-series vs other pairs."""
    mask = data.offences["category"].isin(categories)
    off, truth = data.offences[mask], data.truth[mask]
    xy = off[["easting", "northing"]].astype(float).to_numpy()
    t = pd.to_datetime(truth["true_time"]).to_numpy().astype("datetime64[m]").astype(float) / 1440
    sets = _sets(off, columns)
    who = truth["true_offender"].to_numpy()
    i, j = np.triu_indices(len(off), 1)
    same = who[i] == who[j]
    rng = np.random.default_rng(0)
    other = rng.choice(np.flatnonzero(~same), 3000, replace=False)
    def stats(pairs):
        d = np.hypot(*(xy[i[pairs]] - xy[j[pairs]]).T)
        gap = np.abs(t[i[pairs]] - t[j[pairs]])
        jac = [len(sets[a] & sets[b]) / max(len(sets[a] | sets[b]), 1) for a, b in zip(i[pairs], j[pairs])]
        return d.mean(), gap.mean(), float(np.mean(jac))
    return stats(np.flatnonzero(same)), stats(other)


@pytest.mark.parametrize("categories,columns,slower", [
    (("burglary-residential", "burglary-business"), BURGLARY_MO, 0.5),
    (("rape", "sexual-assault", "exposure", "other-sexual"), SEXUAL_MO, 0.75),   # sexual series span months
])
def test_series_pairs_are_closer_and_more_alike_than_other_pairs(data, categories, columns, slower):
    (d_in, t_in, j_in), (d_out, t_out, j_out) = _pair_stats(data, categories, columns)
    assert d_in < 0.5 * d_out
    assert t_in < slower * t_out
    assert j_in > j_out + 0.15
    assert j_in < 0.9                                          # noisy, not copies


def test_violence_peaks_on_friday_and_saturday_nights(data):
    truth = data.truth[data.truth["category"] == "violence-with-injury"]
    when = pd.to_datetime(truth["true_time"]) - pd.Timedelta(hours=6)  # a night belongs to its evening
    weekend_night = when.dt.day_of_week.isin([4, 5]) & (when.dt.hour >= 12)
    assert weekend_night.mean() > 0.3                                   # 12 of 168 hours = 0.07 if flat
    vehicle = data.truth[data.truth["category"] == "theft-from-vehicle"]
    hour = pd.to_datetime(vehicle["true_time"]).dt.hour
    assert ((hour >= 22) | (hour < 6)).mean() > 0.55


def test_time_windows_are_realistic(data):
    off = data.offences
    burglary = off[off["category"] == "burglary-residential"]
    assert (burglary["committed_to"] != "").mean() > 0.8               # mostly windows of hours
    robbery = off[off["category"] == "robbery-personal"]
    assert (robbery["committed_to"] == "").mean() > 0.75              # mostly exact times
    start = pd.to_datetime(off["committed_from"], format="ISO8601")
    end = pd.to_datetime(off["committed_to"].where(off["committed_to"] != "", off["committed_from"]), format="ISO8601")
    assert (end >= start).all()
    true = pd.to_datetime(data.truth["true_time"])
    dated = off["committed_from"].str.len() == 10
    assert ((true >= start.dt.floor("min")) | dated).all()
    assert (pd.to_datetime(off["reported_at"]) >= start).all()


def test_near_repeat_burglaries_and_hotspots_are_planted(data):
    truth = data.truth
    repeats = truth[truth["near_repeat_of"] != ""]
    assert len(repeats) > 20
    xy = data.offences.set_index("offence_ref")[["easting", "northing"]].astype(float)
    t = pd.to_datetime(truth.set_index("offence_ref")["true_time"])
    a, b = repeats["offence_ref"], repeats["near_repeat_of"]
    dist = np.hypot(*(xy.loc[a].to_numpy() - xy.loc[b].to_numpy()).T)
    lag = (t.loc[a].to_numpy() - t.loc[b].to_numpy()) / np.timedelta64(1, "D")
    assert (dist <= 201).all() and (lag >= -1).all() and (lag <= 15).all()
    shop = data.offences["category"] == "shoplifting"
    centres = np.array([[h["easting"], h["northing"]] for h in data.hotspots])
    radius = np.array([h["radius_m"] for h in data.hotspots])
    pts = data.offences.loc[shop, ["easting", "northing"]].astype(float).to_numpy()
    near = (np.hypot(pts[:, None, 0] - centres[None, :, 0], pts[:, None, 1] - centres[None, :, 1])
            <= radius[None, :] + 1).any(axis=1)
    assert near.mean() > 0.7


def test_intel_grades_valid_and_subjects_are_offenders(data):
    intel = data.intel
    assert intel["intel_ref"].is_unique
    new = intel[intel["grading"] == "3x5x2"]
    old = intel[intel["grading"] == "5x5x5"]
    assert len(new) > 3 * len(old) > 0
    assert set(new["source_eval"]) <= set("123") and set(new["intel_eval"]) <= set("ABCDE")
    assert set(new["handling"]) <= {"P", "C"}
    assert (new.loc[new["handling"] == "C", "handling_conditions"] != "").all()
    assert set(old["source_eval"]) <= set("ABCDE") and set(old["intel_eval"]) <= set("12345")
    assert set(old["handling"]) <= set("12345")
    assert (intel["security_marking"] == "OFFICIAL-SENSITIVE").all()
    offenders = set(data.truth["true_offender"]) | set(data.truth["co_offender"])
    subjects = {s for cell in intel["subjects"] for s in cell.split(";") if s}
    assert subjects and subjects <= offenders
    refs = set(data.offences["offence_ref"])
    assert {r for cell in intel["offences"] for r in cell.split(";") if r} <= refs
    assert intel["vehicles"].str.fullmatch(r"(L[A-Z]\d\d [A-Z]{3})?").all()
    assert intel["phones"].str.fullmatch(r"(07\d{3} \d{6})?").all()
    assert intel["recorded_at"].between("2025-11-01", "2026-11-01").all()


def test_write_to_store_imports_with_no_rejects(store, data, tmp_path):
    small = generate(seed=5, offences=1200, boroughs="Islington", start="2025-11-01")
    result = write_to_store(store, small)
    assert result["rejected"] == 0 and result["imported"] == 1200
    assert result["series"] == len(small.series)
    assert result["boundaries_loaded"] > 0
    if result["intel"] is not None:
        assert result["intel_rejected"] == 0 and result["intel"] == len(small.intel)
    again = write_to_store(store, small)
    assert again["imported"] == 0 and again["boundaries_loaded"] == 0
    paths = small.write(tmp_path / "csv")
    assert pd.read_csv(paths["truth"], dtype=str).shape[0] == 1200


def test_cli_generate_prints_the_contract_keys(tmp_path, capsys):
    from workbench.cli import main

    code = main(["--db", str(tmp_path / "s.sqlite"), "generate", "--seed", "2", "--offences", "600",
                 "--boroughs", "Camden", "--json", "--out", str(tmp_path / "out")])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["imported"] == 600 and out["rejected"] == 0 and out["series"] >= 1
    assert out["boroughs"] == ["Camden"] and out["date_from"] < out["date_to"]
    assert (tmp_path / "out" / "offences.csv").exists()
    code = main(["--db", str(tmp_path / "s.sqlite"), "generate", "--seed", "2", "--boroughs", "Atlantis", "--json"])
    assert code == 1 and "unknown borough" in json.loads(capsys.readouterr().out)["error"]


def test_100k_offences_generate_fast():
    began = time.perf_counter()
    big = generate(seed=1, offences=100_000, boroughs="all")
    assert len(big.offences) == 100_000
    assert time.perf_counter() - began < 25


def test_seasons_and_the_missing_spring_hour():
    from workbench.synth.timing import skip_clock_change

    big = generate(seed=4, offences=30000, boroughs="Camden", start="2025-01-01")
    month = pd.to_datetime(big.truth["true_time"]).dt.month
    burglary = big.truth["category"] == "burglary-residential"
    bikes = big.truth["category"] == "bicycle-theft"
    assert (burglary & month.isin([11, 12, 1])).sum() > 1.2 * (burglary & month.isin([5, 6, 7])).sum()
    assert (bikes & month.isin([6, 7, 8])).sum() > 1.4 * (bikes & month.isin([12, 1, 2])).sum()
    stamps = pd.concat([big.offences["committed_from"], big.offences["committed_to"], big.truth["true_time"]])
    assert not stamps.str.startswith("2025-03-30T01:").any()
    moved = skip_clock_change(np.array(["2026-03-29T01:30", "2026-03-29T02:30"], dtype="datetime64[m]"))
    assert list(moved.astype(str)) == ["2026-03-29T02:00", "2026-03-29T02:30"]


def test_burglaries_repeat_near_in_space_and_time_more_than_chance(data):
    from scipy.spatial import cKDTree

    burglary = data.offences["category"] == "burglary-residential"
    xy = data.offences.loc[burglary, ["easting", "northing"]].astype(float).to_numpy()
    days = pd.to_datetime(data.truth.loc[burglary, "true_time"]).to_numpy().astype("datetime64[m]").astype(float) / 1440
    pairs = np.array(sorted(cKDTree(xy).query_pairs(200)))

    def close(t):
        return int((np.abs(t[pairs[:, 0]] - t[pairs[:, 1]]) <= 14).sum())

    rng = np.random.default_rng(0)
    expected = np.mean([close(rng.permutation(days)) for _ in range(49)])
    assert close(days) > 1.8 * expected


def test_serial_offenders_form_a_co_offending_network(data):
    partners = [(s["offender"], s["co_offender"]) for s in data.series if s["co_offender"]]
    serial = {s["offender"] for s in data.series}
    assert partners
    assert any(b in serial for _, b in partners)          # some partners are serial offenders too
    named = data.intel["subjects"].str.contains(";")
    assert named.any()                                     # associates are co-mentioned in intelligence
