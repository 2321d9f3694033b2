"""skseq inside sktime's reduction forecasters (optional: .ci/integrations)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.pipeline import make_pipeline

from skseq import RNNRegressor
from skseq.preprocessing import LagsToSequences

pytest.importorskip("sktime")
from sktime.forecasting.compose import make_reduction  # noqa: E402
from sktime.forecasting.model_selection import ForecastingGridSearchCV  # noqa: E402
from sktime.split import ExpandingWindowSplitter  # noqa: E402

# sktime 1.2 announces a change of its own default (remember_data) on each fit
pytestmark = pytest.mark.filterwarnings("ignore:The default of config:FutureWarning")

TINY = dict(hidden_size=8, max_epochs=3, random_state=0)


class Spy(RegressorMixin, BaseEstimator):
    """Keeps the X it is given; predicts zeros."""

    def fit(self, X, y):
        self.X_ = np.asarray(X)
        self.y_ = np.asarray(y)
        self.X_predict_ = []
        return self

    def predict(self, X):
        self.X_predict_.append(np.asarray(X))
        return np.zeros(len(X))


def series(n=40):
    rng = np.random.default_rng(0)
    t = np.arange(n)
    y = pd.Series(np.sin(t / 3) + 0.1 * rng.normal(size=n))
    X = pd.DataFrame({"a": np.cos(t / 3), "b": rng.normal(size=n)})
    return y, X


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_sktime_window_is_target_then_each_exogenous_column(strategy):
    n = 30
    y = pd.Series(1000.0 + np.arange(n))
    X = pd.DataFrame({"a": 2000.0 + np.arange(n), "b": 3000.0 + np.arange(n)})
    forecaster = make_reduction(Spy(), window_length=4, strategy=strategy)
    forecaster.fit(y, X=X, fh=[1, 2])
    spy = forecaster.estimators_[0] if strategy == "direct" else forecaster.estimator_
    sequences = LagsToSequences(n_steps=4, n_features=3).fit_transform(spy.X_)
    for start, sequence in enumerate(sequences):  # row i: the window at times i..i+3
        window = start + np.arange(4.0)
        expected = np.column_stack([1000 + window, 2000 + window, 3000 + window])
        np.testing.assert_array_equal(sequence, expected)
    np.testing.assert_array_equal(spy.y_[:3], [1004.0, 1005.0, 1006.0])  # next step
    # the first forecast reads the window of the last 4 times of every variable
    future = pd.DataFrame({"a": [0.0, 0.0], "b": [0.0, 0.0]}, index=[n, n + 1])
    forecaster.predict(fh=[1, 2], X=future)
    window = n - 4 + np.arange(4.0)
    expected = np.column_stack([1000 + window, 2000 + window, 3000 + window])
    sequence = LagsToSequences(n_steps=4, n_features=3).fit_transform(spy.X_predict_[0])
    np.testing.assert_array_equal(sequence[0], expected)


@pytest.mark.parametrize("strategy", ["recursive", "direct"])
def test_rnn_regressor_forecasts_with_exogenous_columns(strategy):
    y, X = series()
    y_train, X_train = y.iloc[:-3], X.iloc[:-3]
    pipeline = make_pipeline(
        LagsToSequences(n_steps=5, n_features=3), RNNRegressor(**TINY)
    )
    forecaster = make_reduction(pipeline, window_length=5, strategy=strategy)
    forecaster.fit(y_train, X=X_train, fh=[1, 2, 3])
    forecast = forecaster.predict(X=X.iloc[-3:])
    assert list(forecast.index) == list(y.index[-3:])
    assert np.isfinite(forecast.to_numpy()).all()


def test_rnn_regressor_on_the_target_alone():
    y, _ = series()
    forecaster = make_reduction(RNNRegressor(**TINY), window_length=5)
    forecaster.fit(y.iloc[:-3])
    forecast = forecaster.predict(fh=[1, 2, 3])
    assert np.isfinite(forecast.to_numpy()).all()


def test_forecasting_grid_search_over_hidden_size():
    y, X = series()
    pipeline = make_pipeline(
        LagsToSequences(n_steps=5, n_features=3), RNNRegressor(**TINY)
    )
    forecaster = make_reduction(pipeline, window_length=5)
    search = ForecastingGridSearchCV(
        forecaster,
        cv=ExpandingWindowSplitter(initial_window=30, step_length=5, fh=[1, 2]),
        param_grid={"estimator__rnnregressor__hidden_size": [4, 8]},
    )
    search.fit(y.iloc[:-2], X=X.iloc[:-2])
    assert search.best_params_["estimator__rnnregressor__hidden_size"] in (4, 8)
    assert len(search.cv_results_) == 2
    forecast = search.predict(fh=[1, 2], X=X.iloc[-2:])
    assert np.isfinite(forecast.to_numpy()).all()
