"""skseq.preprocessing: padding, windowing, encoding, scaling."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skseq import MASK_VALUE, RNNClassifier, RNNRegressor
from skseq.preprocessing import (
    SequenceOneHotEncoder,
    SequenceOrdinalEncoder,
    SequencePadder,
    SequenceScaler,
    SequenceWindower,
    make_windows,
)

from .._helpers import QUICK, make_ragged_classification

# float32-exact values well away from the padding value
finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)
ragged_sequences = st.lists(
    st.lists(finite, min_size=1, max_size=12).map(
        lambda values: np.array(values, dtype=np.float32)
    ),
    min_size=1,
    max_size=8,
)
tokens = st.sampled_from(list("abcdefgh"))
token_sequences = st.lists(st.lists(tokens, min_size=1, max_size=10), min_size=1)

# ------------------------------------------------------------------ padding


def test_padder_matches_keras_pad_sequences():
    X = [[1], [2, 3], [4, 5, 6]]
    X = [np.array(x, dtype=float) for x in X]
    pre = SequencePadder(value=0.0).fit_transform(X)
    np.testing.assert_array_equal(pre, [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    post = SequencePadder(padding="post", value=0.0).fit_transform(X)
    np.testing.assert_array_equal(post, [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    cut_pre = SequencePadder(maxlen=2, value=0.0).fit_transform(X)
    np.testing.assert_array_equal(cut_pre, [[0, 1], [2, 3], [5, 6]])
    cut_post = SequencePadder(maxlen=2, truncating="post", value=0.0).fit_transform(X)
    np.testing.assert_array_equal(cut_post, [[0, 1], [2, 3], [4, 5]])


def test_padder_default_value_is_the_estimators_mask():
    X = [np.array([1.0]), np.array([2.0, 3.0])]
    padded = SequencePadder().fit_transform(X)
    assert padded[0, 0] == np.float32(MASK_VALUE)
    assert padded.dtype == np.float32
    # multivariate sequences give a 3-D array
    multi = SequencePadder().fit_transform([np.ones((2, 3)), np.ones((4, 3))])
    assert multi.shape == (2, 4, 3)
    assert np.all(multi[0, :2] == np.float32(MASK_VALUE))


def test_padder_with_a_value_of_your_own_keeps_real_values_equal_to_it():
    X = [np.array([1.0, 0.0, 2.0]), np.array([3.0, 4.0])]
    padder = SequencePadder(value=0.0, padding="post").fit(X)
    assert padder.max_length_ == 3
    padded = padder.transform(X)
    np.testing.assert_array_equal(padded, [[1, 0, 2], [3, 4, 0]])
    back = padder.inverse_transform(padded)
    assert [b.tolist() for b in back] == [[1.0, 0.0, 2.0], [3.0, 4.0]]
    pre = SequencePadder(value=0.0).fit(X)
    assert [b.tolist() for b in pre.inverse_transform(pre.transform(X))] == [
        [1.0, 0.0, 2.0],
        [3.0, 4.0],
    ]


def test_padder_for_token_ids_pads_with_zero():
    padded = SequencePadder(dtype="int64").fit_transform([[5, 6], [7]])
    np.testing.assert_array_equal(padded, [[5, 6], [0, 7]])
    assert padded.dtype == np.int64


def test_padder_errors_name_its_dtype_not_embedding_dim():
    with pytest.raises(ValueError, match="with dtype='int32', SequencePadder expects"):
        SequencePadder(dtype="int32").fit([[1.5, 2.0]])
    with pytest.raises(TypeError, match="with dtype='int16', SequencePadder expects"):
        SequencePadder(dtype=np.int16).fit(np.array([["a", "b"]], dtype=object))
    with pytest.raises(ValueError, match="holds strings") as error:
        SequencePadder().fit([np.array(["a", "b"])])
    assert "set an integer dtype, e.g. dtype='int64'" in str(error.value)
    assert "embedding_dim" not in str(error.value)


def test_padding_is_idempotent_and_learns_max_length():
    X, _ = make_ragged_classification(n=10)
    padder = SequencePadder().fit(X)
    assert padder.max_length_ == max(len(x) for x in X)
    once = padder.transform(X)
    np.testing.assert_array_equal(padder.transform(once), once)


def test_padder_output_is_masked_by_the_estimator():
    X, y = make_ragged_classification(n=40)
    pipe = make_pipeline(SequencePadder(), RNNClassifier(**QUICK)).fit(X, y)
    alone = RNNClassifier(**QUICK).fit(X, y)
    np.testing.assert_allclose(pipe.predict_proba(X), alone.predict_proba(X), atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(ragged_sequences, st.sampled_from(["pre", "post"]))
def test_pad_then_unpad_is_the_identity(sequences, padding):
    padder = SequencePadder(padding=padding).fit(sequences)
    restored = padder.inverse_transform(padder.transform(sequences))
    assert len(restored) == len(sequences)
    for original, back in zip(sequences, restored, strict=True):
        np.testing.assert_array_equal(back, original)


# ---------------------------------------------------------------- windowing


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(2, 60), elements=finite),
    st.integers(1, 8),
    st.integers(1, 4),
    st.integers(1, 5),
)
def test_windows_align_with_the_source(series, window_length, horizon, step):
    if len(series) < window_length + horizon:
        with pytest.raises(ValueError, match="need at least"):
            make_windows(series, window_length, horizon, step)
        return
    X, y = make_windows(series, window_length, horizon, step)
    assert len(X) == (len(series) - window_length - horizon) // step + 1
    y = y.reshape(len(y), -1)
    for i in range(len(X)):
        np.testing.assert_array_equal(X[i], series[i * step : i * step + window_length])
        start = i * step + window_length
        np.testing.assert_array_equal(y[i], series[start : start + horizon])


def test_make_windows_returns_views_and_pandas_targets():
    index = pd.date_range("2024-01-01", periods=10, freq="D")
    series = pd.Series(np.arange(10.0), index=index, name="load")
    X, y = make_windows(series, window_length=3)
    assert np.shares_memory(X, series.to_numpy())
    assert isinstance(y, pd.Series)
    assert y.index[0] == index[3] and y.iloc[0] == 3.0 and y.name == "load"
    X2, y2 = make_windows(series, window_length=3, horizon=2)
    assert list(y2.columns) == [1, 2]
    frame = pd.DataFrame({"a": np.arange(10.0), "b": -np.arange(10.0)}, index=index)
    X3, y3 = make_windows(frame, window_length=4, step=2)
    assert X3.shape == (3, 4, 2)
    assert list(y3.columns) == ["a", "b"]
    assert y3.index[1] == index[6]


def test_windower_keeps_one_row_per_step_with_masked_front():
    X = np.arange(5.0).reshape(-1, 1)
    windows = SequenceWindower(window_length=3).fit_transform(X)
    assert windows.shape == (5, 3)
    assert not windows.flags.writeable  # a strided view, not a copy
    np.testing.assert_array_equal(windows[0], [MASK_VALUE, MASK_VALUE, 0])
    np.testing.assert_array_equal(windows[4], [2, 3, 4])
    np.testing.assert_array_equal(
        SequenceWindower(3).fit(X).inverse_transform(windows), X
    )
    names = (
        SequenceWindower(2).fit(pd.DataFrame({"load": X[:, 0]})).get_feature_names_out()
    )
    assert list(names) == ["load_lag1", "load_lag0"]


def test_windower_pandas_output_has_a_column_per_named_feature():
    # the long frame holds the steps of a window in rows, the features in columns
    frame = pd.DataFrame({"temp": [1.0, 2, 3], "hum": [4.0, 5, 6]})
    windower = SequenceWindower(2).set_output(transform="pandas")
    out = windower.fit_transform(frame)
    assert list(out.columns) == ["temp", "hum"]
    assert list(windower.get_feature_names_out()) == ["temp", "hum"]
    np.testing.assert_array_equal(out.loc[2].to_numpy(), [[2, 5], [3, 6]])
    one = SequenceWindower(3).set_output(transform="pandas").fit(frame[["temp"]])
    assert list(one.transform(frame[["temp"]]).columns) == ["temp"]
    assert list(one.get_feature_names_out()) == ["temp"]
    # a pipeline's names follow the long frames through the next step
    pipe = make_pipeline(SequenceWindower(2), SequenceScaler())
    pipe.set_output(transform="pandas").fit(frame)
    assert list(pipe.get_feature_names_out()) == ["temp", "hum"]
    assert list(pipe.transform(frame).columns) == ["temp", "hum"]


def test_windower_in_a_pipeline_predicts_the_next_value():
    t = np.arange(600)
    series = np.sin(0.3 * t)
    X, y = series[:-1].reshape(-1, 1), series[1:]  # predict the next step
    pipe = make_pipeline(
        SequenceWindower(window_length=6),
        RNNRegressor(hidden_size=16, max_epochs=30, random_state=0),
    ).fit(X[:500], y[:500])
    assert pipe.score(X[500:], y[500:]) > 0.95


# ----------------------------------------------------------------- one-hot


@settings(max_examples=50, deadline=None)
@given(token_sequences, token_sequences)
def test_one_hot_rows_sum_to_one_and_zero_for_ignored_unknowns(train, test):
    encoder = SequenceOneHotEncoder(handle_unknown="ignore").fit(train)
    known = set(encoder.categories_)
    for sequence, encoded in zip(test, encoder.transform(test), strict=True):
        expected = [1.0 if token in known else 0.0 for token in sequence]
        np.testing.assert_array_equal(encoded.sum(axis=1), expected)


def test_one_hot_unknown_tokens():
    encoder = SequenceOneHotEncoder().fit(["abc"])
    with pytest.raises(ValueError, match=r"Found unknown tokens \['z'\]"):
        encoder.transform(["az"])
    rare = SequenceOneHotEncoder(
        handle_unknown="infrequent_if_exist", min_frequency=2
    ).fit(["aab", "aac"])
    assert rare.infrequent_categories_.tolist() == ["b", "c"]
    encoded = rare.transform(["az"])[0]  # z joins the infrequent column
    np.testing.assert_array_equal(encoded, [[1, 0], [0, 1]])
    assert list(rare.get_feature_names_out()) == ["token_a", "token_infrequent_sklearn"]


def test_one_hot_fixed_length_and_inverse():
    X = np.array([["x", "y", "x"], ["y", "y", "z"]])
    encoder = SequenceOneHotEncoder().fit(X)
    encoded = encoder.transform(X)
    assert encoded.shape == (2, 3, 3)
    back = encoder.inverse_transform(encoded)
    assert [b.tolist() for b in back] == X.tolist()


# ----------------------------------------------------------------- ordinal


@settings(max_examples=50, deadline=None)
@given(token_sequences)
def test_ordinal_encode_then_inverse_is_the_identity(sequences):
    encoder = SequenceOrdinalEncoder().fit(sequences)
    ids = encoder.transform(sequences)
    assert min(i.min() for i in ids) >= 2  # 0 and 1 stay reserved
    back = encoder.inverse_transform(ids)
    assert [list(b) for b in back] == [list(s) for s in sequences]


def test_ordinal_feature_names_are_its_pandas_column():
    encoder = SequenceOrdinalEncoder().fit(["abc", "ab"])
    assert list(encoder.get_feature_names_out()) == ["token_id"]
    assert list(encoder.get_feature_names_out(["char"])) == ["char_id"]
    encoder.set_output(transform="pandas")
    assert list(encoder.transform(["ab"]).columns) == ["token_id"]
    padded = make_pipeline(SequenceOrdinalEncoder(), SequencePadder(dtype="int64"))
    names = padded.fit(["abc", "ab"]).get_feature_names_out()
    assert list(names) == ["step0", "step1", "step2"]
    with pytest.raises(ValueError, match="input_features must hold the prefix"):
        encoder.get_feature_names_out([])


def test_ordinal_ids_of_a_2d_x_are_named_by_its_columns():
    # a 2-D X of tokens gives one column of ids per column (step): one name
    # for them all broke the next step of a ColumnTransformer's pipeline
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import StandardScaler

    frame = pd.DataFrame(
        [list("abc"), list("bca"), list("cab")], columns=["s0", "s1", "s2"]
    )
    columns = ColumnTransformer([("enc", SequenceOrdinalEncoder(), ["s0", "s1", "s2"])])
    pipeline = make_pipeline(columns, StandardScaler()).fit(frame)
    assert list(pipeline.get_feature_names_out()) == ["enc__s0", "enc__s1", "enc__s2"]
    encoder = SequenceOrdinalEncoder().fit(frame.to_numpy())
    assert list(encoder.get_feature_names_out()) == ["x0", "x1", "x2"]
    # a long frame has a column of ids per step: its one name
    encoder.set_output(transform="pandas")
    assert list(encoder.get_feature_names_out()) == ["token_id"]


def test_ordinal_reserved_ids_and_unknown_tokens():
    encoder = SequenceOrdinalEncoder(split="word").fit(["red cat", "blue cat"])
    assert encoder.vocabulary_ == {"blue": 2, "cat": 3, "red": 4}
    assert encoder.vocab_size_ == 5
    ids = encoder.transform(["green cat"])
    np.testing.assert_array_equal(ids[0], [1, 3])
    padded = SequencePadder(dtype="int64", maxlen=4).fit_transform(ids)
    np.testing.assert_array_equal(padded, [[0, 0, 1, 3]])
    assert encoder.inverse_transform(padded)[0].tolist() == [None, "cat"]
    strict = SequenceOrdinalEncoder(handle_unknown="error").fit(["ab"])
    with pytest.raises(ValueError, match=r"Found unknown tokens \['c'\]"):
        strict.transform(["abc"])


@pytest.mark.parametrize("Encoder", [SequenceOrdinalEncoder, SequenceOneHotEncoder])
def test_encoder_refit_on_sequences_forgets_the_columns_of_a_2d_fit(Encoder):
    frame = pd.DataFrame([list("abc"), list("bca")], columns=["s0", "s1", "s2"])
    refit = Encoder().fit(frame).fit(["abc", "bca"])
    assert not hasattr(refit, "feature_names_in_")
    assert not hasattr(refit, "n_features_in_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "fitted with feature names"
        refit.transform(np.array([list("cab")]))


def _long_tokens():
    """A long frame of tokens, rows shuffled, and its sequences by sorted id."""
    sequences = {"b": list("xyz"), "a": list("zz"), "c": list("yxxy")}
    frame = pd.concat(
        {key: pd.DataFrame({"tok": seq}) for key, seq in sequences.items()},
        names=["id", "t"],
    )
    frame = frame.sample(frac=1.0, random_state=0)
    return frame, [sequences[key] for key in sorted(sequences)]


@pytest.mark.parametrize("Encoder", [SequenceOrdinalEncoder, SequenceOneHotEncoder])
def test_encoders_read_a_long_frame_per_id(Encoder):
    frame, sequences = _long_tokens()
    encoder = Encoder().fit(frame)
    expected = Encoder().fit(sequences).transform(sequences)
    out = encoder.transform(frame)
    assert len(out) == 3
    for got, want in zip(out, expected, strict=True):
        np.testing.assert_array_equal(got, want)
    # pandas output keeps the ids
    long = encoder.set_output(transform="pandas").transform(frame)
    assert long.index.get_level_values(0).unique().tolist() == ["a", "b", "c"]
    assert long.loc["c"].shape[0] == 4
    with pytest.raises(ValueError, match=r"long DataFrame of 2 columns"):
        Encoder().fit(frame.assign(other=1))


@pytest.mark.parametrize("Encoder", [SequenceOrdinalEncoder, SequenceOneHotEncoder])
def test_a_long_frame_out_of_id_order_read_into_arrays_warns(Encoder):
    # the arrays follow the sorted ids, without them: in a Pipeline a y in
    # the frame's order (b, a, c) was paired with the wrong sequences
    sequences = {"b": list("xyz"), "a": list("zz"), "c": list("yxxy")}
    frame = pd.concat(
        {key: pd.DataFrame({"tok": seq}) for key, seq in sequences.items()},
        names=["id", "t"],
    )
    with pytest.warns(UserWarning, match="in sorted id order, without their ids"):
        Encoder().fit_transform(frame)
    numbers = frame.assign(tok=frame["tok"].map({"x": 0.0, "y": 1.0, "z": 2.0}))
    with pytest.warns(UserWarning, match="in sorted id order, without their ids"):
        SequenceScaler().fit_transform(numbers)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Encoder().set_output(transform="pandas").fit_transform(frame)  # ids kept
        Encoder().fit_transform(frame.sort_index(level=0))  # already in order


def test_ordinal_refuses_nan_tokens_in_a_long_frame():
    frame, _ = _long_tokens()
    frame.iloc[0, 0] = np.nan
    with pytest.raises(ValueError, match="contains NaN tokens"):
        SequenceOrdinalEncoder().fit(frame)


def test_ordinal_refuses_nan_tokens_and_empty_sequences():
    with pytest.raises(ValueError, match="contains NaN tokens"):
        SequenceOrdinalEncoder().fit([["a", np.nan]])
    with pytest.raises(ValueError, match="Sequence 1 of X has length 0"):
        SequenceOrdinalEncoder().fit(["ab", ""])


def make_sentences(n, seed, vocabulary_size=30):
    """Label 1 when a sentence holds a 'good' word; fillers drawn from a vocabulary."""
    rng = np.random.default_rng(seed)
    fillers = [f"w{i}" for i in range(vocabulary_size)]
    sentences, labels = [], []
    for _ in range(n):
        words = list(rng.choice(fillers, size=rng.integers(3, 9)))
        label = int(rng.integers(2))
        marker = rng.choice(["good", "great"] if label else ["bad", "poor"])
        words.insert(int(rng.integers(len(words) + 1)), marker)
        sentences.append(" ".join(words))
        labels.append(label)
    return sentences, np.array(labels)


def test_tokenizer_and_embedding_pipeline_learns_text_with_unseen_words():
    X, y = make_sentences(300, seed=0)
    X_test, y_test = make_sentences(200, seed=1, vocabulary_size=60)  # new fillers
    pipe = make_pipeline(
        SequenceOrdinalEncoder(split="word"),
        RNNClassifier(embedding_dim=8, hidden_size=16, max_epochs=15, random_state=0),
    ).fit(X, y)
    encoded = pipe[0].transform(X_test)
    assert any((ids == 1).any() for ids in encoded)  # unseen words are unknown
    assert pipe.score(X_test, y_test) > 0.9


# ------------------------------------------------------------------ scaling


@settings(max_examples=50, deadline=None)
@given(ragged_sequences, st.sampled_from(["standard", "minmax"]))
def test_scaler_inverse_is_the_identity(sequences, method):
    scaler = SequenceScaler(method=method).fit(sequences)
    back = scaler.inverse_transform(scaler.transform(sequences))
    for original, restored in zip(sequences, back, strict=True):
        np.testing.assert_allclose(restored, original, rtol=1e-4, atol=1e-2)


def test_scaler_uses_all_valid_steps_and_keeps_padding():
    X = [np.array([[0.0, 10.0], [2.0, 30.0]]), np.array([[4.0, 20.0]])]
    scaler = SequenceScaler().fit(X)
    np.testing.assert_allclose(scaler.mean_, [2.0, 20.0])
    padded = SequencePadder().fit_transform(X)
    scaled = scaler.transform(padded)
    assert np.all(scaled[1, 0] == np.float32(MASK_VALUE))  # padding kept
    np.testing.assert_allclose(scaled[1, 1], scaler.transform(X)[1][0])
    minmax = SequenceScaler(method="minmax").fit(X)
    np.testing.assert_allclose(minmax.transform(X)[0], [[0.0, 0.0], [0.5, 1.0]])


def test_scaler_scales_large_values_in_float64():
    # they were cast to float32 first: 1e8 + 0, 1, 2, 3 all became 1e8 and
    # scaled to -1.567; 1e39 overflowed float32 to inf
    X = [1e8 + np.array([0.0, 1, 2, 3]), 1e8 + np.array([1.0, 2])]
    scaled = SequenceScaler().fit(X).transform(X)
    steps = np.concatenate(X)[:, None]
    expected = (steps - steps.mean()) / steps.std()
    np.testing.assert_allclose(np.concatenate(scaled), expected[:, 0], rtol=1e-6)
    huge = [1e39 * np.array([1.0, 2, 3])]
    np.testing.assert_allclose(
        SequenceScaler().fit(huge).transform(huge)[0], [-1.2247449, 0, 1.2247449]
    )


def test_scaler_inside_grid_search():
    X, y = make_ragged_classification(n=40)
    X = [100.0 * x + 7.0 for x in X]
    grid = GridSearchCV(
        make_pipeline(SequenceScaler(), RNNClassifier(standardize=False, **QUICK)),
        {"sequencescaler__method": ["standard", "minmax"]},
        cv=2,
    ).fit(X, y)
    assert grid.best_score_ > 0.8


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_scaler_unfitted_raises_not_fitted_error(method):
    with pytest.raises(NotFittedError, match="SequenceScaler instance is not fitted"):
        getattr(SequenceScaler(), method)(np.zeros((3, 4, 2)))
