"""Values that are no numbers, and long frames without columns, are refused by name."""

import numpy as np
import pandas as pd
import pytest

from skseq import RNNClassifier
from skseq.utils.validation import check_sequences

INDEX = pd.MultiIndex.from_product([[0, 1], [0, 1, 2]], names=["id", "t"])


@pytest.mark.parametrize(
    "column",
    [
        pd.date_range("2020", periods=6),
        pd.date_range("2020", periods=6, tz="UTC"),
        pd.timedelta_range("1h", periods=6),
        pd.period_range("2020-01", periods=6, freq="M"),
    ],
    ids=["datetime", "aware", "timedelta", "period"],
)
def test_time_stamps_as_values_are_refused(column):
    # a datetime column alone was read as nanoseconds (1.6e18) and trained on
    X = pd.DataFrame({"a": column, "b": np.arange(6.0)}, index=INDEX)
    with pytest.raises(ValueError, match="X's column 'a' holds .* needs numbers"):
        RNNClassifier(max_epochs=1).fit(X, [0, 1])
    with pytest.raises(ValueError, match="column 'a' holds"):
        check_sequences(X[["a"]])


def test_a_datetime_array_is_refused():
    values = np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="^X holds datetime64.D. values"):
        check_sequences([values, values])


def test_a_long_frame_without_columns_is_refused():
    with pytest.raises(ValueError, match=r"0 feature\(s\) \(shape=\(6, 0\)\) while a "):
        RNNClassifier(max_epochs=1).fit(pd.DataFrame(index=INDEX), [0, 1])
