"""Windows are cut in time order: a pandas series out of it is refused."""

import numpy as np
import pandas as pd
import pytest

from skseq.preprocessing import SequenceWindower, make_windows

INDEX = pd.date_range("2024-01-01", periods=6, freq="D")
SHUFFLED = [0, 1, 3, 2, 4, 5]


@pytest.mark.parametrize(
    "index", [INDEX, INDEX.to_period("D"), INDEX - INDEX[0]], ids=["dt", "pi", "td"]
)
def test_the_windower_refuses_a_time_index_out_of_order(index):
    # its rows were windowed in their order: the window at 2024-01-03 held
    # the 4th's value, silently
    frame = pd.DataFrame({"load": np.arange(6.0)}, index=index).iloc[SHUFFLED]
    with pytest.raises(ValueError, match=r"X\.index is not sorted.*X\.sort_index"):
        SequenceWindower(2).fit(frame)
    fitted = SequenceWindower(2).fit(frame.sort_index())
    with pytest.raises(ValueError, match=r"X\.index is not sorted"):
        fitted.transform(frame)
    np.testing.assert_array_equal(fitted.transform(frame.sort_index())[3], [2.0, 3.0])


def test_make_windows_refuses_a_time_index_out_of_order():
    series = pd.Series(np.arange(6.0), index=INDEX).iloc[SHUFFLED]
    with pytest.raises(ValueError, match=r"series\.index is not sorted.*2024-01-04"):
        make_windows(series, window_length=2)
    X, y = make_windows(series.sort_index(), window_length=2)
    assert y.index[0] == INDEX[2] and y.iloc[0] == 2.0


def test_rows_labelled_otherwise_are_windowed_in_their_order():
    # an integer index labels rows; it says nothing of time
    frame = pd.DataFrame({"load": np.arange(4.0)}, index=[3, 1, 2, 0])
    out = SequenceWindower(2, value=0.0).fit_transform(frame)
    np.testing.assert_array_equal(out[1], [0.0, 1.0])
