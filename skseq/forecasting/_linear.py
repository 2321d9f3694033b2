"""Ridge regressions of a window's future on it, in each window normalisation.

Closed-form ridge on the training windows, in the space the network reads
(each window scaled by its own reference and spread), serves three ends:

- the network's linear path starts as the ridge in the network's own
  normalisation, and its recurrent layers learn what the ridge misses;
- ``normalize="auto"`` keeps the normalisation whose ridge forecasts the
  held-out windows best;
- the forecaster's "linear" forecasts (see :mod:`skseq.forecasting._methods`)
  are the ridges of the normalisations that forecast the held-out windows
  about as well as the best: no normalisation wins on every series (relative
  to the last value for a trend, standardised for a season whose amplitude
  follows the level, the series' own scale for a stable one), and where the
  windows cannot tell them apart the mean of all of them is rarely far from
  the best.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import RidgeCV

from ._scaling import WindowScaler
from ._windows import WindowDataset

__all__ = ["RidgeForecast", "fit_ridge", "fit_ridges"]

_ALPHAS = np.logspace(-3, 3, 13)
# fit_ridge reads this many windows at a time
_BLOCK_WINDOWS = 4096
# RidgeForecast.outputs multiplies at most this many numbers at once (32 MB)
_ELEMENTS = 2**22


def fit_ridge(dataset, block=_BLOCK_WINDOWS, columns=None):
    """Ridge from the dataset's windows to their targets, alpha by leave-one-out.

    What ``RidgeCV(alphas=_ALPHAS)`` fits on all the windows at once (one
    alpha for every output, the one of the least leave-one-out squared
    error), computed from the windows ``block`` at a time: a pass sums their
    Gram matrix and a second their leave-one-out errors (``e / (1 - h)``,
    ``h`` the leverage of a window), so that memory grows with the inputs of
    one window, not with the number of windows.

    With no more windows than inputs, the matrix of all windows is no
    larger than the Gram matrix: ``RidgeCV`` fits it directly. The two agree
    up to rounding, which can break near ties between alphas differently.

    ``columns`` (indices into a window's flattened inputs) limits the ridge
    to those inputs, in that order; None reads them all.

    Returns
    -------
    coef : ndarray of shape (n_outputs, n_inputs)
        ``n_inputs``: the columns read.
    intercept : ndarray of shape (n_outputs,)
    alpha : float
    """
    n = len(dataset)
    chunks = [np.arange(start, min(start + block, n)) for start in range(0, n, block)]
    if columns is None:
        n_inputs = dataset.input_length * dataset.input_width
    else:
        n_inputs = len(columns)

    def rows(index):
        inputs, target = dataset.batch(index)
        X = inputs["X"].reshape(len(target), -1).double().numpy()
        return X if columns is None else X[:, columns], target.double().numpy()

    if n <= n_inputs:
        # one window leaves none out (0 / 0); centred, its coefficients are 0
        # whatever the alpha
        with np.errstate(divide="ignore", invalid="ignore"):
            ridge = RidgeCV(alphas=_ALPHAS).fit(*rows(np.arange(n)))
        coef = np.atleast_2d(ridge.coef_)
        return coef, np.atleast_1d(ridge.intercept_), float(ridge.alpha_)
    sums = None
    for index in chunks:
        X, Y = rows(index)
        parts = (X.sum(0), Y.sum(0), X.T @ X, X.T @ Y)
        sums = parts if sums is None else [a + b for a, b in zip(sums, parts)]
    x_sum, y_sum, gram, cross = sums
    x_mean, y_mean = x_sum / n, y_sum / n
    gram = gram - n * np.outer(x_mean, x_mean)  # of the centred windows
    cross = cross - n * np.outer(x_mean, y_mean)
    eigenvalues, vectors = np.linalg.eigh(gram)
    eigenvalues = np.clip(eigenvalues, 0.0, None)  # rounding below zero
    projected = vectors.T @ cross
    coefs = [vectors @ (projected / (eigenvalues + a)[:, None]) for a in _ALPHAS]
    squared = np.zeros(len(_ALPHAS))
    for index in chunks:
        X, Y = rows(index)
        X = X - x_mean
        rotated = (X @ vectors) ** 2
        for i, (alpha, coef) in enumerate(zip(_ALPHAS, coefs, strict=True)):
            leverage = 1.0 / n + rotated @ (1.0 / (eigenvalues + alpha))
            residual = (Y - y_mean - X @ coef) / (1.0 - leverage)[:, None]
            squared[i] += (residual**2).sum()
    best = int(np.argmin(squared))
    coef = coefs[best].T
    return coef, y_mean - coef @ x_mean, float(_ALPHAS[best])


@dataclass(frozen=True)
class RidgeForecast:
    """A ridge regression in one window normalisation, as a forecaster reads it.

    Attributes
    ----------
    scaler : WindowScaler
        The normalisation of its windows.
    coef : ndarray of shape (steps * n_targets, n_inputs)
    intercept : ndarray of shape (steps * n_targets,)
    window_length : int or None, default=None
        Steps it reads before a forecast: the last of the forecaster's window
        (None: all of them). A window longer than the series supports is the
        network's; the ridges read as many steps as it supports, normalised
        on those, and learn from every window of their own length.
    """

    scaler: WindowScaler
    coef: np.ndarray
    intercept: np.ndarray
    window_length: int | None = None

    def outputs(self, X):
        """Return outputs ``(n, steps * n_targets)`` for network inputs ``X``.

        Row by row (a product and a sum over each row's inputs), not a matrix
        product, whose kernels depend on the number of rows: a forecast does
        not depend on what else is forecast with it.
        """
        X = X.reshape(len(X), -1).double().numpy()
        out = np.empty((len(X), len(self.coef)))
        chunk = max(1, _ELEMENTS // self.coef.size)  # rows per temporary array
        for start in range(0, len(X), chunk):
            rows = X[start : start + chunk, None, :]
            out[start : start + chunk] = (rows * self.coef).sum(axis=2)
        return out + self.intercept


def fit_ridges(normalizations, series, windows, fitted_like, steps, window=None):
    """Fit one :class:`RidgeForecast` per normalisation on ``windows``.

    Parameters
    ----------
    normalizations : sequence
        Values of ``normalize``.
    series : SeriesRows
        The series, stacked and scaled.
    windows : ndarray of int
        Starts of the windows to fit on.
    fitted_like : FittedForecaster
        Geometry and roles (its window scaler is not used).
    steps : int
        Horizon steps of one output (1 for the recursive strategy).
    window : int or None, default=None
        Steps the ridges read (``RidgeForecast.window_length``), with
        ``windows`` the starts of windows of that length; None: the
        forecaster's window.

    Returns
    -------
    tuple of RidgeForecast
    """
    h = fitted_like.horizon
    w = fitted_like.window_length if window is None else window
    k, n_future = fitted_like.roles.n_targets, fitted_like.roles.n_future
    ridges = []
    for normalize in normalizations:
        scaler = WindowScaler.fit(series, windows, normalize, w, h)
        dataset = WindowDataset(
            series,
            windows,
            window_length=w,
            horizon=steps,
            n_targets=k,
            n_future=n_future,
            scaler=scaler,
        )
        coef, intercept, _ = fit_ridge(dataset)
        ridges.append(RidgeForecast(scaler, coef, intercept, window))
    return tuple(ridges)
