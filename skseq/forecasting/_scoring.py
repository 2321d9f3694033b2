"""Forecasts from every step of a series: ``predict_rolling`` and ``score``.

Both forecast from each origin of a test series without refitting
(:func:`~skseq.forecasting._rolling.rolling_forecasts`), as
:func:`skseq.model_selection.backtest` does on each fold.
"""

import numpy as np
from sklearn.metrics import r2_score

from ._exog import join_exog, split_exog
from ._probabilistic import calibrated
from ._rolling import rolling_forecasts, rolling_frame
from ._static import with_static

__all__ = ["RollingForecasts"]


class RollingForecasts:
    """``predict_rolling`` and ``score`` of SequenceForecaster."""

    def _rolling(self, y, X=None, coverages=(), array_follows=True, static=None):
        """:func:`rolling_forecasts` of ``y`` (with the columns of ``X``)."""
        fitted, net, freq = self._state()
        fitted = with_static(fitted, static, y)  # rows given for its series
        if coverages:
            fitted = calibrated(fitted)
        joined = y if X is None else join_exog(y, split_exog(y, X)[0])[0]
        return rolling_forecasts(
            fitted,
            net,
            joined,
            fitted.freq,
            self.n_threads,
            freq,
            coverages,
            form_of=None if X is None else y,
            array_follows=array_follows,
        )

    def predict_rolling(self, y, X=None):
        """Forecast from every step of a series, without refitting.

        The forecast made at each step of ``y`` from the ``window_length``
        steps before it (and a week with ``season_lag``; taken from the end
        of the training series for the first steps, when ``y`` continues
        it), as :meth:`score` makes them.

        Parameters
        ----------
        y : pandas.Series, pandas.DataFrame or array-like
            One series, in the form given to ``fit``.
        X : DataFrame or array-like, default=None
            The exogenous series over ``y``, for a model fitted with ``X``.

        Returns
        -------
        pandas.DataFrame
            One row per forecast, indexed by the time stamp of its first step;
            columns are the horizon steps ``1 .. horizon`` (for several
            targets, ``(target, step)``).
        """
        fitted, _, _ = self._state()
        if fitted.form != "single":
            raise ValueError(
                "predict_rolling takes one series; for many, use score or "
                "skseq.model_selection.backtest."
            )
        _, forecast, first_times, _ = self._rolling(y, X)
        return rolling_frame(forecast, first_times, fitted.roles.targets)

    def score(self, y, X=None, static=None):
        """R² of the forecasts made from every step of ``y`` (higher is better).

        ``y`` is a test fold in the form given to ``fit``. When it continues
        the training series (arrays are taken to), the first forecasts start
        from the end of the training series; otherwise the first
        ``window_length`` steps of ``y`` (or a week, with ``season_lag``) are
        its own context. Every horizon
        step of every forecast that falls inside ``y`` counts. An array has
        no time stamps to tell: a fold that does not follow the training
        series (``TimeSeriesSplit(gap=...)``, ``KFold``) goes as a pandas
        series, whose index places it (a RangeIndex keeps its positions
        through scikit-learn's splitters; a fold that ends before the
        training series is refused where the phases of ``season_inputs``
        count integer positions, as in :meth:`predict`).

        Parameters
        ----------
        y : series, dict or long DataFrame
            Test fold.
        X : DataFrame, array-like or dict, default=None
            The exogenous series over the test fold, for a model fitted with
            ``X``.
        static : pandas.DataFrame, default=None
            Static covariates, as in :meth:`predict`.

        Returns
        -------
        score : float
            Coefficient of determination, averaged over the target columns.
        """
        return self._metric(y, X, r2_score, static)

    def _metric(self, y, X, metric, static=None):
        """``metric(actual, forecast)`` over every forecast step inside ``y``."""
        actual, forecast, _, _ = self._rolling(y, X, static=static)
        mask = ~np.isnan(actual[..., 0])
        return float(metric(actual[mask], forecast[mask]))
