"""skseq's warnings point at the user's call, whatever path reaches them."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.model_selection import backtest


def _short(n):
    values = np.arange(n) % 12 + 0.1 * np.arange(n)
    return pd.Series(values, index=pd.period_range("2020-01", periods=n, freq="M"))


def test_a_warning_points_at_the_users_call_directly_or_through_backtest():
    # 20 months at horizon 12 leave no training window beside the held-out
    # one; backtest fits its folds from inside skseq (before, the fixed
    # stacklevel pointed at skseq/model_selection/_backtest.py)
    model = SequenceForecaster(horizon=12, max_epochs=1, random_state=0)
    with pytest.warns(UserWarning, match="leaves no training window") as direct:
        model.fit(_short(20))
    cv = [(np.arange(20), np.arange(20, 32))]
    with pytest.warns(UserWarning, match="leaves no training window") as wrapped:
        backtest(model, _short(32), cv=cv)
    for record in (direct, wrapped):
        found = [w for w in record if "leaves no training window" in str(w.message)]
        assert found and all(w.filename == __file__ for w in found), [
            (w.filename, w.lineno) for w in found
        ]
