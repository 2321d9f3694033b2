"""Series too short in a fold of a panel: left out with a warning, or refused."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit, cross_val_score

from skseq import SequenceForecaster
from skseq.model_selection import PanelSplit, backtest

from ..forecasting.test_panel_backtest import TINY, walk


def late_panel():
    series = {"a": walk(40, 1, 10), "b": walk(40, 2, 110)}
    series["late"] = walk(30, 3, -50, start="2020-01-11")  # 4 days in fold 0
    return pd.concat(series, names=["id", "t"])


def test_panel_split_leaves_out_a_series_too_short_to_train():
    long = late_panel()
    ids = long.index.get_level_values(0)
    plain = list(PanelSplit(2).split(long))
    assert (ids[plain[0][0]] == "late").sum() == 4  # kept: its fit fails
    with pytest.warns(UserWarning, match="fold 0 leaves out series 'late'"):
        folds = list(PanelSplit(2, min_train_steps=9).split(long))
    (train, test), (train_1, test_1) = folds
    assert set(ids[train]) == set(ids[test]) == {"a", "b"}
    assert set(ids[train_1]) == set(ids[test_1]) == {"a", "b", "late"}
    np.testing.assert_array_equal(train_1, plain[1][0])  # 17 rows: kept
    # the fold whose fit failed (its score NaN in a search) now scores
    scores = cross_val_score(
        SequenceForecaster(**TINY),
        long,
        cv=PanelSplit(2, min_train_steps=9),
        error_score="raise",
    )
    assert np.isfinite(scores).all()


def test_panel_split_refuses_a_bad_min_train_steps_or_an_empty_fold():
    long = late_panel()
    for bad in (0, 2.5, "9"):
        with pytest.raises((TypeError, ValueError), match="^min_train_steps "):
            next(PanelSplit(2, min_train_steps=bad).split(long))
    with pytest.raises(ValueError, match="fold 0 has no series with at least"):
        list(PanelSplit(2, min_train_steps=15).split(long))
    assert "min_train_steps=9" in repr(PanelSplit(2, min_train_steps=9))


def ending_panel():
    # "ends" has 2 steps after fold 0's cut (14 days): fewer than a horizon
    return {"a": walk(40, 1, 10), "b": walk(40, 2, 110), "ends": walk(16, 3, 5)}


def test_backtest_leaves_out_a_series_too_short_for_its_future_covariates():
    series = ending_panel()
    y = {
        key: pd.DataFrame({"y": one, "x": np.sin(np.arange(len(one)))})
        for key, one in series.items()
    }
    model = SequenceForecaster(**TINY, future_covariates=["x"])
    # it raised "y is too short to forecast 3 steps with its future
    # covariates; give a longer test fold" for the whole backtest
    with pytest.warns(UserWarning, match="fold 0 leaves out series 'ends'"):
        table = backtest(model, y, cv=2)
    # 2 folds of 13 test days; a and b forecast from the first 11 of each
    assert table["n_forecasts"].tolist() == [44, 44, 44]
    assert np.isfinite(table["MAE"]).all()


def test_backtest_leaves_out_a_series_too_short_after_a_gap():
    series = ending_panel()
    # after a gap no series continues its training steps: "ends" has 2 steps
    # there, no window (it raised that y does not continue the training series)
    with pytest.warns(UserWarning, match="fold 0 leaves out series 'ends'"):
        table = backtest(
            SequenceForecaster(**TINY), series, cv=TimeSeriesSplit(2, gap=2)
        )
    assert np.isfinite(table["MAE"]).all()
    # a fold with no series long enough after its gap: nothing to score
    cv = [(np.arange(20), np.arange(23, 26))]
    with pytest.warns(UserWarning, match="leaves out series 'a', 'b'"):
        with pytest.raises(ValueError, match="backtest made no forecast"):
            backtest(SequenceForecaster(**TINY), series, cv=cv)
