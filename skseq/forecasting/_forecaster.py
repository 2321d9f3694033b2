"""SequenceForecaster: forecast time series with a recurrent network.

``fit`` reads as its steps: validate the series, assign the column roles,
scale the values, split the windows, scale the windows, train, calibrate the
intervals on the held-out windows, refit on all of them. Each step is an
object or function of this package; the fitted state is one frozen
:class:`~skseq.forecasting._fitted.FittedForecaster` and the network.
"""

from dataclasses import replace

from sklearn.base import BaseEstimator
from sklearn.utils import RegressorTags
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

from .._base import set_fitted
from .._docstrings import fill_doc
from .._versions import VersionStamped
from ..utils._series import check_panel
from ..utils._sklearn_compat import _fit_context
from ..utils._stored import StoredSequences
from ._columns import format_forecasts, id_level
from ._constraints import FORECASTER_CONSTRAINTS
from ._exog import as_series, join_exog, refuse_covariates_as_y, split_exog, with_exog
from ._fitted import FittedForecaster
from ._fitting import fit_forecaster
from ._probabilistic import ProbabilisticForecasts
from ._rows import recent_steps, stored_series
from ._scoring import RollingForecasts
from ._smoothed import smoothed_ahead
from ._static import with_static
from ._training import net_spec
from ._units import histories_in_units, hold_still, times_units

__all__ = ["SequenceForecaster"]


