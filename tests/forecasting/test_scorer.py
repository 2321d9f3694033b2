"""forecast_scorer: searches over forecasters scored by any metric."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skseq import SequenceForecaster
from skseq.model_selection import forecast_scorer

FAST = dict(max_epochs=5, hidden_size=8, random_state=0)


def _series(n=160, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.period_range("2000-01", periods=n, freq="M")
    return pd.Series(np.sin(np.arange(n) / 4) + 0.1 * rng.normal(size=n), index=index)


def test_the_scorer_is_the_metric_of_the_rolling_forecasts():
    y = _series()
    model = SequenceForecaster(window_length=6, horizon=2, **FAST).fit(y[:120])
    test = y[120:]
    rolling = model.predict_rolling(test).to_numpy()  # one row per step
    values = np.r_[test.to_numpy(), np.nan]  # the last second step: past it
    actual = np.column_stack([values[:-1], values[1:]])
    inside = ~np.isnan(actual)
    expected = mean_absolute_error(actual[inside], rolling[inside])
    scorer = pickle.loads(pickle.dumps(forecast_scorer()))  # for n_jobs > 1
    assert scorer(model, test) == pytest.approx(-expected)
    r2 = forecast_scorer(r2_score, greater_is_better=True)
    assert r2(model, test) == model.score(test)
    assert "mean_absolute_error" in repr(scorer)


def test_a_search_scores_each_fold_by_its_rolling_forecasts():
    # scoring="neg_mean_absolute_error" has no y to compare with: NaN scores
    y = _series(seed=1)
    cv = TimeSeriesSplit(2)
    search = GridSearchCV(
        SequenceForecaster(horizon=2, **FAST),
        {"window_length": [2, 8]},
        cv=cv,
        scoring=forecast_scorer(),
        error_score="raise",
    ).fit(y)
    train, test = list(cv.split(y))[1]
    model = SequenceForecaster(horizon=2, window_length=8, **FAST).fit(y.iloc[train])
    expected = forecast_scorer()(model, y.iloc[test])
    assert search.cv_results_["split1_test_score"][1] == pytest.approx(expected)
    assert (search.cv_results_["mean_test_score"] < 0).all()


def test_the_metric_must_be_callable():
    with pytest.raises(TypeError, match="metric must be a callable"):
        forecast_scorer("neg_mean_absolute_error")


def test_a_fitted_search_is_scored_and_backtested_by_its_best_forecaster():
    # nested cross-validation: the outer scorer gets the search itself (its
    # score was NaN, with AttributeError '_metric' as a warning)
    from sklearn.model_selection import cross_val_score

    from skseq.model_selection import backtest

    y = _series(n=120)
    search = GridSearchCV(
        SequenceForecaster(horizon=2, max_epochs=2, hidden_size=4, random_state=0),
        {"window_length": [2, 4]},
        cv=TimeSeriesSplit(2),
        scoring=forecast_scorer(),
    )
    outer = cross_val_score(
        search, y, cv=TimeSeriesSplit(2), scoring=forecast_scorer(), error_score="raise"
    )
    assert np.isfinite(outer).all() and (outer < 0).all()
    fitted = search.fit(y[:80])
    expected = forecast_scorer()(fitted.best_estimator_, y[80:])
    assert forecast_scorer()(fitted, y[80:]) == expected
    table = backtest(search, y, cv=2)
    assert table["n_forecasts"].tolist() == [80, 78] and table["MAE"].notna().all()
    with pytest.raises(TypeError, match="forecast_scorer takes a SequenceForecaster"):
        forecast_scorer()(GridSearchCV(search.estimator, {}, refit=False), y)


class _Fits(BaseEstimator):
    """Fits on y alone and forecasts: not a SequenceForecaster."""

    fits = 0

    def fit(self, y, X=None):
        type(self).fits += 1
        return self

    def predict(self, X=None):
        return np.zeros(1)


@pytest.mark.parametrize("wrap", [False, True])
def test_backtest_refuses_what_is_not_a_forecaster_before_it_trains(wrap):
    from skseq.model_selection import backtest

    estimator = GridSearchCV(_Fits(), {}, cv=2) if wrap else _Fits()
    with pytest.raises(TypeError, match="backtest takes a SequenceForecaster"):
        backtest(estimator, _series(n=60), cv=2)
    assert _Fits.fits == 0  # before, the first fold trained, then was refused
    with pytest.raises(TypeError, match="backtest takes a SequenceForecaster"):
        backtest(Ridge(), _series(n=60), cv=2)  # before: Ridge.fit's TypeError


def test_a_search_of_another_library_is_not_refused_before_it_trains():
    # duck-typed as rolling_forecaster is: an estimator over a forecaster
    from skseq.model_selection._searches import check_rolling

    class Search(BaseEstimator):
        def __init__(self, estimator):
            self.estimator = estimator

    check_rolling(Search(Search(SequenceForecaster())), "backtest")
    with pytest.raises(TypeError, match="backtest takes a SequenceForecaster"):
        check_rolling(Search(Ridge()), "backtest")


@pytest.mark.parametrize("form", ["series", "named", "array"])
def test_the_series_given_as_y_and_as_x_points_to_the_scorer(form):
    # cross_val_score(forecaster, y, y, scoring="neg_...") passes it as both
    from sklearn.model_selection import cross_val_score

    y = _series(n=60)
    y = {"series": y, "named": y.rename("sales"), "array": y.to_numpy()}[form]
    with pytest.raises(ValueError, match="forecast_scorer") as info:
        cross_val_score(
            SequenceForecaster(horizon=2, **FAST),
            y,
            y,
            cv=TimeSeriesSplit(2),
            scoring="neg_mean_absolute_error",
            error_score="raise",
        )
    assert "holds the values of y" in str(info.value)


def test_a_covariate_equal_to_a_flat_target_is_read():
    # a constant target may equal an indicator column: no refusal there
    y = pd.Series(np.ones(40), index=pd.period_range("2000-01", periods=40, freq="M"))
    X = pd.DataFrame({"on": np.ones(40)}, index=y.index)
    model = SequenceForecaster(horizon=2, window_length=4, **FAST).fit(y, X)
    np.testing.assert_allclose(model.predict(y, X=X), 1.0)


def test_a_covariate_equal_to_the_target_over_a_history_is_read():
    # found by review: sales = min(orders, stock) equal the orders over a
    # week without a stock-out; only an X that repeats y at fit is refused
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=120, freq="D")
    orders = rng.poisson(20, 120).astype(float)
    stock = np.where(rng.random(120) < 0.2, 15.0, 99.0)
    sales = pd.Series(np.minimum(orders, stock), index, name="sales")
    X = pd.DataFrame({"orders": orders}, index)
    model = SequenceForecaster(horizon=2, window_length=7, **FAST).fit(sales, X)
    same = np.convolve((sales.to_numpy() == orders).astype(int), np.ones(7), "valid")
    end = int(np.flatnonzero(same == 7)[-1]) + 7
    week = slice(end - 7, end)
    assert np.isfinite(model.predict(sales.iloc[week], X=X.iloc[week])).all()


def test_a_panel_refuses_only_an_x_that_is_y_in_every_series():
    # found by review: one shop that never ran out of stock blocked the panel
    rng = np.random.default_rng(1)
    index = pd.date_range("2024-01-01", periods=80, freq="D")
    orders = {key: pd.Series(rng.poisson(20, 80).astype(float), index) for key in "ab"}
    sales = {"a": orders["a"].rename("sales"), "b": orders["b"].clip(upper=18)}
    sales["b"] = sales["b"].rename("sales")
    X = {key: orders[key].rename("orders").to_frame() for key in "ab"}
    model = SequenceForecaster(horizon=2, window_length=7, **FAST).fit(sales, X)
    forecasts = model.predict(y=sales, X=X)
    assert all(np.isfinite(forecasts[key]).all() for key in "ab")
    with pytest.raises(ValueError, match="holds the values of y"):
        again = {key: frame.rename(columns=str.upper) for key, frame in X.items()}
        SequenceForecaster(horizon=2, **FAST).fit(X, again)


def test_a_flat_target_beside_a_moving_one_is_no_covariate_either():
    y = _series(n=60).to_frame("level").assign(flat=1.0)
    with pytest.raises(ValueError, match="holds the values of y"):
        SequenceForecaster(horizon=2, **FAST).fit(y, y.rename(columns=str.upper))
