"""SequenceForecaster: forecast time series with a recurrent network.

The forecaster cuts its training series into windows (lazily, see
:class:`skseq._data.WindowDataset`) and trains the network and training loop
of RNNRegressor on them: the window's values are the input sequence, the next
``horizon`` values the targets.
"""

import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_array, check_is_fitted

from .._base import _BaseSequenceNet, safe_scale
from .._data import WindowDataset
from .._engine import predict_outputs
from .._runtime import torch_threads
from ..utils._series import check_panel
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ._rnn import _NETWORK_PARAMETERS, _REGRESSOR_TRAINING, _RUNTIME_PARAMETERS

__all__ = ["SequenceForecaster"]

# windows used to measure the scale of the relative inputs and targets
_SCALE_SAMPLE = 20_000
# windows per forward pass of prediction
_PREDICT_BATCH = 256


def _network_parameters():
    """Return RNNRegressor's network parameters that apply to the forecaster."""
    text = _NETWORK_PARAMETERS
    start = text.index("    embedding_dim :")
    return text[:start].replace('default="max"', 'default="last"')


def _training_parameters():
    """Return the training parameters of the forecaster (no validation_fraction)."""
    text = _REGRESSOR_TRAINING
    start = text.index("    validation_fraction :")
    end = text.index("    n_iter_no_change :")
    return text[:start] + text[end:]


