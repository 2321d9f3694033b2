"""Pandas output of the sequence transformers: a long (sequence, step) frame."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier
from skseq.preprocessing import (
    SequenceOneHotEncoder,
    SequenceOrdinalEncoder,
    SequencePadder,
    SequenceScaler,
    SequenceWindower,
)
from skseq.utils import check_sequences, from_long_format, to_long_format

RNG = np.random.default_rng(0)
NUMERIC = [RNG.normal(size=(n, 2)) for n in (3, 5, 4)]
TOKENS = [np.array(list("abc")), np.array(list("ba"))]

CASES = [
    (SequencePadder(), NUMERIC),
    (SequenceScaler(), NUMERIC),
    (SequenceOrdinalEncoder(), TOKENS),
    (SequenceOneHotEncoder(), TOKENS),
    (SequenceWindower(window_length=3), RNG.normal(size=(6, 2))),
]
IDS = [type(case[0]).__name__ for case in CASES]


@pytest.mark.parametrize("transformer, X", CASES, ids=IDS)
def test_pandas_output_is_the_long_form_of_the_default_output(transformer, X):
    default = clone(transformer).fit_transform(X)
    expected = to_long_format(default)
    # the global setting, and the transformer's own
    with sklearn.config_context(transform_output="pandas"):
        under_global = clone(transformer).fit_transform(X)
    own = clone(transformer).set_output(transform="pandas").fit(X).transform(X)
    for frame in (under_global, own):
        assert isinstance(frame, pd.DataFrame)
        assert frame.index.names == ["sequence", "step"]
        np.testing.assert_array_equal(frame.to_numpy(), expected.to_numpy())
        assert frame.index.equals(expected.index)
    # set_output(transform=None) changes nothing; clone keeps the setting
    kept = clone(transformer.set_output(transform="pandas").set_output(transform=None))
    assert isinstance(kept.fit_transform(X), pd.DataFrame)
    transformer.set_output(transform="default")


def test_encoders_name_their_columns():
    with sklearn.config_context(transform_output="pandas"):
        ids = SequenceOrdinalEncoder().fit_transform(TOKENS)
        onehot = SequenceOneHotEncoder().fit_transform(TOKENS)
    assert list(ids.columns) == ["token_id"] and ids["token_id"].dtype == np.int64
    assert list(onehot.columns) == ["token_a", "token_b", "token_c"]


def test_the_padder_keeps_the_fitted_feature_names():
    frame = to_long_format(NUMERIC, columns=["temp", "hum"])
    padder = SequencePadder().set_output(transform="pandas").fit(frame)
    out = padder.transform(frame)
    assert list(out.columns) == ["temp", "hum"]  # as SequenceScaler's
    assert list(padder.get_feature_names_out()) == ["temp", "hum"]
    expected = NUMERIC[0].astype(np.float32)  # pre-padded to 5 steps
    np.testing.assert_array_equal(out.loc[0].to_numpy()[-3:], expected)
    # a 2-D X holds univariate sequences: its columns are steps, not features
    table = pd.DataFrame(np.arange(12.0).reshape(3, 4), columns=list("abcd"))
    univariate = SequencePadder().set_output(transform="pandas").fit(table)
    assert list(univariate.transform(table).columns) == ["x0"]
    assert list(univariate.get_feature_names_out()) == ["x0"]
    # the default output is 2-D for univariate sequences: a column per step
    assert list(SequencePadder().fit(table).get_feature_names_out()) == [
        f"step{i}" for i in range(4)
    ]
    tokens = make_pipeline(SequenceOrdinalEncoder(), SequencePadder(dtype="int64"))
    tokens.set_output(transform="pandas").fit(["abc", "ab"])
    assert list(tokens.transform(["ab"]).columns) == ["token_id"]
    assert list(tokens.get_feature_names_out()) == ["token_id"]


@pytest.mark.parametrize(
    "make_step, X, y",
    [
        (
            lambda: SequenceOrdinalEncoder(split="word"),
            ["the cat sat", "a dog ran", "the cat ran", "a dog sat"] * 8,
            np.array([0, 1, 0, 1] * 8),
        ),
        (SequenceScaler, NUMERIC * 8, np.array([0, 1, 1] * 8)),
    ],
    ids=["tokens", "numbers"],
)
def test_a_pipeline_with_pandas_output_predicts_as_without(make_step, X, y):
    embedding = {"embedding_dim": 4} if make_step is not SequenceScaler else {}
    clf = RNNClassifier(hidden_size=8, max_epochs=3, random_state=0, **embedding)
    plain = make_pipeline(make_step(), clone(clf)).fit(X, y)
    framed = make_pipeline(make_step(), clone(clf)).set_output(transform="pandas")
    framed.fit(X, y)
    np.testing.assert_allclose(
        framed.predict_proba(X), plain.predict_proba(X), rtol=1e-5, atol=1e-6
    )


def test_other_output_forms_are_refused_by_name():
    with pytest.raises(ValueError, match="got transform='polars'"):
        SequencePadder().set_output(transform="polars")
    with sklearn.config_context(transform_output="polars"):
        with pytest.raises(ValueError, match="transform_output='polars' is not"):
            SequencePadder().fit_transform(NUMERIC)


def test_long_format_round_trip_and_column_names():
    frame = to_long_format(NUMERIC, columns=["a", "b"])
    back, ids = from_long_format(frame)
    assert list(ids) == [0, 1, 2]
    for one, two in zip(back, NUMERIC, strict=True):
        np.testing.assert_array_equal(one, two)
    with pytest.raises(ValueError, match="columns has 1 names for 2 features"):
        to_long_format(NUMERIC, columns=["a"])


def test_a_long_frame_of_several_token_columns_is_refused():
    frame = to_long_format([np.array([[2, 3], [3, 2]])], columns=["a", "b"])
    clf = RNNClassifier(embedding_dim=4, max_epochs=1)
    with pytest.raises(ValueError, match="token ids come as one integer column"):
        clf.fit(frame, np.array([1]))


@pytest.mark.parametrize("transformer, X", CASES, ids=IDS)
def test_inverse_transform_reads_the_pandas_output(transformer, X):
    plain = clone(transformer).fit(X)
    framed = clone(transformer).set_output(transform="pandas").fit(X)
    expected = plain.inverse_transform(plain.transform(X))
    got = framed.inverse_transform(framed.transform(X))
    assert len(got) == len(expected)
    for one, two in zip(got, expected, strict=True):
        np.testing.assert_array_equal(np.asarray(one), np.asarray(two))


def test_positions_are_not_ids_to_align_y_with():
    # y indexed by a permutation of 0..n-1: the pandas output's sequence
    # numbers are positions, so y stays in its order, as without pandas output
    y = pd.Series(["A", "B", "C"] * 8, index=np.random.default_rng(0).permutation(24))
    clf = RNNClassifier(hidden_size=8, max_epochs=2, random_state=0)
    plain = make_pipeline(SequenceScaler(), clone(clf)).fit(NUMERIC * 8, y)
    framed = make_pipeline(SequenceScaler(), clone(clf)).set_output(transform="pandas")
    framed.fit(NUMERIC * 8, y)
    np.testing.assert_allclose(
        framed.predict_proba(NUMERIC), plain.predict_proba(NUMERIC), rtol=1e-5
    )


def test_the_ids_of_a_long_frame_are_kept():
    ids = pd.Index(["x", "y", "z"], name="id")
    frame = to_long_format(NUMERIC, ids=ids)
    out = SequenceScaler().set_output(transform="pandas").fit_transform(frame)
    assert out.index.names == ["id", "step"]
    assert out.index.get_level_values("id").unique().tolist() == ["x", "y", "z"]


def test_integer_columns_stay_numbers_unless_they_are_token_ids():
    frame = to_long_format([np.array([[0], [1], [2]]), np.array([[0], [1]])])
    sequences, _ = from_long_format(frame)
    assert sequences[0].dtype == np.float64
    # a mask value that is not an integer masks nothing here (an integer
    # cast would make it 0 and drop the zeros)
    assert check_sequences(frame, mask_value=0.5).lengths.tolist() == [3, 2]


def test_a_long_frame_made_of_an_array_reads_as_that_array():
    array = RNG.normal(size=(3, 4, 2))
    assert check_sequences(to_long_format(array)).layout == "dense"
    assert check_sequences(to_long_format(list(array))).layout == "ragged"
    # rows dropped since: sequences of other lengths, no longer one array
    assert check_sequences(to_long_format(array).iloc[1:]).layout == "ragged"


def test_the_scaler_names_the_columns_of_its_pandas_output():
    # a 2-D X holds univariate sequences: its columns are steps, the output's
    # one column is their feature (as the padder names it)
    table = pd.DataFrame(RNG.normal(size=(5, 4)), columns=list("abcd"))
    scaler = SequenceScaler().set_output(transform="pandas").fit(table)
    out = scaler.transform(table)
    assert list(out.columns) == list(scaler.get_feature_names_out()) == ["x0"]
    # the default output keeps the columns, and so their names
    assert list(SequenceScaler().fit(table).get_feature_names_out()) == list("abcd")
    frame = to_long_format(NUMERIC, columns=["temp", "hum"])
    scaler = SequenceScaler().set_output(transform="pandas").fit(frame)
    assert list(scaler.transform(frame).columns) == ["temp", "hum"]
    assert list(scaler.get_feature_names_out()) == ["temp", "hum"]
    on_arrays = SequenceScaler().set_output(transform="pandas").fit(NUMERIC)
    assert list(on_arrays.transform(NUMERIC).columns) == ["x0", "x1"]
    assert list(on_arrays.get_feature_names_out()) == ["x0", "x1"]
