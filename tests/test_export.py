"""Deployment: ONNX export with onnxruntime, and step-by-step streaming."""

import functools
import json

import numpy as np
import pytest
import torch

from skseq import (
    MASK_VALUE,
    RNNClassifier,
    RNNRegressor,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from skseq.export import StreamingPredictor, export_onnx
from skseq.modules import RNNModule
from skseq.utils import pad_ragged
from tests._helpers import make_ragged_classification, make_ragged_regression

TINY = dict(hidden_size=4, max_epochs=2, batch_size=8, random_state=0)
ATOL = 1e-5


def run_onnx(estimator, tmp_path, values, lengths):
    """Export ``estimator``, run it on onnxruntime; its outputs and metadata."""
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    path = tmp_path / "model.onnx"
    export_onnx(estimator, path)
    session = ort.InferenceSession(str(path))
    metadata = session.get_modelmeta().custom_metadata_map
    return session.run(None, {"values": values, "lengths": lengths}), metadata


def padded(X):
    """Post-padded float64 values (the graph's input) and int64 lengths."""
    return pad_ragged(X, dtype=np.float64)


def ragged(n, seed, n_features=2, low=1, high=12):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(k, n_features)) for k in rng.integers(low, high, size=n)]


# ------------------------------------------------------------------ ONNX


@pytest.mark.parametrize(
    "params",
    [
        dict(cell="gru", pooling="max"),
        dict(cell="lstm", pooling="last", bidirectional=True, num_layers=2),
        dict(cell="rnn", pooling="attention"),
        dict(cell="gru", pooling="mean", standardize="sequence", conv_layers=1),
    ],
    ids=["gru-max", "lstm-last-bidirectional", "rnn-attention", "conv-per-sequence"],
)
def test_classifier_export_equals_predict_proba_on_ragged_input(params, tmp_path):
    X, y = make_ragged_classification(n=40)
    labels = np.array(["down", "up"])[y]
    clf = RNNClassifier(**TINY, conv_channels=4, conv_kernel_size=3, **params)
    clf.fit(X, labels)
    X_new = ragged(13, seed=1)  # another batch size and lengths than exported
    values, lengths = padded(X_new)
    (proba, index), metadata = run_onnx(clf, tmp_path, values, lengths)
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=ATOL)
    classes = np.array(json.loads(metadata["classes"]))
    np.testing.assert_array_equal(classes[index], clf.predict(X_new))
    assert proba.dtype == np.float32 and index.dtype == np.int64
    assert metadata["estimator"] == "RNNClassifier"


def test_whatever_lies_past_the_lengths_is_ignored(tmp_path):
    X, y = make_ragged_classification(n=40)
    clf = RNNClassifier(**TINY).fit(X, y)
    X_new = ragged(6, seed=2)
    values, lengths = padded(X_new)
    values[np.arange(values.shape[1]) >= lengths[:, None]] = np.nan
    (proba, _), _ = run_onnx(clf, tmp_path, values, lengths)
    # predict drops steps of mask_value, wherever they are
    masked = [np.vstack([x, np.full((2, 2), MASK_VALUE)]) for x in X_new]
    np.testing.assert_allclose(proba, clf.predict_proba(masked), atol=ATOL)


@pytest.mark.parametrize("two_targets", [False, True])
def test_regressor_export_equals_predict_in_target_units(two_targets, tmp_path):
    X, y = make_ragged_regression(n=40)
    y = 100 * y + 5 if two_targets else 100 * y[:, 0] + 5
    reg = RNNRegressor(**TINY, cell="lstm").fit(X, y)
    X_new = ragged(9, seed=3)
    (predictions,), metadata = run_onnx(reg, tmp_path, *padded(X_new))
    assert predictions.shape == reg.predict(X_new).shape
    np.testing.assert_allclose(predictions, reg.predict(X_new), rtol=1e-5, atol=1e-3)
    assert "classes" not in metadata


def test_values_far_from_zero_keep_their_digits(tmp_path):
    # float32 holds 1e6 to within 0.06: the graph takes float64 values and
    # standardises them in float64, as predict does, before the float32 network
    rng = np.random.default_rng(0)
    X = 1e6 + rng.normal(size=(60, 8, 2))
    reg = RNNRegressor(**TINY).fit(X, (X - 1e6).sum(axis=(1, 2)))
    X_new = 1e6 + rng.normal(size=(20, 8, 2))
    expected = reg.predict(X_new)
    assert expected.std() > 0.01  # the network tells these sequences apart
    values, lengths = padded(list(X_new))
    assert values.dtype == np.float64
    (predictions,), _ = run_onnx(reg, tmp_path, values, lengths)
    np.testing.assert_allclose(predictions, expected, atol=1e-5 * expected.std())
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(tmp_path / "model.onnx"))
    assert [i.type for i in session.get_inputs()] == ["tensor(double)", "tensor(int64)"]
    # per-sequence standardisation, in the graph, too
    clf = RNNClassifier(**TINY, standardize="sequence").fit(X, X[:, 0, 0] > 1e6)
    (proba, _), _ = run_onnx(clf, tmp_path, values, lengths)
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=ATOL)


