"""backtest and PanelSplit on many series: folds cut at common time stamps."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score

from skseq import SequenceForecaster
from skseq.model_selection import PanelSplit, backtest

TINY = dict(
    window_length=6,
    horizon=3,
    hidden_size=4,
    max_epochs=2,
    random_state=0,
    season_inputs=None,
    season_lag=None,
)


def walk(n, seed, level, start="2020-01-01"):
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=n, freq="D")
    return pd.Series(level + rng.normal(size=n).cumsum(), index=index)


def test_a_panel_is_cut_at_common_times_in_either_form():
    # before, backtest refused many series and pointed to TimeSeriesSplit,
    # which splits a long frame's rows: the first series against the next
    series = {"a": walk(30, 1, 10), "b": walk(30, 2, 110), "c": walk(30, 3, -50)}
    long = pd.concat(series, names=["id", "t"])
    by_dict = backtest(SequenceForecaster(**TINY), series, cv=2)
    by_long = backtest(SequenceForecaster(**TINY), long, cv=2)
    pd.testing.assert_frame_equal(by_dict, by_long)
    # 2 folds of 10 days, 3 series: an origin per test day, the last h - 1
    # of each series and fold without their later steps
    assert by_dict["n_forecasts"].tolist() == [60, 54, 48]
    assert by_dict["MASE"].notna().all()


def test_a_series_that_starts_late_is_forecast_as_new_before_it_trains():
    series = {"a": walk(40, 1, 10), "b": walk(40, 2, 110)}
    series["late"] = walk(30, 3, -50, start="2020-01-11")
    table = backtest(SequenceForecaster(**TINY), series, cv=2)
    # fold 0 trains on 14 days, "late" has 4 of them: too few to train (6 +
    # 3), but its 13 test days are forecast from their own windows: from the
    # 7th on; fold 1 forecasts all three series from each of 13 days
    assert table["n_forecasts"].iloc[0] == (2 * 13 + 7) + 3 * 13
    assert np.isfinite(table[["MAE", "MASE"]].to_numpy()).all()
    # launched 5 days before the end: no window before a test step, so in
    # no fold (it raised that y was too short for a new series)
    series["launch"] = walk(5, 4, 7, start="2020-02-05")
    launched = backtest(SequenceForecaster(**TINY), series, cv=2)
    pd.testing.assert_frame_equal(launched, table)


def test_panel_split_trains_before_it_tests_on_every_series():
    series = {k: walk(30, seed, 10 * seed) for seed, k in enumerate("abc")}
    long = pd.concat(series, names=["id", "t"])
    times = long.index.get_level_values(1)
    ids = long.index.get_level_values(0)
    folds = list(PanelSplit(3).split(long))
    assert len(folds) == PanelSplit(3).get_n_splits() == 3
    for train, test in folds:
        assert times[train].max() < times[test].min()
        assert set(ids[train]) == set(ids[test]) == set("abc")
    scores = cross_val_score(SequenceForecaster(**TINY), long, cv=PanelSplit(2))
    assert np.isfinite(scores).all()
    search = GridSearchCV(
        SequenceForecaster(**TINY), {"hidden_size": [2, 4]}, cv=PanelSplit(2)
    )
    # nested: each fold's search splits its own training days
    longer = pd.concat({k: walk(90, 7, 0) for k in "ab"}, names=["id", "t"])
    assert backtest(search, longer, cv=2)["n_forecasts"].iloc[0] == 2 * 30 * 2
    with pytest.raises(ValueError, match="PanelSplit splits a long DataFrame"):
        next(PanelSplit(2).split(series["a"]))
    # a dict reaches the search as the long frame PanelSplit splits
    as_dict = {key: longer.xs(key) for key in "ab"}
    table = backtest(search, as_dict, cv=2)
    pd.testing.assert_frame_equal(table, backtest(search, longer, cv=2))


def test_a_search_that_splits_rows_is_refused_for_a_panel():
    series = {"a": walk(30, 1, 10), "b": walk(30, 2, 110)}
    search = GridSearchCV(
        SequenceForecaster(**TINY), {"hidden_size": [2, 4]}, cv=TimeSeriesSplit(2)
    )
    with pytest.raises(ValueError, match="a search whose cv is a PanelSplit"):
        backtest(search, series, cv=2)


def test_static_covariates_reach_each_fold():
    series = {"a": walk(30, 1, 10), "b": walk(30, 2, 110)}
    static = pd.DataFrame({"size": [1.0, 3.0]}, index=["a", "b"])
    table = backtest(SequenceForecaster(**TINY), series, cv=2, static=static)
    assert table["n_forecasts"].iloc[0] == 2 * 10 * 2
    without = backtest(SequenceForecaster(**TINY), series, cv=2)
    assert not np.allclose(table["MAE"], without["MAE"])  # the folds read it
    with pytest.raises(ValueError, match="static holds attributes"):
        backtest(SequenceForecaster(**TINY), series["a"], cv=2, static=static)
