"""skseq.save / skseq.load: a file format that holds no code; pickling."""

import hashlib
import io
import json
import pathlib
import pickle
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch
from skorch.callbacks import Callback, EarlyStopping

import skseq
from skseq import RNNClassifier, RNNRegressor, SequenceForecaster
from skseq.datasets import load_airline

from .._helpers import QUICK, make_ragged_classification, make_ragged_regression


def rewrite(path, change):
    """Rewrite the members of a saved file through ``change(name, data)``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, change(name, data))


@pytest.fixture
def without_smoothing(monkeypatch):
    """Fit as the versions before the exponential smoothing part did."""
    from skseq.forecasting import _fitting

    monkeypatch.setattr(_fitting, "smoothing_tried", lambda *args: False)


def loaded_without(model, path, field):
    """Save ``model``, as a version without ``field`` in its config would, and load.

    The field must be True in the saved config; the loaded model has its
    default.
    """
    skseq.save(model, path)
    with zipfile.ZipFile(path) as archive:
        config = archive.read("config.json")
    entry = f', "{field}": true'.encode()
    assert entry in config
    config = config.replace(entry, b"")

    def older(name, data):
        if name == "config.json":
            return config
        if name != "manifest.json":
            return data
        manifest = json.loads(data)  # as the older version wrote it
        manifest["sha256"]["config.json"] = hashlib.sha256(config).hexdigest()
        return json.dumps(manifest)

    rewrite(path, older)
    return skseq.load(path)


@pytest.fixture
def classifier():
    X, y = make_ragged_classification(n=30)
    labels = np.array(["cat", "dog"], dtype=object)[y]
    return RNNClassifier(**QUICK).fit(X, labels), X


def test_classifier_round_trip(tmp_path, classifier):
    clf, X = classifier
    path = tmp_path / "clf.skseq"
    skseq.save(clf, path)
    loaded = skseq.load(path)
    assert type(loaded) is RNNClassifier
    assert loaded.get_params() == clf.get_params()
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.classes_.dtype == object
    assert loaded.n_iter_ == clf.n_iter_
    assert loaded.history_[:, "train_loss"] == clf.history_[:, "train_loss"]


def test_convolutional_front_end_round_trip(tmp_path):
    # "auto" on 120 steps: conv blocks (batch norm counts batches in an int64)
    # and per-sequence standardisation, both restored
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=30)
    X = rng.normal(size=(30, 120, 1)) * rng.uniform(1, 9, size=(30, 1, 1))
    clf = RNNClassifier(**QUICK).fit(X, y)
    assert clf.conv_layers_ == 3 and clf._input.per_sequence
    skseq.save(clf, tmp_path / "conv.skseq")
    loaded = skseq.load(tmp_path / "conv.skseq")
    assert loaded.conv_layers_ == 3 and loaded._input.per_sequence
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_regressor_with_options_round_trip(tmp_path):
    X, y = make_ragged_regression(n=60)
    reg = RNNRegressor(
        bidirectional=True,
        pooling="attention",
        early_stopping=True,
        optimizer=torch.optim.RMSprop,
        callbacks=[("stop", EarlyStopping(patience=3, monitor="train_loss"))],
        **QUICK,
    ).fit(X, y)
    path = tmp_path / "reg.skseq"
    skseq.save(reg, path)
    loaded = skseq.load(path)
    assert loaded.optimizer is torch.optim.RMSprop
    assert isinstance(loaded.callbacks[0][1], EarlyStopping)
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    assert "valid_loss" in loaded.history_[-1]


def test_token_model_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = [rng.integers(1, 9, size=rng.integers(2, 8)) for _ in range(30)]
    y = np.arange(30) % 2
    clf = RNNClassifier(embedding_dim=4, **QUICK).fit(X, y)
    skseq.save(clf, tmp_path / "tokens.skseq")
    loaded = skseq.load(tmp_path / "tokens.skseq")
    assert loaded.vocab_size_ == clf.vocab_size_
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_forecaster_round_trip_in_a_fresh_process(tmp_path):
    y = load_airline()
    frame = pd.DataFrame({"passengers": y, "month": y.index.month.astype(float)})
    model = SequenceForecaster(
        window_length=12,
        horizon=3,
        target="passengers",
        future_covariates=["month"],
        transform="log",
        validation_fraction=0.2,
        max_epochs=3,
        random_state=0,
    ).fit(frame)
    path = tmp_path / "forecaster.skseq"
    skseq.save(model, path)
    future = pd.DataFrame(
        {"month": [1.0, 2.0, 3.0]},
        index=pd.period_range("1961-01", periods=3, freq="M"),
    )
    expected = model.predict_interval(future=future)
    out = tmp_path / "interval.npy"
    script = (
        "import skseq, numpy as np, pandas as pd\n"
        f"model = skseq.load({str(path)!r})\n"
        "future = pd.DataFrame({'month': [1.0, 2.0, 3.0]},\n"
        "    index=pd.period_range('1961-01', periods=3, freq='M'))\n"
        "interval = model.predict_interval(future=future)\n"
        f"np.save({str(out)!r}, interval.to_numpy())\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    np.testing.assert_array_equal(np.load(out), expected.to_numpy())


def test_loading_never_unpickles(tmp_path, classifier, monkeypatch):
    clf, X = classifier
    path = tmp_path / "clf.skseq"
    skseq.save(clf, path)

    def refuse(*args, **kwargs):
        raise AssertionError("load must not unpickle anything")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, refuse)
    loaded = skseq.load(path)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_a_pickle_payload_in_the_arrays_is_refused(tmp_path, classifier):
    clf, _ = classifier
    path = tmp_path / "clf.skseq"
    skseq.save(clf, path)

    def inject(name, data):
        if name != "arrays.npz":
            return data
        buffer = io.BytesIO()
        np.savez(buffer, a0=np.array([object()], dtype=object))
        return buffer.getvalue()

    rewrite(path, inject)
    # the checksum catches the change first; a forged manifest would not help:
    with pytest.raises(ValueError, match="checksum of arrays.npz does not match"):
        skseq.load(path)
    with zipfile.ZipFile(path) as archive:
        arrays = archive.read("arrays.npz")

    def forge(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["sha256"]["arrays.npz"] = hashlib.sha256(arrays).hexdigest()
        return json.dumps(manifest)

    rewrite(path, forge)
    with pytest.raises(ValueError, match="allow_pickle=False"):
        skseq.load(path)


def test_corrupted_file_is_refused(tmp_path, classifier):
    clf, _ = classifier
    path = tmp_path / "clf.skseq"
    skseq.save(clf, path)

    def flip(name, data):
        if name != "weights.safetensors":
            return data
        data = bytearray(data)
        data[-1] ^= 0xFF
        return bytes(data)

    rewrite(path, flip)
    with pytest.raises(ValueError, match="corrupted: the checksum of weights"):
        skseq.load(path)
    (tmp_path / "junk.skseq").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="not a readable skseq file"):
        skseq.load(tmp_path / "junk.skseq")
    # no file is not a damaged one: FileNotFoundError, as open() raises
    with pytest.raises(FileNotFoundError, match="missing.skseq"):
        skseq.load(tmp_path / "missing.skseq")
    with pytest.raises(FileNotFoundError):
        skseq.load(str(tmp_path / "missing.skseq"))


def test_version_mismatch_warns(tmp_path, classifier):
    clf, X = classifier
    path = tmp_path / "clf.skseq"
    skseq.save(clf, path)

    def older(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["versions"]["torch"] = "1.13.0"
        return json.dumps(manifest)

    rewrite(path, older)
    with pytest.warns(skseq.VersionMismatchWarning, match="torch 1.13.0"):
        loaded = skseq.load(path)
    assert loaded.predict(X).shape == (len(X),)


def test_pickle_records_versions_and_warns_on_mismatch(classifier):
    clf, X = classifier
    state = clf.__getstate__()
    assert state["_skseq_versions"]["torch"] == torch.__version__
    assert "_skseq_versions" not in vars(clf)  # the state is a copy
    state["_skseq_versions"]["scikit-learn"] = "0.24"
    restored = RNNClassifier.__new__(RNNClassifier)
    with pytest.warns(skseq.VersionMismatchWarning, match="scikit-learn 0.24"):
        restored.__setstate__(state)
    np.testing.assert_array_equal(restored.predict(X), clf.predict(X))


class MeanModule(torch.nn.Module):
    def __init__(self, input_size, output_size):
        super().__init__()
        self.out = torch.nn.Linear(input_size, output_size)

    def forward(self, X, lengths):
        mask = (torch.arange(X.shape[1])[None] < lengths[:, None]).unsqueeze(-1)
        return self.out((X * mask).sum(1) / lengths[:, None])


class Noop(Callback):
    pass


def test_user_classes_come_from_the_caller(tmp_path):
    X, y = make_ragged_classification(n=30)
    clf = RNNClassifier(module=MeanModule, callbacks=[Noop()], **QUICK).fit(X, y)
    path = tmp_path / "custom.skseq"
    skseq.save(clf, path)
    with pytest.raises(ValueError, match=r"own .*module 'MeanModule'.*module=\.\.\."):
        skseq.load(path)
    with pytest.raises(ValueError, match=r"own callbacks 'Noop'"):
        skseq.load(path, module=MeanModule)
    loaded = skseq.load(path, module=MeanModule, callbacks=[Noop()])
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_save_needs_a_fitted_skseq_estimator(tmp_path):
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import LinearRegression

    with pytest.raises(NotFittedError):
        skseq.save(RNNClassifier(), tmp_path / "x.skseq")
    with pytest.raises(TypeError, match=r"takes the estimators \[.*'RNNClassifier'"):
        skseq.save(LinearRegression(), tmp_path / "x.skseq")
    # the transformer is one of skseq's, but not one save takes: the message
    # said "takes skseq estimators"
    from skseq.preprocessing import SequenceScaler

    scaler = SequenceScaler().fit([np.arange(5.0), np.arange(3.0)])
    with pytest.raises(TypeError, match="got SequenceScaler. Use joblib"):
        skseq.save(scaler, tmp_path / "x.skseq")


def test_forecaster_over_a_daylight_saving_change_round_trips(tmp_path):
    index = pd.date_range("2024-03-30", periods=60, freq="h", tz="Europe/Paris")
    y = pd.Series(np.sin(np.arange(60) * 0.3) + 3, index=index)
    model = SequenceForecaster(
        window_length=12, horizon=3, max_epochs=2, random_state=0
    ).fit(y)
    skseq.save(model, tmp_path / "dst.skseq")
    loaded = skseq.load(tmp_path / "dst.skseq")
    pd.testing.assert_series_equal(loaded.predict(), model.predict())


def test_a_frequency_that_strings_cannot_hold_is_refused_at_save(tmp_path):
    bday = pd.offsets.CustomBusinessDay(holidays=["2024-01-03"])
    y = pd.Series(
        np.arange(40.0), index=pd.date_range("2024-01-01", periods=40, freq=bday)
    )
    model = SequenceForecaster(window_length=5, max_epochs=1, random_state=0).fit(y)
    with pytest.raises(TypeError, match="cannot be written as a string"):
        skseq.save(model, tmp_path / "x.skseq")


def test_callbacks_with_side_effects_are_not_rebuilt_from_a_file(tmp_path):
    from skorch.callbacks import Checkpoint

    X, y = make_ragged_classification(n=20)
    target = tmp_path / "should-not-exist"
    clf = RNNClassifier(
        callbacks=[Checkpoint(dirname=str(target), monitor=None)], **QUICK
    ).fit(X, y)
    import shutil

    shutil.rmtree(target, ignore_errors=True)
    skseq.save(clf, tmp_path / "c.skseq")
    with pytest.raises(ValueError, match="own callbacks 'Checkpoint'"):
        skseq.load(tmp_path / "c.skseq")
    assert not target.exists()


# ------------------------------------------------------ files of earlier versions

SAVED = pathlib.Path(__file__).parent / "data" / "saved_format1"


def _split(values, lengths):
    return np.split(values, np.cumsum(lengths)[:-1])


def test_files_saved_by_earlier_versions_load_and_predict_the_same():
    expected = np.load(SAVED / "expected.npz")
    close = dict(rtol=1e-5, atol=1e-6)  # other CPUs round float32 otherwise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", skseq.VersionMismatchWarning)
        clf = skseq.load(SAVED / "classifier.skseq")
        tokens = skseq.load(SAVED / "token_classifier.skseq")
        reg = skseq.load(SAVED / "regressor.skseq")
        forecaster = skseq.load(SAVED / "forecaster.skseq")
    X = _split(expected["X"], expected["X_lengths"])
    np.testing.assert_allclose(
        clf.predict_proba(X), expected["classifier_proba"], **close
    )
    assert set(clf.classes_) == {"low", "mid", "high"}
    ids = _split(expected["tokens"], expected["token_lengths"])
    np.testing.assert_allclose(
        tokens.predict_proba(ids), expected["token_proba"], **close
    )
    Xr = _split(expected["Xr"], expected["Xr_lengths"])
    np.testing.assert_allclose(reg.predict(Xr), expected["regressor_pred"], **close)
    future = pd.DataFrame(
        {"promo": expected["future_promo"]},
        index=pd.period_range("2008-04", periods=3, freq="M"),
    )
    np.testing.assert_allclose(
        forecaster.predict(future=future).to_numpy(), expected["forecast"], **close
    )
    # saved before method existed: the network forecast, as it was
    assert forecaster.method == "network" and forecaster.method_ == "network"
    assert forecaster.held_out_errors_ is None
    # and before the season's phases: a refit (clone) trains without them too
    assert forecaster.season_inputs is None and forecaster._fitted.phases is None
    np.testing.assert_allclose(
        forecaster.predict_interval(future=future, coverage=0.8).to_numpy(),
        expected["interval"],
        **close,
    )


def test_a_forecaster_saved_before_each_ridge_counted_forecasts_as_it_did(
    tmp_path, without_smoothing
):
    # files written before the ridges were judged on the held-out windows
    # hold no each_ridge: their "linear" forecast counts once, as their mean
    y = load_airline()[:72]
    # without held-out windows every ridge is kept; no phase inputs: the
    # window below is the series' values alone
    model = SequenceForecaster(
        horizon=3, validation_fraction=0, season_inputs=None, **QUICK
    ).fit(y)
    fitted = model._fitted
    assert model.method_ == "network+linear" and len(fitted.ridges) > 1
    loaded = loaded_without(model, tmp_path / "model.skseq", "each_ridge")
    assert loaded._fitted.each_ridge is False
    window = y.to_numpy()[None, -fitted.window_length :, None]
    network, _ = fitted.forecast(model.net_, window, None, method=("network",))
    linear, _ = fitted.forecast(model.net_, window, None, method=("linear",))
    before = fitted.values.inverse_transform((network + linear) / 2).ravel()
    np.testing.assert_allclose(loaded.predict().to_numpy(), before, rtol=1e-9)
    # the model as fitted counts each ridge: a different forecast
    assert np.abs(model.predict().to_numpy() - before).max() > 1e-6


def test_a_forecaster_saved_before_models_first_counted_each_part_once(
    tmp_path, without_smoothing
):
    # files written before the seasonal naive forecast weighed half hold no
    # models_first: each part of their method counts once
    rng = np.random.default_rng(5)
    hours = np.arange(150)
    values = 10 + np.where(hours % 24 < 8, 0.0, 3.0) + rng.normal(0, 0.3, 150)
    index = pd.date_range("2024-01-01", periods=150, freq="h")
    y = pd.Series(values, index=index)
    model = SequenceForecaster(horizon=6, **QUICK).fit(y)
    fitted = model._fitted
    assert model.method_ == "network+linear+seasonal" and len(fitted.ridges) > 1
    loaded = loaded_without(model, tmp_path / "model.skseq", "models_first")
    assert loaded._fitted.models_first is False
    window = y.to_numpy()[None, -fitted.window_length :, None]
    parts = [
        fitted.forecast(model.net_, window, None, method=(name,))[0]
        for name in ("network", "linear", "seasonal")
    ]
    n = len(fitted.ridges)
    flat = (parts[0] + n * parts[1] + parts[2]) / (n + 2)
    before = fitted.values.inverse_transform(flat).ravel()
    np.testing.assert_allclose(loaded.predict().to_numpy(), before, rtol=1e-9)
    # the model as fitted weighs the seasonal naive forecast half
    assert np.abs(model.predict().to_numpy() - before).max() > 1e-6


def test_a_file_holds_how_the_model_read_x_and_format_2_its_parameter(tmp_path):
    X, y = make_ragged_classification(n=30)
    X = [np.vstack([x, np.full((2, x.shape[1]), -7.0)]) for x in X]
    model = RNNClassifier(**QUICK, mask_value=-7.0).fit(X, y)
    proba = model.predict_proba(X)
    path = tmp_path / "model.skseq"
    # a parameter set after fit is the next fit's: the file keeps the model's
    skseq.save(model.set_params(mask_value=None), path)
    np.testing.assert_allclose(skseq.load(path).predict_proba(X), proba, atol=1e-12)
    # format 2 held no mask_value in the fitted input: the parameter's, as then
    skseq.save(model.set_params(mask_value=-7.0), path)
    with zipfile.ZipFile(path) as archive:
        config = archive.read("config.json")
    entry = b', "mask_value": -7.0'
    assert config.count(entry) == 1
    config = config.replace(entry, b"")

    def format2(name, data):
        if name == "config.json":
            return config
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format_version"] = 2
        manifest["sha256"]["config.json"] = hashlib.sha256(config).hexdigest()
        return json.dumps(manifest)

    rewrite(path, format2)
    loaded = skseq.load(path)
    assert loaded._input.mask_value == -7.0
    np.testing.assert_allclose(loaded.predict_proba(X), proba, atol=1e-12)


def test_a_network_its_parameters_no_longer_describe_is_not_saved(tmp_path, classifier):
    model, _ = classifier
    model.set_params(hidden_size=2 * QUICK["hidden_size"])  # load would build this
    with pytest.raises(ValueError, match=r"set after fit.*\(hidden_size differ\)"):
        skseq.save(model, tmp_path / "model.skseq")
    assert not (tmp_path / "model.skseq").exists()
    skseq.save(model.set_params(hidden_size=QUICK["hidden_size"]), tmp_path / "m.skseq")


def test_a_model_pickled_before_its_input_held_mask_value_reads_x_as_then():
    # FittedInput gained mask_value: an older pickle has none, which read as
    # None and kept SequencePadder's -1e9 steps as values (probabilities 0.3 off)
    X, y = make_ragged_classification(n=30)
    padded = skseq.preprocessing.SequencePadder().fit_transform(X)
    model = RNNClassifier(**QUICK).fit(X, y)
    proba = model.predict_proba(padded)
    del vars(model._input)["mask_value"]  # as unpickled from before it existed
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded._input.mask_value == model.mask_value
    np.testing.assert_array_equal(loaded.predict_proba(padded), proba)


def test_a_file_whose_optimizer_kwargs_set_lr_still_loads(tmp_path):
    # saved before fit refused them; load built the options and raised
    X, y = make_ragged_classification(n=30)
    clf = RNNClassifier(**QUICK).fit(X, y)
    clf.set_params(optimizer_kwargs={"lr": 0.05, "weight_decay": 0.1})
    skseq.save(clf, tmp_path / "m.skseq")
    loaded = skseq.load(tmp_path / "m.skseq")
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match=r"optimizer_kwargs sets \['lr', 'weight"):
        loaded.fit(X, y)


def test_a_forecaster_file_holds_its_fit_freq_and_format_3_its_parameter(tmp_path):
    # the fitted state holds the freq parameter at fit, which predict(y=...)
    # reads; a format-3 file held none: the parameter it holds, as then
    y = pd.Series(np.sin(np.arange(60) / 3), pd.date_range("2024", periods=60))
    model = SequenceForecaster(window_length=8, **QUICK, freq="D").fit(y)
    forecast = model.predict(y=y)
    path = tmp_path / "model.skseq"
    skseq.save(model.set_params(freq="h"), path)  # the next fit's
    pd.testing.assert_series_equal(skseq.load(path).predict(y=y), forecast)
    skseq.save(model.set_params(freq="D"), path)
    with zipfile.ZipFile(path) as archive:
        config = archive.read("config.json")
    # none of the five was in format 3
    entry = b', "freq": "D", "smoothing": null, "naive_calibration": null, '
    entry += b'"smoothing_weight": null, "rule_weight": null}'
    assert config.count(entry) == 1
    config = config.replace(entry, b"}")

    def format3(name, data):
        if name == "config.json":
            return config
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["format_version"] = 3
        manifest["sha256"]["config.json"] = hashlib.sha256(config).hexdigest()
        return json.dumps(manifest)

    rewrite(path, format3)
    loaded = skseq.load(path)
    assert loaded._fitted.freq == "D"
    pd.testing.assert_series_equal(loaded.predict(y=y), forecast)


def test_a_forecaster_pickled_before_its_state_held_freq_reads_y_as_then():
    y = pd.Series(np.sin(np.arange(60) / 3), pd.date_range("2024", periods=60))
    model = SequenceForecaster(window_length=8, **QUICK, freq="D").fit(y)
    forecast = model.predict(y=y)
    del vars(model._fitted)["freq"]  # as unpickled from before it existed
    loaded = pickle.loads(pickle.dumps(model))
    assert loaded._fitted.freq == "D"
    pd.testing.assert_series_equal(loaded.set_params(freq="h").predict(y=y), forecast)


def test_a_forecaster_saved_before_week_naive_repeats_the_last_day(tmp_path):
    # files written before the seasonal naive forecast of a fit reading the
    # week back repeated it hold no week_naive: they repeat the last day
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=6 * 168, freq="h")
    weekend = np.asarray(index.day_of_week >= 5, dtype=float)
    values = 10 + 3 * np.sin(2 * np.pi * index.hour / 24) + 4 * weekend
    y = pd.Series(values + rng.normal(0, 0.3, len(index)), index=index)
    model = SequenceForecaster(horizon=24, max_epochs=2, hidden_size=8, random_state=0)
    model.fit(y)
    assert model._fitted.lag is not None and model._fitted.week_naive
    loaded = loaded_without(model, tmp_path / "model.skseq", "week_naive")
    assert loaded._fitted.week_naive is False
    assert "seasonal" in model.method_  # so the forecasts differ by the rule
    assert np.abs(loaded.predict() - model.predict()).max() > 1e-6
