"""skseq.mlflow: MLflow models of skseq estimators, and their training in runs.

One SQLite tracking store in a temporary folder serves the module (creating
one takes seconds); each test logs in runs of its own.
"""

import doctest
import json
import os
import sys

import numpy as np
import pandas as pd
import pytest

import skseq
import skseq.mlflow
from skseq import MASK_VALUE, RNNClassifier, RNNRegressor, SequenceForecaster
from skseq.datasets import load_airline, load_gunpoint
from skseq.preprocessing import SequencePadder
from skseq.utils import to_long_format


def test_without_mlflow_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    X, y = load_gunpoint()
    clf = RNNClassifier(hidden_size=8, max_epochs=1, random_state=0).fit(X, y)
    for call in (
        lambda: skseq.mlflow.log_model(clf, "model"),
        lambda: skseq.mlflow.log_training(clf),
        lambda: skseq.mlflow.load_model("models:/m-0"),
        lambda: skseq.mlflow.save_model(clf, "model"),
    ):
        with pytest.raises(ImportError, match=r"pip install skseq\[mlflow\]"):
            call()


@pytest.fixture(scope="module")
def mlflow(tmp_path_factory):
    """MLflow, tracking to a SQLite store in a temporary folder."""
    mlflow = pytest.importorskip("mlflow")
    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder}/mlflow.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", uri)
        mlflow.set_tracking_uri(uri)
        experiment = mlflow.create_experiment("skseq", artifact_location=str(folder))
        patch.setenv("MLFLOW_EXPERIMENT_ID", experiment)
        yield mlflow
        mlflow.set_tracking_uri(None)


@pytest.fixture(scope="module")
def gunpoint():
    X, y = load_gunpoint()
    clf = RNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    return clf, X


@pytest.fixture(scope="module")
def logged(mlflow, gunpoint):
    """The classifier logged with the defaults, and the id of its run."""
    clf, _ = gunpoint
    with mlflow.start_run() as run:
        info = skseq.mlflow.log_model(clf, "model")
    return info, run.info.run_id


# a long frame names its columns; the classifier was fitted on an array
@pytest.mark.filterwarnings("ignore:X has feature names")
def test_pyfunc_predicts_as_the_estimator(mlflow, gunpoint, logged):
    clf, X = gunpoint
    model = mlflow.pyfunc.load_model(logged[0].model_uri)
    np.testing.assert_array_equal(model.predict(X), clf.predict(X))
    proba = model.predict(X, params={"method": "predict_proba"})
    np.testing.assert_array_equal(proba, clf.predict_proba(X))
    # what the estimator takes: ragged lists, long DataFrames
    ragged = [X[0][:100], X[1]]
    np.testing.assert_array_equal(model.predict(ragged), clf.predict(ragged))
    frame = to_long_format(list(X[:5]))
    assert isinstance(frame, pd.DataFrame)
    np.testing.assert_array_equal(model.predict(frame), clf.predict(X[:5]))
    assert model.get_raw_model().hidden_size == 8
    with pytest.raises(ValueError, match="use one of .*'predict_proba'"):
        model.predict(X, params={"method": "fit"})


def test_load_model_gives_the_estimator_back(mlflow, gunpoint, logged):
    clf, X = gunpoint
    info, run_id = logged
    assert set(info.flavors) == {"python_function", "skseq"}
    for uri in (info.model_uri, f"runs:/{run_id}/model"):
        loaded = skseq.mlflow.load_model(uri)
        assert type(loaded) is RNNClassifier
        np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_the_model_holds_the_skseq_file_and_no_pickle(mlflow, logged, tmp_path):
    local = mlflow.artifacts.download_artifacts(logged[0].model_uri, dst_path=tmp_path)
    files = {p.name for p in (tmp_path / local).rglob("*") if p.is_file()}
    assert "model.skseq" in files
    assert not {name for name in files if name.endswith((".pkl", ".pickle"))}
    requirements = (tmp_path / local / "requirements.txt").read_text()
    assert f"skseq=={skseq.__version__}" in requirements


