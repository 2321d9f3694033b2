"""Warnings that point at the user's code, not at skseq's own frames."""

import inspect
import os
import warnings
from pathlib import Path

import sklearn

__all__ = ["warn"]

# skseq's frames, and those of scikit-learn's decorators of fit (base) and
# of functions such as backtest (validate_params)
_SKIPPED = (
    str(Path(__file__).resolve().parents[1]) + os.sep,
    *(
        str(Path(sklearn.__file__).parent / name)
        for name in ("base.py", "utils/_param_validation.py")
    ),
)


def warn(message, category=UserWarning):
    """Warn at the first frame outside skseq, as the user's own call.

    A fixed ``stacklevel`` points inside skseq when the same code is reached
    by another path (a forecaster fitted by ``backtest``, a loader called
    from another loader); the frames of the package are skipped instead, and
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
    while frame is not None and frame.f_code.co_filename.startswith(_SKIPPED):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