def test_targets_far_from_zero_keep_their_digits(tmp_path):
    # float32 predictions held 1e6 to within 0.06: 0.024 off predict, whose
    # predictions spread over 0.01; float64 ones, as predict's, agree
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8, 2))
    reg = RNNRegressor(**TINY).fit(X, 1e6 + 0.01 * X[:, :, 0].sum(axis=1))
    X_new = rng.normal(size=(20, 8, 2))
    expected = reg.predict(X_new)
    assert expected.std() > 0.005
    (predictions,), _ = run_onnx(reg, tmp_path, *padded(list(X_new)))
    assert predictions.dtype == np.float64
    np.testing.assert_allclose(
        predictions, expected, rtol=0, atol=1e-3 * expected.std()
    )


def test_token_classifier_export_takes_ids(tmp_path):
    rng = np.random.default_rng(0)
    X = [rng.integers(1, 20, size=k) for k in rng.integers(2, 9, size=40)]
    y = np.array([x[0] % 2 for x in X])
    clf = RNNClassifier(**TINY, embedding_dim=3).fit(X, y)
    X_new = [rng.integers(1, 20, size=k) for k in (5, 1, 8)]
    (proba, index), _ = run_onnx(clf, tmp_path, *pad_ragged(X_new, dtype=np.int64))
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=ATOL)
    np.testing.assert_array_equal(clf.classes_[index], clf.predict(X_new))


def test_flatten_export_takes_the_fitted_length(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6, 2))
    clf = RNNClassifier(**TINY, pooling="flatten").fit(X, X[:, 0, 0] > 0)
    X_new = rng.normal(size=(9, 6, 2))
    (proba, _), _ = run_onnx(clf, tmp_path, X_new, np.full(9, 6))
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=ATOL)


def test_categorical_features_are_embedded_in_the_graph(tmp_path):
    rng = np.random.default_rng(0)
    X = [
        np.column_stack([rng.normal(size=k), rng.integers(1, 5, size=k)])
        for k in rng.integers(2, 9, size=40)
    ]
    y = np.array([x[0, 1] % 2 for x in X])
    clf = RNNClassifier(**TINY, embedding_dim=2, categorical_features=[1]).fit(X, y)
    X_new = X[:7]
    (proba, _), _ = run_onnx(clf, tmp_path, *padded(X_new))
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=ATOL)


def test_step_estimators_export_an_output_per_step(tmp_path):
    X = ragged(30, seed=4, n_features=1)
    tags = [np.where(x[:, 0] > 0, "+", "-") for x in X]
    tagger = RNNTagger(**TINY).fit(X, tags)  # bidirectional by default
    X_new = ragged(5, seed=5, n_features=1)
    values, lengths = padded(X_new)
    (proba, index), _ = run_onnx(tagger, tmp_path, values, lengths)
    for i, expected in enumerate(tagger.predict_proba(X_new)):
        np.testing.assert_allclose(proba[i, : lengths[i]], expected, atol=ATOL)
    reg = RNNStepRegressor(**TINY).fit(X, [x[:, 0] * 3 for x in X])
    (predictions,), _ = run_onnx(reg, tmp_path, values, lengths)
    for i, expected in enumerate(reg.predict(X_new)):
        np.testing.assert_allclose(predictions[i, : lengths[i]], expected, atol=ATOL)


def test_export_refuses_what_it_cannot_take(tmp_path):
    with pytest.raises(TypeError, match="takes a fitted RNNClassifier"):
        export_onnx(SequenceForecaster(), tmp_path / "model.onnx")
    X, y = make_ragged_classification(n=20)
    custom = RNNClassifier(**TINY, module=RNNModule).fit(X, y)
    custom.net_.module_ = torch.nn.Module()  # stands for a network of one's own
    with pytest.raises(TypeError, match="needs skseq's own network"):
        export_onnx(custom, tmp_path / "model.onnx")
    linear = functools.partial(RNNModule, linear_path=True)  # a flat window
    X = np.random.default_rng(0).normal(size=(20, 6, 2)).astype(np.float32)
    fitted = RNNClassifier(**TINY, module=linear, pooling="flatten").fit(X, y)
    with pytest.raises(TypeError, match="does not take a network with a linear"):
        export_onnx(fitted, tmp_path / "model.onnx")


