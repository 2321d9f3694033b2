"""Damped Holt-Winters exponential smoothing of one series (or its logarithms).

The forecast users compare a network with: a level, a damped trend and a
season, each updated by a share of every one-step error (Hyndman and
Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., 8.3-8.4,
error-correction form). Its state follows the whole series, where the
window models read its last steps only.

The smoothing parameters minimise the one-step squared error over the
series: the best of a grid (every set in one loop over the series, in numpy
over the sets), then L-BFGS-B (its gradient by differences in the same
loop), within the bounds of statsmodels' ``ExponentialSmoothing``. The
initial states are those that fit the series best for the parameters (a
least-squares problem: the errors are affine in them), starting from the
means of the first seasons; parameters and states are fitted twice in turn.
Values are taken relative to the first, so that a large offset costs no
precision.

A series of positive values is also fitted in logarithms (a trend and a
season that grow with the level: multiplicative ones), and the form whose
one-step errors are the likelier is kept (:func:`fit_smoothing`).
"""

from dataclasses import dataclass, replace
from itertools import product

import numpy as np
from scipy.linalg import lstsq
from scipy.optimize import minimize

__all__ = [
    "NotPositiveError",
    "Smoothing",
    "check_steps",
    "fit_smoothing",
    "usable_season",
]

# the damping of the trend (phi): statsmodels' bounds (below 0.8 the trend
# barely acts; at 0.98, Hyndman et al.'s bound, co2's trend over 24 months
# was damped too much: MAE 0.50 against statsmodels' 0.216, and 0.217)
PHI = (0.8, 0.995)
# the first grid; alpha in (0, 1), beta and gamma as shares of their bounds
# (beta <= alpha, gamma <= 1 - alpha)
_GRID = (
    (0.05, 0.2, 0.4, 0.6, 0.8, 0.95),
    (0.02, 0.15, 0.5),
    (0.02, 0.15, 0.5),
    (0.8, 0.9, 0.98),
)


class NotPositiveError(ValueError):
    """A model of logarithms given values that are not positive."""


@dataclass(frozen=True, eq=False)
class Smoothing:
    """A damped Holt(-Winters) model and its states at a step of a series.

    Attributes
    ----------
    alpha, beta, gamma, phi : float
        The level's, trend's and season's shares of each one-step error, and
        the trend's damping per step (``beta`` and ``gamma`` absolute, not
        shares of their bounds; ``gamma`` 0 without a season).
    season : int or None
        Steps of the season; None: damped Holt, no season.
    level, trend : float
        The states before the next step to read (after the steps read).
    seasonal : ndarray of shape (season,) or None
        The seasonal states then, the next step's first.
    log : bool, default=False
        Whether the model reads the logarithms of the values (a trend and a
        season that grow with the level) and forecasts their exponential;
        its states are then in logarithms. Such a model reads positive
        values only.
    """

    alpha: float
    beta: float
    gamma: float
    phi: float
    season: int | None
    level: float
    trend: float
    seasonal: np.ndarray | None
    log: bool = False

    @property
    def params(self):
        """The parameters ``(alpha, beta, gamma, phi)``, an array."""
        return np.array([self.alpha, self.beta, self.gamma, self.phi])

    def forecast(self, horizon):
        """Return the forecast of the next ``horizon`` steps, ``(horizon,)``."""
        return self.along(np.empty(0), [0], horizon)[0]

    def start(self, y):
        """Return the model before the first step of ``y``, its states fitted to it.

        The initial states that fit ``y`` best for these parameters (as at
        fit: a series the model was fitted on starts as it did). Raises
        ValueError where ``y`` is too short to fit them (:func:`check_steps`),
        or not positive for a model of logarithms.
        """
        z = self._read(check_steps(y, self.season))
        offset = z[0]  # the states of values relative to the first
        z = z - offset
        level, trend, seasonal = _fitted_states(
            z, self.params[None], _initial_states(z, self.season)
        )
        return self._with((level + offset, trend, seasonal), 0)

    def after(self, y):
        """Return the model after it has read the steps ``y``."""
        z = self._read(y)
        return self._with(_filter(z, self.params[None], self._lanes()), len(z))

    def along(self, y, origins, horizon):
        """Forecasts of ``horizon`` steps from ``origins`` as it reads ``y``.

        An origin is the number of steps of ``y`` read before the forecast (0:
        the model as it is, ``len(y)``: after all of them). Returns
        ``(len(origins), horizon)``. Raises ValueError where the steps read
        are not positive for a model of logarithms.
        """
        z = self._read(np.asarray(y, dtype=np.float64)[: max(origins, default=0)])
        out = np.full((len(origins), horizon), np.nan)
        at = {}
        for i, origin in enumerate(origins):
            at.setdefault(int(origin), []).append(i)
        phi = self.params[3:]

        def record(t, level, trend, seasonal):
            if t in at:
                out[at[t]] = _ahead(level, trend, seasonal, phi, horizon, t)[0]

        _filter(z, self.params[None], self._lanes(), record)
        return np.exp(out) if self.log else out

    def _read(self, y):
        """Return the values ``y`` as the model reads them (:func:`_read`)."""
        return _read(y, self.log)

    def _lanes(self):
        seasonal = None if self.seasonal is None else self.seasonal[None].copy()
        return np.array([self.level]), np.array([self.trend]), seasonal

    def _with(self, states, n_read):
        """Return the model with ``states``, ``n_read`` steps on (its season turned)."""
        level, trend, seasonal = (None if x is None else np.ravel(x) for x in states)
        if seasonal is not None:
            seasonal = np.roll(seasonal, -(n_read % self.season))
        return replace(
            self, level=float(level[0]), trend=float(trend[0]), seasonal=seasonal
        )


