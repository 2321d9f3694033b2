"""The forecaster that makes the rolling forecasts of a fitted estimator."""

from ..forecasting import SequenceForecaster

__all__ = ["check_rolling", "rolling_forecaster"]


def check_rolling(estimator, purpose):
    """Refuse, before any fit, an estimator that wraps no forecaster.

    A :class:`SequenceForecaster`, or anything whose ``estimator`` is one,
    nested or not (a search), passes; anything else (a regressor whose
    ``fit`` takes ``X`` and ``y``, a pipeline) is refused with the error
    that names ``purpose``, not with one from its ``fit``, nor after it has
    trained; so is a search that will not refit (``refit=False``), which
    would have no ``best_estimator_`` to forecast with. A fitted wrapper
    without ``best_estimator_`` is refused after it has trained
    (:func:`rolling_forecaster`). Returns the (unfitted) forecaster found.
    """
    found = estimator
    while not isinstance(found, SequenceForecaster) and hasattr(found, "estimator"):
        if getattr(found, "refit", True) is False:  # no best_estimator_ to use
            _refuse(found, purpose, search=True)
        found = found.estimator
    if not isinstance(found, SequenceForecaster):
        _refuse(estimator, purpose)
    return found


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
    _refuse(estimator, purpose)


def _refuse(estimator, purpose, search=False):
    """Raise the error of an ``estimator`` that makes no rolling forecasts.

    ``search``: ``estimator`` is a search that will not refit.
    """
    refit = (
        " (a search must be refitted: refit=True)"
        if search or hasattr(estimator, "cv_results_")
        else ""
    )
    raise TypeError(
        f"{purpose} takes a SequenceForecaster, or a search over one{refit}; "
        f"got {type(estimator).__name__}."
    )
