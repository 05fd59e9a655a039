"""Reasons in words, series descriptions and the CCA matrix on hand-made offences."""

import numpy as np
import pytest
from sqlpeek import sql

from workbench.linkage import reasons, service
from workbench.linkage.cca import cca_matrix, shared_cells
from workbench.linkage.features import feature_columns, pair_features
from workbench.linkage.model import default_model
from workbench.linkage.series import communities, describe_series, find_series, link_graph, risk_indicator


def test_describe_texts():
    assert reasons.describe("distance_m", 1200.0) == "1.2 km apart"
    assert reasons.describe("distance_m", 350.0) == "350 m apart"
    assert reasons.describe("days_apart", 2.0) == "2 days apart"
    assert reasons.describe("days_apart", 0.25) == "6 hours apart"
    assert reasons.describe("mo_entry", 1.0) == "entry identical"
    assert reasons.describe("mo_entry", np.nan) == "entry: not recorded for both"
    assert reasons.describe("same_category", 0.0) == "different categories"


def test_explain_orders_by_effect_and_names_partial_mo(small_data):
    model = default_model("burglary", feature_columns(small_data), "test")
    b1, b3 = (int(np.flatnonzero(small_data.refs == r)[0]) for r in ("B1", "B3"))
    frame = pair_features(small_data, [b1], [b3])
    out = reasons.explain(model, frame, small_data, [b1], [b3])[0]
    effects = [abs(v["effect"]) for v in out["features"].values()]
    assert effects == sorted(effects, reverse=True)
    assert out["features"]["mo_entry"]["text"] == "entry: 1 of 2 behaviours shared"
    assert out["features"]["distance_m"]["effect"] > 0       # 224 m apart argues for a link
    assert "m apart" in out["summary"]


def test_series_from_graph_and_description(small_data):
    pos = {r: int(np.flatnonzero(small_data.refs == r)[0]) for r in small_data.refs}
    pairs = np.array([[pos["B1"], pos["B2"]], [pos["B2"], pos["B3"]], [pos["B1"], pos["B4"]]])
    scores = np.array([0.9, 0.8, 0.2], dtype=np.float32)
    graph = link_graph(pairs, scores, 0.5)
    assert communities(graph) == [{pos["B1"], pos["B2"], pos["B3"]}]
    s = find_series(small_data, pairs, scores, min_score=0.5)[0]
    assert s.refs == ["B1", "B2", "B3"] and s.strength == pytest.approx(0.85)
    assert s.common_mo == {"entry": ["forced", "rear window"], "search": ["untidy"]}   # in at least half
    assert s.first.startswith("2025-03-01T18:00") and s.span_days == pytest.approx(5.04, abs=0.01)


def test_risk_flags_shortening_intervals(small_data):
    # B5 (2 Mar), B1 (1 Mar)... build a series whose gaps shrink: 1, 3, 6, 8 March (gaps 2, 3, 2) is flat;
    pos = [int(np.flatnonzero(small_data.refs == r)[0]) for r in ("B1", "B2", "B3", "B6")]
    small_data.t_from[pos] = np.array([0.0, 30.0, 40.0, 42.0]) + small_data.t_from[pos[0]]
    small_data.t_to[pos] = small_data.t_from[pos] + 0.05
    level, why = risk_indicator(small_data, pos)
    assert level == "medium" and why and why[0].startswith("intervals shortening")


def test_cca_matrix_shared_cells_and_exports(small_data, tmp_path):
    pos = [int(np.flatnonzero(small_data.refs == r)[0]) for r in ("B1", "B2", "B3", "B4")]
    m = cca_matrix(small_data, pos)
    assert list(m.index) == ["B1", "B2", "B4", "B3"]                    # time order
    assert m.loc["B1", "mo entry"] == "forced; rear window" and m.loc["B1", "day"] == "Sat"
    assert "victim sex" not in m.columns                                 # nobody recorded it
    shared = shared_cells(m, small_data, pos)
    assert shared.loc["B1", "mo entry"] and not shared.loc["B4", "mo entry"]
    assert shared.loc["B1", "location type"] and not shared.loc["B1", "easting"]



def test_cca_export_is_marked_and_audited(small_store, tmp_path):
    from PIL import Image

    ids = [service.resolve(small_store, r) for r in ("B1", "B2", "B3")]
    out = service.export_cca(small_store, ids, title="Test", csv=tmp_path / "m.csv", image=tmp_path / "m.png")
    lines = (tmp_path / "m.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# OFFICIAL-SENSITIVE - Test" and lines[1].startswith("offence,category")
    assert Image.open(tmp_path / "m.png").info["Warning"] == "OFFICIAL-SENSITIVE"
    assert out["offences"] == 3 and out["marking"] == "OFFICIAL-SENSITIVE"
    audit = sql(small_store, "SELECT count(*) FROM audit_log WHERE action = 'export.cca'").fetchone()[0]
    assert audit == 1


def test_describe_series_of_store(small_store):
    ids = [service.resolve(small_store, r) for r in ("B1", "B2")]
    matrix, shared = service.cca(small_store, ids)
    assert list(matrix.index) == ["B1", "B2"] and shared.loc["B2", "mo search"]
    data = service.load_ids(small_store, ids)
    s = describe_series(data, [0, 1])
    assert s.radius_m == pytest.approx(250.0) and s.risk == "low"
