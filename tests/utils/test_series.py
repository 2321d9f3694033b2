"""skseq.utils._series: the time index of a series a forecaster reads."""

import numpy as np
import pandas as pd
import pytest

from skseq.utils._series import check_series


def _monthly_periods():
    index = pd.period_range("2000-01", periods=12, freq="M")
    return pd.Series(np.arange(12.0), index=index)


@pytest.mark.parametrize("freq", ["M", "MS", "ME", pd.offsets.MonthBegin()])
def test_a_freq_that_names_a_periods_step_is_taken(freq):
    check_series(_monthly_periods(), freq=freq)


@pytest.mark.parametrize("freq", ["D", "2M", "QS"])
def test_a_freq_that_contradicts_a_period_index_is_refused(freq):
    # it was silently ignored: a monthly series forecast monthly with freq="D"
    with pytest.raises(ValueError, match="is not the step of y.index, a PeriodIndex"):
        check_series(_monthly_periods(), freq=freq)


def test_a_model_fitted_with_a_contradicting_freq_still_reads_its_series():
    # fitted before the check (a pickle or file keeps freq="D"), it forecast
    # months, and must go on to: the check is of fit's own freq only
    from dataclasses import replace

    from skseq import SequenceForecaster

    y = pd.Series(
        np.sin(np.arange(60) / 2) + 5,
        index=pd.period_range("2000-01", periods=60, freq="M"),
    )
    model = SequenceForecaster(max_epochs=1, horizon=3, random_state=0).fit(y)
    model._fitted = replace(model._fitted, freq="D")
    forecast = model.predict(y=y[-30:])
    assert forecast.index[0] == pd.Period("2000-01", freq="M") + 60


def test_business_days_are_no_days():
    index = pd.period_range("2024-01-01", periods=20, freq="D")  # a Monday
    with pytest.raises(ValueError, match="is not the step"):
        check_series(pd.Series(np.arange(20.0), index=index), freq="B")
