"""How a SequenceForecaster trains its network on windows."""

from dataclasses import replace

import numpy as np
import torch

from .._base import conv_params
from .._engine import (
    TrainingDiverged,
    TrainingOptions,
    resolve_module,
    train,
    without_validation_readers,
)
from ._conformal import check_quantiles
from ._judged import reads_long_season
from ._linear import fit_ridge
from ._windows import WindowDataset

__all__ = ["head_levels", "linear_path_window", "net_spec", "refit", "train_windows"]


def head_levels(estimator):
    """Return the levels of the network's quantile heads, or None without.

    The levels of ``quantiles``, sorted, with the median added if missing
    (it forecasts). Refuses a strategy other than "direct" and a loss other
    than the default, which the pinball loss would replace.
    """
    if estimator.quantiles is None:
        return None
    levels = check_quantiles(estimator.quantiles)
    if estimator.strategy != "direct":
        raise ValueError(
            "quantiles trains one output per horizon step and level, which "
            f"needs strategy='direct'; got strategy={estimator.strategy!r}. Set "
            "strategy='direct', or quantiles=None for split-conformal quantiles."
        )
    if estimator.loss != "squared_error":
        raise ValueError(
            "quantiles trains with the pinball loss, so "
            f"loss={estimator.loss!r} would be ignored: leave loss at its default "
            "('squared_error'), or set quantiles=None."
        )
    return tuple(float(q) for q in np.union1d(levels, [0.5]))


def _module_params(estimator, fitted, input_length, output_size):
    roles = fitted.roles
    return {
        "input_size": len(roles.columns) + (1 if roles.n_future else 0),
        "output_size": output_size,
        "cell": estimator.cell,
        "hidden_size": estimator.hidden_size,
        "num_layers": estimator.num_layers,
        "dropout": estimator.dropout,
        "bidirectional": estimator.bidirectional,
        "pooling": estimator.pooling,
        "num_embeddings": None,
        "embedding_dim": None,
        "max_length": input_length
        if estimator.pooling == "flatten" or estimator.linear_path
        else None,
        "linear_path": estimator.linear_path,
        **conv_params(estimator),
        "autocast": "bfloat16" if estimator.mixed_precision else None,
    }


def _steps(fitted):
    """Forecast steps per network output: the horizon, or one (recursive)."""
    return fitted.horizon if fitted.strategy == "direct" else 1


def net_spec(estimator, fitted):
    """Return the network class, its parameters and the loss of a forecaster.

    With quantile heads (``fitted.quantiles``) the network has an output per
    horizon step, target and level (levels last) and the pinball loss.
    """
    steps = _steps(fitted)
    input_length = fitted.window_length + (steps if fitted.roles.n_future else 0)
    outputs = steps * fitted.roles.n_targets * _n_levels(fitted)
    module, params = resolve_module(
        estimator.module, _module_params(estimator, fitted, input_length, outputs)
    )
    if fitted.quantiles is None:
        return module, params, estimator.loss
    return module, params, {"loss": "pinball", "quantiles": list(fitted.quantiles)}


def _n_levels(fitted):
    """Return the outputs per horizon step and target (one, or one per head)."""
    return 1 if fitted.quantiles is None else len(fitted.quantiles)


def train_windows(
    estimator, series, split, fitted, seed, windows=None, linear=None, **overrides
):
    """Train on the training windows of ``split`` (held-out ones validate).

    ``windows`` trains on those instead, without validation (so without
    the user's callbacks that read it, which the first fit ran); ``linear``
    is what the linear path reads of the window (:func:`_linear_path`);
    ``overrides`` go to :func:`skseq._engine.train` (``max_epochs``,
    ``early_stopping``).
    """
    stopping = estimator.early_stopping and len(split.held_out) > 0
    windows_given = windows is not None  # the refit on every window
    if windows is None and stopping:
        windows = np.concatenate([split.train, split.held_out])
        valid_index = np.arange(len(split.train), len(windows))
    else:
        windows = split.train if windows is None else windows
        valid_index = None
    dataset = WindowDataset(
        series,
        windows,
        window_length=fitted.window_length,
        horizon=_steps(fitted),
        n_targets=fitted.roles.n_targets,
        n_future=fitted.roles.n_future,
        scaler=fitted.windows,
    )
    module, module_params, loss = net_spec(estimator, fitted)
    initialize = None
    if estimator.linear_path:
        training = (
            dataset
            if valid_index is None
            else dataset.subset(np.arange(len(split.train)))
        )
        coef, intercept = _linear_path(training, series, fitted, linear)
        # every quantile head starts as the ridge; the network learns offsets
        coef = np.repeat(coef, _n_levels(fitted), axis=0)
        intercept = np.repeat(intercept, _n_levels(fitted))

        def initialize(module):
            if getattr(module, "linear_path", None) is not None:
                module.linear_path.weight.copy_(torch.as_tensor(coef))
                module.linear_path.bias.copy_(torch.as_tensor(intercept))
                # kept as fitted: the recurrent layers learn what it misses
                module.linear_path.requires_grad_(False)

    options = TrainingOptions.from_estimator(estimator, early_stopping=stopping)
    if windows_given:  # no validation to read: the first fit did
        options = replace(
            options, callbacks=without_validation_readers(options.callbacks)
        )
    return train(
        dataset,
        module,
        module_params,
        loss,
        options,
        seed=seed,
        valid_index=valid_index,
        initialize=initialize,
        **overrides,
    )