def check_steps(y, season=None):
    """Return ``y`` as float64; refuse one too short or not finite.

    A season needs two of them (the states of its steps are fitted), a
    series without one 4 steps.
    """
    y = np.asarray(y, dtype=np.float64)
    needed = 4 if season is None else max(4, 2 * season)
    if y.ndim != 1 or len(y) < needed or not np.isfinite(y).all():
        raise ValueError(
            f"Exponential smoothing needs a finite series of at least {needed} "
            f"steps, got shape {y.shape}."
        )
    return y


def usable_season(season, n_steps):
    """Return ``season`` where ``n_steps`` hold two of them, else None."""
    return season if season is not None and 2 <= season <= n_steps // 2 else None


def fit_smoothing(y, season=None, log=None):
    """Return the :class:`Smoothing` of ``y`` with the least one-step error.

    ``season`` is used where ``y`` holds at least two of them (else damped
    Holt). The model is before the first step of ``y``: ``after(y)`` reads it.
    ``log``: whether it reads the logarithms of ``y`` (positive values
    only); None: the form of the two whose one-step errors are the likelier,
    on a series whose values are all positive (:func:`_fitted_form`).
    """
    season = usable_season(season, len(y))
    y = check_steps(y, season)
    if log is None:
        forms = (False, True) if (y > 0).all() else (False,)
    else:
        forms = (bool(log),)
    fits = [_fitted_form(y, season, form) for form in forms]
    return min(fits, key=lambda fit: fit[1])[0]


