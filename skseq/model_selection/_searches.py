"""The forecaster that makes the rolling forecasts of a fitted estimator."""

from ..forecasting import SequenceForecaster

__all__ = ["rolling_forecaster"]


def rolling_forecaster(estimator, purpose):
    """Return the fitted :class:`SequenceForecaster` behind ``estimator``.

    A fitted search over a forecaster (``GridSearchCV``, ``RandomizedSearchCV``,
    nested ones) forecasts with its ``best_estimator_``, as its ``predict``
    and ``score`` do; anything else is refused with an error that names
    ``purpose``.
    """
    found = estimator
    while not isinstance(found, SequenceForecaster) and hasattr(
        found, "best_estimator_"
    ):
        found = found.best_estimator_
    if isinstance(found, SequenceForecaster):
        return found
    refit = (
        " (a search must be refitted: refit=True)"
        if hasattr(estimator, "cv_results_")
        else ""
    )
    raise TypeError(
        f"{purpose} takes a SequenceForecaster, or a search over one{refit}; "
        f"got {type(estimator).__name__}."
    )
