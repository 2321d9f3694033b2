"""ForecastAnomalyDetector: flag the points of a series its forecaster did not expect.

A one-step forecaster (or several seeds' mean forecast) learns the normal
course of the series; a point's anomaly score is the size of the mean of its
recent forecast errors, normalised as the forecaster normalises its windows,
and compared with scores of normal steps made from the errors of held-out
forecasts: its conformal p-value
(:func:`~skseq.anomaly._conformal.sequential_p_values`) is the share of
normal scores at least as large. Flagging the points whose p-value is at most
``false_alarm_rate`` then flags that share of normal points, whatever the
scale or the noise of the series.
"""

import warnings
from dataclasses import replace
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..estimators import SequenceForecaster
from ..exceptions import ExtrapolationWarning
from ..forecasting._calendar import same_stamp
from ..forecasting._columns import check_log
from ..forecasting._windows import WindowsAt
from ..utils._series import TimeSeries
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ..utils._windows import cut_windows
from ._base import PValueDetector, flag_offset
from ._conformal import tail_shape
from ._fitted import FORECAST_DETECTOR_STATE
from ._input import check_long_enough, check_series_of_detector
from ._scores import Scoring

__all__ = ["ForecastAnomalyDetector"]

# the forecaster of forecaster=None, chosen on the NAB series of
# benchmarks/anomaly_detection.py: windows of 24 steps (the forecaster's
# "auto" falls back to 3 on 5-minute data), errors in the series' own scale,
# half of the windows held out and no refit (see the forecaster parameter)
DEFAULT_FORECASTER = {
    "window_length": 24,
    "normalize": None,
    "validation_fraction": 0.5,
    "refit": False,
}


def _member_seeds(random_state, n):
    """Seeds of ``n`` forecasters: ``random_state``, then seeds drawn from it.

    An int is the first forecaster's seed and seeds a generator of the
    others (so that detectors of seeds 0 and 1 share no forecaster); a
    RandomState draws every seed; None leaves every forecaster unseeded.
    """
    if random_state is None:
        return [None] * n
    top = np.iinfo(np.int32).max
    if isinstance(random_state, Integral):
        others = np.random.RandomState(int(random_state)).randint(top, size=n - 1)
        return [int(random_state), *(int(s) for s in others)]
    return [int(s) for s in random_state.randint(top, size=n)]


