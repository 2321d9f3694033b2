"""The exponential smoothing part of a forecast: where it is tried, what it forecasts.

Damped Holt-Winters (:mod:`._smoothing`) reads a series whole, where the
window models read its last steps: it is a candidate of ``method="auto"``
for a single series without covariates forecast more than one step ahead,
judged on the held-out windows as the ridges are (kept unless clearly worse
than the best there; always where they are too few to tell). It forecasts
in the transformed space (after the log and the value scaling), one model
per target; its form (the values, or their logarithms where every step of
the series is positive) is chosen on the steps before the held-out windows
and kept when it is fitted again on every step (fitted on every step at
once where only the whole series holds two seasons:
:func:`smoothing_candidate`). Measured in
benchmarks/README.md ("Damped Holt-Winters as a part", "A season that
grows with the level").
"""

import numpy as np

from ..utils._warnings import warn
from ._calendar import same_stamp, stamp_position
from ._smoothing import NotPositiveError, fit_smoothing, usable_season

__all__ = [
    "final_smoothing",
    "smoothed_ahead",
    "smoothed_along",
    "smoothing_candidate",
    "smoothing_tried",
]

HINT = " Give the whole series to forecast with it."


def smoothing_tried(estimator, fitted, lengths, stored, user_columns):
    """Return whether the smoothing part is a candidate of this fit.

    ``method="auto"``, one series in memory whose columns are its targets
    (``user_columns``: those of y, X and static), forecast more than one
    step ahead: the part carries a trend and a season over the steps of a
    horizon, while one-step forecasts (the anomaly detector's) score series
    step by step past the training end, where its states would have to
    follow each step scored.

    Not where the fit reads the targets a lag longer than the season back
    (``season_lag``: a week where the days of the week differ). The part has
    one season, the day, and carries the day before into the next: a Sunday
    into a Monday. On simulated hourly load whose weekends are higher
    (``weekend_hours.py``; benchmarks/README.md, "The smoothing part where
    the days differ"), its share of the forecast, set by held-out windows
    that are mostly ordinary days, doubled the error of Mondays and
    Saturdays.
    """
    if estimator.method != "auto" or stored or len(lengths) != 1:
        return False
    if estimator.horizon < 2:
        return False
    if fitted.lag is not None and fitted.lag.lag > (fitted.season or 1):
        return False  # a cycle longer than the part's season
    if user_columns != fitted.roles.n_targets:
        return False
    return True


def _targets(fitted, rows):
    """Return the transformed targets of raw rows (role order), ``(n_steps, k)``."""
    return fitted.values.transform(np.asarray(rows, dtype=np.float64)[None])[0][
        :, : fitted.roles.n_targets
    ]


def smoothing_candidate(fitted, rows, starts):
    """Return the part's models, its forecasts of the held-out windows, and a flag.

    The models (one per target, before the first step) are fitted on the
    steps before the first held-out target (on every step without held-out
    windows, ``starts`` empty), the forecasts ``(n, h, k)`` are of the
    windows starting at ``starts`` (None without them). ``(None, None,
    False)`` where those steps are too few to fit.

    The flag says whether the forecasts are in sample: where the series
    holds two seasons but the steps before its held-out windows do not, the
    models are fitted on every step (their season read twice), and forecast
    the held-out windows from the states they filtered there, having fitted
    their parameters and initial states on those windows' steps too: an
    optimistic judge, which drops no other forecast (``in_sample`` of
    :func:`~._judged.judged_method`) and calibrates no interval
    (:func:`~._calibrating.held_out_calibration` is given None). On the
    seasonal cuts of 36 and 40 steps and the half-hourly ones of 120
    (``benchmarks/short_series.py``) the error over Holt-Winters' went from
    1.031, 0.926 and 0.767 to 0.877, 0.883 and 0.550 (on the code of
    5725f41, at 40 steps: the part judged without its season and used with
    it 0.947, left out 0.946, judged and used without it 1.206).
    """
    targets = _targets(fitted, rows)
    origins = np.asarray(starts) + fitted.window_length
    cut = int(origins.min()) if len(origins) else len(targets)
    season, whole = (usable_season(fitted.season, n) for n in (cut, len(targets)))
    in_sample = season != whole
    if in_sample:  # its season read twice only by every step
        cut, season = len(targets), whole
    # a form of logarithms where every step of the series is positive (not
    # where the targets are logarithms already: the values' form is then one)
    positive = not fitted.values.log and (targets > 0).all()
    try:
        models = [
            fit_smoothing(target[:cut], season, None if positive else False)
            for target in targets.T
        ]
    except ValueError:  # too few steps
        return None, None, False
    if not len(origins):
        return models, None, False
    h = fitted.horizon
    held = [m.along(t, origins, h) for m, t in zip(models, targets.T, strict=True)]
    return models, np.stack(held, axis=2), in_sample


