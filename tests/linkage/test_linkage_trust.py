"""Linkage on real-shaped data: coarse records left out, honest reasons, suspects, a
cached group per process, series that are usable and unique across boroughs."""

import json

import numpy as np
import pandas as pd
import pytest

from workbench.cli import main
from workbench.ingest.offences_csv import import_offences
from workbench.linkage import service
from workbench.linkage.dataset import from_canonical
from workbench.linkage.decisions import CreateSeries, DecideLink
from workbench.linkage.model import direction, fit
from workbench.linkage.reasons import explain
from workbench.linkage.training import prepare
from workbench.returns.export import series_id
from workbench.scan.alerts import sexual_offence_alerts
from workbench.store.offences import OffenceFilter, load_frame, write_offences
from workbench.tasking.patp import Problem


def rows_to_csv(rows, path):
    pd.DataFrame(rows).to_csv(path, index=False)


def _coarse(store):
    """Two records too coarse to link next to B1: a police.uk snap point and a force
    record known only to a month."""
    base = dict(category="burglary-residential", easting=531050.0, northing=181050.0, longitude=-0.1,
                latitude=51.5, status="unsolved")
    write_offences(store, [
        dict(base, source="police.uk", offence_ref="PUK1", committed_from="2025-03-01T00:00:00",
             committed_to="2025-03-31T23:59:59"),
        dict(base, source="force", offence_ref="MONTH1", committed_from="2025-03-01T00:00:00",
             committed_to="2025-03-31T23:59:00"),
    ])


def test_police_uk_and_month_only_records_are_left_out_with_a_count(small_store):
    _coarse(small_store)
    data = service.load_data(small_store, groups=["burglary"])
    assert set(data.refs) == {"B1", "B2", "B3", "B4", "B5", "B6"}
    assert service.left_out(small_store, groups=["burglary"]) == 2
    found = service.series(small_store, min_score=0.05, min_size=2)
    assert found["left_out"] == 2 and "2 police.uk or month-only records left out" in found["left_out_note"]
    assert not any({"PUK1", "MONTH1"} & set(s["offences"]) for s in found["series"])
    with pytest.raises(ValueError, match="too coarse"):
        service.suggest(small_store, "PUK1")
    # the option brings them back
    wide = service.load_data(small_store, groups=["burglary"], include_coarse=True)
    assert {"PUK1", "MONTH1"} <= set(wide.refs)
    assert service.suggest(small_store, "PUK1", include_coarse=True)["candidates"]
    # the store-level predicate the scan's repeat and near-repeat alerts use
    coarse = load_frame(small_store, OffenceFilter(linkable=False), ("offence_ref",))
    assert set(coarse["offence_ref"]) == {"PUK1", "MONTH1"}


def test_scan_leaves_coarse_records_out_of_repeat_alerts(small_store):
    from workbench.scan.scanner import run_scan

    _coarse(small_store)
    report = run_scan(small_store, "a.analyst", "2025-03-01", record=False, permutations=9)
    assert any("2 police.uk or month-only records left out" in n for n in report.notes)
    included = run_scan(small_store, "a.analyst", "2025-03-01", record=False, permutations=9, include_coarse=True)
    assert not any("left out" in n for n in included.notes)


@pytest.fixture(scope="module")
def generated():
    from workbench.synth import generate

    return from_canonical(generate(seed=4, offences=4000, boroughs=("Camden", "Islington")).offences)


@pytest.mark.parametrize("method", ["boosting", "logistic"])
def test_reasons_agree_in_direction_with_the_feature(generated, method):
    gp = prepare(generated, "burglary", k=3)
    model = fit(method, "burglary", gp.X, gp.labels, gp.weights)
    rows = np.arange(min(60, len(gp.X)))
    explained = explain(model, gp.X.iloc[rows], generated, gp.pairs[rows, 0], gp.pairs[rows, 1])
    checked = 0
    for why in explained:
        for column, item in why["features"].items():
            if item["value"] is None:
                assert item["effect"] == 0 and item["verdict"] == "neutral"
                continue
            side = np.sign(item["value"] - model.reference[column]) * direction(column)
            if item["verdict"] != "neutral":
                checked += 1
                assert (item["verdict"] == "for") == (side > 0), (column, item, model.reference[column])
            if column.startswith("suspect_") and direction(column) > 0 and item["value"] == 1:
                assert item["verdict"] != "against"
    assert checked > 100


def test_closer_never_scores_lower(generated):
    gp = prepare(generated, "burglary", k=3)
    for method in ("boosting", "logistic"):
        model = fit(method, "burglary", gp.X, gp.labels, gp.weights)
        base = gp.X.iloc[:50].copy()
        near, far = base.copy(), base.copy()
        far["distance_m"] = near["distance_m"] + 2000
        assert (model.predict(near) >= model.predict(far) - 1e-6).all()
        later = base.copy()
        later["days_apart"] = base["days_apart"] + 30
        assert (model.predict(base) >= model.predict(later) - 1e-6).all()


def test_rare_shared_behaviour_counts_more_than_a_common_one():
    from workbench.linkage.features import pair_features

    rows = [dict(offence_ref=f"C{k}", category="burglary-residential", committed_from="2025-01-01T10:00",
                 easting=530000 + k, northing=180000, mo_entry="front door" if k < 40 else "skylight")
            for k in range(44)]
    data = from_canonical(pd.DataFrame(rows))
    frame = pair_features(data, np.array([0, 40]), np.array([1, 41]))
    common, rare = frame["mo_rarity"].tolist()
    assert frame["mo_entry"].tolist() == [1.0, 1.0]          # plain Jaccard cannot tell them apart
    assert rare == 1.0 and common == 1.0
    # against offences sharing nothing else, the rare behaviour weighs more
    rows2 = [dict(r, mo_entry=r["mo_entry"] + (";forced" if k in (0, 40) else "")) for k, r in enumerate(rows)]
    data2 = from_canonical(pd.DataFrame(rows2))
    frame2 = pair_features(data2, np.array([0, 40]), np.array([1, 41]))
    common2, rare2 = frame2["mo_rarity"].tolist()
    assert rare2 > common2


