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
