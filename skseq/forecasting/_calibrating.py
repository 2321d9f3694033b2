"""The errors that calibrate intervals: of held-out windows, or the naive forecast's.

Split conformal intervals rank the forecast's errors on the held-out windows
(:func:`held_out_calibration`), and at least two windows bound a spread
(:data:`~._ranks.FEWEST`). A series of 11 to 15 steps forecast 3 ahead
holds out one, and a fit with ``validation_fraction=0`` none, so
``predict_interval`` had no errors to read. Such a fit also keeps the errors
of the naive forecast (the seasonal naive one where the window holds a
season) of every window it trained on, in the units of the held-out errors
(:func:`naive_calibration`), and its intervals read those, with a warning:
errors of a forecast that was not fitted to those windows, where the model's
own in-sample errors would be too narrow. They are not centred: a trend the
naive forecast misses widens the interval, which also covers a forecast that
follows the trend too little. At the end of 150 cuts of 18 and 22 steps of
short series (``benchmarks/short_intervals.py --lengths 18 22``, seeds 0-2)
they covered 0.77-0.79 of the points at 80% and 0.91-0.97 at 95%
(statsmodels' damped ETS intervals: 0.36-0.63 and 0.53-0.81); centred on
each step's mean error, 0.48-0.55 and 0.67-0.72 (before the t bound's
degrees of freedom were halved, :func:`~._ranks.spread_bound`). A
quantile is the bound of the interval on its side
(:meth:`~._conformal.ConformalCalibration.offsets`): the signed errors of a
trend, all on one side, count it twice. A fit with quantile heads keeps its
refusal (their conformal correction needs the heads' own held-out errors),
as does a target of a panel with fewer than two held-out windows beside one
with more. The held-out errors stay as they are: the anomaly detector reads
them, one window or more.
"""

import numpy as np

from ._conformal import ConformalCalibration
from ._ranks import FEWEST
from ._units import left_out

__all__ = ["held_out_calibration", "naive_calibration"]


def held_out_calibration(
    fitted, net, windows, n_threads=None, held=None, smoothed=None
):
    """Return the calibration of the raw held-out windows (``WindowsAt``), or None.

    Of a :class:`~._fitted.FittedForecaster` and its ``net``. The windows'
    rows are ``window_length`` of history, then the horizon; ``held`` and
    ``smoothed`` (a row per window) or None, as
    :meth:`~._fitted.FittedForecaster.forecast`'s.
    """
    if len(windows) == 0:
        return None
    w, k = fitted.window_length, fitted.roles.n_targets

    def errors(block, held, smoothed):
        predicted, unit, heads = fitted.forecast(
            net,
            block[:, :w],
            block[:, w:],
            n_threads,
            heads=True,
            held=held,
            smoothed=smoothed,
        )
        actual = fitted.values.transform(block[:, w:])[..., :k]
        if heads is not None:
            heads = ((actual[..., None] - heads) / unit[..., None]).astype(np.float32)
        return ((actual - predicted) / unit).astype(np.float32), heads

    return ConformalCalibration(*windows.map(errors, held, smoothed))


def naive_calibration(fitted, calibration, windows, still=None, lengths=None):
    """Return the naive errors of ``windows`` (``WindowsAt``) where intervals need them.

    None where ``calibration`` (the held-out one, or None) has two windows
    for some target, where ``windows`` are fewer than ``FEWEST``, or the fit
    has quantile heads. ``still`` and ``lengths``: the still targets of the
    series of those rows, left out of the windows (:func:`~._units.left_out`).
    """
    if calibration is not None and calibration.counts.max() >= FEWEST:
        return None
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
    left = left_out(still, lengths, windows.starts)
    if left is not None:
        residuals = np.where(left[:, None, :], np.nan, residuals)
    return ConformalCalibration(residuals.astype(np.float32), naive=True)
