"""Windows are cut in row order: a time index that goes back is warned about."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq.preprocessing import SequenceWindower, make_windows

INDEX = pd.date_range("2024-01-01", periods=6, freq="D")
SHUFFLED = [0, 1, 3, 2, 4, 5]


@pytest.mark.parametrize(
    "index", [INDEX, INDEX.to_period("D"), INDEX - INDEX[0]], ids=["dt", "pi", "td"]
)
def test_the_windower_warns_of_a_time_index_out_of_order(index):
    # its rows were windowed in their order: the window at 2024-01-03 held
    # the 4th's value, silently
    frame = pd.DataFrame({"load": np.arange(6.0)}, index=index).iloc[SHUFFLED]
    with pytest.warns(UserWarning, match=r"X\.index goes back in time.*X\.sort_index"):
        SequenceWindower(2).fit(frame)
    fitted = SequenceWindower(2).fit(frame.sort_index())
    with pytest.warns(UserWarning, match=r"X\.index goes back in time"):
        fitted.transform(frame)
    np.testing.assert_array_equal(fitted.transform(frame.sort_index())[3], [2.0, 3.0])


def test_make_windows_warns_of_a_time_index_out_of_order():
    series = pd.Series(np.arange(6.0), index=INDEX).iloc[SHUFFLED]
    with pytest.warns(UserWarning, match=r"series\.index goes back.*2024-01-04"):
        make_windows(series, window_length=2)
    X, y = make_windows(series.sort_index(), window_length=2)
    assert y.index[0] == INDEX[2] and y.iloc[0] == 2.0


def test_rows_labelled_otherwise_are_windowed_in_their_order():
    # an integer index labels rows; it says nothing of time
    frame = pd.DataFrame({"load": np.arange(4.0)}, index=[3, 1, 2, 0])
    out = SequenceWindower(2, value=0.0).fit_transform(frame)
    np.testing.assert_array_equal(out[1], [0.0, 1.0])


def test_a_local_clock_repeating_an_hour_and_missing_stamps_are_windowed():
    # a zone's clocks going back repeat an hour of naive stamps (warned, not
    # refused: sorting would interleave the two hours); NaT stamps are not read
    local = pd.date_range("2024-10-26 23:00", periods=8, freq="30min", tz="UTC")
    local = local.tz_convert("Europe/Paris").tz_localize(None)
    frame = pd.DataFrame({"x": np.arange(8.0)}, index=local)
    with pytest.warns(UserWarning, match="ambiguous='infer'"):
        out = SequenceWindower(2).fit_transform(frame)
    np.testing.assert_array_equal(out[-1], [6.0, 7.0])
    gaps = pd.DatetimeIndex(["2024-01-01", "2024-01-02", None, "2024-01-04"])
    frame = pd.DataFrame({"x": np.arange(4.0)}, index=gaps)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert SequenceWindower(2).fit_transform(frame).shape == (4, 2)
