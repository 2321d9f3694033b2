"""The bad-input catalogue (shared/RELIABILITY.md) over every public estimator
and transformer: each case raises a ValueError or TypeError whose message names
the argument and the way out; the conversion of input is fuzzed with
hypothesis; faults (Ctrl-C in a search, refits) do not corrupt results.
"""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.model_selection import GridSearchCV

from skseq import RNNClassifier, RNNRegressor, SequenceForecaster, TrainingInterrupted
from skseq.preprocessing import (
    SequenceOneHotEncoder,
    SequenceOrdinalEncoder,
    SequencePadder,
    SequenceScaler,
    SequenceWindower,
)
from skseq.utils import check_sequences

from ._helpers import QUICK, CtrlCAt, make_ragged_classification

GOOD_X = [np.ones((3, 2)), np.zeros((5, 2)), np.ones((4, 2))]
GOOD_Y = np.array([0, 1, 0])

# estimators and transformers that take numeric sequences (check_sequences)
SEQUENCE_ESTIMATORS = {
    "RNNClassifier": lambda: RNNClassifier(**QUICK),
    "RNNRegressor": lambda: RNNRegressor(**QUICK),
    "SequencePadder": SequencePadder,
    "SequenceScaler": SequenceScaler,
}


def fit(estimator, X, y=GOOD_Y):
    if isinstance(estimator, (RNNClassifier, RNNRegressor)):
        return estimator.fit(X, y)
    return estimator.fit(X)


NUMERIC_CASES = {
    "nan": ([np.array([[1.0, np.nan]])] + GOOD_X[1:], "Input X contains NaN"),
    # NaN padding: the advice names ragged lists (and mask_value where it is
    # a parameter: test_nan_padding_advice_names_mask_value_where_it_is_one)
    "nan padding": (
        np.r_[np.ones((4, 6)), np.c_[np.ones((4, 4)), np.full((4, 2), np.nan)]],
        "contains NaN. If it pads shorter sequences .* list of arrays",
    ),
    "inf": ([np.array([[np.inf, 1.0]])] + GOOD_X[1:], "Input X contains infinity"),
    "empty": (np.empty((0, 4)), r"Found array with 0 sample\(s\)"),
    "empty list": ([], r"Found 0 sequences in X"),
    "zero-length sequence": (
        [GOOD_X[0], np.empty((0, 2)), GOOD_X[2]],
        "Sequence 1 of X has length 0; every sequence needs at least 1",
    ),
    "strings": (
        [np.array([["a", "b"]])] + GOOD_X[1:],
        "X holds strings .*SequenceOrdinalEncoder",
    ),
    "object array": (
        np.array([[{"a": 1}, 2.0]] * 3, dtype=object),
        "must be a string or a (real )?number",
    ),
    "complex": (np.array([[1 + 2j, 0]] * 3), "Complex data not supported"),
    "sparse": (sp.csr_matrix(np.ones((3, 4))), "Sparse data was passed .*toarray"),
    "1-D": (np.ones(3), r"(?s)Expected 2D array, got 1D array.*reshape\(-1, 1\)"),
    "4-D": (np.ones((3, 2, 2, 2)), "Found array with dim 4"),
    "mixed widths": (
        [np.ones((3, 2)), np.ones((3, 1)), np.ones((3, 2))],
        "Sequence 1 of X has 1 features per step but sequence 0 has 2",
    ),
}


@pytest.mark.parametrize("case", NUMERIC_CASES)
@pytest.mark.parametrize("name", SEQUENCE_ESTIMATORS)
def test_numeric_bad_input(name, case):
    X, match = NUMERIC_CASES[case]
    with pytest.raises((ValueError, TypeError), match=match):
        fit(SEQUENCE_ESTIMATORS[name](), X)


@pytest.mark.parametrize("name", SEQUENCE_ESTIMATORS)
def test_wrong_feature_count_at_predict(name):
    estimator = fit(SEQUENCE_ESTIMATORS[name](), GOOD_X)
    method = getattr(estimator, "predict", None) or estimator.transform
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 2"):
        method([np.ones((4, 3))])


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_x_and_y_lengths_must_match(Estimator):
    with pytest.raises(ValueError, match="X has 3 sequences but y has 2 targets"):
        Estimator(**QUICK).fit(GOOD_X, GOOD_Y[:2])


def test_single_class():
    with pytest.raises(ValueError, match="only one class: 0.*stratified split"):
        RNNClassifier(**QUICK).fit(GOOD_X, [0, 0, 0])


