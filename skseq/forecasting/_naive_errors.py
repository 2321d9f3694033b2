"""Intervals of a fit that held out too few windows: the naive forecast's errors.

Split conformal intervals rank the errors of held-out windows, and at least
two windows bound a spread (:data:`~._conformal.FEWEST`). A series of 12 to
17 steps forecast 3 ahead holds out one, and a fit with
``validation_fraction=0`` none, so ``predict_interval`` had no errors to read.
Such a fit takes its errors instead from the naive forecast (the seasonal
naive one where the window holds a season) of every window it trained on,
in the units of the held-out errors: errors of a forecast that was not
fitted to those windows, where the model's own in-sample errors would be
too narrow. They are not centred: a trend the naive forecast misses widens
the interval, which also covers a forecast that follows the trend too
little. At the end of 150 cuts of 18 and 22 steps of short series
(``benchmarks/short_intervals.py --lengths 18 22``, seeds 0-2) they covered
0.71-0.74 of the points at 80% and 0.82-0.93 at 95% (statsmodels' damped
ETS intervals: 0.36-0.63 and 0.53-0.81); centred on each step's mean error,
0.48-0.55 and 0.67-0.72. ``predict_interval`` and ``predict_quantiles`` say
where their spread comes from with a warning. A fit with quantile heads
keeps its refusal: their conformal correction needs the heads' own held-out
errors.
"""

import numpy as np

from ._conformal import FEWEST, ConformalCalibration

__all__ = ["naive_calibration"]


def naive_calibration(fitted, windows, left=None):
    """Calibration from the naive errors of ``windows`` (a ``WindowsAt``), or None.

    None where there are fewer than ``FEWEST`` windows, or the fit has
    quantile heads. ``left``: the targets of each window to leave out
    (``(n_windows, n_targets)``, :func:`~._units.left_out`), or None.
    """
    if len(windows) < FEWEST or fitted.quantiles is not None:
        return None
    w, k = fitted.window_length, fitted.roles.n_targets
    season = fitted.season
    rule = ("seasonal",) if season and season <= w else ("naive",)

    def errors(block):
        forecast, unit = fitted.forecast(None, block[:, :w], block[:, w:], method=rule)
        actual = fitted.values.transform(block[:, w:])[..., :k]
        return (actual - forecast) / unit

    residuals = windows.map(errors)
    if left is not None:
        residuals = np.where(left[:, None, :], np.nan, residuals)
    return ConformalCalibration(residuals.astype(np.float32), naive=True)