def test_export_checks_the_opset(tmp_path):
    # torch failed deep in its exporter on these ("'>' not supported between
    # 'str' and 'int'", a graph dump), or on opsets without CumSum
    pytest.importorskip("onnx")
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(**TINY, pooling="attention", conv_layers=1, conv_pool=2)
    clf.fit(X, y)
    for opset in ("17", 2.5, True, 10):
        with pytest.raises(ValueError, match=rf"opset must be None.*{opset!r}"):
            export_onnx(clf, tmp_path / "model.onnx", opset=opset)
    X_new = ragged(5, seed=4)
    path = tmp_path / "model.onnx"
    export_onnx(clf, path, opset=np.int64(11))  # the oldest that holds them
    ort = pytest.importorskip("onnxruntime")
    session = ort.InferenceSession(str(path))
    values, lengths = padded(X_new)
    proba, _ = session.run(None, {"values": values, "lengths": lengths})
    np.testing.assert_allclose(proba, clf.predict_proba(X_new), atol=ATOL)


@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")
def test_torchscript_is_refused_with_the_way_out():
    with pytest.raises(TypeError, match="export_onnx"):
        torch.jit.script(RNNModule(2, 3, hidden_size=4))


# ------------------------------------------------------------- streaming


def prefixes(streams, t):
    """Every stream's steps up to ``t`` (a stream that has ended: all of it)."""
    return [x[: t + 1] for x in streams]


def feed(streams, t, n_features=2):
    """Step ``t`` of every stream; mask_value for one that has ended."""
    pad = np.full(n_features, MASK_VALUE)
    return np.stack([x[t] if t < len(x) else pad for x in streams])


@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
def test_streaming_equals_predict_on_every_prefix(cell, pooling):
    X, y = make_ragged_classification(n=40, max_length=10)
    clf = RNNClassifier(**TINY, cell=cell, pooling=pooling, num_layers=2).fit(X, y)
    streams = ragged(5, seed=6, low=2, high=9)
    stream = StreamingPredictor(clf)
    for t in range(max(map(len, streams))):
        labels = stream.step(feed(streams, t))
        np.testing.assert_allclose(
            stream.predict_proba(), clf.predict_proba(prefixes(streams, t)), atol=ATOL
        )
        np.testing.assert_array_equal(labels, clf.predict(prefixes(streams, t)))
    assert stream.n_steps_.tolist() == [len(x) for x in streams]


def test_streaming_regressor_tagger_and_tokens():
    X, y = make_ragged_regression(n=40)
    reg = RNNRegressor(**TINY, pooling="mean").fit(X, 10 * y)
    streams = ragged(3, seed=7, low=2, high=6)
    stream = StreamingPredictor(reg)
    for t in range(5):
        expected = reg.predict(prefixes(streams, t))
        np.testing.assert_allclose(stream.step(feed(streams, t)), expected, atol=1e-4)

    X1 = ragged(30, seed=4, n_features=1)
    tagger = RNNTagger(**TINY, bidirectional=False).fit(X1, [x[:, 0] > 0 for x in X1])
    stream = StreamingPredictor(tagger)
    x = X1[0]
    for t in range(len(x)):
        stream.step(x[t : t + 1, 0])  # one stream, one feature: shape (1,)
        expected = tagger.predict_proba([x[: t + 1]])[0][-1]
        np.testing.assert_allclose(stream.predict_proba()[0], expected, atol=ATOL)

    rng = np.random.default_rng(0)
    ids = [rng.integers(1, 20, size=k) for k in rng.integers(2, 9, size=40)]
    clf = RNNClassifier(**TINY, embedding_dim=3).fit(ids, [s[0] % 2 for s in ids])
    stream = StreamingPredictor(clf)
    for t in range(4):
        stream.step(np.array([ids[0][t], ids[1][t] if t < len(ids[1]) else 0]))
    expected = clf.predict_proba([ids[0][:4], ids[1][:4]])
    np.testing.assert_allclose(stream.predict_proba(), expected, atol=ATOL)


