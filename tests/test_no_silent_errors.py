"""Inputs that once gave silently wrong results or internal errors.

Each case is either computed correctly or refused with an error that names
the argument and the way out (sklearn's wording where sklearn has one).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

from skseq import (
    RNNClassifier,
    RNNRegressor,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from skseq.datasets import load_airline
from skseq.model_selection import backtest
from skseq.preprocessing import SequencePadder, SequenceScaler
from skseq.utils import check_sequences

from ._helpers import QUICK, make_ragged_classification

X3 = np.random.default_rng(0).normal(size=(24, 5, 2))
LABELS = np.arange(24) % 2


# ------------------------------------------------------------ precision


def test_large_offsets_are_centred_before_float32():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8, 1))
    y = X[:, :, 0].sum(axis=1)
    near = RNNRegressor(**QUICK).fit(X, y).predict(X)
    far = RNNRegressor(**QUICK).fit(X + 1e8, y).predict(X + 1e8)
    # float32 holds 1e8 to +-8: centring after the cast would erase the signal
    np.testing.assert_allclose(far, near, atol=1e-3 * np.ptp(y))


def test_forecasts_of_a_series_far_from_zero_keep_their_precision():
    t = np.arange(120)
    base = np.sin(t / 3)
    params = dict(window_length=12, horizon=3, **QUICK)
    near = SequenceForecaster(**params).fit(base).predict()
    far = SequenceForecaster(**params).fit(base + 1e8).predict() - 1e8
    np.testing.assert_allclose(far, near, atol=1e-4)


# --------------------------------------------------------------- frames


def test_dataframe_sequences_are_read_by_column_name():
    X, y = make_ragged_classification(n=30)
    frames = [pd.DataFrame(x, columns=["a", "b"]) for x in X]
    clf = RNNClassifier(**QUICK).fit(frames, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b"])
    swapped = [frame[["b", "a"]] for frame in frames]
    np.testing.assert_array_equal(clf.predict_proba(swapped), clf.predict_proba(frames))
    renamed = [frame.rename(columns={"b": "c"}) for frame in frames]
    with pytest.raises(ValueError, match=r"columns \['a', 'c'\].*expected.*'a', 'b'"):
        clf.predict(renamed)
    mixed = frames[:2] + [frames[2][["b", "a"]]] + frames[3:]
    np.testing.assert_array_equal(clf.predict_proba(mixed), clf.predict_proba(frames))


def test_a_long_frame_with_three_index_levels_is_refused():
    index = pd.MultiIndex.from_product([["s1", "s2"], ["x", "y"], range(3)])
    frame = pd.DataFrame({"v": np.arange(12.0)}, index=index)
    with pytest.raises(ValueError, match="indexed by 3 levels.*Combine the levels"):
        check_sequences(frame)


def test_a_target_frame_is_lined_up_with_a_long_frame_by_id():
    rng = np.random.default_rng(0)
    ids = [f"s{k}" for k in rng.permutation(12)]
    rows = [(i, t, rng.normal()) for i in ids for t in range(4)]
    X = pd.DataFrame(rows, columns=["id", "t", "x"]).set_index(["id", "t"])
    y = pd.DataFrame(rng.normal(size=(12, 2)), index=pd.Index(ids, name="id"))
    by_id = RNNRegressor(**QUICK).fit(X, y.sort_index()).predict(X)
    # the same pairs; the targets' moments are summed in another order, so
    # the two fits agree to rounding (equal on one CPU, 1e-16 apart on
    # another), where pairing by position moved them by tenths
    shuffled = RNNRegressor(**QUICK).fit(X, y).predict(X)
    np.testing.assert_allclose(shuffled, by_id, rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="y is indexed by ids of X's sequences"):
        RNNRegressor(**QUICK).fit(X, y.iloc[1:])


def test_a_target_whose_labels_are_no_ids_is_refused():
    # integer ids 100..111, y indexed by them as strings in reversed order:
    # it was paired by position, silently
    rng = np.random.default_rng(0)
    rows = [(100 + i, t, rng.normal()) for i in range(12) for t in range(4)]
    X = pd.DataFrame(rows, columns=["id", "t", "x"]).set_index(["id", "t"])
    y = pd.Series(rng.normal(size=12), index=[str(100 + i) for i in range(12)])
    with pytest.raises(ValueError, match="X's sequence ids in another type"):
        RNNRegressor(**QUICK).fit(X, y.iloc[::-1])
    with pytest.raises(ValueError, match="none of which is an id of X's sequences"):
        RNNRegressor(**QUICK).fit(X, y.set_axis([f"s{i}" for i in range(12)]))
    # string ids, y indexed by them as integers: refused alike
    text = X.set_axis(X.index.set_levels(X.index.levels[0].astype(str), level=0))
    with pytest.raises(ValueError, match="X's sequence ids in another type"):
        RNNRegressor(**QUICK).fit(text, y.set_axis(range(100, 112)))
    # integer labels that are no ids are positions (a plain Series's folds),
    # of an object dtype too
    RNNRegressor(**QUICK).fit(X, y.reset_index(drop=True))
    RNNRegressor(**QUICK).fit(X, y.set_axis(pd.Index(range(12), dtype=object)))


def _shuffled_long_frame():
    """A long frame of 30 ragged sequences, its rows and ids out of order."""
    rng = np.random.default_rng(1)
    ids = [f"s{k:02d}" for k in range(30)]
    rows = [(i, t, *rng.normal(size=2)) for i in ids for t in range(rng.integers(3, 8))]
    X = pd.DataFrame(rows, columns=["id", "t", "a", "b"]).set_index(["id", "t"])
    X = X.iloc[rng.permutation(len(X))]
    sums = X["a"].groupby(level="id").sum()
    order = rng.permutation(30)
    y = (sums > 0).astype(int).iloc[order]
    weight = pd.Series(rng.uniform(0.1, 1.1, size=30), index=sums.index).iloc[order]
    return X, y, weight


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_weights_and_score_are_lined_up_with_a_long_frame_by_id(Estimator):
    X, y, weight = _shuffled_long_frame()
    if Estimator is RNNRegressor:
        y = (y * 2.0 - 1 + X["b"].groupby(level="id").mean()).reindex(y.index)
    params = dict(QUICK, max_epochs=20)  # a classifier that predicts both labels
    by_id = Estimator(**params).fit(X, y.sort_index(), weight.sort_index())
    # y was lined up by id but the weights were paired by position (outputs
    # 0.24-0.27 apart), and score paired y by position (accuracy 0.60 for
    # 0.93, R2 -0.80 for 0.84)
    shuffled = Estimator(**params).fit(X, y, weight)
    outputs = "predict_proba" if Estimator is RNNClassifier else "predict"
    np.testing.assert_allclose(
        getattr(shuffled, outputs)(X),
        getattr(by_id, outputs)(X),
        rtol=1e-9,
        atol=1e-12,
    )
    sorted_score = by_id.score(X, y.sort_index(), weight.sort_index())
    assert by_id.score(X, y, weight) == pytest.approx(sorted_score, abs=1e-12)
    unweighted = by_id.score(X, y.sort_index())
    assert by_id.score(X, y) == pytest.approx(unweighted, abs=1e-12)
    # an array is paired in sorted id order, which differs from X's: warned
    with pytest.warns(UserWarning, match="paired with them in sorted id order"):
        assert by_id.score(X, y.sort_index().to_numpy()) == unweighted


# -------------------------------------------------------------- targets


def test_complex_and_missing_targets_are_refused():
    with pytest.raises(ValueError, match="Complex data not supported"):
        RNNRegressor(**QUICK).fit(X3, LABELS + 1j)
    labels = np.array(["a", None] * 12, dtype=object)
    with pytest.raises(ValueError, match="missing labels .* 12 positions, the first 1"):
        RNNClassifier(**QUICK).fit(X3, labels)
    with pytest.raises(ValueError, match="y is complex"):
        SequenceForecaster(**QUICK).fit(np.arange(40) + 1j)


# pd.NA in a 'string' or object y failed inside sklearn's finite check
# ("TypeError: boolean value of NA is ambiguous"); nullable Int64/boolean and
# category y said "Input y contains NaN." (fit) or gave a TypeError (score)
NA_LABELS = {
    "string": pd.Series(["a", "b", pd.NA] * 8, dtype="string"),
    "object": pd.Series(["a", "b", pd.NA] * 8, dtype=object),
    "Int64": pd.Series([1, 2, pd.NA] * 8, dtype="Int64"),
    "boolean": pd.Series([True, False, pd.NA] * 8, dtype="boolean"),
    "category": pd.Series(["a", "b", None] * 8, dtype="category"),
}
MISSING = r"missing labels \(None, NaN or pd.NA\) at 8 "


@pytest.mark.parametrize("dtype", list(NA_LABELS))
def test_pandas_missing_labels_are_refused_in_fit_and_score(dtype):
    y = NA_LABELS[dtype]
    with pytest.raises(ValueError, match=MISSING + "positions, the first 2"):
        RNNClassifier(**QUICK).fit(X3, y)
    clf = RNNClassifier(**QUICK).fit(X3, y.iloc[[0, 1] * 12])
    with pytest.raises(ValueError, match=MISSING + "positions, the first 2"):
        clf.score(X3, y)
    with_na, clean = y.iloc[[0, 1, 2, 0, 1]], y.iloc[[0, 1, 0, 1, 0]]
    tags = [with_na] * 8 + [clean] * 16
    with pytest.raises(ValueError, match=MISSING + "steps, the first step 2 of seq"):
        RNNTagger(**QUICK).fit(X3, tags)
    tagger = RNNTagger(**QUICK).fit(X3, [clean] * 24)
    with pytest.raises(ValueError, match=MISSING + "steps, the first step 2 of seq"):
        tagger.score(X3, tags)


def test_nullable_float_targets_with_pd_na_are_refused_naming_y():
    y = pd.Series([1.0, 2.0, pd.NA] * 8, dtype="Float64")
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RNNRegressor(**QUICK).fit(X3, y)
    reg = RNNRegressor(**QUICK).fit(X3, np.arange(24.0))
    with pytest.raises(ValueError, match="Input y contains NaN"):  # was "Input"
        reg.score(X3, y)
    steps = [y.iloc[:5]] * 24  # a pd.NA at step 2 of each
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RNNStepRegressor(**QUICK).fit(X3, steps)
    step_reg = RNNStepRegressor(**QUICK).fit(X3, np.ones((24, 5)))
    with pytest.raises(ValueError, match="Input y contains NaN"):
        step_reg.score(X3, steps)


@pytest.mark.parametrize(
    "make",
    [
        lambda values: np.array(values, dtype=object),
        lambda values: pd.Series(values, dtype=object),
    ],
    ids=["ndarray", "series"],
)
def test_object_targets_with_pd_na_are_refused_naming_y(make):
    # float(pd.NA) raised "TypeError: float() argument must be ... 'NAType'"
    y = make([1.0, 2.0, pd.NA] * 8)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RNNRegressor(**QUICK).fit(X3, y)
    reg = RNNRegressor(**QUICK).fit(X3, make(list(np.arange(24.0))))
    with pytest.raises(ValueError, match="Input y contains NaN"):
        reg.score(X3, y)
    steps = [make([1.0, 2.0, pd.NA, 3.0, 4.0])] * 24
    with pytest.raises(ValueError, match="Input y contains NaN"):
        RNNStepRegressor(**QUICK).fit(X3, steps)
    step_reg = RNNStepRegressor(**QUICK).fit(X3, [make([1.0] * 5)] * 24)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        step_reg.score(X3, steps)


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf, "2"])
def test_class_weights_must_be_finite_and_non_negative(weight):
    clf = RNNClassifier(class_weight={0: weight, 1: 1.0}, **QUICK)
    with pytest.raises(ValueError, match="class_weight must map labels to finite"):
        clf.fit(X3, LABELS)


def test_weights_that_sum_to_zero_are_refused_before_training():
    zero = "weights of the training samples sum to zero: with class_weight"
    with pytest.raises(ValueError, match=zero + ", every"):
        RNNClassifier(class_weight={0: 0, 1: 0, 2: 1}, **QUICK).fit(X3, LABELS)
    clf = RNNClassifier(class_weight={0: 0, 1: 1}, **QUICK)
    with pytest.raises(ValueError, match=zero + " and sample_weight"):
        clf.fit(X3, LABELS, sample_weight=LABELS == 0)
    tags = [np.arange(len(x)) % 2 for x in X3]
    with pytest.raises(ValueError, match=zero):
        RNNTagger(class_weight={0: 0, 1: 0, 5: 1}, **QUICK).fit(X3, tags)


# ------------------------------------------------------------- padding


def test_padder_refuses_a_dtype_that_changes_the_values():
    ids = [np.array([200, 3]), np.array([300])]
    with pytest.raises(ValueError, match=r"dtype=int8 holds integers in \[-128, 127\]"):
        SequencePadder(dtype="int8").fit_transform(ids)
    np.testing.assert_array_equal(
        SequencePadder(dtype="int16").fit_transform(ids), [[200, 3], [0, 300]]
    )
    with pytest.raises(ValueError, match="dtype=float16 cannot hold.*padding value"):
        SequencePadder(dtype="float16").fit_transform([np.ones(2), np.ones(1)])
    padded = SequencePadder(dtype="float16", value=0.0).fit_transform([np.ones(2)])
    assert padded.dtype == np.float16


def test_transformers_refuse_malformed_arguments():
    padder = SequencePadder().fit([np.ones(3)])
    with pytest.raises(ValueError, match="X must be padded sequences, 2-D"):
        padder.inverse_transform(np.ones(3))
    with pytest.raises(ValueError, match="feature_range must be a pair"):
        SequenceScaler(method="minmax", feature_range=(1,)).fit(X3)
    with pytest.raises(ValueError, match="feature_range must be a pair"):
        SequenceScaler(method="minmax", feature_range=(2, 1)).fit(X3)


# -------------------------------------------------------------- memory


def test_sparse_token_ids_are_refused_with_advice():
    X = np.array([[2, 3, 2**21]] * 10)
    with pytest.raises(
        ValueError, match="only 3 distinct ones.*SequenceOrdinalEncoder"
    ):
        RNNClassifier(embedding_dim=2, **QUICK).fit(X, np.arange(10) % 2)
    # an explicit vocabulary is the user's choice
    clf = RNNClassifier(embedding_dim=2, vocab_size=2**21 + 1, **QUICK)
    assert clf.fit(X, np.arange(10) % 2).vocab_size_ == 2**21 + 1


def test_one_long_sequence_does_not_pad_every_batch():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(n), 1)) for n in rng.integers(5, 20, size=95)]
    X.append(rng.normal(size=(5000, 1)))
    y = np.arange(96) % 2
    seen = []

    class Record(torch.nn.Module):
        def __init__(self, input_size, output_size):
            super().__init__()
            self.head = torch.nn.Linear(input_size, output_size)

        def forward(self, X, lengths):
            seen.append(tuple(X.shape[:2]))
            return self.head(X.sum(dim=1))

    clf = RNNClassifier(module=Record, max_epochs=2, batch_size=16, random_state=0)
    clf.fit(X, y)
    long_batches = [shape for shape in seen if shape[1] == 5000]
    assert long_batches and all(rows == 1 for rows, _ in long_batches)
    # the data is held without padding: every step once
    sequences = check_sequences(X)
    assert sequences.steps.shape == (sum(len(x) for x in X), 1)


# --------------------------------------------------------- clear errors


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(device="gpu"), "device='gpu' is not a device torch knows"),
        (dict(device="mps"), "skseq trains on 'cpu' or 'cuda'"),
        (dict(callbacks=[object()]), r"callbacks\[0\] must be a skorch.callbacks"),
        (
            dict(optimizer=torch.optim.Rprop, weight_decay=0.1),
            "weight_decay=0.1 needs an optimizer with an L2 penalty",
        ),
        (dict(optimizer_kwargs={"momentun": 0.9}), r"\['momentun'\] are not options"),
        # it trained at lr 0.5 while lr (a grid's, the schedules') said 0.01
        (
            dict(lr=0.01, optimizer_kwargs={"lr": 0.5}),
            r"optimizer_kwargs sets \['lr'\].*pass lr=0.5 as the estimator's",
        ),
        (
            dict(optimizer_kwargs={"weight_decay": 0.3, "amsgrad": True}),
            r"sets \['weight_decay'\].*pass weight_decay=0.3",
        ),
    ],
)
def test_training_options_are_checked_before_training(params, match):
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**{**QUICK, **params}).fit(X3, LABELS)


@pytest.mark.parametrize("optimizer", [torch.optim.Rprop, torch.optim.LBFGS])
def test_optimizers_without_weight_decay_train(optimizer):
    clf = RNNClassifier(optimizer=optimizer, **QUICK).fit(X3, LABELS)
    assert np.isfinite(clf.history_[:, "train_loss"]).all()


def test_lstm_with_mixed_precision_trains_on_a_cpu():
    clf = RNNClassifier(cell="lstm", mixed_precision=True, **QUICK).fit(X3, LABELS)
    assert clf.predict_proba(X3).shape == (24, 2)


def test_containers_that_are_not_sequences():
    with pytest.raises(TypeError, match="X is a generator or iterator"):
        RNNClassifier(**QUICK).fit((x for x in X3), LABELS)
    with pytest.raises(ValueError, match="token ids up to 9.223e\\+18"):
        ids = np.full((24, 5), 2**63, dtype=np.uint64)
        RNNClassifier(embedding_dim=2, **QUICK).fit(ids, LABELS)


def _covariate_frame(n=60):
    index = pd.period_range("2000-01", periods=n, freq="M")
    return pd.DataFrame({"v": np.sin(np.arange(n) / 3), "c": np.arange(n) % 2}, index)


def test_future_covariates_of_the_wrong_form():
    data = _covariate_frame()
    one = SequenceForecaster(window_length=6, future_covariates=["c"], **QUICK)
    one.fit(data)
    next_step = pd.period_range("2005-01", periods=1, freq="M")
    with pytest.raises(ValueError, match="future must be a DataFrame with the columns"):
        one.predict(future=np.ones((1, 1)))
    with pytest.raises(ValueError, match="future must be a DataFrame"):
        one.predict(future={"x": data[["c"]]})
    many = SequenceForecaster(window_length=6, future_covariates=["c"], **QUICK)
    many.fit({"a": data, "b": data})
    future = pd.DataFrame({"c": [1.0]}, index=next_step)
    with pytest.raises(ValueError, match=r"future\) lacks the .* of series \['b'\]"):
        many.predict(future={"a": future})
    with pytest.raises(ValueError, match="With many series, future is a dict"):
        many.predict(future=future)
    plain = SequenceForecaster(window_length=6, **QUICK).fit(data["v"])
    with pytest.raises(ValueError, match="future was given, but the forecaster has no"):
        plain.predict(future=future)


def test_column_lists_name_each_column_once_in_any_list_form():
    data = _covariate_frame()
    for option in ({"target": ["v", "v"]}, {"future_covariates": ["c", "c"]}):
        (name,) = option
        model = SequenceForecaster(window_length=6, **option, **QUICK)
        with pytest.raises(ValueError, match=f"{name} lists the columns .* than once"):
            model.fit(data)
    listed = SequenceForecaster(window_length=6, target=["v"], **QUICK).fit(data)
    for target in (np.array(["v"]), data.columns[:1]):
        model = SequenceForecaster(window_length=6, target=target, **QUICK).fit(data)
        assert model.targets_ == ["v"]
        pd.testing.assert_frame_equal(model.predict(), listed.predict())


@pytest.mark.slow
def test_forecaster_argument_errors():
    y = load_airline()
    model = SequenceForecaster(window_length=12, **QUICK).fit(y[:-12])
    with pytest.raises(ValueError, match="coverage must be a float in"):
        model.predict_interval(coverage="0.9")
    with pytest.raises(ValueError, match="X is read by position here: it needs 144"):
        SequenceForecaster(**QUICK).fit(y, X=np.ones((len(y) - 1, 1)))
    with pytest.raises(ValueError, match="'sp' parameter of backtest must be an int"):
        backtest(SequenceForecaster(window_length=12, **QUICK), y, cv=2, sp=0)
    with pytest.raises(ValueError, match=r"y\['a'\] is a ndarray; give each series"):
        backtest(SequenceForecaster(window_length=12, **QUICK), {"a": y.values}, cv=2)
    short = SequenceForecaster(window_length=6, horizon=3, **QUICK)
    with pytest.raises(ValueError, match=r"X must have one row per step of y \(144"):
        backtest(short, y, X=np.ones((len(y) - 5, 1)), cv=2)
    # 60 folds of 2 steps: the third step of the horizon is never scored
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        table = backtest(short, y, cv=60, coverage=0.5)
    assert table["n_forecasts"].tolist()[2] == 0 and table.iloc[2, :4].isna().all()
    assert table.iloc[:2, :4].notna().all().all()
    assert table["coverage@0.5"].iloc[:2].notna().all()


def test_predict_uses_the_fitted_geometry_after_set_params():
    y = load_airline()
    model = SequenceForecaster(window_length=12, horizon=3, **QUICK).fit(y)
    before = model.predict()
    model.set_params(horizon=6, window_length=4, normalize="last", transform="log")
    pd.testing.assert_series_equal(model.predict(), before)
    rolling = model.predict_rolling(y[-20:])  # windows of 12, 3 steps: as fitted
    assert list(rolling.columns) == [1, 2, 3] and len(rolling) == 20 - 12


def test_a_short_fold_without_a_frequency_uses_the_training_one():
    index = pd.date_range("2000-01-01", periods=40, freq="D")
    y = pd.Series(np.sin(np.arange(40.0)), index=index)
    model = SequenceForecaster(window_length=5, **QUICK).fit(y[:30])
    fold = y[30:32].copy()
    fold.index = pd.DatetimeIndex(fold.index, freq=None)  # 2 stamps: none inferred
    assert len(model.predict_rolling(fold)) == 2
    assert np.isfinite(model.score(fold))


def test_series_messages_name_the_real_problem():
    frame = pd.DataFrame(np.ones((40, 2)), columns=["a", "a"])
    with pytest.raises(ValueError, match=r"duplicate column names \['a'\]"):
        SequenceForecaster(**QUICK).fit(frame)
    y = pd.Series(np.arange(40.0), index=[f"t{i}" for i in range(40)])
    with pytest.raises(ValueError, match="y.index holds .* indexed by time"):
        SequenceForecaster(window_length=5, **QUICK).fit(y)


def test_inputs_are_refused_naming_the_argument_at_fault():
    data = _covariate_frame()
    y, X = data[["v"]], data[["c"]]
    model = SequenceForecaster(window_length=6, **QUICK)
    with pytest.raises(TypeError, match=r"X has non-numeric columns \['s'\]"):
        model.fit(y, X.assign(s="a"))
    stamped = X.set_axis(pd.date_range("2000-01-01", periods=len(X), freq="D"))
    # an array y has no time stamps: any X is read by position, as an array
    by_position = clone(model).fit(y.to_numpy(), stamped).predict()
    np.testing.assert_array_equal(
        by_position, clone(model).fit(y.to_numpy(), X.to_numpy()).predict()
    )
    with pytest.raises(ValueError, match=r"X must be indexed by time stamps like y"):
        model.fit(y, stamped)
    with pytest.raises(ValueError, match="y is empty"):
        model.fit(np.array([]))
    with pytest.raises(TypeError, match="y holds non-numeric values"):
        model.fit(np.array(pd.date_range("2000-01-01", periods=60)))
    with pytest.raises(ValueError, match="freq must be a pandas frequency"):
        SequenceForecaster(freq="banana", **QUICK).fit(stamped)
    fitted = SequenceForecaster(window_length=6, **QUICK).fit(y, X)
    with pytest.raises(ValueError, match=r"missing \['c'\]\); covariates come again"):
        fitted.score(y)
    ahead = SequenceForecaster(window_length=6, future_covariates=["c"], **QUICK)
    ahead.fit(data)
    future = pd.DataFrame(
        {"c": ["x"]}, index=pd.period_range("2005-01", periods=1, freq="M")
    )
    with pytest.raises(TypeError, match=r"future\) has non-numeric columns \['c'\]"):
        ahead.predict(future=future)


def test_panel_side_inputs_are_checked_by_series():
    data = _covariate_frame()
    panel = {"a": data["v"], "b": data["v"] + 1}
    model = SequenceForecaster(window_length=6, **QUICK)
    static = pd.DataFrame({"k": [1.0, np.inf]}, index=["a", "b"])
    with pytest.raises(ValueError, match="static holds infinite values"):
        model.fit(panel, static=static)
    with pytest.raises(ValueError, match="static holds values up to 2e\\+200"):
        model.fit(panel, static=static.assign(k=[1e200, 2e200]))
    long_y = pd.concat(panel, names=["id", "t"])
    long_X = pd.concat({"a": data[["c"]]}, names=["id", "t"])
    with pytest.raises(ValueError, match=r"X has no rows for the series \['b'\]"):
        model.fit(long_y, long_X)


def test_series_of_another_step_are_refused():
    values = 10 + 3 * np.sin(2 * np.pi * np.arange(96) / 12)
    monthly = pd.Series(values, pd.date_range("2000-01-01", periods=96, freq="MS"))
    daily = monthly.set_axis(pd.date_range("2000-01-01", periods=96, freq="D"))
    model = SequenceForecaster(window_length=6, **QUICK).fit(monthly)
    for method in (model.predict, model.score, model.predict_rolling):
        with pytest.raises(ValueError, match="y has steps of 'D', but the model was"):
            method(y=daily)
    assert len(model.predict(y=monthly[:-12])) == model.horizon
    with pytest.raises(ValueError, match=r"y\['d'\] has steps of 'D', but y\['m'\]"):
        SequenceForecaster(window_length=6, **QUICK).fit({"m": monthly, "d": daily})
    # one step spelled two ways, or weeks anchored on other days: accepted
    weekly = pd.Series(values, pd.date_range("2000-01-02", periods=96, freq="7D"))
    model = SequenceForecaster(window_length=6, **QUICK).fit(weekly)
    unmarked = weekly[-12:].set_axis(pd.DatetimeIndex(list(weekly.index[-12:])))
    assert len(model.predict(y=unmarked)) == model.horizon  # inferred W-SUN
    mondays = weekly.set_axis(weekly.index + pd.Timedelta(days=1))
    SequenceForecaster(window_length=6, **QUICK).fit({"sun": weekly, "mon": mondays})


def test_backtest_of_a_series_that_repeats_itself_leaves_mase_undefined():
    y = pd.Series(7.0, index=pd.date_range("2020-01-01", periods=60, freq="D"))
    model = SequenceForecaster(window_length=6, horizon=3, **QUICK)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        table = backtest(model, y, cv=2)
    assert table["MASE"].isna().all()  # its naive forecast has no error
    assert (table["MAE"] < 1e-3).all() and (table["sMAPE"] < 1e-2).all()


def test_a_series_of_one_window_fits_without_numpy_warnings():
    # one training window: the ridges' leave-one-out has nothing to leave out
    y = pd.Series(np.sin(np.arange(9.0)), pd.date_range("2000-01-01", periods=9))
    model = SequenceForecaster(window_length=6, horizon=3, **QUICK)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        forecast = model.fit(y).predict()
    assert np.isfinite(forecast.to_numpy()).all() and len(forecast) == 3


def test_a_panel_model_scores_a_series_it_did_not_see():
    # predict took a new series of a global model; score refused it
    data = _covariate_frame()
    model = SequenceForecaster(window_length=6, horizon=2, **QUICK)
    model.fit({"a": data["v"], "b": data["v"] + 1})
    new = data["v"] * 2 + 3
    actual, forecast, _, _ = model._rolling({"c": new})
    assert forecast.shape == (54, 2, 1)  # from its own first six steps on
    # the first as predict makes it from those steps (their unit, _units)
    first = model.predict(y={"c": new[:6]})["c"].to_numpy()
    np.testing.assert_allclose(forecast[0, :, 0], first, rtol=1e-6)
    np.testing.assert_array_equal(actual[0, :, 0], new[6:8])
    assert np.isfinite(model.score({"c": new}))
    with pytest.raises(ValueError, match="series 'c' was not seen at fit; fore"):
        model.score({"c": new[:6]})


def test_a_target_renamed_since_fit_gets_no_hint_about_x():
    y = _covariate_frame()["v"].rename("sales")
    model = SequenceForecaster(window_length=6, **QUICK).fit(y.to_frame())
    message = (
        r"fitted on \['sales'\] \(missing \['sales'\]; not seen at fit \['Sales'\]\)\.$"
    )
    with pytest.raises(ValueError, match=message):
        model.predict(y=y.rename("Sales").to_frame())
    # a Series' name is no column: the Series is the target
    model = SequenceForecaster(window_length=6, **QUICK).fit(y)
    np.testing.assert_array_equal(model.predict(y=y.rename("Sales")), model.predict())
