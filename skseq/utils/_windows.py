"""The one function that cuts a series into windows.

Training windows of the forecaster, its calibration and rolling forecasts,
:func:`skseq.preprocessing.make_windows` and the windowing transformer all
index into the strided view it returns: a window costs no memory until it is
gathered into a batch.
"""

import numpy as np

__all__ = ["cut_windows"]


def cut_windows(values, length):
    """Return every window of ``length`` consecutive rows of ``values``.

    Parameters
    ----------
    values : ndarray of shape (n_rows, ...)
        A series, one row per time step.
    length : int
        Rows per window, at most ``n_rows``.

    Returns
    -------
    ndarray of shape (n_rows - length + 1, length, ...)
        Window ``i`` holds rows ``i .. i + length - 1``; a read-only strided
        view of ``values``, not a copy.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils._windows import cut_windows
    >>> cut_windows(np.arange(4), 3).tolist()
    [[0, 1, 2], [1, 2, 3]]
    """
    view = np.lib.stride_tricks.sliding_window_view(values, length, axis=0)
    return np.moveaxis(view, -1, 1)  # the window's rows on axis 1, features last