def test_ragged_input_where_it_is_not_allowed():
    with pytest.raises(ValueError, match="pooling='flatten' needs sequences of one"):
        RNNClassifier(pooling="flatten", **QUICK).fit(GOOD_X, GOOD_Y)
    with pytest.raises(ValueError, match="SequenceWindower takes one series"):
        SequenceWindower().fit(GOOD_X)


@pytest.mark.parametrize("Encoder", [SequenceOneHotEncoder, SequenceOrdinalEncoder])
def test_encoders_bad_input(Encoder):
    strict = {"handle_unknown": "error"}
    encoder = Encoder(**strict).fit(["abc", "cab"])
    with pytest.raises(ValueError, match=r"unknown tokens \['z'\].*handle_unknown="):
        encoder.transform(["az"])
    with pytest.raises(ValueError, match="Found 0 sequences in X"):
        Encoder().fit([])
    with pytest.raises(ValueError, match="Sequence 1 of X has length 0"):
        Encoder().fit(["ab", ""])
    with pytest.raises(ValueError, match="X is a single string; pass a list"):
        Encoder().fit("abc")
    with pytest.raises(ValueError, match="Sequence 0 of X is not a 1-D sequence"):
        Encoder().fit([[["a"], ["b"]]])


# -------------------------------------------------------------- time series


def daily(values, index=None):
    index = pd.date_range("2024-01-01", periods=len(values)) if index is None else index
    return pd.Series(values, index=index)


def long_frame():
    """Two series of 20 days, a long frame indexed by (id, time)."""
    days = pd.date_range("2024-01-01", periods=20)
    return pd.Series(np.ones(40), index=pd.MultiIndex.from_product([["a", "b"], days]))


