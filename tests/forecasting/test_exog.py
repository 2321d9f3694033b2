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
    # X over the history and the forecast steps, as sktime takes it: the
    # rows before the first forecast step are not read
    np.testing.assert_array_equal(model.predict(X=X), forecast)
    with pytest.raises(ValueError, match="it lacks 3, the first 2012-04"):
        model.predict(X=X[:-3])  # no row at the first forecast step
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


def test_exogenous_histories_in_every_form():
    sales, X = sales_and_promotions()
    # past-only covariates: the rows after the history are not needed
    past = SequenceForecaster(horizon=2, **FAST).fit(sales[:-2], X[:-2])
    again = past.predict(y=sales[:-10], X=X[:-10])
    assert again.index.equals(sales.index[-10:-8])
    assert past.predict(y=sales[:-10], X=X).equals(again)  # later rows unread
    # arrays: by position; X over the history, then exactly the horizon
    model = SequenceForecaster(horizon=2, future_covariates=["x0"], **FAST)
    model.fit(sales.to_numpy()[:-2], X.to_numpy()[:-2])
    from_history = model.predict(y=sales.to_numpy()[:-10], X=X.to_numpy()[:-8])
    assert from_history.shape == (2,)
    with pytest.raises(
        ValueError, match="it needs the 2 rows of the forecast steps, got 150"
    ):
        model.predict(X=X.to_numpy())  # the whole X: not the next 2 steps
    # a Series y with array X: positions, the forecast on y's time stamps
    mixed = SequenceForecaster(horizon=2, future_covariates=["x0"], **FAST)
    mixed.fit(sales[:-2], X.to_numpy()[:-2])
    forecast = mixed.predict(X=X.to_numpy()[-2:])
    assert forecast.index.equals(sales.index[-2:])
    # dicts of series of different lengths, split by each one's time stamps
    y = {"a": sales[:-2], "b": sales[20:-2] + 10}
    exog = {"a": X, "b": X[15:]}
    panel = SequenceForecaster(horizon=2, future_covariates=["promo"], **FAST)
    panel.fit(y, exog)  # X runs on past y: its later rows are not read
    forecasts = panel.predict(y=y, X=exog)
    assert forecasts["b"].index.equals(sales.index[-2:])
    # a long frame
    long_y = pd.concat(y, names=["id", "time"])
    long_X = pd.concat(exog, names=["id", "time"])
    long_model = SequenceForecaster(horizon=2, future_covariates=["promo"], **FAST)
    long_model.fit(long_y, long_X[long_X.index.get_level_values(1) < sales.index[-2]])
    long_forecast = long_model.predict(y=long_y, X=long_X)
    assert isinstance(long_forecast, pd.Series) and len(long_forecast) == 4
    arrays = SequenceForecaster(horizon=2, **FAST).fit(
        {k: v.to_numpy() for k, v in y.items()},
        {"a": X[:-2].to_numpy(), "b": X[20:-2].to_numpy()},  # row for row
    )
    assert {k: v.shape for k, v in arrays.predict().items()} == {"a": (2,), "b": (2,)}


def test_exogenous_rows_that_cannot_be_placed_are_refused():
    sales, X = sales_and_promotions()
    array = SequenceForecaster(horizon=2, **FAST).fit(
        sales.to_numpy()[:100], X.to_numpy()[:100]
    )
    # an array X longer than y cannot say which rows are y's
    with pytest.raises(ValueError, match="X is read by position here: it needs 50"):
        array.score(sales.to_numpy()[100:], X.to_numpy())
    with pytest.raises(ValueError, match="needs 40 or 42 rows"):
        array.predict(y=sales.to_numpy()[:40], X=X.to_numpy())
    # a pandas X on a RangeIndex for an array model: the horizon rows only
    ranged = pd.DataFrame(X.to_numpy(), columns=["x0", "x1"])
    future_model = SequenceForecaster(horizon=2, future_covariates=["x0"], **FAST)
    future_model.fit(sales.to_numpy()[:-2], X.to_numpy()[:-2])
    with pytest.raises(
        ValueError, match="needs the 2 rows of the forecast steps, got 5"
    ):
        future_model.predict(X=ranged.iloc[-5:])
    dated = SequenceForecaster(horizon=2, **FAST).fit(sales[:-2], X[:-2])
    with pytest.raises(ValueError, match="X must be indexed by time stamps like y"):
        dated.predict(y=sales[:-10], X=ranged)
    with pytest.raises(ValueError, match="repeated time stamps"):
        dated.predict(y=sales[:-10], X=pd.concat([X, X.iloc[:1]]))


