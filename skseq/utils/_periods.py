"""pandas' business-day periods, deprecated: its warning said once, not again."""

import functools
import warnings

__all__ = ["business_periods_quiet"]


def business_periods_quiet(function):
    """Run ``function`` without pandas' warning that business-day periods go.

    pandas warned the user once, where they built their ``PeriodIndex`` of
    ``freq="B"``; the indexes skseq builds from it (the forecast's, the
    regularity check's, X's rows, a saved model's) repeated it about six
    times per fit.
    """

    @functools.wraps(function)
    def quiet(*args, **kwargs):
        with warnings.catch_warnings():
            for message in (r"Period with BDay freq", r"PeriodDtype\[B\]"):
                warnings.filterwarnings("ignore", message, FutureWarning)
            return function(*args, **kwargs)

    return quiet