SERIES_CASES = {
    "too short": (
        daily(np.ones(8)),
        "has 8 observations; window_length=5 and horizon=4 need at least 9",
    ),
    "nan": (daily(np.r_[np.ones(20), np.nan]), "contains NaN.*interpolate"),
    "a row vector": (
        np.arange(30.0).reshape(1, -1),
        "has 1 observations; .* It has 30 columns: each row is a time step",
    ),
    "nan in a column": (
        pd.DataFrame({"a": np.ones(20), "b": np.r_[np.ones(19), np.nan]}),
        "contains NaN: 1 values, the first at 19 in column 'b'",
    ),
    "unsorted": (
        daily(np.ones(20), pd.date_range("2024-01-01", periods=20)[::-1]),
        r"not sorted in increasing order .*sort_index\(\)",
    ),
    "duplicated": (
        daily(
            np.ones(20),
            pd.DatetimeIndex(["2024-01-01"] * 2).append(
                pd.date_range("2024-01-02", periods=18)
            ),
        ),
        r"1 duplicated time stamps.*groupby\(level=0\)",
    ),
    "irregular": (
        daily(np.ones(20), pd.date_range("2024-01-01", periods=21).delete(4)),
        r"Cannot infer a regular frequency.*At its step \(D\) 1 time stamp is "
        r"missing, the first 2024-01-05.*y\.asfreq\(freq\).*freq=",
    ),
    "a month missing": (  # counted at 28 days before: 42 missing, wrongly
        daily(
            np.ones(39), pd.date_range("2010-01-01", periods=40, freq="MS").delete(20)
        ),
        r"At its step \(MS\) 1 time stamp is missing, the first 2011-09-01",
    ),
    "three stamps": (  # the smallest difference names the step (pandas: D or 24h)
        daily(np.ones(3), pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-04"])),
        r"At its step \((D|24h)\) 1 time stamp is missing, the first 2024-01-03",
    ),
    "business days missing": (  # not days: weekends are no gap
        daily(np.ones(37), pd.bdate_range("2024-01-01", periods=40).delete([3, 9, 10])),
        r"At its step \(B\) 3 time stamps are missing, the first 2024-01-04",
    ),
    "strings": (pd.Series(["a"] * 20), r"y has dtype (object|str), not numbers"),
    "flags": (daily(np.arange(20) % 2 == 0), r"y has dtype bool.*astype\(float\)"),
    "missing time stamp": (
        daily(
            np.ones(20), pd.date_range("2024-01-01", periods=20).insert(3, pd.NaT)[:20]
        ),
        r"1 missing time stamps \(NaT\), the first at row 3",
    ),
    "time first": (
        pd.Series(
            np.ones(60),
            index=pd.MultiIndex.from_product(
                [pd.date_range("2024", periods=20), [7, 8, 9]]
            ),
        ),
        r"time stamps first.*y\.swaplevel\(\)\.sort_index\(\)",
    ),
    "long unsorted": (
        long_frame().iloc[::-1],
        r"y\['b'\]\.index is not sorted .*sort it with y\.sort_index\(\)",
    ),
    "long duplicated": (
        pd.concat([long_frame(), long_frame().iloc[:1]]).sort_index(),
        r"y\['a'\]\.index has 1 duplicated .*y\.groupby\(level=\[0, 1\]\)",
    ),
    "huge": (daily(np.r_[np.ones(19), 1e300]), "values up to 1e\\+300, whose squares"),
    "3-D array": (np.ones((20, 2, 2)), "must be 1-D .* or 2-D"),
}


@pytest.mark.parametrize("case", SERIES_CASES)
def test_forecaster_bad_series(case):
    y, match = SERIES_CASES[case]
    with pytest.raises((ValueError, TypeError), match=match):
        SequenceForecaster(window_length=5, horizon=4, **QUICK).fit(y)


@pytest.mark.parametrize(
    "freq, match",
    [
        ("2D", r"freq='2D': 10 time stamps fall between .* 2024-01-02.*resample"),
        ("h", r"freq='h': 437 time stamps are missing, the first 2024-01-01 01:00"),
    ],
)
def test_a_freq_the_index_does_not_follow_says_which_stamps_break_it(freq, match):
    y = daily(np.ones(20))  # 20 days
    with pytest.raises(ValueError, match=match):
        SequenceForecaster(window_length=5, freq=freq, **QUICK).fit(y)


def test_one_stamp_between_the_steps_of_freq_is_named():
    index = pd.date_range("2024-01-01", periods=10, freq="2D").insert(3, "2024-01-06")
    with pytest.raises(ValueError, match=r"1 time stamp falls between .* 2024-01-06"):
        SequenceForecaster(window_length=5, freq="2D", **QUICK).fit(
            daily(np.ones(11), index)
        )


def test_a_history_with_a_gap_is_counted_at_the_training_step():
    y = daily(
        np.sin(np.arange(40.0)), pd.date_range("2010-01-01", periods=40, freq="MS")
    )
    model = SequenceForecaster(window_length=5, horizon=2, **QUICK).fit(y)
    with pytest.raises(
        ValueError,
        match=rf"step \(MS\) 1 time stamp is missing, the first {y.index[-7].date()}",
    ):
        model.predict(y=y.iloc[-12:].drop(y.index[-7]))


def test_forecaster_refuses_mixed_time_zones():
    index = pd.date_range("2024-01-01", periods=40, freq="h", tz="Europe/Paris")
    y = pd.Series(np.sin(np.arange(40.0)), index=index)
    model = SequenceForecaster(window_length=5, **QUICK).fit(y)
    naive = y.tz_localize(None)
    with pytest.raises(ValueError, match="tz-naive, but .* Europe/Paris"):
        model.predict(y=naive)
    assert model.predict(y=y.tz_convert("UTC")).index.tz is not None


def test_forecaster_wrong_columns_at_predict():
    y = pd.DataFrame(
        {"a": np.arange(30.0), "b": np.arange(30.0)},
        index=pd.date_range("2024", periods=30),
    )
    model = SequenceForecaster(window_length=5, **QUICK).fit(y)
    with pytest.raises(ValueError, match=r"y has columns \['a'\], but .* \['a', 'b'\]"):
        model.predict(y=y[["a"]])


# ---------------------------------------------------------------- fuzzing

dtypes = st.sampled_from(
    [np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex64, np.str_]
)


def arrays(min_dims=0, max_dims=4):
    return dtypes.flatmap(
        lambda dtype: hnp.arrays(
            dtype,
            hnp.array_shapes(
                min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=4
            ),
        )
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(arrays(), st.lists(arrays(0, 3), max_size=4)))
def test_conversion_either_converts_or_raises_a_clear_error(X):
    try:
        seqs = check_sequences(X)
    except (ValueError, TypeError):
        return
    # float32 stays float32, anything else becomes float64 (centred later)
    assert seqs.steps.dtype in (np.float32, np.float64)
    assert seqs.steps.shape[0] == seqs.lengths.sum()
    assert seqs.values.ndim == 3
    assert len(seqs.lengths) == seqs.values.shape[0] >= 1
    assert np.all(seqs.lengths >= 1)
    assert np.all(seqs.lengths <= seqs.values.shape[1])
    assert np.all(np.isfinite(seqs.values))


@settings(max_examples=200, deadline=None)
@given(st.one_of(arrays(), st.lists(arrays(0, 2), max_size=4)))
def test_token_conversion_either_converts_or_raises(X):
    try:
        seqs = check_sequences(X, tokens=True)
    except (ValueError, TypeError):
        return
    assert seqs.values.dtype == np.int64
    assert np.all(seqs.values >= 0)
    assert np.all(seqs.lengths >= 1)


# ------------------------------------------------------------------ faults


def test_ctrl_c_stops_a_grid_search_instead_of_scoring_a_truncated_fit(ctrl_c_raises):
    X, y = make_ragged_classification(n=30)
    grid = GridSearchCV(
        RNNClassifier(callbacks=[CtrlCAt(1)], **{**QUICK, "max_epochs": 5}),
        {"hidden_size": [4, 8]},
        cv=2,
        n_jobs=1,
    )
    with pytest.raises(TrainingInterrupted, match=r"\(Ctrl-C\) after 1 epochs"):
        grid.fit(X, y)
    assert not hasattr(grid, "cv_results_")


def test_same_random_state_gives_bit_identical_predictions_across_processes(tmp_path):
    X, y = make_ragged_classification(n=30)
    expected = RNNClassifier(**QUICK).fit(X, y).predict_proba(X)
    np.save(tmp_path / "expected.npy", expected)
    script = (
        "import numpy as np, sys\n"
        f"sys.path.insert(0, {str(tmp_path.parent.parent)!r})\n"
        "from skseq import RNNClassifier\n"
        "from tests._helpers import QUICK, make_ragged_classification\n"
        "X, y = make_ragged_classification(n=30)\n"
        "proba = RNNClassifier(**QUICK).fit(X, y).predict_proba(X)\n"
        f"np.save({str(tmp_path / 'other.npy')!r}, proba)\n"
    )
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root)
    np.testing.assert_array_equal(np.load(tmp_path / "other.npy"), expected)