def _fitted_form(y, season, log):
    """Return the model of ``y`` (of its logarithms with ``log``) and its score.

    The score is minus twice the Gaussian log-likelihood of its one-step
    errors, in the values' scale (the logarithms' density moved there by
    the Jacobian, ``2 sum(log y)``), less constants: the information
    criteria of the two forms (the same parameters and states) differ by as
    much. R's ``forecast::ets`` chooses among additive and multiplicative
    forms alike. The form of logarithms forecasts the exponential of their
    mean, a median of the values: below their mean by about exp(s**2 / 2),
    ``s`` the spread of its errors in logarithms. Over damped additive
    Holt-Winters' error (seeds 0-2;
    benchmarks/README.md, "A season that grows with the level"), the
    default's error went from 0.896 to 0.888 on fifteen classical series
    (42 origins), from 0.909 to 0.895 on the panel's five origins and from
    0.908 to 0.897 over the six rows of short cuts (seasonal cuts of 120
    steps 0.831 to 0.885, a loss); with simple exponential smoothing (no
    trend) among the forms too, 0.889, 0.892 and 0.903.
    """
    z = _read(y, log)
    offset = z[0]  # values relative to the first: no precision lost to it
    params, (level, trend, seasonal) = _fit(z - offset, season)
    sse = float(_sse(z - offset, params[None], level, trend, seasonal)[0])
    alpha, beta, gamma, phi = (float(p) for p in params)
    seasonal = None if seasonal is None else np.asarray(seasonal, dtype=np.float64)
    model = Smoothing(
        alpha,
        beta,
        gamma,
        phi,
        season,
        float(level + offset),
        float(trend),
        seasonal,
        log,
    )
    with np.errstate(divide="ignore"):
        score = len(z) * np.log(sse / len(z)) + (2 * np.sum(z) if log else 0.0)
    # no likelihood where the squared errors under- or overflow (values of
    # 1e-170: the values' form would win with an error of 0)
    return model, (score if np.isfinite(score) else np.inf)


def _read(y, log):
    """Return ``y`` as float64, or its logarithms with ``log`` (positive only)."""
    y = np.asarray(y, dtype=np.float64)
    if not log:
        return y
    if not (y > 0).all():
        raise NotPositiveError(
            "it models the logarithms of the series, which holds values "
            "that are not positive."
        )
    return np.log(y)


def _fit(y, season):
    """Return the parameters ``(alpha, beta, gamma, phi)`` and initial states."""
    states = _initial_states(y, season)
    grid = np.array(list(product(*_GRID)))
    if season is None:  # gamma has no role
        grid = np.unique(np.where(np.arange(4) == 2, 0.0, grid), axis=0)
    sse = _sse(y, _absolute(grid), *states)
    best = grid[np.nanargmin(sse)]
    for _ in range(2):  # the states that fit the parameters, then those again
        states = _fitted_states(y, _absolute(best[None]), states)
        best = _minimise(y, best, states, season is not None)
    params = _absolute(best[None])[0]
    # as Smoothing.start finds them: the series fitted on starts as it did
    return params, _fitted_states(y, params[None], states)


def _minimise(y, shares, states, seasonal):
    """Return the shares with the least one-step error, from ``shares``.

    L-BFGS-B within the bounds, its gradient by forward differences taken in
    the same pass over the series as the error (one lane per parameter).
    """
    free = [0, 1, 2, 3] if seasonal else [0, 1, 3]
    low = np.array([1e-4, 0.0, 0.0, PHI[0]])[free]
    high = np.array([0.9999, 1.0, 1.0, PHI[1]])[free]
    delta = 1e-6
    scale = 1.0  # the error at the start: the objective starts at 1

    def full(x):
        out = np.zeros(4)
        out[free] = x
        return out

    def objective(x):
        steps = np.where(x + delta <= high, delta, -delta)  # back at a bound
        lanes = np.vstack([x, x + np.diag(steps)])
        sse = _sse(y, _absolute(np.array([full(lane) for lane in lanes])), *states)
        sse = sse / scale
        gradient = (sse[1:] - sse[0]) / steps
        return sse[0], gradient

    x0 = np.clip(shares[free], low, high)
    scale = max(float(_sse(y, _absolute(full(x0)[None]), *states)[0]), 1e-300)
    result = minimize(
        objective,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(low, high, strict=True)),
        options={"maxiter": 100},
    )
    return full(result.x if np.isfinite(result.fun) and result.fun <= 1.0 else x0)