def test_long_frames_sorted_by_time_are_read_by_their_labels():
    sales, X = sales_and_promotions()
    y = pd.concat({"a": sales, "b": sales + 3}, names=["id", "time"])
    exog = pd.concat({"a": X, "b": X}, names=["id", "time"])
    by_time = SequenceForecaster(horizon=2, **FAST).fit(
        y.sort_index(level="time"), exog.sort_index(level="time")
    )
    by_id = SequenceForecaster(horizon=2, **FAST).fit(y, exog)
    pd.testing.assert_series_equal(by_time.predict(), by_id.predict())


def test_rolling_forecasts_and_backtests_take_X():
    from skseq.model_selection import backtest

    sales, X = sales_and_promotions()
    model = SequenceForecaster(horizon=2, future_covariates=["promo"], **FAST)
    model.fit(sales[:100], X[:100])
    rolling = model.predict_rolling(sales[100:], X[100:])
    # forecasts from the 49 steps whose next 2 promotions lie inside the fold
    assert rolling.shape == (49, 2) and rolling.index[0] == sales.index[100]
    for y, exog in ((sales, X), (sales.to_numpy(), X.to_numpy())):
        errors = backtest(SequenceForecaster(horizon=2, **FAST), y, exog, cv=2)
        assert errors.index.tolist() == [1, 2] and np.isfinite(errors["MAE"]).all()
    # X by time stamp, in any order, as fit reads it (its reversed rows were
    # split by position: "X must have a row for every time stamp of y")
    errors = backtest(model, sales, X, cv=2)
    pd.testing.assert_frame_equal(backtest(model, sales, X.iloc[::-1], cv=2), errors)


def test_x_errors_name_x():
    sales, X = sales_and_promotions()
    past = SequenceForecaster(horizon=2, **FAST).fit(sales[:-2], X[:-2])
    with pytest.raises(ValueError, match="X without y gives the future covariates"):
        past.predict(X=X[-2:])
    future = SequenceForecaster(horizon=2, future_covariates=["promo"], **FAST)
    future.fit(sales[:-2], X[:-2])
    with pytest.raises(ValueError, match="X must run 2 steps past the end of y"):
        future.predict(y=sales[:-2], X=X[:-2])
    # missing values are X's, at fit and over the forecast steps
    holed = X.copy()
    holed.iloc[5, 0] = np.nan
    with pytest.raises(
        ValueError, match="X contains NaN: 1 values, the first at 2000-06"
    ):
        SequenceForecaster(horizon=2, **FAST).fit(sales, holed)
    with pytest.raises(ValueError, match=r"X \(or future\) contains NaN"):
        future.predict(X=X[-2:].assign(promo=np.nan))
    # an array has no names to find the future covariates by
    with pytest.raises(ValueError, match="X is an array, but .* \\['promo'\\] by name"):
        future.predict(X=X.to_numpy()[-2:])
    with pytest.raises(ValueError, match="X holds values up to 1e\\+300"):
        SequenceForecaster(horizon=2, **FAST).fit(sales, X.assign(noise=1e300))
    with pytest.raises(ValueError, match=r"X \(or future\) holds values up to"):
        future.predict(X=X[-2:].assign(promo=1e300))
    # a dict X names the series
    with pytest.raises(ValueError, match=r"X\['b'\] contains NaN: 1 values"):
        SequenceForecaster(horizon=2, **FAST).fit(
            {"a": sales, "b": sales}, {"a": X, "b": holed}
        )


def test_an_array_fold_with_x_continues_the_training_series():
    # with X, the fold was scored from its own first window_length steps:
    # 2 forecasts instead of 8, and folds of 6 steps or fewer failed
    rng = np.random.default_rng(0)
    y, X = np.sin(np.arange(48) / 3) + 5, rng.normal(size=(48, 1))
    model = SequenceForecaster(window_length=6, horizon=2, **FAST).fit(y[:40], X[:40])
    rolling = model.predict_rolling(y[40:], X=X[40:])
    assert rolling.shape == (8, 2) and rolling.index[0] == 0
    first = model.predict(y=y[:40], X=X[:40])  # from the end of the training
    np.testing.assert_allclose(rolling.iloc[0], first)
    assert np.isfinite(model.score(y[40:45], X=X[40:45]))


