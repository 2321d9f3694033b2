"""LagsToSequences: flat rows of lags (darts, sktime) as multivariate sequences."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skseq import RNNRegressor
from skseq.preprocessing import LagsToSequences, darts_lags_to_sequences

from .._helpers import QUICK


def lag_table(n_samples=5, n_steps=4, n_features=3):
    """Rows in "variable" order and the sequences they hold: value 100*f + s."""
    base = np.arange(n_samples)[:, None, None]
    sequences = (
        base + 100.0 * np.arange(n_features) + np.arange(n_steps)[:, None]
    )  # (n_samples, n_steps, n_features)
    return sequences.transpose(0, 2, 1).reshape(n_samples, -1), sequences


def test_variable_order_is_each_variables_lags_in_turn():
    X, sequences = lag_table()
    out = LagsToSequences(n_steps=4, n_features=3).fit_transform(X)
    assert out.shape == (5, 4, 3)
    np.testing.assert_array_equal(out, sequences)
    # the first row by hand: variable 0 at steps 0..3, then variable 1, then 2
    np.testing.assert_array_equal(out[0, :, 1], X[0, 4:8])
    np.testing.assert_array_equal(out[0, 2], X[0, [2, 6, 10]])


def test_step_order_is_every_variable_at_each_step():
    _, sequences = lag_table()
    X = sequences.reshape(5, -1)  # step 0: f0 f1 f2, step 1: f0 f1 f2, ...
    out = LagsToSequences(n_steps=4, n_features=3, order="step").fit_transform(X)
    np.testing.assert_array_equal(out, sequences)
    np.testing.assert_array_equal(out[0, 1], X[0, 3:6])


def test_n_steps_defaults_to_the_columns_over_n_features():
    X, sequences = lag_table()
    lags = LagsToSequences(n_features=3).fit(X)
    np.testing.assert_array_equal(lags.transform(X), sequences)
    np.testing.assert_array_equal(lags.steps_, np.arange(4))
    # one variable by default: each row is one univariate sequence
    assert LagsToSequences().fit_transform(X).shape == (5, 12, 1)


def test_columns_align_unequal_lags_on_one_time_grid():
    # y at lags -3..-1, x at -1 and 0 (a future covariate)
    X = np.array([[1.0, 2.0, 3.0, 30.0, 40.0]])
    columns = [(0, -3), (0, -2), (0, -1), (1, -1), (1, 0)]
    lags = LagsToSequences(columns=columns, fill_value=-7.0).fit(X)
    np.testing.assert_array_equal(lags.steps_, [-3, -2, -1, 0])
    expected = [[1.0, -7.0], [2.0, -7.0], [3.0, 30.0], [-7.0, 40.0]]
    np.testing.assert_array_equal(lags.transform(X)[0], expected)


def test_columns_in_any_order_and_sparse_lags():
    X = np.array([[5.0, 1.0, 9.0]])
    lags = LagsToSequences(columns=np.array([[0, -1], [0, -24], [0, -12]])).fit(X)
    np.testing.assert_array_equal(lags.steps_, [-24, -12, -1])  # one step per lag
    np.testing.assert_array_equal(lags.transform(X)[0, :, 0], [1.0, 9.0, 5.0])


@pytest.mark.parametrize(
    "params, width, message",
    [
        (dict(n_steps=3, n_features=2), 5, "X has 5 columns, but n_steps=3 by "
         "n_features=2 need 6 columns"),
        (dict(n_features=2), 5, "X has 5 columns, but n_features=2 needs a "
         "multiple of 2 columns"),
        (dict(columns=[(0, -2), (0, -1)]), 3, "X has 3 columns, but columns "
         "lists 2 columns"),
    ],
)  # fmt: skip
def test_a_table_of_another_width_is_refused(params, width, message):
    with pytest.raises(ValueError, match=message):
        LagsToSequences(**params).fit(np.zeros((4, width)))


def test_transform_checks_the_width_of_fit():
    lags = LagsToSequences(n_steps=2, n_features=2).fit(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="X has 6 features, but LagsToSequences is "
                       "expecting 4 features"):  # fmt: skip
        lags.transform(np.zeros((3, 6)))


@pytest.mark.parametrize(
    "columns, message",
    [
        ([0, 1], "one \\(feature, lag\\) pair of integers per column"),
        ([(0.5, -1)], "one \\(feature, lag\\) pair of integers per column"),
        ([(0, -1), (2, -1)], "numbered 0 to n_features - 1.*got \\[0, 2\\]"),
        ([(0, -1), (0, -1)], "the same \\(feature, lag\\) pair twice"),
    ],
)
def test_invalid_columns_are_refused(columns, message):
    with pytest.raises(ValueError, match=message):
        LagsToSequences(columns=columns).fit(np.zeros((2, len(columns))))


def test_dtype_float32_is_kept_and_ints_become_float():
    X, _ = lag_table()
    lags = LagsToSequences(n_features=3)
    assert lags.fit_transform(X.astype(np.float32)).dtype == np.float32
    assert lags.fit_transform(X.astype(int)).dtype == np.float64


def test_pandas_input_and_pandas_output():
    X, sequences = lag_table(n_samples=2, n_steps=2, n_features=2)
    frame = pd.DataFrame(X, columns=["y_lag2", "y_lag1", "x_lag2", "x_lag1"])
    lags = LagsToSequences(n_steps=2, n_features=2).set_output(transform="pandas")
    long = lags.fit_transform(frame)
    assert long.shape == (4, 2)  # one row per (sequence, step), one column per var
    np.testing.assert_array_equal(long.to_numpy(), sequences.reshape(4, 2))
    # the variables' names, read from "<name>_lag<k>" columns
    assert list(long.columns) == ["y", "x"]
    np.testing.assert_array_equal(lags.get_feature_names_out(), ["y", "x"])
    # without such names: x0, x1, ... (as to_long_format names features)
    unnamed = lags.fit_transform(X)
    assert list(unnamed.columns) == ["x0", "x1"]


@pytest.mark.parametrize(
    "order, names, expected",
    [
        # darts' lagged_feature_names: by lag, then by component
        ("step", ["0_target_lag-2", "1_target_lag-2", "0_target_lag-1",
                  "1_target_lag-1"], ["0_target", "1_target"]),
        # the same columns read in another order: a variable of two names
        ("variable", ["a_lag2", "b_lag2", "a_lag1", "b_lag1"], ["x0", "x1"]),
        # two variables of one name
        ("variable", ["y_lag2", "y_lag1", "y_lag-2", "y_lag-1"], ["x0", "x1"]),
        # no lag in the names
        ("variable", ["y2", "y1", "x2", "x1"], ["x0", "x1"]),
    ],
)  # fmt: skip
def test_feature_names_out_are_the_variables(order, names, expected):
    lags = LagsToSequences(n_steps=2, n_features=2, order=order)
    lags.fit(pd.DataFrame(np.zeros((3, 4)), columns=names))
    assert lags.get_feature_names_out().dtype == object
    np.testing.assert_array_equal(lags.get_feature_names_out(), expected)
    with pytest.raises(ValueError, match="input_features"):
        lags.get_feature_names_out(["a", "b"])


def test_pipeline_get_feature_names_out_passes_the_names_through():
    frame = pd.DataFrame(
        np.arange(12.0).reshape(3, 4), columns=["y_lag2", "y_lag1", "x_lag2", "x_lag1"]
    )
    pipeline = make_pipeline(StandardScaler(), LagsToSequences(n_features=2))
    pipeline.fit(frame)
    np.testing.assert_array_equal(pipeline.get_feature_names_out(), ["y", "x"])
    # fitted on an array: the names given, else x0, x1
    pipeline.fit(frame.to_numpy())
    names = ["a_lag-2", "a_lag-1", "b_lag-2", "b_lag-1"]
    np.testing.assert_array_equal(pipeline.get_feature_names_out(names), ["a", "b"])
    np.testing.assert_array_equal(pipeline.get_feature_names_out(), ["x0", "x1"])
    columns = [(0, -2), (1, -2), (0, -1), (1, -1)]
    darts_like = make_pipeline(StandardScaler(), LagsToSequences(columns=columns))
    darts_like.fit(frame.set_axis(["a_lag-2", "b_lag-2", "a_lag-1", "b_lag-1"], axis=1))
    np.testing.assert_array_equal(darts_like.get_feature_names_out(), ["a", "b"])
    with pytest.raises(NotFittedError):
        LagsToSequences().get_feature_names_out()


@pytest.mark.parametrize(
    "params, named",
    [
        (dict(n_steps=2), "n_steps=2"),
        (dict(n_features=1), "n_features=1"),
        (dict(order="step"), "order='step'"),
        (dict(n_steps=2, order="step"), "n_steps=2, order='step'"),
    ],
)
def test_columns_with_a_grid_layout_is_refused(params, named):
    lags = LagsToSequences(columns=[(0, -2), (0, -1)], **params)
    with pytest.raises(ValueError, match=f"cannot be combined with {named}, which"):
        lags.fit(np.zeros((2, 2)))
    # the defaults (None, "variable") go with columns
    LagsToSequences(columns=[(0, -2), (0, -1)], order="variable").fit(np.zeros((2, 2)))


def test_pipeline_equals_the_estimator_on_the_reshaped_array():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 12))  # 6 lags of y, then 6 lags of x
    y = X[:, 5] + X[:, 11]
    pipeline = make_pipeline(
        LagsToSequences(n_steps=6, n_features=2), RNNRegressor(**QUICK)
    ).fit(X, y)
    direct = RNNRegressor(**QUICK).fit(X.reshape(48, 2, 6).transpose(0, 2, 1), y)
    assert pipeline[-1].n_features_in_ == 2
    np.testing.assert_allclose(
        pipeline.predict(X[:5]),
        direct.predict(X[:5].reshape(5, 2, 6).transpose(0, 2, 1)),
        rtol=1e-5,
    )


def test_darts_helper_follows_darts_lag_table():
    # target lags -2, -1; 2 past components at -1; future lags (1, 1): -1, 0
    lags = darts_lags_to_sequences(
        lags=2, lags_past_covariates=[-1], lags_future_covariates=(1, 1),
        n_components=(1, 2, 1),
    )  # fmt: skip
    assert lags.columns == [(0, -2), (0, -1), (1, -1), (2, -1), (3, -1), (3, 0)]
    X = np.array([[1.0, 2.0, 20.0, 30.0, 40.0, 41.0]])
    expected = [[1.0, 0.0, 0.0, 0.0], [2.0, 20.0, 30.0, 40.0], [0.0, 0.0, 0.0, 41.0]]
    np.testing.assert_array_equal(lags.fit_transform(X)[0], expected)


def test_darts_helper_reads_every_lag_form():
    # a multivariate target alone: darts' order is by lag, then by component
    lags = darts_lags_to_sequences(lags=[-3, -1], n_components=(2, 1, 1))
    assert lags.columns == [(0, -3), (1, -3), (0, -1), (1, -1)]
    # a shifted output chunk shifts the future covariates' lags
    lags = darts_lags_to_sequences(lags_future_covariates=[0, 1], output_chunk_shift=2)
    assert lags.columns == [(0, 2), (0, 3)]
    # the steps skip the times the shift leaves out: 0 and 1 here
    lags = darts_lags_to_sequences(
        lags=2, lags_future_covariates=[0], output_chunk_shift=2
    )
    np.testing.assert_array_equal(lags.fit(np.zeros((1, 3))).steps_, [-2, -1, 2])
    # {"default_lags": ...} is the same lags for every component, as in darts
    shared = darts_lags_to_sequences(
        lags={"default_lags": 2}, lags_future_covariates={"default_lags": (1, 1)}
    )
    plain = darts_lags_to_sequences(lags=2, lags_future_covariates=(1, 1))
    assert shared.columns == plain.columns
    with pytest.raises(ValueError, match="at least one of the three"):
        darts_lags_to_sequences()


P = "The '{}' parameter of darts_lags_to_sequences must be "


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(lags=0), P.format("lags") + r"an int in the range \[1, inf\).* Got 0"),
        (dict(lags=(1, 2)), P.format("lags") + r"an int .* Got \(1, 2\) instead"),
        (dict(lags_past_covariates=3.5),
         P.format("lags_past_covariates") + r"an int .* Got 3.5 instead"),
        (dict(lags=[-2, 0]), P.format("lags") + r"an int >= 1 or a non-empty list "
         r"of ints < 0 \(as in darts\).* Got \[-2, 0\] instead"),
        (dict(lags=[]), P.format("lags") + r"an int >= 1 .* Got \[\] instead"),
        (dict(lags=[-1.5]), P.format("lags") + r"an int >= 1 .* Got \[-1.5\]"),
        (dict(lags={"default_lags": 0}), P.format("lags") + r"an int >= 1 .* Got "
         r"\{'default_lags': 0\} instead"),
        (dict(lags=[-2, -1, -2]), "The .lags. parameter .* must list each lag once.*-2 "
         "repeated"),
        (dict(lags_future_covariates=3),
         P.format("lags_future_covariates") + "an instance of 'tuple'.* Got 3"),
        (dict(lags_future_covariates=(0, 0)),
         P.format("lags_future_covariates") + r"a tuple \(past, future\) of two "
         r"ints >= 0, not \(0, 0\).* Got \(0, 0\) instead"),
        (dict(lags_future_covariates=(1, 2, 3)),
         P.format("lags_future_covariates") + r"a tuple .* Got \(1, 2, 3\)"),
        (dict(lags_future_covariates=(-1, 2)),
         P.format("lags_future_covariates") + r"a tuple .* Got \(-1, 2\)"),
        (dict(lags_past_covariates={"a": 2}), "The 'lags_past_covariates' "
         r"parameter .* gives lags per component \(keys \['a'\]\).*columns="),
        (dict(lags=2, n_components=(1, 2)), P.format("n_components") + "3 ints >= 1"
         r".* Got \(1, 2\) instead"),
        (dict(lags=2, n_components=(1, 0, 1)), P.format("n_components") +
         r"3 ints >= 1.* Got \(1, 0, 1\) instead"),
        (dict(lags=2, n_components=(1.5, 1, 1)), P.format("n_components")),
        (dict(lags=2, output_chunk_shift=-1), P.format("output_chunk_shift")),
    ],
)  # fmt: skip
def test_darts_helper_refuses_what_darts_refuses(params, message):
    with pytest.raises(ValueError, match=message):
        darts_lags_to_sequences(**params)


def test_clone_keeps_the_layout():
    lags = LagsToSequences(columns=[(0, -1)], fill_value=1.0)
    assert clone(lags).get_params() == lags.get_params()
