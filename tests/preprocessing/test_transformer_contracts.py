"""What the transformers promise a user: clear refusals, no silent change."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq.preprocessing import (
    LagsToSequences,
    SequenceOneHotEncoder,
    SequenceOrdinalEncoder,
    SequencePadder,
    SequenceScaler,
    SequenceWindower,
    darts_lags_to_sequences,
)
from skseq.utils import to_long_format

RAGGED = [np.array([1.0, 2.0]), np.array([3.0])]


def test_an_unknown_dtype_is_refused_by_name():
    with pytest.raises(ValueError, match="dtype must be a float or integer dtype"):
        SequencePadder(dtype="flaot32").fit(RAGGED)


def test_an_integer_dtype_refuses_a_padding_value_it_would_truncate():
    padder = SequencePadder(dtype="int64", value=0.5)
    with pytest.raises(ValueError, match=r"value=0\.5 .* dtype=int64"):
        padder.fit([[2, 3], [4]])
    # a whole number given as a float is that integer
    out = SequencePadder(dtype="int64", value=-1.0).fit_transform([[2, 3], [4]])
    assert out.tolist() == [[2, 3], [-1, 4]]


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_padding_value_that_is_no_finite_number_is_refused_by_name(value):
    with pytest.raises(ValueError, match="'value' parameter of SequencePadder"):
        SequencePadder(value=value).fit(RAGGED)


def test_a_padding_value_too_large_for_float32_asks_for_float64():
    with pytest.raises(ValueError, match="dtype=float32 cannot hold .*'float64'"):
        SequencePadder(value=1e40).fit(RAGGED)
    out = SequencePadder(value=1e40, dtype="float64").fit_transform(RAGGED)
    assert out[1, 0] == 1e40


def test_the_padder_inverse_transform_refuses_ragged_input_clearly():
    padder = SequencePadder(value=0.0).fit(RAGGED)
    with pytest.raises(ValueError, match="X must be padded sequences"):
        padder.inverse_transform([[1.0, 2.0], [3.0]])


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_the_windower_refuses_a_padding_value_that_is_no_finite_number(value):
    X = np.arange(4.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="'value' parameter of SequenceWindower"):
        SequenceWindower(2, value=value).fit(X)


def test_the_windower_refuses_a_padding_value_its_dtype_cannot_hold():
    X = np.ones((3, 1), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way
        with pytest.raises(ValueError, match="value=1e\\+300 .*float32"):
            SequenceWindower(2, value=1e300).fit(X).transform(X)
    # float64 input holds it
    out = SequenceWindower(2, value=1e300).fit_transform(X.astype(np.float64))
    assert out[0, 0] == 1e300


def test_the_windower_refuses_a_long_frame_of_several_sequences():
    frame = to_long_format(
        [np.arange(3.0), np.arange(10.0, 12.0)], ids=pd.Index(["a", "b"], name="id")
    )
    with pytest.raises(ValueError, match="2 sequences"):
        SequenceWindower(2).fit(frame)
    windower = SequenceWindower(2).fit(np.arange(4.0).reshape(-1, 1))
    with pytest.raises(ValueError, match="2 sequences"):
        windower.transform(frame)


def test_the_windower_refuses_a_long_frame_out_of_time_order():
    index = pd.MultiIndex.from_tuples([("a", 2), ("a", 0), ("a", 1)])
    frame = pd.DataFrame({"v": [3.0, 1.0, 2.0]}, index=index)
    with pytest.raises(ValueError, match="times are not increasing"):
        SequenceWindower(2).fit(frame)
    out = SequenceWindower(2, value=0.0).fit_transform(frame.sort_index())
    assert out.tolist() == [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]


def test_the_windower_inverse_transform_refuses_other_shapes_clearly():
    windower = SequenceWindower(2).fit(np.ones((4, 2)))
    with pytest.raises(ValueError, match="windows"):
        windower.inverse_transform(np.ones(4))
    with pytest.raises(ValueError, match="2 features"):
        windower.inverse_transform(np.ones((4, 2, 5)))


@pytest.mark.parametrize("ids", [[[2.5]], [[2.0, np.nan]], [["a"]]])
def test_the_ordinal_encoder_inverse_transform_refuses_ids_that_are_no_integers(ids):
    encoder = SequenceOrdinalEncoder().fit(["abc"])
    with pytest.raises(ValueError, match="ids must be integers"):
        encoder.inverse_transform(ids)
    # whole numbers as floats (a float padder's output) are ids
    assert encoder.inverse_transform([[2.0, 0.0]])[0].tolist() == ["a"]


@pytest.mark.parametrize("pandas", [False, True])
def test_the_scaler_inverse_transform_does_not_warn_about_feature_names(pandas):
    frame = to_long_format([np.ones((2, 2)), np.zeros((1, 2))], columns=["p", "q"])
    scaler = SequenceScaler().fit(frame)
    if pandas:
        scaler.set_output(transform="pandas")
    scaled = scaler.transform(frame)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = scaler.inverse_transform(scaled)
    np.testing.assert_allclose(back[0], np.ones((2, 2)), atol=1e-6)


def test_the_scaler_inverse_transform_of_its_pandas_output_of_an_array():
    table = pd.DataFrame(np.arange(6.0).reshape(2, 3), columns=list("abc"))
    plain = SequenceScaler().fit(table)
    framed = SequenceScaler().set_output(transform="pandas").fit(table)
    expected = plain.inverse_transform(plain.transform(table))
    got = framed.inverse_transform(framed.transform(table))
    assert isinstance(got, np.ndarray) and got.shape == expected.shape == (2, 3)
    np.testing.assert_array_equal(got, expected)


def test_a_lag_table_fill_value_must_be_a_finite_number():
    with pytest.raises(ValueError, match="'fill_value' parameter of LagsToSequences"):
        LagsToSequences(columns=[(0, -2), (1, -1)], fill_value=np.nan).fit([[1, 2]])
    with pytest.raises(ValueError, match="'fill_value' parameter of darts_lags"):
        darts_lags_to_sequences(lags=2, fill_value=np.inf)


def test_feature_names_come_from_one_rule():
    # every transformer names its pandas columns and its feature names alike
    cases = [
        (SequencePadder(), RAGGED),
        (SequenceScaler(), RAGGED),
        (SequenceOrdinalEncoder(), ["ab", "b"]),
        (SequenceOneHotEncoder(), ["ab", "b"]),
        (SequenceWindower(2), np.arange(4.0).reshape(-1, 1)),
        (LagsToSequences(n_features=2), np.arange(8.0).reshape(2, 4)),
    ]
    for transformer, X in cases:
        transformer.set_output(transform="pandas").fit(X)
        columns = list(transformer.transform(X).columns)
        assert columns == list(transformer.get_feature_names_out()), transformer


@pytest.mark.parametrize("cls", [SequenceOneHotEncoder, SequenceOrdinalEncoder])
def test_an_encoder_fitted_with_names_warns_about_sequences_without_them(cls):
    # scikit-learn's warning; a list after a fit on a DataFrame passed silently
    encoder = cls().fit(pd.DataFrame({"a": ["x"], "b": ["y"]}))
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        encoder.transform([["x", "y"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls().fit([["x", "y"]]).transform([["x", "y"]])
