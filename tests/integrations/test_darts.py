"""skseq inside darts' SKLearnModel, with covariates (optional: .ci/integrations)."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.pipeline import make_pipeline

from skseq import RNNRegressor
from skseq.preprocessing import LagsToSequences, darts_lags_to_sequences

darts = pytest.importorskip("darts")
from darts import TimeSeries  # noqa: E402
from darts.models import SKLearnModel  # noqa: E402

TINY = dict(hidden_size=8, max_epochs=3, random_state=0)
N = 40


class Spy(RegressorMixin, BaseEstimator):
    """Keeps the X it is given; predicts zeros."""

    def fit(self, X, y):
        self.X_ = np.asarray(X)
        self.y_ = np.asarray(y)
        return self

    def predict(self, X):
        self.X_predict_ = np.asarray(X)
        return np.zeros((len(X),) + self.y_.shape[1:])


def known_series():
    """Values that tell the variable and the time: 1000 * variable + time."""
    t = np.arange(N + 10, dtype=float)
    target = TimeSeries.from_values(1000.0 + t[:N])
    past = TimeSeries.from_values(np.column_stack([2000.0 + t, 3000.0 + t]))
    future = TimeSeries.from_values(5000.0 + t)
    return target, past, future


def test_darts_lag_table_is_the_layout_the_helper_assumes():
    target, past, future = known_series()
    settings = dict(lags=3, lags_past_covariates=2, lags_future_covariates=(1, 2))
    model = SKLearnModel(model=Spy(), **settings)
    model.fit(target, past_covariates=past, future_covariates=future)
    # darts: target block | past block | future block, each by lag, then component
    assert model.lagged_feature_names == [
        "0_target_lag-3", "0_target_lag-2", "0_target_lag-1",
        "0_pastcov_lag-2", "1_pastcov_lag-2", "0_pastcov_lag-1", "1_pastcov_lag-1",
        "0_futcov_lag-1", "0_futcov_lag0", "0_futcov_lag1",
    ]  # fmt: skip
    model.predict(1, past_covariates=past, future_covariates=future)
    lags = darts_lags_to_sequences(**settings, n_components=(1, 2, 1))
    lags.fit(model.model.X_)
    np.testing.assert_array_equal(lags.steps_, [-3, -2, -1, 0, 1])
    # darts' column names give the variables' names
    names = lags.get_feature_names_out(model.lagged_feature_names)
    assert names.tolist() == ["0_target", "0_pastcov", "1_pastcov", "0_futcov"]
    # each row of training, then the row of the forecast of time N
    times = [*(model.model.y_.ravel() - 1000.0), N]
    rows = np.concatenate([model.model.X_, model.model.X_predict_])
    assert len(rows) == len(times)
    for row, t in zip(lags.transform(rows), times, strict=True):
        # the sequence for the target at time t, built from the values by hand
        expected = np.zeros((5, 4))  # 0: a variable without that lag
        for step, lag in enumerate(range(-3, 2)):
            if lag < 0:
                expected[step, 0] = 1000.0 + t + lag
            if -2 <= lag < 0:
                expected[step, 1:3] = [2000.0 + t + lag, 3000.0 + t + lag]
            if -1 <= lag:
                expected[step, 3] = 5000.0 + t + lag
        np.testing.assert_array_equal(row, expected)


def test_equal_lags_need_only_n_steps_and_n_features():
    target, past, _ = known_series()
    model = SKLearnModel(model=Spy(), lags=4, lags_past_covariates=4)
    model.fit(target, past_covariates=past.univariate_component(0))
    sequences = LagsToSequences(n_steps=4, n_features=2).fit_transform(model.model.X_)
    t = model.model.y_.ravel()[0] - 1000.0
    expected = np.column_stack(
        [1000.0 + t - np.arange(4, 0, -1), 2000.0 + t - np.arange(4, 0, -1)]
    )
    np.testing.assert_array_equal(sequences[0], expected)


@pytest.mark.parametrize("output_chunk_length", [1, 3])
def test_rnn_regressor_forecasts_with_past_covariates(output_chunk_length):
    rng = np.random.default_rng(0)
    t = np.arange(N + 10)
    target = TimeSeries.from_values(np.sin(t[:N] / 3) + 0.1 * rng.normal(size=N))
    past = TimeSeries.from_values(np.cos(t / 3))
    pipeline = make_pipeline(
        LagsToSequences(n_steps=6, n_features=2), RNNRegressor(**TINY)
    )
    model = SKLearnModel(
        model=pipeline,
        lags=6,
        lags_past_covariates=6,
        output_chunk_length=output_chunk_length,
    )
    model.fit(target, past_covariates=past)
    forecast = model.predict(5, past_covariates=past)
    assert len(forecast) == 5
    assert forecast.start_time() == target.end_time() + 1
    assert np.isfinite(forecast.values()).all()
    # the network read 6 steps of 2 variables
    assert model.model[-1].n_features_in_ == 2