def _fitted_states(y, params, states):
    """Return the initial states with the least one-step error for ``params``.

    The one-step errors are affine in the initial states: the errors of a run
    from each unit state, less those from zero states, are the columns of a
    least-squares problem (the level and the seasonal states are collinear:
    the seasonal ones are taken with mean zero, their mean moved to the level).
    """
    level, trend, seasonal = states
    k = 2 + (0 if seasonal is None else len(seasonal))
    units = np.vstack([np.zeros(k), np.eye(k)])
    lanes = (
        units[:, 0],
        units[:, 1],
        None if seasonal is None else units[:, 2:],
    )
    errors = np.empty((len(y), k + 1))

    def keep(t, e):
        errors[t] = e

    _filter(y, np.repeat(params, k + 1, axis=0), lanes, None, keep)
    columns = errors[:, :1] - errors[:, 1:]
    # QR with pivoting: the collinear level and seasonal columns (a solution
    # of any mean is moved below), at a fraction of an SVD's cost (a season of
    # 336 steps over 4,000: 1 s each with numpy's lstsq)
    solved, *_ = lstsq(columns, errors[:, 0], lapack_driver="gelsy")
    if not np.isfinite(solved).all():
        return states
    if seasonal is None:
        return solved[0], solved[1], None
    seasonal = solved[2:] - solved[2:].mean()
    return solved[0] + solved[2:].mean(), solved[1], seasonal


def _absolute(shares):
    """Parameter sets ``(alpha, beta, gamma, phi)`` from shares of their bounds."""
    alpha, beta, gamma, phi = shares.T
    return np.stack([alpha, alpha * beta, (1 - alpha) * gamma, phi], axis=1)


def _initial_states(y, season):
    """Level, trend and seasonal states before the first step.

    With a season: the means of the first (up to four) seasons give the
    level and the trend, and the seasonal states are the mean deviation of
    each step of the season from its season's trend line. Without: a line
    fitted to the first (up to ten) steps.
    """
    if season is None:
        n = min(len(y), 10)
        slope, intercept = np.polyfit(np.arange(n), y[:n], 1)
        return intercept - slope, slope, None
    k = min(len(y) // season, 4)
    seasons = y[: k * season].reshape(k, season)
    means = seasons.mean(axis=1)
    trend = (means[-1] - means[0]) / ((k - 1) * season)
    line = means[:, None] + trend * (np.arange(season) - (season - 1) / 2)
    seasonal = (seasons - line).mean(axis=0)
    seasonal -= seasonal.mean()
    level = means[0] - trend * (season + 1) / 2
    return level, trend, seasonal


def _sse(y, params, level, trend, seasonal):
    """One-step squared error of each parameter set ``(P, 4)``."""
    n_sets = len(params)
    states = (
        np.full(n_sets, level),
        np.full(n_sets, trend),
        None if seasonal is None else np.tile(seasonal, (n_sets, 1)),
    )
    total = np.zeros(n_sets)

    def add(t, errors):
        total[:] += errors**2

    _filter(y, params, states, None, add)
    return total


def _filter(y, params, states, record=None, errors_of=None):
    """Run the error-correction recursions over ``y`` for parameter sets ``(P, 4)``.

    ``record(t, level, trend, seasonal)`` sees the states before step ``t``
    (and after the last, ``t = len(y)``); ``errors_of(t, errors)`` each
    step's one-step errors.
    """
    alpha, beta, gamma, phi = params.T
    level, trend, seasonal = states
    # the seasonal states by step of the season: each step's row is contiguous
    ring = None if seasonal is None else np.array(seasonal.T, order="C")
    m = None if ring is None else len(ring)
    for t, value in enumerate(y):
        if record is not None:
            record(t, level, trend, None if ring is None else ring.T)
        damped = phi * trend
        s = 0.0 if m is None else ring[t % m]
        error = value - (level + damped + s)
        if errors_of is not None:
            errors_of(t, error)
        level = level + damped + alpha * error
        trend = damped + beta * error
        if m is not None:
            ring[t % m] = s + gamma * error
    if record is not None:
        record(len(y), level, trend, None if ring is None else ring.T)
    return level, trend, None if ring is None else ring.T


def _ahead(level, trend, seasonal, phi, horizon, start=0):
    """Forecasts ``(P, horizon)`` from the states before step ``start``."""
    steps = np.arange(1, horizon + 1)
    damping = np.cumsum(phi[:, None] ** steps, axis=1)
    forecast = level[:, None] + damping * trend[:, None]
    if seasonal is not None:
        m = seasonal.shape[1]
        forecast = forecast + seasonal[:, (start + steps - 1) % m]
    return forecast