@fill_doc
class SequenceForecaster(
    ProbabilisticForecasts, RollingForecasts, VersionStamped, BaseEstimator
):
    """Forecast a time series (or many) with a recurrent network.

    ``fit(y)`` learns from windows of ``window_length`` steps of the series to
    predict the ``horizon`` steps that follow; ``predict()`` returns the next
    ``horizon`` steps after the end of the series, indexed by their future
    time stamps.

    Parameters
    ----------
    window_length : int or "auto", default="auto"
        Steps the network reads before each forecast. "auto": two seasons,
        else three horizons, at most 96, leaving ten training windows per
        step (down to 4; a season of 13 to 96 steps whole where one remains;
        the ridges read no more of a window given): ``window_length_``.
    horizon : int, default=1
        Steps forecast at once.
    season : int, "auto" or None, default="auto"
        Steps of a season, for ``window_length="auto"`` and
        ``season_inputs``. "auto" reads it off the time index: 12 for months,
        4 for quarters, 7 for days, 24 for hours, a day's worth of shorter
        steps (2 hours: 12), none for years, and 52 for weeks where a year
        back, moved by the series' drift, forecasts it in sample with at most
        0.9 times the last value's error (the median over a panel's series
        and targets, in logarithms with ``transform="log"``; series too
        short to tell keep it:
        ``_phases.repeats_season``); series indexed by integers (arrays
        too, not stored ones) get the season their changes show, if any of
        4, 7, 12, 24 or 48 (a rank test by phase at 1%%:
        ``_phases.season_in``).
    season_inputs : {"auto"} or None, default="auto"
        "auto": series indexed by time, or by integer positions in pandas,
        whose changes differ by phase of a season of at most 12 steps (a rank
        test at 5%%, after ``season``'s search) carry one indicator per phase
        (January, ...; hours or shorter steps: the days of the week, at 1%%)
        as inputs known in advance: the models learn the mean profile of
        every season (``_phases``). Positions give the phases: a later history
        must keep them (a slice does) and end no earlier than the fitted
        series; an array has none.
    season_lag : {"auto"}, int or None, default="auto"
        Also read the targets this many steps before each forecast step
        (``_lags``); "auto": a week of the wall clock, for series whose days
        of the week are phases (above) and long enough; histories need them.
    strategy : {"direct", "recursive"}, default="direct"
        "direct": one network output per horizon step. "recursive": a one-step
        network applied ``horizon`` times, each forecast fed back as input.
    target : str, int, list, array of names or None, default=None
        Column(s) of a DataFrame ``y`` to forecast. The other columns are
        covariates: known only up to the forecast time ("past covariates"),
        unless listed in ``future_covariates``. None forecasts every column
        that is not a future covariate.
    future_covariates : list or None, default=None
        Columns known in advance (calendar, promotions, ...). The network reads
        their values over the forecast horizon too; ``predict`` needs them as
        ``future``.
    normalize : {"auto", "standard", "last", "mean"} or None, default="auto"
        How each window's target values are scaled for the network: relative
        to the window's mean ("standard", which also divides them by the
        window's own standard deviation), its last value, or its mean, so that
        the network learns shapes and the level of a series does not matter;
        None standardises with the series' own mean and scale. "auto" fits a
        ridge regression of the held-out windows in each (None not where the
        series ends beyond its earlier values; "standard" not where covariates
        are given and the ridges read fewer than 6 steps, too few for a
        spread that scales the targets but not the covariates) and keeps the
        one that forecasts them best (``normalize_``; without held-out
        windows "standard", or "mean" where covariates are given and the
        window has 2 to 5 steps); no one choice always wins. It is the
        network's: the ridges of ``method`` "linear" and "auto" read the
        windows in each normalisation whatever it says (one in the series'
        own scale among them), so only ``method="network"`` forecasts a
        series whose level left the training range as its shape says.
    transform : {"log"} or None, default=None
        Model the logarithm of the targets (positive series with a
        multiplicative season or trend, e.g. airline passengers).
    freq : str, pandas offset or None, default=None
        Frequency of a DatetimeIndex that pandas cannot infer.
    validation_fraction : float, default=0.2
        Share of the windows, the latest of each series, held out of a first
        training (with the windows before them whose targets overlap theirs:
        ``horizon - 1`` of them with ``window_step=1``). Their errors
        calibrate :meth:`predict_interval` (split conformal), they choose
        ``normalize="auto"``, and they are the validation set of early
        stopping. 0 trains on every window; its intervals then read the naive
        forecast's errors there (warned; none with quantile heads), as do a
        share's that leaves no training or fewer than two held-out windows.
    refit : bool, default=True
        With ``validation_fraction > 0``, train again on every window once
        the held-out ones have calibrated the intervals (and chosen the number
        of epochs with early stopping): the forecasts then learn from the
        latest data too, for twice the training time (a refit worse than the
        first model on the held-out windows it trained on is dropped). The
        intervals come from the first model. False keeps the first model.
    window_step : int, default=1
        Steps between the starts of consecutive windows of a series, counted
        back from its latest window: 1 trains, validates and calibrates on
        every window; k on one in k. For long series (a stored ``y``, say),
        where every window is more than an epoch needs, this divides the
        time of an epoch and the memory of the window index by k; the
        windows still overlap as long as k is below ``window_length``.
    %(network)s
    %(convolution)s
    %(pooling_last)s
    linear_path : bool, default=True
        Add a linear function of the window to the network's output: a ridge
        regression fitted in closed form on the training windows (on the
        ridges' steps of a window given longer than the series supports, if
        no season is carried), kept as it is, whose errors the recurrent
        network learns to correct (from zero, with early stopping).
    method : {"auto", "network", "linear", "network+linear", "select"}, \
            default="auto"
        What forecasts: the mean of the forecasts named; for a daily season a
        rule weighs as the others together ("auto": as their held-out errors say).
        "network": the network. "linear": ridge regressions of the window, one
        per normalisation "auto" tries (closed form, no seed), each a
        forecast. With held-out windows only the ridges not clearly worse than
        the best forecast there are kept (a one-sided t bound at 97.5%% on the
        mean difference, over windows a horizon apart; the best may be the
        network, its error there times 1.2 for the windows that stopped its
        training): all of them on a short series, whose few held-out windows
        are no evidence, those that forecast about as well as the best on a
        long one. "network+linear": the network and each kept ridge (the
        network one of up to five); the network alone when no ridge is kept.
        "auto" is "network+linear", and the seasonal naive forecast, judged as
        a ridge, where the window holds a season of 13 to 96 steps (no phase
        indicators) and no future covariates are given; for a single series
        without covariates (nor a season_lag beyond the season) forecast 2+
        steps ahead, also damped Holt-Winters smoothing of the series (or its
        logarithms), judged as a ridge. "select" keeps the one of the network,
        the ridges, the naive and seasonal naive forecasts and each pair of
        those best on the held-out windows (``held_out_errors_``): an
        optimistic judge of the network, no better on the panel benchmark. The
        network is trained whatever the method.
    %(training_forecast)s
    early_stopping : bool, default=True
        Stop when the loss on the held-out windows (``validation_fraction``)
        has not improved by ``tol`` for ``n_iter_no_change`` epochs, and
        restore the best epoch's weights; the refit on every window trains up
        to the epoch of least held-out loss. Off when no window is held out.
    %(stopping_rule)s
    %(regression_loss)s
    %(forecast_quantiles)s
    %(runtime)s
    %(processes)s

    Attributes
    ----------
    %(fitted_network)s
    n_features_in_ : int
        Number of columns of ``y`` (and of ``X``, and static ones; not the
        phase indicators of ``season_inputs``).
    targets_ : list
        Names of the forecast columns.
    freq_ : pandas offset or int
        Step between time stamps of the (first) training series.
    method_ : str
        The forecasts averaged, joined by "+" (e.g. "network+linear"; the
        kept ridges are in the fitted state, one forecast each).
    held_out_errors_ : dict or None
        Mean absolute error of each candidate of ``method="select"`` on the
        held-out windows (in the scaled space); None without that choice.
    quantiles_ : list of float or None
        Levels of the network's quantile heads (``quantiles`` and 0.5),
        sorted; None without heads (``quantiles=None``).

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

    :meth:`score` returns the R² (higher is better) of forecasts from every
    step of a test fold, so that ``GridSearchCV(..., cv=TimeSeriesSplit())``
    (``PanelSplit()`` for many series) selects models; a fold that continues
    the training series (by its index; arrays always do) starts at its end.

    What ``predict`` does depends on the fitted model only: ``set_params``
    of ``window_length``, ``horizon``, ``strategy``, ``normalize``,
    ``transform`` or ``freq`` (which a ``y`` given to ``predict`` or
    ``score`` follows) acts at the next ``fit``; of ``n_threads``, at once.

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

    _parameter_constraints: dict = FORECASTER_CONSTRAINTS
    # the fitted state, as skseq.save writes it: name -> type
    _fitted_attributes = {
        "net_": NeuralNet,
        "history_": History,
        "n_iter_": int,
        "n_features_in_": int,
        "interrupted_": bool,
        "targets_": list,
        "freq_": object,
        "normalize_": str | None,
        "window_length_": int,
        "method_": str | None,
        "held_out_errors_": dict | None,
        "quantiles_": list | None,
        "_fitted": FittedForecaster,
    }

    def __init__(
        self,
        window_length="auto",
        horizon=1,
        *,
        season="auto",
        season_inputs="auto",
        season_lag="auto",
        strategy="direct",
        target=None,
        future_covariates=None,
        normalize="auto",
        transform=None,
        freq=None,
        validation_fraction=0.2,
        refit=True,
        window_step=1,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        conv_layers=0,
        conv_channels=64,
        conv_kernel_size=5,
        conv_pool=1,
        conv_mode="features",
        pooling="last",
        linear_path=True,
        method="auto",
        max_epochs=100,
        batch_size=32,
        lr=0.003,
        optimizer="adam",
        optimizer_kwargs=None,
        weight_decay=0.0,
        clip_grad_norm=1.0,
        lr_schedule=None,
        early_stopping=True,
        n_iter_no_change=10,
        tol=1e-4,
        loss="squared_error",
        quantiles=None,
        module=None,
        callbacks=None,
        device="cpu",
        mixed_precision=False,
        n_threads=1,
        random_state=None,
        verbose=0,
        processes=1,
    ):
        self.window_length = window_length
        self.horizon = horizon
        self.season = season
        self.season_inputs = season_inputs
        self.season_lag = season_lag
        self.strategy = strategy
        self.target = target
        self.future_covariates = future_covariates
        self.normalize = normalize
        self.transform = transform
        self.freq = freq
        self.validation_fraction = validation_fraction
        self.refit = refit
        self.window_step = window_step
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.conv_layers = conv_layers
        self.conv_channels = conv_channels
        self.conv_kernel_size = conv_kernel_size
        self.conv_pool = conv_pool
        self.conv_mode = conv_mode
        self.pooling = pooling
        self.linear_path = linear_path
        self.method = method
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
        self.quantiles = quantiles
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.mixed_precision = mixed_precision
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.processes = processes

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, y, X=None, static=None):
        """Learn to forecast ``y``.

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame, array-like, dict, long DataFrame \
                or stored array
            The training series (see Notes); with a DataFrame and no ``X``,
            covariates are its non-target columns. A numpy memmap, zarr, Dask
            or HDF5 array (one series, ``(n_timesteps,)`` or ``(n_timesteps,
            n_columns)``) or a :class:`~skseq.io.StoredSequences` (one series
            per sequence, keyed by its ids, as :func:`skseq.io.read_parquet`
            reads a long table) stays in its store: checked and scaled a block
            at a time, its windows a batch at a time, as in memory less what
            reads every step at once (the season its values show: give
            ``season``; the smoothing part); columns are covariates by position
            (``target=[0]``); with ``X`` or ``static`` it is read in.
        X : pandas.DataFrame, array-like, dict or long DataFrame, default=None
            Exogenous series with a row for every time stamp of ``y`` (the
            sktime and skforecast convention): covariates known only up to the
            forecast time, unless listed in ``future_covariates``; ``predict``
            then takes their future values as ``X``. With ``X``, the targets
            are the columns of ``y`` (``target`` must be None).
        static : pandas.DataFrame, default=None
            Static covariates of a panel (a dict or long ``y``): one row per
            series id, attributes that do not change (a store's region).
            Numeric columns are read as they are, the others as one indicator
            per category. Each series carries its row at every step; later
            series find theirs by id (new ones in ``predict``'s ``static``).

        Returns
        -------
        self : SequenceForecaster
            The fitted forecaster.
        """
        target = self.target
        stored = stored_series(y)
        if stored is not None and (X is not None or static is not None):
            if isinstance(y, StoredSequences):
                raise ValueError(
                    "StoredSequences are read as they are stored: give their "
                    "covariates as their columns (target, future_covariates), "
                    "not as X or static."
                )
            stored = None  # a stored array joined with X: read into memory
        if stored is not None:
            state, trained = fit_forecaster(self, *stored, target)
            set_fitted(self, state, interrupted=trained.interrupted)
            return self
        if X is not None:
            if target is not None:
                raise ValueError(
                    "With X, the targets are the columns of y: leave target=None."
                )
            y, target = join_exog(original := y, split_exog(y, X)[0], at_fit=True)
        panel, keys, form = check_panel(y, freq=self.freq, name="y")
        if X is not None:
            panel = as_series(panel, original)
        state, trained = fit_forecaster(self, panel, keys, form, target, static)
        state["_fitted"] = replace(state["_fitted"], key_name=id_level(y))
        set_fitted(self, state, interrupted=trained.interrupted)
        return self

    def _state(self):
        """Return the fitted state, read once (a concurrent refit cannot mix it)."""
        check_is_fitted(self)
        state = dict(self.__dict__)
        return state["_fitted"], state["net_"], state["freq_"]

    def _forecast_end(self, y, X, future, static=None):
        """Forecasts (transformed), unit, heads, context, series' units (_units)."""
        fitted, net, freq = self._state()
        fitted = with_static(fitted, static, y)  # rows given at predict
        refuse_covariates_as_y(y, fitted.roles)
        if X is None:  # a store's last steps alone (X would need them all)
            y = recent_steps(y, fitted)
        joined, future = with_exog(y, X, future, fitted.roles.n_given, fitted.horizon)
        form_of = None if X is None else y  # the form of the user's y
        series, keys = fitted.series_to_forecast(joined, fitted.freq, freq, form_of)
        histories, units, still = histories_in_units(fitted, series, keys)
        windows = histories[:, -fitted.window_length :]
        futures = fitted.futures(future, series, keys, histories)
        smoothed = smoothed_ahead(fitted, None if y is None else series)
        forecasts = fitted.forecast(
            net,
            windows,
            futures,
            self.n_threads,
            heads=True,
            held=still,
            smoothed=smoothed,
        )
        forecasts = hold_still(fitted, windows[:, -1], still, *forecasts)
        return fitted, series, keys, *forecasts, units

    def predict(self, y=None, X=None, future=None, static=None):
        """Forecast the ``horizon`` steps after the end of the series.

        Parameters
        ----------
        y : series, dict or long DataFrame, default=None
            Recent history to forecast from, in the form given to ``fit``
            (``window_length`` steps, or a week with ``season_lag``; of a
            stored ``y`` without ``X``, only those, or all with a smoothing
            part); by default the end of the training series. No refit.
        X : DataFrame, array-like or dict, default=None
            With a model fitted on ``fit(y, X)``: the exogenous series over the
            ``horizon`` forecast steps (their future covariates are read), and
            before them over ``y``'s time stamps (without ``y``, not read).
        future : DataFrame, dict or long DataFrame, default=None
            The future covariates over the forecast steps, by time stamp, for
            a model whose covariates were columns of ``y``.
        static : pandas.DataFrame, default=None
            Rows of static covariates (as at ``fit``) for series of ``y``.

        Returns
        -------
        forecast : pandas.Series, pandas.DataFrame, ndarray, dict
            The forecast in the form of ``y`` (float64), by forecast stamp.
        """
        end = self._forecast_end(y, X, future, static)
        fitted, series, keys, transformed, *_, units = end
        forecast = times_units(
            fitted.values.inverse_transform(transformed), units, fitted.roles.n_targets
        )
        return format_forecasts(forecast, series, keys, fitted, y)

    def __setstate__(self, state):
        if "_fitted" in state:  # pickled before it held freq: the parameter's
            state["_fitted"] = state["_fitted"].upgraded(state.get("freq"))
        super().__setstate__(state)

    def _net_spec(self):
        return net_spec(self, self._fitted)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type, tags.regressor_tags = "regressor", RegressorTags()
        tags.target_tags.required = False
        return tags