class SequenceForecaster(_BaseSequenceNet):
    __doc__ = f"""Forecast a time series (or many) with a recurrent network.

    ``fit(y)`` learns from windows of ``window_length`` steps of the series to
    predict the ``horizon`` steps that follow; ``predict()`` returns the next
    ``horizon`` steps after the end of the series, indexed by their future
    time stamps.

    Parameters
    ----------
    window_length : int, default=24
        Steps the network reads before each forecast.
    horizon : int, default=1
        Steps forecast at once.
    strategy : {{"direct", "recursive"}}, default="direct"
        "direct": one network output per horizon step. "recursive": a one-step
        network applied ``horizon`` times, each forecast fed back as input.
    target : str, int, list or None, default=None
        Column(s) of a DataFrame ``y`` to forecast. The other columns are
        covariates: known only up to the forecast time ("past covariates"),
        unless listed in ``future_covariates``. None forecasts every column
        that is not a future covariate.
    future_covariates : list or None, default=None
        Columns known in advance (calendar, promotions, ...). The network reads
        their values over the forecast horizon too; ``predict`` needs them as
        ``future``.
    normalize : {{"standard", "last", "mean"}} or None, default="standard"
        Make each window's target values relative to its mean ("standard",
        which also divides them by the window's own standard deviation), its
        last value, or its mean, and forecast relative to the same: the level
        (and with "standard" the scale) of a series does not matter, the
        network learns shapes, and trending series forecast well. None
        standardises with the global mean and scale instead. On airline
        passengers (last 12 months, random states 0-4, median MAE):
        "standard" 13.7, "last" 22.8, None 64 (13.2, 13.8 and 64 with
        ``transform="log"``).
    transform : {{"log"}} or None, default=None
        Model the logarithm of the targets (positive series with a
        multiplicative season or trend, e.g. airline passengers).
    freq : str, pandas offset or None, default=None
        Frequency of a DatetimeIndex that pandas cannot infer.
    validation_fraction : float, default=0.0
        Share of the windows, the latest of each series, held out of a first
        training (with the ``horizon - 1`` windows before them, whose targets
        overlap theirs). Their errors calibrate :meth:`predict_interval`
        (split conformal), and they are the validation set of early stopping.
        0 trains once, on every window, and gives no intervals.
    refit : bool, default=True
        With ``validation_fraction > 0``, train again on every window once
        the held-out ones have calibrated the intervals (and chosen the number
        of epochs with early stopping): the forecasts then learn from the
        latest data too, for twice the training time. The intervals come from
        the first model, which saw less data, so they tend to be slightly
        wide. False keeps the first model.
{_network_parameters()}{_training_parameters()}
    loss : {{"squared_error", "absolute_error", "huber"}}, default="squared_error"
        Loss on the normalised targets.{_RUNTIME_PARAMETERS}
    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained net.
    history_ : skorch.History
        Per-epoch records.
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        Number of columns of ``y``.
    targets_ : list
        Names of the forecast columns.
    freq_ : pandas offset or int
        Step between time stamps of the (first) training series.
    interrupted_ : bool
        Whether training was stopped by Ctrl-C.

    See Also
    --------
    skseq.model_selection.backtest : Rolling-origin errors per horizon step.
    skseq.preprocessing.make_windows : The windows of a series.

    Notes
    -----
    ``y`` is a pandas Series or DataFrame indexed by a DatetimeIndex,
    PeriodIndex or RangeIndex, or a 1-D/2-D array. Many series (one global
    model) come as a dict of those or as a long DataFrame indexed by
    ``(series id, time)``; forecasts then come in the same form.

    :meth:`score` forecasts from every step of a test fold and returns the R²
    (higher is better) of all those forecasts, so that ``GridSearchCV(...,
    cv=TimeSeriesSplit())`` can select models; a fold that continues the
    training series (by its index; arrays always do) takes its first window
    from the end of the training series.

    Examples
    --------
    >>> from skseq import SequenceForecaster
    >>> from skseq.datasets import load_airline
    >>> y = load_airline()
    >>> model = SequenceForecaster(window_length=12, horizon=3, transform="log",
    ...                            max_epochs=5, random_state=0).fit(y)
    >>> model.predict().index.astype(str).tolist()
    ['1961-01', '1961-02', '1961-03']
    """

    _parameter_constraints: dict = {
        **_BaseSequenceNet._parameter_constraints,
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"direct", "recursive"})],
        "target": "no_validation",
        "future_covariates": [list, None],
        "normalize": [StrOptions({"last", "mean", "standard"}), None],
        "transform": [StrOptions({"log"}), None],
        "freq": "no_validation",
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "refit": ["boolean"],
        "loss": [StrOptions({"squared_error", "absolute_error", "huber"})],
    }

    def __init__(
        self,
        window_length=24,
        horizon=1,
        *,
        strategy="direct",
        target=None,
        future_covariates=None,
        normalize="standard",
        transform=None,
        freq=None,
        validation_fraction=0.0,
        refit=True,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="last",
        max_epochs=100,
        batch_size=32,
        lr=0.01,
        optimizer="adam",
        optimizer_kwargs=None,
        weight_decay=0.0,
        clip_grad_norm=1.0,
        lr_schedule=None,
        early_stopping=False,
        n_iter_no_change=10,
        tol=1e-4,
        loss="squared_error",
        module=None,
        callbacks=None,
        device="cpu",
        mixed_precision=False,
        n_threads=1,
        random_state=None,
        verbose=0,
    ):
        self.window_length = window_length
        self.horizon = horizon
        self.strategy = strategy
        self.target = target
        self.future_covariates = future_covariates
        self.normalize = normalize
        self.transform = transform
        self.freq = freq
        self.validation_fraction = validation_fraction
        self.refit = refit
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_kwargs = optimizer_kwargs
        self.weight_decay = weight_decay
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.loss = loss
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.mixed_precision = mixed_precision
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # ---------------------------------------------------------------- columns

    def _column_roles(self, columns):
        """Positions of the target, past-covariate and future-covariate columns."""
        future = list(self.future_covariates or [])
        missing = [c for c in future if c not in columns]
        if missing:
            raise ValueError(
                f"future_covariates {missing} are not columns of y; its columns "
                f"are {columns}."
            )
        if self.target is None:
            targets = [c for c in columns if c not in future]
        else:
            targets = self.target if isinstance(self.target, list) else [self.target]
            unknown = [c for c in targets if c not in columns]
            if unknown:
                raise ValueError(
                    f"target {unknown} is not a column of y; its columns are {columns}."
                )
        if not targets:
            raise ValueError("y has no column left to forecast: set target=...")
        both = [c for c in targets if c in future]
        if both:
            raise ValueError(f"Columns {both} are both targets and future_covariates.")
        past = [c for c in columns if c not in targets and c not in future]
        if past and self.strategy == "recursive":
            raise ValueError(
                f"strategy='recursive' feeds its forecasts back as input, but the "
                f"past covariates {past} cannot be forecast; use strategy='direct', "
                "or list them in future_covariates if they are known in advance."
            )
        position = {c: i for i, c in enumerate(columns)}
        return [[position[c] for c in group] for group in (targets, past, future)]

    # ----------------------------------------------------------------- values

    def _encode(self, values, state):
        """Raw values (role order) -> what the network reads (float32)."""
        out = np.array(values, dtype=np.float64)
        k = state["n_targets"]
        if self.transform == "log":
            out[..., :k] = np.log(out[..., :k])
        out[..., k:] = (out[..., k:] - state["cov_mean"]) / state["cov_scale"]
        return out.astype(np.float32)

    def _decode(self, transformed):
        """Forecasts in the transformed space -> original units."""
        return np.exp(transformed) if self.transform == "log" else transformed

    def _check_log(self, values, k, name):
        if self.transform == "log" and (values[:, :k] <= 0).any():
            raise ValueError(
                f"transform='log' needs positive targets, but {name} holds values "
                f"down to {values[:, :k].min()}; use transform=None."
            )

    def _dataset(self, series, starts, state, horizon, with_targets=True):
        return WindowDataset(
            torch.as_tensor(series),
            starts,
            window_length=self.window_length,
            horizon=horizon,
            n_targets=state["n_targets"],
            n_future=state["n_future"],
            normalize=self.normalize,
            target_mean=torch.as_tensor(state["target_mean"], dtype=torch.float32),
            input_scale=torch.as_tensor(state["input_scale"], dtype=torch.float32),
            target_scale=torch.as_tensor(
                state["target_scale"][:horizon], dtype=torch.float32
            ),
            scale_floor=torch.as_tensor(state["scale_floor"], dtype=torch.float32),
            with_targets=with_targets,
        )

    # -------------------------------------------------------------------- fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, y, X=None):
        """Learn to forecast ``y``.

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame, array-like, dict or long DataFrame
            The training series (see Notes); with a DataFrame, covariates are
            its non-target columns.
        X : None
            Ignored; covariates are columns of ``y`` (so that cross-validation
            splitters slice them together).

        Returns
        -------
        self : SequenceForecaster
            The fitted forecaster.
        """
        w, h = self.window_length, self.horizon
        if self.normalize == "standard" and w < 2:
            raise ValueError(
                "normalize='standard' scales each window by its own deviation, "
                "which needs window_length >= 2; use normalize='last' or a longer "
                "window."
            )
        panel, keys, form = check_panel(y, freq=self.freq, name="y")
        columns = panel[0].columns
        for series in panel[1:]:
            if series.columns != columns:
                raise ValueError(
                    f"All series need the same columns; got {columns} and "
                    f"{series.columns}."
                )
        roles = self._column_roles(columns)
        order = [i for group in roles for i in group]
        k, n_future = len(roles[0]), len(roles[2])
        train_horizon = h if self.strategy == "direct" else 1
        span = w + h
        for series, key in zip(panel, keys or [None], strict=True):
            if len(series.values) < span:
                where = "y" if key is None else f"y[{key!r}]"
                raise ValueError(
                    f"{where} has {len(series.values)} observations; window_length="
                    f"{w} and horizon={h} need at least {span}."
                )
        raw = [series.values[:, order] for series in panel]
        for values, key in zip(raw, keys or [None], strict=True):
            self._check_log(values, k, "y" if key is None else f"y[{key!r}]")
        stacked = np.concatenate(raw)
        state = {
            "n_targets": k,
            "n_future": n_future,
            "cov_mean": stacked[:, k:].mean(axis=0),
            "cov_scale": safe_scale(stacked[:, k:].std(axis=0), stacked[:, k:].mean(0)),
            "target_mean": np.zeros(k),
            "input_scale": np.ones(k),
            "target_scale": np.ones((h, k)),
            "scale_floor": np.ones(k),
        }
        encoded = [self._encode(values, state) for values in raw]
        targets = np.concatenate(encoded)[:, :k]
        state["target_mean"] = targets.mean(axis=0)
        # windows flatter than a ten-thousandth of the series' spread are not
        # scaled up further (normalize="standard")
        state["scale_floor"] = 1e-4 * safe_scale(targets.std(axis=0), 0.0)

        # windows of every series; the latest of each are held out
        offsets = np.cumsum([0] + [len(v) for v in encoded])
        train_starts, held_out_starts, every_start = [], [], []
        for offset, values in zip(offsets, encoded, strict=False):
            starts = offset + np.arange(len(values) - span + 1)
            every_start.append(starts)
            n_held = int(math.floor(self.validation_fraction * len(starts)))
            # the last training windows must not have targets inside the
            # held-out targets: a gap of train_horizon - 1 starts
            gap = train_horizon - 1 if n_held else 0
            train_starts.append(starts[: max(len(starts) - n_held - gap, 0)])
            held_out_starts.append(starts[len(starts) - n_held :])
        train_starts = np.concatenate(train_starts)
        held_out_starts = np.concatenate(held_out_starts)
        if len(train_starts) == 0:
            raise ValueError(
                "No training window is left after holding out validation_fraction="
                f"{self.validation_fraction}; use a longer series or a smaller "
                "validation_fraction."
            )
        if self.early_stopping and len(held_out_starts) == 0:
            raise ValueError(
                "early_stopping needs held-out windows: validation_fraction="
                f"{self.validation_fraction} of the windows is none."
            )
        series_tensor = torch.as_tensor(np.concatenate(encoded))
        self._fit_scales(series_tensor, train_starts, state)

        all_starts = np.concatenate([train_starts, held_out_starts])
        dataset = self._dataset(series_tensor, all_starts, state, train_horizon)
        valid_index = None
        if self.early_stopping:
            valid_index = np.arange(len(train_starts), len(all_starts))
        else:
            dataset = dataset.subset(np.arange(len(train_starts)))
        input_size = len(order) + (1 if n_future else 0)
        module_params = self._module_params(
            input_size, train_horizon * k, dataset.input_length
        )
        seed = self._seed()
        net, interrupt = self._train(
            dataset, module_params, self.loss, valid_index, seed
        )
        state["net"] = net
        state["residuals"] = self._calibration_residuals(
            series_tensor, held_out_starts, np.concatenate(raw), state
        )
        if self.refit and len(held_out_starts) and interrupt is None:
            # the held-out windows have calibrated the intervals (and chosen the
            # number of epochs): now learn from every window, the latest ones too
            epochs = self.max_epochs
            if self.early_stopping:
                epochs = int(np.argmin(net.history[:, "valid_loss"])) + 1
            net, interrupt = self._train(
                self._dataset(
                    series_tensor, np.concatenate(every_start), state, train_horizon
                ),
                module_params,
                self.loss,
                seed=seed,
                max_epochs=epochs,
                early_stopping=False,
            )
            state["net"] = net
        state["tails"] = [
            (values[-w:], series) for values, series in zip(raw, panel, strict=True)
        ]
        state["keys"], state["form"], state["order"] = keys, form, order
        state["columns"] = columns
        fitted = {
            "net_": net,
            "history_": net.history,
            "n_iter_": len(net.history),
            "n_features_in_": len(columns),
            "targets_": [columns[i] for i in roles[0]],
            "freq_": panel[0].freq,
            "_state": state,
        }
        self._set_fitted(fitted, None, interrupt)
        return self

    def _fit_scales(self, series_tensor, starts, state):
        """Scale of the relative inputs and targets, from training windows."""
        rng = np.random.default_rng(0)
        if len(starts) > _SCALE_SAMPLE:
            starts = rng.choice(starts, _SCALE_SAMPLE, replace=False)
        unit = self._dataset(series_tensor, starts, state, self.horizon)
        X, y = unit.batch(torch.arange(len(starts)))
        k = state["n_targets"]
        inputs = X["X"][:, : self.window_length, :k].reshape(-1, k).double()
        targets = y.reshape(len(starts), self.horizon, k).double()
        state["input_scale"] = safe_scale(inputs.std(dim=0).numpy())
        state["target_scale"] = safe_scale(targets.std(dim=0).numpy())

    def _calibration_residuals(self, series_tensor, starts, stacked_raw, state):
        """Normalised errors on held-out windows, ``(n_windows, horizon, k)``."""
        if len(starts) == 0:
            return None
        w, h, k = self.window_length, self.horizon, state["n_targets"]
        rows = starts[:, None] + np.arange(w + h)
        blocks = stacked_raw[rows]
        predicted, unit = self._forecast(blocks[:, :w], blocks[:, w:], state)
        actual = self._encode(blocks[:, w:], state)[..., :k]
        return ((actual - predicted) / unit).astype(np.float32)

    # --------------------------------------------------------------- forecast

    def _forecast(self, histories, futures, state):
        """Forecasts in the transformed space, ``(n, horizon, k)``, and their unit.

        ``histories`` holds the last ``window_length`` raw rows before each
        forecast (role order), ``futures`` the raw rows of the horizon (only
        their future-covariate columns are read). The unit, of the same
        shape, is what one normalised step of the network's output is worth
        in the transformed space: errors divided by it are comparable between
        windows (for conformal intervals).
        """
        w, h, k = self.window_length, self.horizon, state["n_targets"]
        n, n_columns = len(histories), histories.shape[2]
        net = state["net"]
        steps = h if self.strategy == "direct" else 1
        buffer = np.asarray(histories, dtype=np.float64)
        forecasts, unit = [], None
        for step in range(0, h, steps):
            block = buffer[:, -w:]
            if state["n_future"]:
                extra = np.zeros((n, steps, n_columns))
                # targets there are unknown (the network sees zeros); the last
                # known ones stand in so that transforms stay finite
                extra[:, :, :k] = block[:, -1:, :k]
                extra[:, :, n_columns - state["n_future"] :] = futures[
                    :, step : step + steps, n_columns - state["n_future"] :
                ]
                block = np.concatenate([block, extra], axis=1)
            encoded = self._encode(block, state)
            length = encoded.shape[1]
            dataset = self._dataset(
                torch.as_tensor(encoded.reshape(n * length, n_columns)),
                np.arange(n) * length,
                state,
                steps,
                with_targets=False,
            )
            window = torch.as_tensor(encoded[:, :w, :k])
            reference = dataset.reference(window).numpy()[:, None]
            scale = dataset.window_scale(window).numpy()[:, None].astype(np.float64)
            if unit is None:  # the scale at the forecast origin, for every step
                unit = scale * state["target_scale"]
            with torch_threads(self.n_threads), torch.inference_mode():
                out = predict_outputs(net, dataset, _PREDICT_BATCH).numpy()
            out = out.reshape(n, steps, k).astype(np.float64)
            transformed = out * scale * state["target_scale"][:steps] + reference
            forecasts.append(transformed)
            if self.strategy == "recursive" and step + 1 < h:
                new_rows = np.zeros((n, 1, n_columns))
                new_rows[:, 0, :k] = self._decode(transformed[:, 0])
                if state["n_future"]:
                    new_rows[:, 0, k:] = futures[:, step, k:]
                buffer = np.concatenate([buffer, new_rows], axis=1)
        return np.concatenate(forecasts, axis=1), unit

    def _histories(self, y, state):
        """Return the last window and the series of each series, and their ids.

        The series are those of ``y`` when given, else the training series.
        """
        if y is None:
            return list(state["tails"]), state["keys"]
        panel, keys, form = check_panel(
            y,
            freq=self.freq,
            name="y",
            min_length=self.window_length,
            default_freq=self.freq_,
        )
        self._check_like_fit(panel, keys, form, state)
        out = []
        for series in panel:
            values = series.values[:, state["order"]]
            self._check_log(values, state["n_targets"], "y")
            out.append((values[-self.window_length :], series))
        return out, keys

    def _check_like_fit(self, panel, keys, form, state):
        if panel[0].columns != state["columns"]:
            raise ValueError(
                f"y has columns {panel[0].columns}, but the forecaster was fitted on "
                f"{state['columns']}."
            )
        if form != state["form"]:
            raise ValueError(
                f"y is a {form} input, but the forecaster was fitted on a "
                f"{state['form']} input."
            )
        fitted_tz = getattr(state["tails"][0][1].index, "tz", None)
        tz = getattr(panel[0].index, "tz", None)
        if (fitted_tz is None) != (tz is None):
            raise ValueError(
                f"y's time stamps are {'tz-naive' if tz is None else f'in {tz}'}, but "
                "the forecaster was fitted on "
                f"{'tz-naive' if fitted_tz is None else f'{fitted_tz}'} time "
                "stamps; convert them first (y.tz_localize / y.tz_convert)."
            )

    def _futures(self, future, histories, keys, state):
        """Raw horizon rows (role order) holding the future covariates."""
        h, n_columns = self.horizon, len(state["order"])
        rows = np.zeros((len(histories), h, n_columns))
        if not state["n_future"]:
            return rows
        names = [state["columns"][i] for i in state["order"][-state["n_future"] :]]
        if future is None:
            raise ValueError(
                f"The future covariates {names} are needed over the {h} forecast "
                f"steps: pass predict(future=...) with those columns for the next "
                f"{h} time stamps."
            )
        if (
            isinstance(future, pd.DataFrame)
            and not isinstance(future.index, pd.MultiIndex)
            and len(histories) == 1
        ):
            future = [future]
        elif isinstance(future, dict):
            future = [future[key] for key in keys]
        elif isinstance(future, pd.DataFrame):
            future = [future.xs(key, level=0) for key in keys]
        for i, (frame, (_, series)) in enumerate(zip(future, histories, strict=True)):
            missing = [c for c in names if c not in getattr(frame, "columns", [])]
            if missing:
                raise ValueError(f"future lacks the future covariates {missing}.")
            if len(frame) < h:
                raise ValueError(
                    f"future has {len(frame)} rows; the {h} forecast steps need {h}."
                )
            expected = series.future_index(h)
            if not isinstance(frame.index, pd.RangeIndex) or series.kind != "array":
                if not frame.index[:h].equals(expected):
                    raise ValueError(
                        f"future must be indexed by the {h} time stamps after the "
                        f"series, {expected[0]} to {expected[-1]}; it starts at "
                        f"{frame.index[0]}."
                    )
            values = check_array(
                frame[names].iloc[:h], dtype=np.float64, input_name="future"
            )
            rows[i, :, n_columns - state["n_future"] :] = values
        return rows

    def _format(self, forecasts, histories, keys, state, columns=None):
        """Forecast arrays ``(n_series, h, k)`` -> the form of the input."""
        h = forecasts.shape[1]
        outputs = []
        for values, (_, series) in zip(forecasts, histories, strict=True):
            index = series.future_index(h)
            if columns is not None:
                outputs.append(pd.DataFrame(values, index=index, columns=columns))
            elif series.kind == "series":
                outputs.append(pd.Series(values[:, 0], index=index, name=series.name))
            elif series.kind == "frame":
                outputs.append(pd.DataFrame(values, index=index, columns=self.targets_))
            else:
                outputs.append(
                    values[:, 0]
                    if values.shape[1] == 1 and len(series.columns) == 1
                    else values
                )
        form = state["form"]
        if form == "single":
            return outputs[0]
        if form == "dict":
            return dict(zip(keys, outputs, strict=True))
        return pd.concat(outputs, keys=keys)

    def predict(self, y=None, future=None):
        """Forecast the ``horizon`` steps after the end of the series.

        Parameters
        ----------
        y : series, dict or long DataFrame, default=None
            Recent history to forecast from, in the form given to ``fit``
            (at least ``window_length`` steps); by default the end of the
            training series. No refit is done.
        future : DataFrame, dict or long DataFrame, default=None
            The future covariates over the ``horizon`` forecast steps, indexed
            by their time stamps (needed with ``future_covariates``).

        Returns
        -------
        forecast : pandas.Series, pandas.DataFrame, ndarray, dict
            The forecast in the form of ``y`` (float64), indexed by the next
            ``horizon`` time stamps.
        """
        check_is_fitted(self)
        state = self._state
        histories, keys = self._histories(y, state)
        windows = np.stack([values for values, _ in histories])
        futures = self._futures(future, histories, keys, state)
        transformed, _ = self._forecast(windows, futures, state)
        return self._format(self._decode(transformed), histories, keys, state)

    def predict_interval(self, y=None, future=None, coverage=0.9):
        """Prediction intervals over the forecast horizon (split conformal).

        The errors of the held-out windows (``validation_fraction``), one set
        per horizon step, give the interval half-widths: with ``n`` held-out
        windows, the ``ceil((n + 1) * coverage) / n`` quantile of their
        absolute normalised errors.

        Parameters
        ----------
        y : series, dict or long DataFrame, default=None
            Recent history to forecast from, as in :meth:`predict`.
        future : DataFrame, dict or long DataFrame, default=None
            Future covariates, as in :meth:`predict`.
        coverage : float, default=0.9
            Nominal share of future values inside the interval.

        Returns
        -------
        intervals : pandas.DataFrame or dict
            Columns ``lower`` and ``upper`` (for several targets, a
            ``(target, bound)`` column MultiIndex), indexed by the forecast
            time stamps.
        """
        check_is_fitted(self)
        if not 0 < coverage < 1:
            raise ValueError(f"coverage must lie in (0, 1), got {coverage}.")
        state = self._state
        residuals = state["residuals"]
        if residuals is None:
            raise ValueError(
                "No held-out windows to calibrate intervals: fit with "
                "validation_fraction > 0 and a series long enough to hold some out."
            )
        n = len(residuals)
        level = math.ceil((n + 1) * coverage) / n
        if level > 1:
            raise ValueError(
                f"coverage={coverage} needs at least {math.ceil(1 / (1 - coverage))}"
                f" held-out windows, but there are {n}; raise validation_fraction "
                "or lower coverage."
            )
        quantile = np.quantile(np.abs(residuals), level, axis=0, method="higher")
        histories, keys = self._histories(y, state)
        windows = np.stack([values for values, _ in histories])
        futures = self._futures(future, histories, keys, state)
        transformed, unit = self._forecast(windows, futures, state)
        half = quantile * unit
        lower, upper = (
            self._decode(transformed - half),
            self._decode(transformed + half),
        )
        bounds = np.stack([lower, upper], axis=3)  # (n, h, k, 2)
        bounds = bounds.reshape(len(windows), self.horizon, -1)
        if len(self.targets_) == 1:
            columns = pd.Index(["lower", "upper"])
        else:
            columns = pd.MultiIndex.from_product([self.targets_, ["lower", "upper"]])
        return self._format(bounds, histories, keys, state, columns=columns)

    # ---------------------------------------------------------------- scoring

    def _rolling(self, y):
        """Forecasts from every step of ``y``: actual and forecast values.

        Returns two arrays ``(n_origins, horizon, k)`` in original units (the
        actual values beyond the end of ``y`` are NaN) and, for a single
        series, the time stamp of the first forecast step of each origin.
        """
        check_is_fitted(self)
        state = self._state
        w, h, k = self.window_length, self.horizon, state["n_targets"]
        panel, keys, form = check_panel(y, freq=self.freq, name="y")
        self._check_like_fit(panel, keys, form, state)
        actual_all, forecast_all, first_times = [], [], None
        for position, series in enumerate(panel):
            values = series.values[:, state["order"]]
            self._check_log(values, k, "y")
            tail, train = state["tails"][_match(keys, state["keys"], position)]
            continues = series.kind == "array" or (
                len(train.index) and series.index[0] == train.future_index(1)[0]
            )
            if continues:
                combined, first = np.concatenate([tail, values]), len(tail)
            else:
                if len(values) <= w:
                    raise ValueError(
                        f"y has {len(values)} observations and does not continue the "
                        f"training series (it starts at {series.index[0]}, not "
                        f"{train.future_index(1)[0]}); forecasting through it "
                        f"needs more than window_length={w} observations."
                    )
                combined, first = values, w
            origins = np.arange(first, len(combined))
            if state["n_future"]:  # forecasts need the covariates of all h steps
                origins = origins[origins + h <= len(combined)]
            if len(origins) == 0:
                raise ValueError(
                    f"y is too short to forecast {h} steps with its future "
                    "covariates; give a longer test fold."
                )
            padded = np.concatenate([combined, np.full((h, combined.shape[1]), np.nan)])
            histories = padded[origins[:, None] - w + np.arange(w)]
            horizon_rows = padded[origins[:, None] + np.arange(h)]
            transformed, _ = self._forecast(histories, horizon_rows, state)
            actual_all.append(horizon_rows[:, :, :k])
            forecast_all.append(self._decode(transformed))
            in_y = origins - (len(combined) - len(values))
            first_times = series.index[in_y]
        return np.concatenate(actual_all), np.concatenate(forecast_all), first_times

    def predict_rolling(self, y):
        """Forecast from every step of a series, without refitting.

        The forecast made at each step of ``y`` from the ``window_length``
        steps before it (taken from the end of the training series for the
        first steps, when ``y`` continues it), as :meth:`score` makes them.

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame or array-like
            One series, in the form given to ``fit``.

        Returns
        -------
        pandas.DataFrame
            One row per forecast, indexed by the time stamp of its first step;
            columns are the horizon steps ``1 .. horizon`` (for several
            targets, ``(target, step)``).
        """
        check_is_fitted(self)
        if self._state["form"] != "single":
            raise ValueError(
                "predict_rolling takes one series; for many, use score or "
                "skseq.model_selection.backtest."
            )
        _, forecast, first_times = self._rolling(y)
        steps = range(1, self.horizon + 1)
        if len(self.targets_) == 1:
            columns = pd.Index(steps, name="horizon")
        else:
            columns = pd.MultiIndex.from_product(
                [self.targets_, steps], names=[None, "horizon"]
            )
            forecast = forecast.transpose(0, 2, 1)
        return pd.DataFrame(
            forecast.reshape(len(forecast), -1), index=first_times, columns=columns
        )

    def score(self, y, X=None):
        """R² of the forecasts made from every step of ``y`` (higher is better).

        ``y`` is a test fold in the form given to ``fit``. When it continues
        the training series (arrays are taken to), the first forecasts start
        from the end of the training series; otherwise the first
        ``window_length`` steps of ``y`` are its own context. Every horizon
        step of every forecast that falls inside ``y`` counts.

        Parameters
        ----------
        y : series, dict or long DataFrame
            Test fold.
        X : None
            Ignored.

        Returns
        -------
        score : float
            Coefficient of determination, averaged over the target columns.
        """
        actual, forecast, _ = self._rolling(y)
        mask = ~np.isnan(actual[..., 0])
        return float(r2_score(actual[mask], forecast[mask]))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.requires_fit = True
        tags.target_tags.required = False
        return tags


def _match(keys, fitted_keys, position):
    """Position of a test series among the fitted ones (by id when there are ids)."""
    if keys is None:
        return position
    key = keys[position]
    if key not in fitted_keys:
        raise ValueError(f"Series {key!r} was not seen at fit.")
    return fitted_keys.index(key)