def test_x_is_read_by_name_zone_and_position_as_pandas_users_expect():
    sales, X = sales_and_promotions(60)
    model = SequenceForecaster(horizon=2, future_covariates=["promo"], **FAST)
    model.fit(sales[:-2], X[:-2])
    forecast = model.predict(y=sales[:-2], X=X)
    # columns in another order are the same columns
    reordered = model.predict(y=sales[:-2], X=X[["noise", "promo"]])
    pd.testing.assert_series_equal(reordered, forecast)
    # an unnamed series beside a frame of an array (columns 0, 1...)
    unnamed = sales.rename(None)
    frame = pd.DataFrame(X.to_numpy(), index=X.index)
    plain = SequenceForecaster(horizon=2, **FAST).fit(unnamed[:-2], frame[:-2])
    assert plain.predict().name is None
    # beside named columns it keeps its column 0 (models saved before read it)
    named = SequenceForecaster(horizon=2, **FAST).fit(unnamed[:-2], X[:-2])
    assert named.targets_ == [0]
    with pytest.raises(ValueError, match="X has complex columns"):
        SequenceForecaster(horizon=2, **FAST).fit(sales, X.astype(complex))


def test_x_in_another_time_zone_is_the_same_instants():
    index = pd.date_range("2024-03-01", periods=62, freq="h", tz="Europe/Berlin")
    y = pd.Series(np.sin(np.arange(60) / 3) + 5, index[:60])
    X = pd.DataFrame({"b": np.arange(62.0)}, index)
    model = SequenceForecaster(horizon=2, future_covariates=["b"], **FAST)
    forecast = model.fit(y, X[:60]).predict(X=X[60:])
    utc = X.tz_convert("UTC")
    pd.testing.assert_series_equal(model.predict(X=utc[60:]), forecast)
    other = SequenceForecaster(horizon=2, future_covariates=["b"], **FAST)
    pd.testing.assert_series_equal(other.fit(y, utc[:60]).predict(X=X[60:]), forecast)
    # a tz-naive y beside a tz-aware X: the message says which is which
    naive = y.tz_localize(None)
    message = r"like y \(DatetimeIndex tz-naive\), got a DatetimeIndex in UTC"
    with pytest.raises(ValueError, match=message):
        other.fit(naive, utc[:60])


def test_each_series_of_a_panel_is_read_by_its_own_column_names():
    # the order of the first series was applied to all: 'b' with its columns
    # swapped was read as if in order (R² -5.9 on this panel)
    index = pd.period_range("2000-01", periods=60, freq="M")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"v": np.sin(np.arange(60) / 3) + 2, "c": rng.normal(size=60) * 100}, index
    )
    model = SequenceForecaster(horizon=2, target="v", **FAST)
    model.fit({"a": df[:40], "b": 2 * df[:40]})
    score = model.score({"a": df[40:], "b": 2 * df[40:]})
    swapped = 2 * df[40:][["c", "v"]]
    assert model.score({"a": df[40:], "b": swapped}) == score
    with pytest.raises(ValueError, match=r"y has columns \['v'\], but the model"):
        model.score({"a": df[40:], "b": df[40:][["v"]]})


def test_cross_validation_of_an_array_with_a_frame_x():
    # sklearn's folds of a DataFrame keep its index (65 to 69): with an array
    # y, X is read by position
    from sklearn.model_selection import cross_val_score

    sales, X = sales_and_promotions(70)
    model = SequenceForecaster(window_length=6, horizon=2, **FAST)
    folds = TimeSeriesSplit(n_splits=2, test_size=5)
    scores = cross_val_score(
        model, sales.to_numpy(), X.reset_index(drop=True), cv=folds, error_score="raise"
    )
    assert np.isfinite(scores).all()


def test_backtest_of_an_array_reads_a_stamped_x_by_position():
    from skseq.model_selection import backtest

    sales, X = sales_and_promotions(80)
    model = SequenceForecaster(window_length=6, horizon=2, **FAST)
    stamped = backtest(model, sales.to_numpy(), X, cv=2)
    plain = backtest(model, sales.to_numpy(), X.to_numpy(), cv=2)
    pd.testing.assert_frame_equal(stamped, plain)


def test_an_array_y_reads_any_future_X_by_position():
    # its time stamps are positions the model made up: an X labelled by
    # weeks 101-103 is the three forecast steps, as fit reads X by position
    # (before: refused at predict, and an X over the history and the future
    # was read from the row labelled 100, a history row, with no error)
    sales, X = sales_and_promotions(103)
    X = X.set_index(pd.Index(np.arange(1, 104), name="week"))
    model = SequenceForecaster(horizon=3, future_covariates=["promo"], **FAST)
    model.fit(sales.to_numpy()[:100], X.iloc[:100])
    expected = model.predict(X=X.iloc[-3:].reset_index(drop=True))
    np.testing.assert_array_equal(model.predict(X=X.iloc[-3:]), expected)
    with pytest.raises(
        ValueError, match="needs the 3 rows of the forecast steps, got 103"
    ):
        model.predict(X=X)


