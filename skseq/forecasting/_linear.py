"""The forecaster's linear path: ridge regression of a window's future on it.

Closed-form ridge on the training windows, in the space the network reads
(each window scaled by its own reference and spread), gives the network's
linear path its start: the network begins as the linear forecaster and its
recurrent layers learn what the linear one misses. The same ridge, fitted in
each candidate normalisation and judged on the held-out windows, chooses the
normalisation of ``normalize="auto"``.
"""

import numpy as np
from sklearn.linear_model import RidgeCV

from ._scaling import WindowScaler
from ._windows import WindowDataset, network_inputs

__all__ = ["choose_normalization", "fit_ridge"]

_ALPHAS = np.logspace(-3, 3, 13)


def fit_ridge(dataset):
    """Ridge (alpha by leave-one-out) from the dataset's windows to targets."""
    inputs, target = dataset.batch(np.arange(len(dataset)))
    X = inputs["X"].reshape(len(target), -1).double().numpy()
    return RidgeCV(alphas=_ALPHAS).fit(X, target.double().numpy())


def _held_out_error(ridge, scaler, raw_windows, fitted_like, steps):
    """MAE of the ridge's forecasts of the held-out windows (transformed space)."""
    w, k = fitted_like.window_length, fitted_like.roles.n_targets
    n_future = fitted_like.roles.n_future
    encoded = fitted_like.values.transform(raw_windows)
    length = w + (steps if n_future else 0)
    X, reference, scale = network_inputs(encoded[:, :length], w, n_future, scaler, k)
    out = ridge.predict(X.reshape(len(X), -1).double().numpy())
    predicted = scaler.inverse_transform(
        out.reshape(len(X), steps, k), reference, scale
    )
    return float(np.abs(predicted - encoded[:, w : w + steps, :k]).mean())


def choose_normalization(candidates, series, split, raw_windows, fitted_like, steps):
    """Return the candidate whose ridge forecasts the held-out windows best.

    Parameters
    ----------
    candidates : sequence
        Values of ``normalize`` to try.
    series : ndarray
        The transformed series, stacked.
    split : WindowSplit
        Training and held-out windows.
    raw_windows : ndarray of shape (n_held_out, window_length + horizon, c)
        The held-out windows, raw (role order).
    fitted_like : FittedForecaster
        Geometry, roles and value scaling (its window scaler is not used).
    steps : int
        Horizon steps of one network output (1 for the recursive strategy).
    """
    w, h = fitted_like.window_length, fitted_like.horizon
    k, n_future = fitted_like.roles.n_targets, fitted_like.roles.n_future
    errors = {}
    for candidate in candidates:
        scaler = WindowScaler.fit(series, split.train, candidate, w, h, k)
        dataset = WindowDataset(
            series,
            split.train,
            window_length=w,
            horizon=steps,
            n_targets=k,
            n_future=n_future,
            scaler=scaler,
        )
        ridge = fit_ridge(dataset)
        errors[candidate] = _held_out_error(
            ridge, scaler, raw_windows, fitted_like, steps
        )
    return min(errors, key=errors.get)
