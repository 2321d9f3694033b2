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


@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_the_windower_refuses_an_infinite_padding_value(value):
    X = np.arange(4.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="'value' parameter of SequenceWindower"):
        SequenceWindower(2, value=value).fit(X)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_the_windower_pads_with_nan_to_mark_missing_lags(dtype):
    # NaN, the usual "no lag yet" for models that take missing values
    # (HistGradientBoosting) or for dropna, was refused as no finite number
    X = np.arange(1, 5).reshape(-1, 1).astype(dtype)
    out = SequenceWindower(3, value=np.nan).fit_transform(X)
    expected = [[np.nan, np.nan, 1], [np.nan, 1, 2], [1, 2, 3], [2, 3, 4]]
    np.testing.assert_array_equal(out, expected)


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


def test_the_windower_says_how_to_flatten_one_series_with_a_multiindex():
    # one series indexed by (day, hour) was refused as a long frame of 3
    # sequences, with no word of the flat index it needs
    index = pd.MultiIndex.from_product([range(3), range(4)], names=["day", "hour"])
    frame = pd.DataFrame({"load": np.arange(12.0)}, index=index)
    with pytest.raises(ValueError, match=r"3 sequences.*X\.droplevel\(0\)"):
        SequenceWindower(2).fit(frame)
    out = SequenceWindower(2, value=0.0).fit_transform(frame.droplevel(0))
    assert out[:2].tolist() == [[0.0, 0.0], [0.0, 1.0]] and len(out) == 12


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


def test_the_scaler_inverse_transform_leaves_the_warning_filters_alone(monkeypatch):
    # it silenced the feature-name warnings with warnings.catch_warnings, which
    # changes the filters of the whole process (of other threads too) while
    # it runs; the name check is skipped instead
    frame = to_long_format([np.ones((2, 2)), np.zeros((1, 2))], columns=["p", "q"])
    scaler = SequenceScaler().fit(frame)
    scaled = scaler.transform(frame)
    changed = []
    monkeypatch.setattr(warnings, "filterwarnings", lambda *a, **k: changed.append(a))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = scaler.inverse_transform(scaled)
    assert not [a for a in changed if "feature names" in str(a)] and caught == []
    np.testing.assert_allclose(back[0], np.ones((2, 2)), atol=1e-6)
    # a fitted name check still warns in transform
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        scaler.transform([np.ones((2, 2))])


def test_the_scaler_inverse_transform_of_its_pandas_output_of_an_array():
    table = pd.DataFrame(np.arange(6.0).reshape(2, 3), columns=list("abc"))
    plain = SequenceScaler().fit(table)
    framed = SequenceScaler().set_output(transform="pandas").fit(table)
    expected = plain.inverse_transform(plain.transform(table))
    got = framed.inverse_transform(framed.transform(table))
    assert isinstance(got, np.ndarray) and got.shape == expected.shape == (2, 3)
    np.testing.assert_array_equal(got, expected)


def test_a_lag_table_fill_value_must_not_be_infinite():
    with pytest.raises(ValueError, match="'fill_value' parameter of LagsToSequences"):
        LagsToSequences(columns=[(0, -2), (1, -1)], fill_value=np.inf).fit([[1, 2]])
    with pytest.raises(ValueError, match="'fill_value' parameter of darts_lags"):
        darts_lags_to_sequences(lags=2, fill_value=-np.inf)


def test_a_lag_table_fills_missing_lags_with_nan():
    # NaN marks a variable without a lag at a step, for models that take
    # missing values; it was refused as no finite number
    lags = LagsToSequences(columns=[(0, -2), (1, -1)], fill_value=np.nan)
    out = lags.fit_transform(np.array([[1.0, 2.0]], dtype=np.float32))
    np.testing.assert_array_equal(out[0], [[1.0, np.nan], [np.nan, 2.0]])
    darts = darts_lags_to_sequences(
        lags=1, lags_future_covariates=[0], fill_value=np.nan
    )
    np.testing.assert_array_equal(
        darts.fit_transform([[1.0, 30.0]])[0], [[1.0, np.nan], [np.nan, 30.0]]
    )


@pytest.mark.parametrize(
    "transformer, X, pandas_names, default_names",
    [
        (SequencePadder(), RAGGED, ["x0"], ["step0", "step1"]),
        (SequenceScaler(), RAGGED, ["x0"], ["x0"]),
        (SequenceScaler(), np.ones((2, 3)), ["x0"], ["x0", "x1", "x2"]),
        (SequenceOrdinalEncoder(), ["ab", "b"], ["token_id"], ["token_id"]),
        (SequenceOrdinalEncoder(), np.array([["a", "b"]]), ["token_id"], ["x0", "x1"]),
        (SequenceOneHotEncoder(), ["ab", "b"], ["token_a", "token_b"], None),
        (SequenceWindower(2), np.ones((4, 1)), ["x0"], ["x0_lag1", "x0_lag0"]),
        (
            SequenceWindower(3),
            pd.DataFrame({"load": np.ones(4)}),
            ["load"],
            ["load_lag2", "load_lag1", "load_lag0"],
        ),
        (LagsToSequences(n_features=2), np.ones((2, 4)), ["x0", "x1"], None),
    ],
)
def test_feature_names_come_from_one_rule(transformer, X, pandas_names, default_names):
    # the pandas columns are the features of a step; the default output's
    # 2-D columns are its own (the padder's steps, a 2-D X's columns, lags);
    # None: the same names as the pandas output's
    default_names = pandas_names if default_names is None else default_names
    transformer.fit(X)
    assert list(transformer.get_feature_names_out()) == default_names
    transformer.set_output(transform="pandas")
    assert list(transformer.get_feature_names_out()) == pandas_names
    assert list(transformer.transform(X).columns) == pandas_names


@pytest.mark.parametrize("cls", [SequenceOneHotEncoder, SequenceOrdinalEncoder])
def test_an_encoder_fitted_with_names_warns_about_sequences_without_them(cls):
    # scikit-learn's warning; a list after a fit on a DataFrame passed silently
    encoder = cls().fit(pd.DataFrame({"a": ["x"], "b": ["y"]}))
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        encoder.transform([["x", "y"]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls().fit([["x", "y"]]).transform([["x", "y"]])