def test_predict_reads_the_future_rows_by_time_stamp_in_any_order():
    # fit and score read X by time stamp; predict took its rows by position
    # from the first forecast stamp, and refused rows in another order
    sales, X = sales_and_promotions(63)
    small = dict(max_epochs=2, hidden_size=8, random_state=0)
    model = SequenceForecaster(horizon=3, future_covariates=["promo"], **small)
    model.fit(sales[:60], X[:60])
    forecast = model.predict(X=X[60:])
    pd.testing.assert_series_equal(model.predict(X=X[60:].iloc[::-1]), forecast)
    pd.testing.assert_series_equal(
        model.predict(y=sales[:60], X=X.iloc[::-1]), forecast
    )
    columns = SequenceForecaster(
        horizon=3, target="sales", future_covariates=["promo"], **small
    ).fit(pd.concat([sales, X], axis=1)[:60])
    ahead = columns.predict(future=X[60:])
    pd.testing.assert_frame_equal(columns.predict(future=X[60:].iloc[::-1]), ahead)
    # a Series named after the covariate, as X takes it (refused before)
    pd.testing.assert_frame_equal(columns.predict(future=X[60:]["promo"]), ahead)
    # a long panel's future rows, shuffled
    long = pd.concat({"a": X, "b": X}, names=["id", "t"])
    panel = SequenceForecaster(horizon=3, future_covariates=["promo"], **small)
    panel.fit(
        pd.concat({"a": sales[:60], "b": sales[:60]}),
        long.loc[(slice(None), X.index[:60]), :],
    )
    future = long.loc[(slice(None), X.index[60:]), :]
    expected = panel.predict(X=future)
    shuffled = panel.predict(X=future.sample(frac=1, random_state=0))
    pd.testing.assert_series_equal(shuffled, expected)
    with pytest.raises(
        ValueError, match="X \\(or future\\) has 1 repeated time stamps"
    ):
        model.predict(X=pd.concat([X[60:], X[60:61]]))


def test_y_is_checked_before_x_is_read_by_its_time_stamps():
    # an empty y crashed with pandas' IndexError, a repeated stamp of y was
    # blamed on X, duplicate columns were called non-numeric, and a long X
    # lacking a row said "X contains NaN" (NaNs of its reindexing)
    sales, X = sales_and_promotions(60)
    model = SequenceForecaster(horizon=2, future_covariates=["promo"], max_epochs=1)
    with pytest.raises(ValueError, match="^y is empty"):
        model.fit(sales[:0], X)
    with pytest.raises(ValueError, match=r"^y\['b'\] is empty"):
        model.fit({"a": sales, "b": sales[:0]}, {"a": X, "b": X[:0]})
    repeated = pd.concat([sales, sales.iloc[[30]]]).sort_index()
    with pytest.raises(ValueError, match="^y.index has 1 duplicated time stamps"):
        model.fit(repeated, X)
    twice = pd.concat([X["promo"], X["noise"].rename("promo")], axis=1)
    with pytest.raises(ValueError, match=r"^X has duplicate column names \['promo'\]"):
        model.fit(sales, twice)
    long = pd.concat({"a": X, "b": X}, names=["id", "t"])
    y = pd.concat({"a": sales, "b": sales}, names=["id", "t"])
    holed = long.drop(("b", X.index[5]))
    with pytest.raises(ValueError, match=r"X\['b'\] must have a row for every time"):
        model.fit(y, holed)
    fitted = SequenceForecaster(
        horizon=2, future_covariates=["promo"], max_epochs=1, hidden_size=8
    ).fit(sales[:58], X[:58])
    with pytest.raises(ValueError, match="^y is empty"):
        fitted.predict(y=sales[:0], X=X[58:])
    with pytest.raises(ValueError, match="^y is empty"):
        fitted.score(sales[:0], X[:0])
    future = pd.concat([X[58:], X[58:].rename(columns={"noise": "promo"})], axis=1)
    with pytest.raises(ValueError, match=r"future\) has duplicate column names"):
        fitted.predict(X=future)
    # columns it does not read may repeat, as before
    unread = pd.concat([X[58:], X[58:][["noise"]]], axis=1)
    np.testing.assert_array_equal(fitted.predict(X=unread), fitted.predict(X=X[58:]))