def test_training_is_logged(mlflow, gunpoint, logged):
    clf, _ = gunpoint
    run_id = logged[1]
    params = mlflow.get_run(run_id).data.params
    # under the model's name, by default
    assert params["model.hidden_size"] == "8"
    assert params["model.max_epochs"] == "2"
    assert params["model.class_weight"] == "None"
    assert "hidden_size" not in params
    history = mlflow.MlflowClient().get_metric_history(run_id, "model.train_loss")
    assert [m.step for m in sorted(history, key=lambda m: m.step)] == [1, 2]
    np.testing.assert_allclose(
        [m.value for m in sorted(history, key=lambda m: m.step)],
        clf.history_[:, "train_loss"],
    )
    # no validation split without early stopping: no valid_loss
    assert not mlflow.MlflowClient().get_metric_history(run_id, "model.valid_loss")


def test_log_training_logs_valid_loss_under_a_prefix(mlflow):
    X, y = load_gunpoint()
    clf = RNNClassifier(
        hidden_size=8, max_epochs=3, early_stopping=True, random_state=0
    ).fit(X, y)
    with mlflow.start_run() as run:
        skseq.mlflow.log_training(clf, prefix="gunpoint.")
    client = mlflow.MlflowClient()
    valid = client.get_metric_history(run.info.run_id, "gunpoint.valid_loss")
    assert sorted(m.step for m in valid) == [1, 2, 3]
    np.testing.assert_allclose(
        [m.value for m in sorted(valid, key=lambda m: m.step)],
        clf.history_[:, "valid_loss"],
    )
    params = client.get_run(run.info.run_id).data.params
    assert params["gunpoint.early_stopping"] == "True"


def test_a_forecaster_round_trips(mlflow):
    y = load_airline()
    forecaster = SequenceForecaster(max_epochs=2, random_state=0).fit(y)
    with mlflow.start_run():
        info = skseq.mlflow.log_model(
            forecaster, "forecaster", registered_model_name="airline"
        )
    model = mlflow.pyfunc.load_model(info.model_uri)
    pd.testing.assert_series_equal(model.predict(None), forecaster.predict())
    pd.testing.assert_series_equal(model.predict(y[:-12]), forecaster.predict(y[:-12]))
    interval = model.predict(None, params={"method": "predict_interval"})
    pd.testing.assert_frame_equal(interval, forecaster.predict_interval())
    loaded = skseq.mlflow.load_model("models:/airline/1")
    pd.testing.assert_series_equal(loaded.predict(), forecaster.predict())


def test_an_input_example_gives_a_signature(mlflow, gunpoint, tmp_path):
    clf, X = gunpoint
    skseq.mlflow.save_model(clf, tmp_path / "model", input_example=X[:3])
    model = mlflow.pyfunc.load_model(str(tmp_path / "model"))
    assert model.metadata.signature.inputs is not None
    assert [p.name for p in model.metadata.signature.params.params] == ["method"]
    proba = model.predict(X, params={"method": "predict_proba"})
    np.testing.assert_array_equal(proba, clf.predict_proba(X))


def test_load_model_refuses_models_of_other_flavours(mlflow, tmp_path):
    mlflow.models.Model(flavors={"python_function": {}}).save(tmp_path / "MLmodel")
    with pytest.raises(ValueError, match="not a skseq model"):
        skseq.mlflow.load_model(str(tmp_path))


def test_two_models_in_one_run_keep_their_own_training(mlflow, gunpoint):
    clf, X = gunpoint
    reg = RNNRegressor(hidden_size=4, max_epochs=3, random_state=0)
    reg.fit(X, X[:, :10].mean(axis=1))
    with mlflow.start_run() as run:
        skseq.mlflow.log_model(clf, "classifier")
        skseq.mlflow.log_model(reg, "regressor")
        skseq.mlflow.log_model(reg, "unprefixed", prefix="")
    client = mlflow.MlflowClient()
    params = client.get_run(run.info.run_id).data.params
    assert params["classifier.hidden_size"] == "8"
    assert params["regressor.hidden_size"] == "4"
    assert params["hidden_size"] == "4"
    for name, model in (("classifier", clf), ("regressor", reg)):
        history = client.get_metric_history(run.info.run_id, f"{name}.train_loss")
        np.testing.assert_allclose(
            [m.value for m in sorted(history, key=lambda m: m.step)],
            model.history_[:, "train_loss"],
        )