def final_smoothing(models, fitted, rows, refit=True):
    """Return the ``models`` at the end of the series ``rows``, a tuple.

    With ``refit``, fitted again on every step (as the network and the
    ridges train again on every window), with the season of those judged;
    otherwise read on from their fit. Over five origins of six series
    (``benchmarks/forecast_accuracy.py --origins 5``) refitting only the
    states gave 0.929 of Holt-Winters' error, refitting all 0.917.
    """
    targets = _targets(fitted, rows).T
    if refit:
        models = [
            fit_smoothing(t, m.season, m.log)
            for m, t in zip(models, targets, strict=True)
        ]
    return tuple(m.after(t) for m, t in zip(models, targets, strict=True))


def smoothed_ahead(fitted, series=None):
    """Return the smoothing part's forecast ``(1, h, k)``, or None without it.

    From the end of the training series, or of the one of ``series`` (the
    series given to ``predict``): one that continues the training series
    (:func:`_training_end`) is read on from its end, as the rolling
    forecasts do; another from its own fitted start (:meth:`Smoothing.start`),
    None where it is too short for that (a warning says the forecast goes
    without the part).
    """
    if "smoothing" not in fitted.method:
        return None
    models = fitted.smoothing
    if series is None:
        return np.stack([m.forecast(fitted.horizon) for m in models], 1)[None]
    (one,) = series
    rows = fitted.roles.arrange(one.values)
    end = _training_end(fitted.tails[0], one, rows, fitted.roles)
    if end is None:
        return smoothed_along(fitted, rows, [len(rows)], continues=False)
    return smoothed_along(fitted, rows[end:], [len(rows) - end], continues=True)


def _training_end(tail, one, rows, roles):
    """Return the row of ``one`` after the training series' last, or None.

    ``one`` continues the training series where it starts at the next time
    stamp (0), or holds its last step with its values at every step they
    share; None otherwise. An array, whose steps have no time stamps, holds
    it where it ends with those values and is no longer than the training
    array (the training series, or its end): a longer one that happens to
    end as it did (the zeros of a shop closed at weekends, another shop's)
    went on from the training series' smoothing, at its level. Matching an
    array that runs on past the training one by its positions was tried and
    left: a few equal values (those zeros) are no evidence that it did.
    """
    last = roles.arrange(tail.values)
    if one.kind == "array":
        shared = min(len(rows), len(last))
        longer = tail.kind == "array" and len(rows) > tail.index[-1] + 1
        ends = np.array_equal(rows[-shared:], last[-shared:])
        return len(rows) if ends and not longer else None
    if same_stamp(one.index[0], tail.future_index(1)[0], one.freq):
        return 0
    position = stamp_position(one.index, tail.index[-1], one.freq)
    if position < 0:
        return None
    shared = min(position + 1, len(last))
    same = np.array_equal(rows[position + 1 - shared : position + 1], last[-shared:])
    return position + 1 if same else None


def smoothed_along(fitted, rows, origins, continues):
    """Return the smoothing part's forecasts ``(n, h, k)`` from ``origins`` of ``rows``.

    ``rows``: raw steps (role order) of a series; an origin is the number of
    them read before the forecast. Where they ``continue`` the training
    series, they are read from its end; otherwise from a start fitted on the
    steps before the first origin (no later step), None where those are too
    few (with a warning that the forecasts go without the part).
    """
    targets = _targets(fitted, rows)
    models = fitted.smoothing
    try:
        if not continues:
            context = int(min(origins))
            models = [
                m.start(t[:context]) for m, t in zip(models, targets.T, strict=True)
            ]
        return np.stack(
            [
                m.along(t, origins, fitted.horizon)
                for m, t in zip(models, targets.T, strict=True)
            ],
            axis=2,
        )
    except ValueError as error:  # too short, or not positive for logarithms
        if set(fitted.method) <= {"smoothing"}:  # no other part to forecast
            raise ValueError(
                f"The forecast is the exponential smoothing part alone: {error}"
            ) from error
        hint = "" if isinstance(error, NotPositiveError) else HINT
        warn(
            f"The forecasts leave out their exponential smoothing part: {error}{hint}",
            UserWarning,
        )
        return None
