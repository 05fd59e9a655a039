"""On the synthetic generator's data (truth known): linkage must reach the research bar,
and the ``link`` commands must print the contract's JSON keys."""

import json
import shutil

import pytest
from pgserver import PgServer, server_or_skip
from sqlpeek import sql

from workbench.cli import main
from workbench.linkage import service
from workbench.store import open_store
from workbench.synth import generate, write_to_store

CONTRACT_KEYS = {"pairs", "linked_pairs", "auc", "tpr_at_5pct_fpr", "top10_hit_rate", "average_precision"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def synthetic_db(request, tmp_path_factory):
    """The synthetic store, made once a module on each engine (a file, or a database of
    its own that the function-scoped stores' clean-up leaves alone)."""
    server = None
    if request.param == "postgresql":
        server = PgServer(server_or_skip().url)
        location = server.new_database()
    else:
        location = str(tmp_path_factory.mktemp("synth") / "synth.sqlite")
    with open_store(location) as store:
        write_to_store(store, generate(seed=3, offences=6000, boroughs=("Camden", "Islington")))
    yield location
    if server is not None:
        server.drop_all()


@pytest.fixture
def synthetic_copy(synthetic_db, tmp_path, request):
    """A copy of the synthetic store to change (a copied file, or a database made from it)."""
    if not synthetic_db.startswith("postgresql:"):
        copy = tmp_path / "copy.sqlite"
        shutil.copy(synthetic_db, copy)
        return str(copy)
    server = PgServer(server_or_skip().url)
    request.addfinalizer(server.drop_all)
    return server.new_database(template=synthetic_db.rsplit("/", 1)[1])


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


def test_learned_windows_find_99_percent_of_heavy_tailed_series_pairs(evaluated):
    """The generator's series are heavy-tailed (real spread); the learned windows still
    find at least 99% of each group's linked pairs, and sexual offences are never
    narrowed."""
    for group, figures in evaluated["groups"].items():
        blocking = evaluated["blocking"][group]
        assert set(blocking) >= {"radius_m", "days", "learned_from", "expected_recall", "narrowed"}
        if figures["linked_pairs"]:
            assert figures["blocking_recall"] >= 0.99, (group, figures["blocking_recall"], blocking)
    assert evaluated["blocking"]["sexual"]["narrowed"] is False


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_cli_contract_keys(synthetic_db, capsys, tmp_path):
    db = synthetic_db
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
    assert main(["--db", synthetic_db, "link", "suggest", "NO-SUCH-REF", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"error": "no offence with reference 'NO-SUCH-REF'"}


def test_empty_store_gives_clear_answers(empty_db, capsys):
    db = empty_db
    assert run(capsys, "--db", db, "link", "series", "--json")["series"] == []
    assert run(capsys, "--db", db, "link", "train", "--json")["models"] == {}
    assert main(["--db", db, "link", "evaluate", "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"error": "no solved offences with offender ids to evaluate on"}


def test_a_group_without_enough_known_links_gets_the_default_model_without_scoring_its_pairs(synthetic_copy):
    """The synthetic 'other' offences have no offender linked twice: training must not
    score their (millions of) candidate pairs only to fall back to the default model."""
    from workbench.linkage.training import too_few_links

    with open_store(synthetic_copy) as store:
        data = service.load_data(store, groups=["other", "burglary"])
        assert too_few_links(data, "other") is not None and "needed to train" in too_few_links(data, "other")
        assert too_few_links(data, "burglary") is None
        trained = service.train(store, groups=["other"])
    other = trained["models"]["other"]
    assert other["default_model"] is True and other["pairs"] == 0 and "needed to train" in other["note"]


def test_a_model_saved_by_an_older_workbench_falls_back_to_the_default_model_with_a_note(synthetic_copy):
    """A saved model whose format or features differ from today's cannot score today's
    pairs: its group uses the default model and says to retrain, instead of failing."""
    import pickle

    from workbench.linkage.model import LinkModel
    from workbench.store import linkage as db

    with open_store(synthetic_copy) as store:
        service.train(store, groups=["burglary"])
        saved = db.active_models(store)["burglary"]
        model = LinkModel.from_bytes(saved["model"])
        assert model is not None
        old = pickle.loads(saved["model"])
        del old.__dict__["format"]                        # as pickled by the previous version
        assert LinkModel.from_bytes(pickle.dumps(old)) is None
        assert LinkModel.from_bytes(b"not a pickle") is None
        data = service.load_data(store, groups=["burglary"])
        with store.atomic():
            db.save_model(store, "burglary", "logistic", pickle.dumps(old), is_default=False, n_offences=1,
                          n_pairs=1, n_linked=1, metrics={}, columns=model.columns)
        models, notes = service.models_for(store, data)
    assert models["burglary"].is_default and "older Workbench" in notes["burglary"]