class ForecastAnomalyDetector(PValueDetector, BaseEstimator):
    """Flag the points of a time series that its forecast did not expect.

    ``fit(X)`` trains one-step :class:`~skseq.SequenceForecaster` models
    (``n_forecasters`` seeds, whose forecasts are averaged) on a series of
    normal behaviour and keeps the errors of their held-out forecasts
    (``validation_fraction`` of the forecaster). A later point's score is
    the conformal p-value of its recent errors (their mean over
    ``smoothing`` steps, ``average``) among such means of those held-out
    errors: the share of normal means at least as large. A point is an
    outlier (``predict`` gives -1) when its p-value is at most
    ``false_alarm_rate``, which is then about the share of normal points
    flagged (false alarms), whatever the scale of the series: exactly so (at
    most) for one step's errors when they are exchangeable, approximately
    with ``smoothing`` and the fitted ``tail`` (see
    ``benchmarks/anomaly_detection.py`` for measured rates).

    Parameters
    ----------
    forecaster : SequenceForecaster or None, default=None
        The forecaster to train (cloned; its ``horizon`` and ``window_step``
        are set to 1: its held-out errors are of consecutive steps). None:
        ``SequenceForecaster(window_length=24, normalize=None,
        validation_fraction=0.5, refit=False)``, chosen on the NAB series:
        half of the windows held out (split conformal's even split) instead
        of the forecaster's default fifth gives 2.5 times the held-out
        errors to calibrate with, and without the refit on every window the
        model that forecasts is the one whose held-out errors are the
        reference (and fits once). The sum of per-series F1 at 0.001 rose
        from 12.9 (a fifth held out, refitted) to 13.4 (half, refitted) and
        14.1, with the bounded tail (``tail_shape_``). A forecaster given
        has its parameters reached as ``forecaster__<name>`` (e.g. in a grid
        search); None has none: give ``forecaster=SequenceForecaster()`` to
        tune them.
    false_alarm_rate : float, default=0.001
        Share of normal points to flag, in (0, 0.5]: a point is flagged when
        its p-value is at most it. Counting resolves down to ``1 / (n + 1)``
        with ``n`` reference scores; ``tail`` goes further.
    learn : bool, default=True
        While scoring a series, the score of each point joins the held-out
        ones before the next point is scored (online conformal): the
        reference follows slow changes of the series and resolves smaller
        p-values. False scores every point against the held-out scores
        alone (and :meth:`update` adds none), so that a point's p-value
        depends only on the window before it and the ``smoothing - 1``
        errors before its own.
    tail : bool, default=True
        For the largest scores, where fewer than 30 reference scores are as
        large, take the p-value from a generalised Pareto tail fitted to the
        largest 10% of the reference scores (peaks over threshold) rather
        than by counting: small false-alarm rates are then reachable with
        few held-out errors, at the price of an extrapolation (the p-value
        can be 0 beyond a bounded tail's end). The tail is no heavier than
        the held-out errors' own tail, or than an exponential one where
        theirs is lighter (``tail_shape_``): anomalies that joined the
        reference (``learn``) are its largest scores, and a free fit would
        read them as a heavy tail, under which a later anomaly of their size
        looks ordinary.
    smoothing : int, default=20
        Steps whose errors are averaged into a step's score (the step and the
        ones before it), the held-out errors alike: isolated surprises weigh
        less and sustained departures more, as in NAB's "anomaly likelihood"
        (20 won on the NAB series of ``benchmarks/anomaly_detection.py``,
        against 1, 3 and 10, with one forecaster and the absolute average).
        A large single error still stands out, for ``smoothing`` steps; 1
        scores each step's own error. The false-alarm rate of the means is
        approximate: they are compared with means of ``smoothing`` held-out
        errors drawn at random ("signed") or of consecutive ones
        ("absolute"; they overlap, so that ``n`` held-out errors give about
        ``n / smoothing`` independent means), until the reference has
        grown.
    average : {"signed", "absolute"}, default="signed"
        How the ``smoothing`` errors are averaged. "signed": the absolute
        value of the mean of the signed errors, a moving-average control
        chart of the forecast errors: errors to one side (a level shift, a
        drift, a stuck sensor) add up while noise cancels. "absolute": the
        mean of their absolute values, which large errors of either sign
        raise alike. The reference of "signed" holds the means of 1,000 sets
        of ``smoothing`` held-out errors drawn at random with replacement
        (the mean of new errors drawn as the held-out ones were, as
        conformal p-values take single errors to be); that of "absolute" the
        means of consecutive held-out errors, whose sizes cluster in time.
        On the NAB series of ``benchmarks/anomaly_detection.py`` (three
        forecasters, a fifth of the windows held out, a free tail), "signed"
        found more anomaly windows than "absolute" with every reference
        tried (sum of per-series F1 11.5, 12.6 and 12.8 at 0.001, 0.005 and
        0.01, against 11.0, 11.7 and 11.0), and about the false alarms asked
        for on the one anomaly-free series with noise (0.9 times the rate at
        0.001; the four others raised none). With one column and
        ``smoothing=1`` both are the step's absolute error; with several
        columns, each column is averaged, then the largest taken ("signed"),
        or the largest of each step averaged ("absolute").
    n_forecasters : int, default=1
        Forecasters trained, each with its own seed (the first
        ``random_state``, the others drawn from it), whose mean forecast is
        the one the errors are of, so that the errors carry less of one
        seed's quirks. On the NAB series (a fifth of the windows held out, a
        free tail) three narrowed the spread over seeds of the sum of
        per-series F1 at 0.001 (11.4 to 11.9, against 10.6 to 11.8 for one)
        but hardly moved its median (11.5 against 11.4), for
        ``n_forecasters`` times the time of fitting and of the forecasts of
        scoring.
    random_state : int, RandomState instance or None, default=None
        Seed of the first forecaster's training (overrides its own when not
        None), from which the others' seeds are drawn.

    Attributes
    ----------
    forecasters_ : list of SequenceForecaster
        The fitted forecasters.
    forecaster_ : SequenceForecaster
        The first of them (its ``window_length_`` is every one's).
    reference_ : ndarray of shape (n_reference,)
        The scores of normal steps that scores are compared with, sorted:
        from the held-out errors (see ``average``), then the scored steps
        (``learn``).
    tail_shape_ : float
        The largest shape of the fitted Pareto tail (see ``tail``; inf
        without it): that of the tail of the held-out steps' own errors (a
        mean of errors has their tail), or 0 where theirs is lighter.
    offset_ : float
        The next float above ``false_alarm_rate`` (a p-value equal to it is
        flagged): ``decision_function = score_samples - offset_``.
    n_features_in_ : int
        Number of columns of the series.

    See Also
    --------
    skseq.SequenceForecaster : The forecaster, with its intervals.
    sklearn.ensemble.IsolationForest : An outlier detector for unordered rows.

    Notes
    -----
    The rows of ``X`` are the time steps of one series (a pandas Series or
    DataFrame indexed by time, or an array; several columns are forecast
    together, each column's errors in units of its held-out errors, and a
    step's score is the largest of its columns' ones, see ``average``). A
    series that continues the known one (by its index; arrays always do)
    takes the context of its first forecasts and of its first means from
    the end of the known series: the training series, extended by
    :meth:`update`. Otherwise its first ``window_length + smoothing - 1``
    steps are context only (the window of the first forecast, then the
    errors of the first mean), and score 1 (never flagged).

    Scoring streams: ``predict(new_points)`` scores points that continue the
    known series without refitting, and ``update(new_points)`` then makes
    them known (their scores join the reference).

    Scoring and :meth:`update` read the ``smoothing``, ``average``,
    ``learn``, ``tail`` and ``false_alarm_rate`` of the last fit, which made
    the reference: a parameter set after fit takes effect at the next fit.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import SequenceForecaster
    >>> from skseq.anomaly import ForecastAnomalyDetector
    >>> rng = np.random.default_rng(0)
    >>> y = np.sin(np.arange(600) / 5) + 0.05 * rng.standard_normal(600)
    >>> detector = ForecastAnomalyDetector(
    ...     SequenceForecaster(window_length=20, max_epochs=5),
    ...     false_alarm_rate=0.01, smoothing=1, random_state=0).fit(y[:500])
    >>> new = y[500:].copy()
    >>> new[50] += 1.5
    >>> flagged = np.flatnonzero(detector.predict(new) == -1)
    >>> bool(50 in flagged), len(flagged) <= 3  # the spike, perhaps a step after
    (True, True)
    """

    _network, _network_example = "forecaster", "SequenceForecaster(hidden_size=8)"
    _fitted_attributes = FORECAST_DETECTOR_STATE  # as skseq.save writes it

    @property
    def forecaster_(self):  # the first of forecasters_, not saved apart
        return self.forecasters_[0]

    _parameter_constraints: dict = {
        "forecaster": [SequenceForecaster, None],
        "false_alarm_rate": [Interval(Real, 0, 0.5, closed="right")],
        "learn": ["boolean"],
        "tail": ["boolean"],
        "smoothing": [Interval(Integral, 1, None, closed="left")],
        "average": [StrOptions({"signed", "absolute"})],
        "n_forecasters": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        forecaster=None,
        *,
        false_alarm_rate=0.001,
        learn=True,
        tail=True,
        smoothing=20,
        average="signed",
        n_forecasters=1,
        random_state=None,
    ):
        self.smoothing = smoothing
        self.average = average
        self.n_forecasters = n_forecasters
        self.forecaster = forecaster
        self.false_alarm_rate = false_alarm_rate
        self.learn = learn
        self.tail = tail
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Train the forecasters on a series of normal behaviour.

        Parameters
        ----------
        X : pandas.Series, pandas.DataFrame or array-like
            The series; rows are time steps.
        y : None
            Ignored.

        Returns
        -------
        self : ForecastAnomalyDetector
            The fitted detector.
        """
        series, X = check_series_of_detector(X)
        if self.forecaster is None:
            template = SequenceForecaster(**DEFAULT_FORECASTER)
        else:
            template = clone(self.forecaster)
        # held-out errors of consecutive steps, as the scored ones are (of
        # windows alone: the scoring reads no week back)
        template.set_params(horizon=1, window_step=1, season_lag=None)
        check_long_enough(series, template)
        seed = template.random_state if self.random_state is None else self.random_state
        forecasters = []
        for member_seed in _member_seeds(seed, self.n_forecasters):
            forecaster = clone(template).set_params(random_state=member_seed)
            with warnings.catch_warnings():
                # an anomaly at the end of X is what the detector scores; the
                # forecasts from its last window are not what it gives
                warnings.simplefilter("ignore", ExtrapolationWarning)
                forecasters.append(forecaster.fit(X))
            if forecaster._fitted.calibration is None:
                raise ValueError(
                    "X is too short to hold out windows whose errors calibrate the "
                    f"scores: {len(series.values)} steps with the forecaster's "
                    f"validation_fraction={forecaster.validation_fraction}. Give a "
                    "longer series or a forecaster with a larger validation_fraction."
                )
        # the members share their held-out windows and their units (both
        # depend on the data alone), so the mean of their normalised errors
        # is the normalised error of their mean forecast
        held_out = np.mean(
            [f._fitted.calibration.residuals[:, 0, :] for f in forecasters], axis=0
        ).astype(np.float64)  # (n, k), in time order
        # each column's errors in units of its typical held-out error
        unit = np.median(np.abs(held_out), axis=0)
        self.error_unit_ = np.where(unit > 0, unit, 1.0)
        self.forecasters_ = forecasters
        held_out = held_out / self.error_unit_
        self._scoring = scoring = Scoring.of(self.get_params())
        self.reference_ = scoring.reference(held_out)
        # the held-out steps' own errors, not the reference: 1,000 means of a
        # few hundred drawn errors show a lighter tail than theirs
        self.tail_shape_ = (
            tail_shape(replace(scoring, smoothing=1).steps(held_out))
            if scoring.tail
            else np.inf
        )
        self.recent_errors_ = scoring.recent(held_out)
        fitted = forecasters[0]._fitted  # the columns it carries, as it reads them
        self.known_ = fitted.carried([series], None, "single", "X")[0].tail(
            fitted.window_length
        )
        self.offset_ = flag_offset(self.false_alarm_rate)
        self.n_features_in_ = series.values.shape[1]
        return self

    def __setstate__(self, state):
        # pickled before the scoring settings were fitted state: it scored
        # with its parameters, and before the tail bound with a free tail
        if "reference_" in state:
            state.setdefault("_scoring", Scoring.of(state))
            state.setdefault("tail_shape_", np.inf)
        if "forecaster_" in state:  # the property's now: one member before 3
            state.setdefault("forecasters_", [state.pop("forecaster_")])
        super().__setstate__(state)

    def _errors(self, X, own_context=False):
        """Return the scores of the steps of ``X`` and their normalised errors.

        ``own_context``: score ``X`` on its own, even if it continues the
        known series.

        Returns each step's score (``step_scores`` over the fitted
        ``smoothing`` steps), the signed errors of the mean forecast
        ``(n, k)`` in units of the held-out ones (both NaN for the steps with
        no forecast; the scores also for the first ``smoothing - 1`` errors
        of a series scored on its own) and the validated series.
        """
        check_is_fitted(self)
        forecaster = self.forecaster_
        fitted, _, freq = forecaster._state()
        known = self.known_
        series, _ = check_series_of_detector(
            X, default_freq=freq, n_features=self.n_features_in_
        )
        (series,) = fitted.carried([series], None, "single", "X")
        w, k = fitted.window_length, fitted.roles.n_targets
        values = fitted.roles.arrange(series.values)
        check_log(values, k, "X", fitted.values.log)
        continues = not own_context and (
            series.kind == "array"
            or same_stamp(series.index[0], known.future_index(1)[0], series.freq)
        )
        if continues:
            context = fitted.roles.arrange(known.values)
            combined = np.concatenate([context, values])
        else:
            combined = values
        errors = np.full((len(values), k), np.nan)
        first = len(combined) - len(values)  # the first step of X in combined
        origins = np.arange(max(first, w), len(combined))
        if len(origins):
            states = [member._state()[:2] for member in self.forecasters_]

            def normalised_errors(windows):
                forecasts = [
                    member.forecast(
                        net, windows[:, :w], windows[:, w:], forecaster.n_threads
                    )
                    for member, net in states
                ]
                mean = np.mean([transformed for transformed, _ in forecasts], axis=0)
                actual = fitted.values.transform(windows[:, w:])[..., :k]
                unit = forecasts[0][1]  # every member's (see fit)
                return ((actual - mean) / unit)[:, 0] / self.error_unit_

            view = cut_windows(combined, w + 1)
            errors[origins - first] = WindowsAt(view, origins - w).map(
                normalised_errors
            )
        previous = self.recent_errors_ if continues else np.empty((0, k))
        scoring = self._scoring
        scores = scoring.steps(np.concatenate([previous, errors]))[len(previous) :]
        if not continues:  # means of fewer errors: context, as the window
            scores[: w + scoring.smoothing - 1] = np.nan
        return scores, errors, series

    def _p_values(self, X, own_context=False):
        errors, raw, series = self._errors(X, own_context)
        scored = ~np.isnan(errors)
        p_values = np.ones(len(errors))
        p_values[scored], reference = self._scoring.p_values(
            self.reference_, errors[scored], self.tail_shape_
        )
        return p_values, reference, series, raw

    def score_samples(self, X):
        """Conformal p-value of each step of ``X``: low values are anomalous.

        Parameters
        ----------
        X : pandas.Series, pandas.DataFrame or array-like
            The series to score, with the fitted columns.

        Returns
        -------
        scores : ndarray of shape (n_timesteps,)
            ``(1 + #{reference scores >= s}) / (n_reference + 1)`` for a step
            whose score (mean error, ``average``) is ``s``; 1 for the steps
            with no context.
        """
        return self._p_values(X)[0]

    def fit_predict(self, X, y=None):
        """Fit on ``X`` and label its steps, ``X`` scored on its own.

        Unlike ``fit(X).predict(X)`` for an array (which continues the
        known series), the first ``window_length + smoothing - 1`` steps of
        ``X`` are context only (labelled 1).

        Parameters
        ----------
        X : pandas.Series, pandas.DataFrame or array-like
            The series.
        y : None
            Ignored.

        Returns
        -------
        labels : ndarray of shape (n_timesteps,)
        """
        p_values = self.fit(X)._p_values(X, own_context=True)[0]
        return self._labels(p_values)

    def update(self, X):
        """Make the steps of ``X`` known, without refitting the forecaster.

        ``X`` continues the known series (the training series and earlier
        updates): later series that continue it take their context from its
        end, and (with ``learn``) the scores of its steps join the
        reference.

        Parameters
        ----------
        X : pandas.Series, pandas.DataFrame or array-like
            The steps that followed the known series.

        Returns
        -------
        self : ForecastAnomalyDetector
            The updated detector.
        """
        _, reference, series, errors = self._p_values(X)
        known = self.known_
        # a Period is its month's stamps; month ends continue month starts
        start, due = series.index[0], known.future_index(1)[0]
        if series.kind != "array" and not same_stamp(start, due, series.freq):
            raise ValueError(
                f"X must continue the known series: it starts at {start}, not {due}."
            )
        w = len(known.values)
        index = known.index  # an array's steps have no time stamps to keep
        if series.kind != "array":
            index = known.index.append(known.future_index(len(series.values)))[-w:]
        values = np.concatenate([known.values, series.values])[-w:]
        self.known_ = TimeSeries(
            values, index, known.freq, known.columns, known.kind, known.name
        )
        self.reference_ = reference
        self.recent_errors_ = self._scoring.recent(
            np.concatenate([self.recent_errors_, errors])
        )
        return self