def test_an_unsupported_estimator_logs_nothing(mlflow, gunpoint):
    clf, X = gunpoint
    padder = SequencePadder().fit(X)  # skseq.save takes estimators, not this
    with mlflow.start_run() as run:
        with pytest.raises(TypeError, match="skseq.save takes the estimators"):
            skseq.mlflow.log_model(padder, "padder")
        # an input example MLflow cannot save is refused before anything, too
        with pytest.raises(ValueError, match="different lengths"):
            skseq.mlflow.log_model(clf, "model", input_example=[X[0], X[1][:50]])
    logged = mlflow.get_run(run.info.run_id)
    assert logged.data.params == {} and logged.data.metrics == {}
    assert not logged.outputs.model_outputs


def test_signature_false_saves_no_signature(mlflow, gunpoint, tmp_path):
    clf, X = gunpoint
    skseq.mlflow.save_model(clf, tmp_path / "model", signature=False)
    model = mlflow.pyfunc.load_model(str(tmp_path / "model"))
    assert model.metadata.signature is None
    np.testing.assert_array_equal(model.predict(X), clf.predict(X))
    with mlflow.start_run():
        info = skseq.mlflow.log_model(
            clf, "model", signature=False, input_example=X[:2]
        )
    assert mlflow.pyfunc.load_model(info.model_uri).metadata.signature is None


@pytest.mark.filterwarnings("ignore:X has feature names")
def test_ragged_or_long_input_examples_are_refused(mlflow, gunpoint, tmp_path):
    clf, X = gunpoint
    with pytest.raises(ValueError, match="different lengths.*skseq.MASK_VALUE"):
        skseq.mlflow.save_model(clf, tmp_path / "a", input_example=[X[0], X[1][:50]])
    with pytest.raises(ValueError, match="long DataFrame.*skseq.MASK_VALUE"):
        skseq.mlflow.save_model(
            clf, tmp_path / "b", input_example=to_long_format(list(X[:2]))
        )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_a_padded_example_serves_sequences_of_any_length(mlflow, gunpoint, tmp_path):
    from mlflow.pyfunc.scoring_server import invocations

    clf, X = gunpoint
    ragged = [X[0][:60], X[1], X[2][:100]]
    # 3-D: (n_sequences, n_steps, 1); a 2-D array is sequences of 150 steps
    example = SequencePadder(dtype="float64").fit_transform(ragged[::2])[..., None]
    assert example.shape == (2, 100, 1) and (example == MASK_VALUE).any()
    skseq.mlflow.save_model(clf, tmp_path / "model", input_example=example)
    model = mlflow.pyfunc.load_model(str(tmp_path / "model"))
    # another number of steps than the example's: the signature leaves it free
    padded = SequencePadder(maxlen=160, dtype="float64").fit_transform(ragged)
    inputs = padded[..., None].tolist()
    body = json.dumps({"inputs": inputs, "params": {"method": "predict_proba"}})
    response = invocations(
        body, "application/json", model, model.metadata.get_input_schema()
    )
    assert response.status == 200, response.response
    served = np.array(json.loads(response.response)["predictions"])
    np.testing.assert_allclose(served, clf.predict_proba(ragged), rtol=1e-12)


def test_the_examples_leave_the_tracking_uri_as_it_was(mlflow, monkeypatch):
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID")  # the module's, not the examples'
    before = mlflow.get_tracking_uri(), os.environ.get("MLFLOW_TRACKING_URI")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(skseq.mlflow):
        if test.name.endswith((".log_model", ".log_training")):
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert (mlflow.get_tracking_uri(), os.environ.get("MLFLOW_TRACKING_URI")) == before


def test_the_served_methods_take_a_detectors_scores_and_refuse_no_predict():
    # without MLflow: a detector's score_samples was unreachable through
    # pyfunc, and a language model (no predict) failed late in log_model
    from skseq import RNNLanguageModel
    from skseq.anomaly import SequenceAnomalyDetector

    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 6, 1))
    network = RNNRegressor(hidden_size=4, max_epochs=1)
    detector = SequenceAnomalyDetector(estimator=network, random_state=0).fit(X)
    served = skseq.mlflow._PyfuncModel(detector)
    np.testing.assert_array_equal(
        served.predict(X, params={"method": "score_samples"}),
        detector.score_samples(X),
    )
    with pytest.raises(ValueError, match="use one of .*'score_samples'"):
        served.predict(X, params={"method": "fit"})
    model = RNNLanguageModel(hidden_size=4, max_epochs=1, random_state=0).fit("abab")
    with pytest.raises(TypeError, match="has no predict for MLflow's python_function"):
        skseq.mlflow._check_servable(model)
