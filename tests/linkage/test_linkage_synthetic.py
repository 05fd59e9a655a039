"""On the synthetic generator's data (truth known): linkage must reach the research bar,
and the ``link`` commands must print the contract's JSON keys."""

import json

import pytest
from sqlpeek import sql

from workbench.cli import main
from workbench.linkage import service
from workbench.store import open_store
from workbench.synth import generate, write_to_store

CONTRACT_KEYS = {"pairs", "linked_pairs", "auc", "tpr_at_5pct_fpr", "top10_hit_rate", "average_precision"}


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "synth.sqlite"
    with open_store(path) as store:
        write_to_store(store, generate(seed=3, offences=6000, boroughs=("Camden", "Islington")))
    return path


@pytest.fixture(scope="module")
def evaluated(synthetic_db):
    with open_store(synthetic_db) as store:
        return service.evaluate(store, categories=["burglary", "rape", "sexual-assault", "exposure", "other-sexual"],
                                folds=5, seed=0)


def test_auc_of_sexual_offences_and_burglaries_at_least_085(evaluated):
    assert set(evaluated) >= CONTRACT_KEYS
    for group in ("sexual", "burglary"):
        figures = evaluated["groups"][group]
        assert figures["linked_pairs"] >= 20, figures
        assert figures["auc"] >= 0.85, (group, figures)
    assert evaluated["top10_hit_rate"] >= 0.8


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_cli_contract_keys(synthetic_db, capsys, tmp_path):
    db = str(synthetic_db)
    trained = run(capsys, "--db", db, "link", "train", "--category", "burglary", "--json")
    assert trained["models"]["burglary"]["method"] in ("logistic", "boosting")
    with open_store(synthetic_db) as store:
        ref = sql(store, "SELECT offence_ref FROM offences WHERE category = 'burglary-residential' "
                                 "AND series_ref IS NOT NULL ORDER BY id LIMIT 1").fetchone()[0]
    suggested = run(capsys, "--db", db, "link", "suggest", ref, "--top", "5", "--json")
    assert suggested["offence"] == ref and len(suggested["candidates"]) == 5
    first = suggested["candidates"][0]
    assert set(first) >= {"offence", "score", "reasons"} and first["reasons"]["summary"]
    assert suggested["default_model"] is False
    found = run(capsys, "--db", db, "link", "series", "--category", "burglary", "--min-score", "0.6", "--json")
    assert found["series"] and set(found["series"][0]) >= {"id", "offences", "score"}
    assert all(s["score"] >= 0.6 for s in found["series"] if s["kind"] == "candidate")
    out = tmp_path / "cca.csv"
    image = tmp_path / "cca.png"
    refs = found["series"][0]["offences"][:6]
    made = run(capsys, "--db", db, "link", "cca", *refs, "--out", str(out), "--image", str(image), "--json")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert made["offences"] == len(refs) and lines[0].startswith("# OFFICIAL-SENSITIVE") and lines[1].startswith("offence,")
    assert image.read_bytes()[:4] == b"\x89PNG"


def test_cli_errors_are_one_line(synthetic_db, capsys):
    assert main(["--db", str(synthetic_db), "link", "suggest", "NO-SUCH-REF", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"error": "no offence with reference 'NO-SUCH-REF'"}


def test_empty_store_gives_clear_answers(empty_db, capsys):
    db = empty_db
    assert run(capsys, "--db", db, "link", "series", "--json")["series"] == []
    assert run(capsys, "--db", db, "link", "train", "--json")["models"] == {}
    assert main(["--db", db, "link", "evaluate", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"error": "no solved offences with offender ids to evaluate on"}