def test_a_column_of_x_unseen_at_fit_is_said_to_come_with_x():
    # it was reported as "y has columns [..., 'extra']"
    sales, X = sales_and_promotions(60)
    model = SequenceForecaster(max_epochs=1, hidden_size=8, horizon=2)
    model.fit(sales, X)
    message = r"^y with X has columns .* \(not seen at fit \['extra'\]\)\.$"
    with pytest.raises(ValueError, match=message):
        model.predict(y=sales, X=X.assign(extra=1.0))
    with pytest.raises(ValueError, match=message):
        model.score(sales[-20:], X[-20:].assign(extra=1.0))


def test_covariates_given_as_y_name_the_argument():
    # predict(future_X) or a search's predict(X) passes the covariates as y:
    # the error says so, not that y is too short to forecast from
    sales, X = sales_and_promotions(60)
    model = SequenceForecaster(
        horizon=3, window_length=6, future_covariates=["promo"], max_epochs=1
    ).fit(sales[:-3], X[:-3])
    for given in (X[-3:], X):
        with pytest.raises(ValueError, match=r"predict\(X=...\)"):
            model.predict(given)
    with pytest.raises(ValueError, match="best_estimator_"):
        model.predict_interval(X[-3:])
    assert len(model.predict(X=X[-3:])) == 3


def test_covariates_given_as_y_of_a_model_without_future_ones_ask_for_history():
    # predict(X=...) alone is refused where no covariate is future: the message
    # asked for it
    sales, X = sales_and_promotions(60)
    model = SequenceForecaster(horizon=3, window_length=6, max_epochs=1)
    model.fit(sales, X)
    with pytest.raises(ValueError, match="no future covariates") as error:
        model.predict(X)
    assert "predict(X=...)" not in str(error.value)
    assert len(model.predict(y=sales, X=X)) == 3


def test_future_covariates_missing_for_a_series_name_it_and_the_argument():
    # the future rows came in X: the message named "future" alone
    index = pd.date_range("2024-01-01", periods=42, freq="D")
    rng = np.random.default_rng(0)
    y = {key: pd.Series(10 + rng.normal(size=40).cumsum(), index[:40]) for key in "ab"}
    promos = {key: rng.integers(0, 2, 42) * 1.0 for key in "ab"}
    X = {key: pd.DataFrame({"promo": promo}, index) for key, promo in promos.items()}
    model = SequenceForecaster(horizon=2, future_covariates=["promo"], **FAST)
    model.fit(y, {key: frame.iloc[:40] for key, frame in X.items()})
    with pytest.raises(ValueError, match=r"X \(or future\) lacks .* series \['b'\]"):
        model.predict(X={"a": X["a"], "c": X["b"]})
    with pytest.raises(ValueError, match=r"\['price'\] name no column of X"):
        model.set_params(future_covariates=["price"]).fit(y["a"], X["a"].iloc[:40])


def test_the_seasonal_naive_forecast_is_no_part_where_future_covariates_are_given():
    # hours of a daily sine plus three times a covariate known in advance: the
    # seasonal naive forecast (a part of "auto" where the window holds a day)
    # repeats yesterday, whatever the covariate tomorrow
    rng = np.random.default_rng(0)
    n, horizon = 200, 12
    index = pd.date_range("2024-01-01", periods=n + horizon, freq="h")
    x = rng.normal(size=n + horizon)
    day = 5 * np.sin(np.arange(n + horizon) / 24 * 2 * np.pi)
    y = pd.Series(20 + day + 3 * x + rng.normal(scale=0.05, size=n + horizon), index)
    X = pd.DataFrame({"x": x}, index=index)
    settings = dict(horizon=horizon, window_length=48, max_epochs=10, random_state=0)
    alone = SequenceForecaster(**settings).fit(y[:n])
    assert "seasonal" in alone.method_  # a candidate without the covariate
    model = SequenceForecaster(future_covariates=["x"], **settings).fit(y[:n], X[:n])
    assert "seasonal" not in model.method_
    error = np.abs(model.predict(X=X[n:]) - y[n:]).mean()
    assert error < 0.3  # 1.18 with the seasonal naive forecast as half of it


def test_a_forecast_without_the_future_covariates_asks_for_x():
    sales, X = sales_and_promotions(n=40)
    model = SequenceForecaster(horizon=3, future_covariates=["promo"], max_epochs=1)
    model.fit(sales, X)
    with pytest.raises(ValueError, match=r"pass predict\(X=\.\.\.\)"):
        model.predict()
