"""Warnings that point at the user's code, not at skseq's own frames."""

import inspect
import warnings

__all__ = ["warn"]

# scikit-learn's decorators of fit (base), of functions such as backtest, and
# of transform and fit_transform (set_output)
_WRAPPERS = (
    "sklearn.base",
    "sklearn.utils._param_validation",
    "sklearn.utils._set_output",
)


def _skipped(frame):
    """Whether ``frame`` is skseq's or one of scikit-learn's decorators."""
    name = frame.f_globals.get("__name__", "")
    return name == "skseq" or name.startswith("skseq.") or name in _WRAPPERS


def warn(message, category=UserWarning):
    """Warn at the first frame outside skseq, as the user's own call.

    A fixed ``stacklevel`` points inside skseq when the same code is reached
    by another path (a forecaster fitted by ``backtest``, a loader called
    from another loader); the frames of the package's modules (by name, not
    by file: a symlinked path names the files otherwise) are skipped, and
    those of scikit-learn's decorators around ``fit`` and around functions
    such as ``backtest``. Through ``GridSearchCV`` it points at
    scikit-learn's call of ``fit``.

    Examples
    --------
    >>> import warnings
    >>> from skseq.utils._warnings import warn
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("careful")
    >>> str(caught[0].message)
    'careful'
    """
    frame, level = inspect.currentframe().f_back, 2
    while frame is not None and _skipped(frame):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