def _linear_path(training, series, fitted, linear):
    """Return the coefficients and intercept of the network's linear path.

    A ridge of the ``training`` windows, or with ``linear`` (``(steps,
    starts)``: the steps of
    :func:`linear_path_window` and the starts
    of the ridges' windows, of :func:`~skseq.forecasting._fitting.ridge_split`)
    of their last ``steps`` and the forecast steps' rows (future
    covariates), the other inputs at zero. Where those steps scale alone
    (:attr:`WindowScaler.tail_alone`) it learns from the ridges' windows,
    the earliest too; otherwise from the network's.
    """
    if linear is None:
        coef, intercept, _ = fit_ridge(training)
        return coef, intercept
    steps, starts = linear
    width = training.input_width
    first = (training.window_length - steps) * width
    columns = np.arange(first, training.input_length * width)
    if fitted.windows.tail_alone:
        shorter = WindowDataset(
            series,
            starts,
            window_length=steps,
            horizon=training.horizon,
            n_targets=training.n_targets,
            n_future=training.n_future,
            scaler=fitted.windows,
        )
        part, intercept, _ = fit_ridge(shorter)
    else:
        part, intercept, _ = fit_ridge(training, columns=columns)
    coef = np.zeros((len(part), training.input_length * width))
    coef[:, columns] = part
    return coef, intercept


def refit(estimator, series, split, fitted, seed, first, linear=None):
    """Train again on every window, the latest ones too.

    The held-out windows have calibrated the intervals (and, with early
    stopping, chosen the number of epochs of the ``first`` training);
    ``linear`` as in :func:`train_windows`. A refit whose loss diverges
    returns ``first``, which is complete; one that forecasts worse is
    judged by the caller (``_judged.refit_holds``).
    """
    epochs = estimator.max_epochs
    if estimator.early_stopping and len(split.held_out):
        epochs = int(np.argmin(first.net.history[:, "valid_loss"])) + 1
    try:
        return train_windows(
            estimator,
            series,
            split,
            fitted,
            seed,
            windows=split.every,
            linear=linear,
            max_epochs=epochs,
            early_stopping=False,
        )
    except TrainingDiverged:  # its loss went to inf: the first is complete
        return first


def linear_path_window(fitted, read, tested=True):
    """Return the steps the network's linear path reads, or None: all.

    Where the ridges read fewer steps than a window given (``read``, from
    :func:`ridge_split`) and the model carries no season, the linear path,
    a ridge too, reads only those last steps: the far steps of the window
    are inputs its few training windows do not support. The recurrent
    layers still read the whole window. A season is carried by phase
    indicators, read whole when longer (13 steps or more), or, where the
    phases were not ``tested`` (``season_inputs=None``, stored series),
    held by the window; one the phase test declined is not. A season
    carried keeps the whole window, whose far steps are the last season's
    values (cut, the default's error on monthly and quarterly cuts of 60
    and 120 steps rose 5% and 3%). Normalised relative to the last value
    or in the series' own scale, those steps learn from every window of
    their length, as the ridges do (``_training._linear_path``). On short
    series with the window given (``benchmarks/short_series.py --given``,
    seeds 0-2) the default's error over damped Holt's fell from 1.084 to
    0.966 at 60 non-seasonal steps (the network alone: 1.551 to 1.032),
    from 1.127 to 1.118 at 40 and from 1.006 to 0.994 at 80, and rose from
    1.026 to 1.029 at 120.
    """
    season, w = fitted.season, fitted.window_length
    held = not tested and season is not None and season <= w
    carried = fitted.phases is not None or reads_long_season(fitted) or held
    return None if read is None or carried else read
