"""A ``scoring`` for searches over forecasters: any metric of rolling forecasts."""

from sklearn.metrics import mean_absolute_error

from ._searches import rolling_forecaster

__all__ = ["forecast_scorer"]


class _ForecastScorer:
    """Score a fitted forecaster with ``metric`` on a test fold (picklable)."""

    def __init__(self, metric, sign):
        self.metric, self.sign = metric, sign

    def __call__(self, estimator, y, X=None):
        forecaster = rolling_forecaster(estimator, "forecast_scorer")
        return self.sign * forecaster._metric(y, X, self.metric)

    def __repr__(self):
        name = getattr(self.metric, "__name__", repr(self.metric))
        return f"forecast_scorer({name}, greater_is_better={self.sign > 0})"


def forecast_scorer(metric=mean_absolute_error, *, greater_is_better=False):
    """Return a ``scoring`` for searches and cross-validation of forecasters.

    scikit-learn's scorers (``scoring="neg_mean_absolute_error"``) compare
    ``predict(X)`` with a ``y`` of the test fold; a forecaster is fitted and
    scored on a series alone (``fit(y)``, ``score(y)``), so they have nothing
    to compare and score NaN. This scorer forecasts from every step of the
    test fold, as :meth:`~skseq.SequenceForecaster.score` does, and applies
    ``metric(actual, forecast)`` to every horizon step that falls inside it.

    Parameters
    ----------
    metric : callable, default=sklearn.metrics.mean_absolute_error
        ``metric(y_true, y_pred)``, e.g. from :mod:`sklearn.metrics`.
    greater_is_better : bool, default=False
        Whether higher values of ``metric`` are better; if not (an error),
        the score is its negative, so that searches maximise it.

    Returns
    -------
    scorer : callable
        ``scorer(forecaster, y, X=None)``, for ``scoring=`` of
        ``GridSearchCV`` or ``cross_val_score``; a fitted search over a
        forecaster (nested cross-validation) is scored by its
        ``best_estimator_``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    >>> from skseq import SequenceForecaster
    >>> from skseq.model_selection import forecast_scorer
    >>> y = np.sin(np.arange(120) / 4)
    >>> search = GridSearchCV(
    ...     SequenceForecaster(horizon=2, max_epochs=3, random_state=0),
    ...     {"window_length": [4, 8]},
    ...     cv=TimeSeriesSplit(2),
    ...     scoring=forecast_scorer(),
    ... ).fit(y)
    >>> bool(search.best_score_ < 0)  # the negative MAE
    True
    """
    if not callable(metric):
        raise TypeError(
            f"metric must be a callable metric(y_true, y_pred), got {metric!r}."
        )
    return _ForecastScorer(metric, 1 if greater_is_better else -1)