def test_streaming_categorical_features_and_ended_streams():
    rng = np.random.default_rng(0)
    X = [
        np.column_stack([rng.normal(size=k), rng.integers(1, 5, size=k)])
        for k in rng.integers(2, 9, size=40)
    ]
    y = np.array([x[0, 1] % 2 for x in X])
    clf = RNNClassifier(**TINY, embedding_dim=2, categorical_features=[1]).fit(X, y)
    streams = X[:4]
    stream = StreamingPredictor(clf)
    for t in range(max(map(len, streams))):
        stream.step(feed(streams, t))  # an ended stream reads MASK_VALUE
        expected = clf.predict_proba(prefixes(streams, t))
        np.testing.assert_allclose(stream.predict_proba(), expected, atol=ATOL)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(bidirectional=True), "bidirectional"),
        (dict(conv_layers=1, conv_channels=2), "convolutional"),
        (dict(pooling="attention"), "pooling 'last', 'mean' or 'max'"),
        (dict(standardize="sequence"), "standardize='sequence'"),
    ],
)
def test_streaming_refuses_networks_that_read_ahead(params, message):
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(**{**TINY, "max_epochs": 1}, **params).fit(X, y)
    with pytest.raises(ValueError, match=message):
        StreamingPredictor(clf)


def test_streaming_checks_its_steps():
    X, y = make_ragged_classification(n=20)
    stream = StreamingPredictor(RNNClassifier(**TINY).fit(X, y))
    with pytest.raises(ValueError, match="no valid step yet"):
        stream.step(np.full((2, 2), MASK_VALUE))
    with pytest.raises(ValueError, match="No step has been read"):
        stream.predict_proba()
    with pytest.raises(ValueError, match=r"\(n_streams, n_features\) with 2"):
        stream.step(np.zeros(2))
    stream.step(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="call reset"):
        stream.step(np.zeros((3, 2)))
    assert stream.reset().step(np.zeros((3, 2))).shape == (3,)
    with pytest.raises(ValueError, match="NaN"):
        stream.step(np.full((3, 2), np.nan))


def test_streaming_refuses_values_beyond_float32_as_predict_does():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 2))
    X[:, :, 1] *= 1e-35  # a real spread, scaled up by 1e35
    clf = RNNClassifier(**TINY).fit(X, X[:, 0, 0] > 0)
    beyond = np.array([[0.0, 1e4]])  # 1e39 once standardised
    # it advised standardize=True, which was on
    with pytest.raises(ValueError, match=r"float32.*\(even standardised: X lies"):
        clf.predict([beyond])
    stream = StreamingPredictor(clf)
    with pytest.raises(ValueError, match="beyond the range of float32"):
        stream.step(beyond)
    # padding (mask_value, 1e44 were it scaled) is not scaled: no error
    stream.step(X[:2, 0])
    stream.step(np.array([X[0, 1], [MASK_VALUE] * 2]))
    np.testing.assert_allclose(
        stream.predict_proba(), clf.predict_proba([X[0, :2], X[1, :1]]), atol=ATOL
    )
    # without standardisation, the raw values must fit float32
    raw = RNNClassifier(**TINY, standardize=False).fit(X, X[:, 0, 0] > 0)
    with pytest.raises(ValueError, match="beyond the range of float32"):
        StreamingPredictor(raw).step(np.array([[1e39, 0.0]]))
    with pytest.raises(ValueError, match=r"float32.*\(set standardize=True or"):
        raw.predict([np.array([[1e39, 0.0]])])


def test_streaming_checks_the_feature_names_as_predict_does():
    # a step as a DataFrame with the columns swapped was read by position:
    # other outputs, where predict refuses the frame
    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 5, 2))
    index = pd.MultiIndex.from_product([range(30), range(5)])
    long = pd.DataFrame(X.reshape(-1, 2), columns=["a", "b"], index=index)
    reg = RNNRegressor(**TINY).fit(long, X[:, :, 0].sum(axis=1))
    stream = StreamingPredictor(reg)
    np.testing.assert_array_equal(stream.feature_names_in_, ["a", "b"])
    step = pd.DataFrame(X[:3, 0], columns=["a", "b"])
    expected = stream.step(step)
    first = long[long.index.get_level_values(1) == 0].iloc[:3]  # one step each
    np.testing.assert_allclose(expected, reg.predict(first), atol=ATOL)
    np.testing.assert_array_equal(stream.reset().step(X[:3, 0]), expected)
    with pytest.raises(ValueError, match="feature names should match"):
        stream.reset().step(step[["b", "a"]])
    assert stream.n_steps_ is None  # refused before it read anything


def test_streaming_a_model_fitted_on_a_wide_frame_reads_a_step_frame():
    # the columns of a 2-D X are time steps: a step of its one feature, as a
    # DataFrame, was refused ('feature names should match': t0..t4 missing)
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(30, 5)), columns=[f"t{i}" for i in range(5)])
    reg = RNNRegressor(**TINY).fit(X, X.sum(axis=1))
    stream = StreamingPredictor(reg)
    assert not hasattr(stream, "feature_names_in_")
    for t in range(5):
        out = stream.step(pd.DataFrame({"value": X[f"t{t}"].iloc[:3]}))
    np.testing.assert_allclose(out, reg.predict(X.iloc[:3]), atol=ATOL)