def test_concurrent_predictions_equal_serial_ones():
    from concurrent.futures import ThreadPoolExecutor

    X, y = make_ragged_classification(n=60)
    clf = RNNClassifier(**QUICK).fit(X, y)
    batches = [X[i : i + 7] for i in range(0, 60, 7)] * 8
    serial = [clf.predict_proba(batch) for batch in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(clf.predict_proba, batches))
    for expected, got in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    "make, fit, params",
    [
        (
            lambda **p: RNNClassifier(**{**QUICK, "conv_layers": 1, **p}),
            lambda model: model.fit(*make_ragged_classification(n=30)).predict_proba(
                make_ragged_classification(n=30)[0]
            ),
            ["hidden_size", "num_layers", "conv_channels", "batch_size"],
        ),
        (
            lambda **p: SequenceForecaster(
                **{**QUICK, "window_length": 6, "horizon": 3, **p}
            ),
            lambda model: model.fit(np.sin(np.arange(80) / 3.0)).predict(),
            ["horizon", "window_length", "hidden_size"],
        ),
    ],
)
def test_numpy_integer_parameters_train_as_python_ints(make, fit, params):
    # grids of np.arange give NumPy integers, which the constraints accept
    # (Interval(Integral, ...)) and torch's layers and split refuse
    for name in params:
        value = make().get_params()[name]
        expected = fit(make(**{name: int(value)}))
        np.testing.assert_array_equal(fit(make(**{name: np.int64(value)})), expected)


def test_a_grid_of_numpy_integers_searches_the_forecaster():
    from sklearn.model_selection import TimeSeriesSplit

    y = np.sin(np.arange(90) / 3.0)
    grid = GridSearchCV(
        SequenceForecaster(horizon=3, **QUICK),
        {"window_length": np.arange(4, 9, 4)},
        cv=TimeSeriesSplit(2),
        error_score="raise",
    ).fit(y)
    assert grid.best_params_["window_length"] in (4, 8)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()


def test_nan_padding_advice_names_mask_value_where_it_is_one():
    X = np.c_[np.ones((4, 4)), np.full((4, 2), np.nan)]
    with pytest.raises(ValueError, match="own lengths, or pad with a number and set"):
        RNNClassifier().fit(X, [0, 1, 0, 1])
    with pytest.raises(ValueError, match="own lengths; fill") as error:
        SequencePadder().fit(X)
    assert "mask_value" not in str(error.value)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_a_mask_value_that_matches_no_step_is_refused(value):
    # NaN equals no value (and NaN input is refused), so it masked nothing
    X = [np.ones((3, 1)), np.ones((2, 1))]
    with pytest.raises(ValueError, match="'mask_value' parameter of RNNClassifier"):
        RNNClassifier(mask_value=value, max_epochs=1).fit(X, [0, 1])
    with pytest.raises(ValueError, match="'mask_value' parameter of SequenceScaler"):
        SequenceScaler(mask_value=value).fit(X)
