"""backtest's options on the edges: sp longer than a training part."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.model_selection import backtest

FAST = dict(max_epochs=2, hidden_size=8, random_state=0)


def test_panel_series_with_a_short_training_part_leaves_mase_out():
    # "b" starts late: 10 training steps in the last fold, enough to train
    # (window 6 + horizon 2) but not for sp=12; the others' MASE stands
    rng = np.random.default_rng(0)
    t = np.arange(96)
    index = pd.date_range("2020-01-01", periods=96, freq="MS")
    a = pd.Series(10 + np.sin(2 * np.pi * t / 12) + 0.1 * rng.normal(size=96), index)
    b = (a + 10)[-34:]
    model = SequenceForecaster(window_length=6, horizon=2, **FAST)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the short series' smoothing
        table = backtest(model, {"a": a, "b": b}, cv=3, sp=12)
    assert np.isfinite(table["MASE"]).all()
    assert (table["n_forecasts"] > 90).all()


def test_one_series_fold_shorter_than_sp_is_refused_before_training():
    y = np.sin(np.arange(60.0))
    model = SequenceForecaster(window_length=6, **FAST)
    with pytest.raises(ValueError, match=r"sp=30 .* fold 0 trains on 20"):
        backtest(model, y, cv=2, sp=30)


def test_a_search_that_will_not_refit_is_refused_by_what_it_lacks():
    # scikit-learn's "must be an object implementing 'fit' and 'predict'"
    # came first: a search with refit=False has no predict
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(SequenceForecaster(), {"hidden_size": [4]}, refit=False)
    y = pd.Series(np.sin(np.arange(60) / 3))
    with pytest.raises(TypeError, match="a search must be refitted: refit=True"):
        backtest(search, y)
