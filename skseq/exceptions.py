"""The exceptions and warnings skseq raises of its own."""

from ._versions import VersionMismatchWarning

__all__ = ["ExtrapolationWarning", "TrainingInterrupted", "VersionMismatchWarning"]


class ExtrapolationWarning(UserWarning):
    """A forecast reads a window unlike any the models trained on.

    :class:`skseq.SequenceForecaster` warns at ``fit`` (and ``predict``, given
    a history with earlier steps to compare with) where the steps a forecast
    reads of a series in memory change several times more than any earlier
    step did (a value entered wrongly, a spike, a break): the forecasts and
    their intervals then extrapolate from them.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> import skseq
    >>> y = np.r_[np.linspace(100, 130, 40), 900.0]  # a wrong last value
    >>> model = skseq.SequenceForecaster(window_length=4, method="linear")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     model = model.fit(y)
    >>> [w.category.__name__ for w in caught]
    ['ExtrapolationWarning']
    """


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped the training of an estimator; the model so far is kept.

    A KeyboardInterrupt, so a script, a loop or a grid search stops as it
    does on any Ctrl-C. A KeyboardInterrupt raised by code, such as a skorch
    callback (skorch's documented way to stop training), is not one: training
    then ends normally.

    Parameters
    ----------
    message : str
        What was interrupted and which model is kept.
    estimator : estimator
        The estimator fitted with the model trained until the interrupt.

    Attributes
    ----------
    estimator : estimator
        The partially trained model, with ``interrupted_=True``. On a first
        ``fit`` it is the estimator itself. When the estimator was fitted
        before, the estimator keeps that earlier model, untouched, and this is
        a copy holding the partial one.

    Notes
    -----
    :class:`skseq.SequenceForecaster` trains twice when it holds windows out
    (``validation_fraction > 0`` with ``refit=True``); Ctrl-C during the
    second training keeps the first, complete model, as with ``refit=False``.

    Examples
    --------
    >>> from skseq.exceptions import TrainingInterrupted
    >>> try:
    ...     pass  # model.fit(X, y), stopped with Ctrl-C
    ... except TrainingInterrupted as interrupt:
    ...     model = interrupt.estimator  # the partially trained model
    """

    def __init__(self, message, estimator=None):
        super().__init__(message)
        self.estimator = estimator