def test_suspects_rank_the_offender_of_the_matching_series(small_store):
    result = service.suspects_for(small_store, "B6", top=3)
    assert result["offence"] == "B6"
    assert result["suspects"][0]["offender"] == "O1"
    first = result["suspects"][0]
    assert set(first) >= {"offender", "score", "offences", "reasons"} and set(first["offences"]) == {"B1", "B2", "B3"}
    assert first["score"] >= result["suspects"][1]["score"]


def test_suspects_ranking_takes_candidates_from_anywhere(small_data):
    from workbench.linkage.features import feature_columns
    from workbench.linkage.model import default_model
    from workbench.linkage.suspects import rank_suspects

    model = default_model("burglary", feature_columns(small_data), "test")
    b6 = int(np.flatnonzero(small_data.refs == "B6")[0])
    nominal = {"NOMINAL-7": np.flatnonzero(np.isin(small_data.refs, ["B5"])),
               "NOMINAL-9": np.flatnonzero(np.isin(small_data.refs, ["B2", "B3"]))}
    ranked = rank_suspects(model, small_data, b6, nominal, top=2)
    assert [r["offender"] for r in ranked] == ["NOMINAL-9", "NOMINAL-7"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_link_suspects_cli_contract(small_store, capsys):
    db = small_store.location
    one = run(capsys, "--db", db, "link", "suspects", "B6", "--top", "2", "--json")
    assert set(one) >= {"offence", "suspects"} and one["offence"] == "B6"
    assert set(one["suspects"][0]) >= {"offender", "score", "offences", "reasons"}
    ev = run(capsys, "--db", db, "link", "suspects", "--evaluate", "--json")
    assert set(ev) >= {"offences", "top1", "top10"}
    # B1-B3 share O1: each is left out in turn and O1 ranked for it
    assert ev["offences"] == 3 and ev["top10"] == 1.0


def test_suggest_reuses_the_group_and_rebuilds_after_a_decision(small_store):
    service.suggest(small_store, "B1")
    first = service.group_linker(small_store, "burglary")
    service.suggest(small_store, "B2")
    assert service.group_linker(small_store, "burglary") is first
    ids = {r: service.resolve(small_store, r) for r in ("B1", "B4")}
    DecideLink(ids["B1"], ids["B4"], "rejected", why="different offender").do(small_store)
    assert service.group_linker(small_store, "burglary") is not first
    assert "B4" not in [c["offence"] for c in service.suggest(small_store, "B1")["candidates"]]


def test_series_minimum_size_filter(small_store):
    pairs_too = service.series(small_store, min_score=0.05, min_size=2)
    default = service.series(small_store, min_score=0.05)
    assert default["min_size"] == 3
    assert all(s["size"] >= 3 for s in default["series"] if s["kind"] == "candidate")
    assert default["smaller_left_out"] >= len([s for s in pairs_too["series"] if s["size"] == 2])


def test_series_risk_is_carried_into_the_patp_it_seeds(small_store):
    from workbench.tasking.prefill import build_patp
    from workbench.tasking.sources import problem_from_series

    ids = [service.resolve(small_store, r) for r in ("B1", "B2", "B3", "B6")]
    command = CreateSeries(ids, "Rear windows")
    command.do(small_store)
    patp = build_patp(small_store, problem_from_series(small_store, f"S{command.series_id}"))
    risk = patp.supporting_analysis["series_risk"]
    assert risk["risk"] in ("high", "medium", "low")
    assert f"Series risk: {risk['risk']}" in patp.threat_harm_risk


def test_local_series_ids_carry_the_borough_so_returns_never_merge_them():
    local = Problem("Series 1", (1, 2), source_kind="series", source_ref="S1", local=True)
    force = Problem("Series FR-9", (3,), source_kind="series", source_ref="FR-9")
    assert series_id(local, "Camden") == "Camden/S1" != series_id(local, "Islington")
    assert series_id(force, "Camden") == series_id(force, "Islington") == "FR-9"


def test_scan_links_every_new_sexual_offence(store, tmp_path):
    rows = [dict(offence_ref=f"X{k}", category="sexual-assault", status="unsolved",
                 committed_from=f"2025-03-{k + 1:02d}T22:00", committed_to=f"2025-03-{k + 1:02d}T22:30",
                 easting=530000 + 150 * k, northing=180000) for k in range(20)]
    path = tmp_path / "sexual.csv"
    rows_to_csv(rows, path)
    import_offences(store, [path])
    new = load_frame(store, OffenceFilter(), ("offence_ref", "category", "committed_from", "ward", "borough"))
    alerts, notes = sexual_offence_alerts(store, new)
    assert len(alerts) == 20
    assert all("candidates" in a.detail and a.detail["candidates"] for a in alerts), notes


def test_real_police_uk_burglaries_are_all_left_out(store, shared_data):
    from workbench.ingest.police_uk import import_police_uk

    month = shared_data("police-uk", "met-burglary", "2023-06-metropolitan-street.csv.gz")
    imported = import_police_uk(store, [month]).imported
    assert imported > 1000
    assert service.left_out(store, groups=["burglary"]) == imported
    assert len(service.load_data(store, groups=["burglary"])) == 0
    found = service.series(store, categories=["burglary"])
    assert found["series"] == [] and found["left_out"] == imported
