"""fit(y, X): exogenous series, as sktime and skforecast take them."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from skseq import SequenceForecaster

FAST = dict(max_epochs=15, hidden_size=16, random_state=0)


def sales_and_promotions(n=150, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.period_range("2000-01", periods=n, freq="M")
    promo = (rng.random(n) < 0.3).astype(float)
    noise = pd.Series(rng.normal(size=n), index=index, name="noise")
    sales = pd.Series(
        50 + 5 * np.sin(np.arange(n) / 3) + 8 * promo + 0.5 * rng.normal(size=n),
        index=index,
        name="sales",
    )
    X = pd.DataFrame({"promo": promo, "noise": noise}, index=index)
    return sales, X


def test_future_exogenous_values_drive_the_forecast():
    sales, X = sales_and_promotions()
    model = SequenceForecaster(horizon=3, future_covariates=["promo"], **FAST)
    model.fit(sales[:-3], X[:-3])
    forecast = model.predict(X=X[-3:])
    assert isinstance(forecast, pd.Series) and forecast.name == "sales"
    assert forecast.index.equals(sales.index[-3:])
    on, off = X[-3:].assign(promo=1.0), X[-3:].assign(promo=0.0)
    assert (model.predict(X=on) - model.predict(X=off)).mean() > 4  # promo adds ~8
    bounds = model.predict_interval(X=X[-3:])
    assert (bounds["lower"] < forecast).all() and (forecast < bounds["upper"]).all()
    # a new history with its exogenous rows, then the future ones
    again = model.predict(y=sales[:-10], X=X[:-7])
    assert again.index.equals(sales.index[-10:-7])
    assert np.isfinite(model.score(sales[-3:], X[-3:]))


def test_grid_search_splits_y_and_X_together():
    sales, X = sales_and_promotions()
    grid = GridSearchCV(
        SequenceForecaster(horizon=2, future_covariates=["promo"], max_epochs=3),
        {"hidden_size": [4, 8]},
        cv=TimeSeriesSplit(2),
    ).fit(sales, X)
    assert len(grid.cv_results_["mean_test_score"]) == 2


def test_exogenous_arrays_and_errors():
    sales, X = sales_and_promotions()
    model = SequenceForecaster(horizon=2, future_covariates=["x0"], **FAST)
    model.fit(sales.to_numpy()[:-2], X.to_numpy()[:-2])
    assert model.predict(X=X.to_numpy()[-2:]).shape == (2,)
    with pytest.raises(ValueError, match="X must have a row for every time stamp"):
        SequenceForecaster(**FAST).fit(sales, X[:-1])
    with pytest.raises(ValueError, match="leave target=None"):
        SequenceForecaster(target="sales", **FAST).fit(sales, X)
    with pytest.raises(ValueError, match="share the column names"):
        SequenceForecaster(**FAST).fit(sales.to_frame(), X.assign(sales=1.0))
    with pytest.raises(ValueError, match="as X or as future, not both"):
        model.predict(X=X.to_numpy()[-2:], future=X[-2:])
