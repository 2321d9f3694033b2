"""Many series cut at common time stamps: the folds of a panel's backtest.

A panel (a dict of series, or a long DataFrame indexed by (series id, time))
is split on the sorted union of its time stamps, so that a fold trains the
global model on every series up to a time and tests each series after it.
scikit-learn's splitters split rows: ``TimeSeriesSplit`` on a long frame
trains on the first series and tests on the next ones.
"""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator, TimeSeriesSplit
from sklearn.utils import check_scalar

from ..utils._long import is_long_frame
from ..utils._warnings import warn

__all__ = [
    "PanelSplit",
    "names_of",
    "panel_keys",
    "panel_rows",
    "panel_series",
    "panel_times",
    "series_of",
]


def _stamps(one, name):
    """Return the time stamps of one series of a dict, refusing an array."""
    if not isinstance(one, (pd.Series, pd.DataFrame)):
        raise ValueError(
            f"backtest cuts the series of a panel at common time stamps, but "
            f"{name} is a {type(one).__name__}; give each series as a pandas "
            "Series or DataFrame indexed by time."
        )
    return one.index


def panel_times(y):
    """Return the sorted time stamps of any series of the panel ``y``."""
    if isinstance(y, dict):
        indexes = [_stamps(one, f"y[{key!r}]") for key, one in y.items()]
        times = indexes[0] if indexes else pd.Index([])
        for index in indexes[1:]:
            times = times.union(index)
    else:
        times = y.index.get_level_values(1).unique()
    try:
        return times.sort_values()
    except TypeError as exc:
        raise ValueError(
            f"backtest cannot order the time stamps of y's series: {exc}"
        ) from exc


def panel_rows(y, times, fewest=1, keys=None):
    """Return the rows of ``y`` at ``times``, in its form (None if none).

    A series with fewer than ``fewest`` rows there, or not among ``keys``
    (None: any), is left out, and so is the panel (None) when every series
    is.
    """
    if y is None:
        return None
    if isinstance(y, dict):
        rows = {key: one[one.index.isin(times)] for key, one in y.items()}
        kept = {
            key: one
            for key, one in rows.items()
            if len(one) >= fewest and (keys is None or key in keys)
        }
        return kept or None
    at = y[y.index.get_level_values(1).isin(times)]
    ids = at.index.get_level_values(0)
    counts = ids.value_counts()
    kept = counts.index[counts >= fewest]
    if keys is not None:
        kept = kept[kept.isin(list(keys))]
    at = at[ids.isin(kept)]
    return at if len(at) else None


def panel_keys(y):
    """Return the set of series ids of the panel ``y``."""
    return set(y) if isinstance(y, dict) else set(y.index.unique(level=0))


def panel_series(y):
    """Return ``{key: the panel of that series alone}``, in ``y``'s form.

    None gives an empty dict.
    """
    if y is None:
        return {}
    if isinstance(y, dict):
        return {key: {key: one} for key, one in y.items()}
    return dict(iter(y.groupby(level=0, sort=False, observed=True)))


def names_of(keys, most=5):
    """Name the series ids ``keys`` (a list) for messages, the first ``most``."""
    names = ", ".join(repr(key) for key in keys[:most])
    return names + (f" and {len(keys) - most} more" if len(keys) > most else "")


def series_of(part):
    """Return the one series of a panel of one (as :func:`panel_series` gives it)."""
    return next(iter(part.values())) if isinstance(part, dict) else part


class PanelSplit(BaseCrossValidator):
    """Time-series folds of a long frame of many series, cut at common times.

    scikit-learn's ``TimeSeriesSplit`` splits a long DataFrame (indexed by
    (series id, time)) by its rows, so a fold trains on the first series and
    tests on the next ones. This splitter applies ``TimeSeriesSplit`` to the
    sorted time stamps of all the series instead: each fold trains on every
    series' rows up to a time and tests on their rows after it, so that
    ``GridSearchCV(forecaster, ..., cv=PanelSplit())`` and
    ``cross_val_score`` score a global model on time folds, as a backtest
    does. A splitter does not know the forecaster's window: by default it
    keeps every series in each fold, and one too short there for a window
    and the horizon (a series launched late) makes that fold's fit fail
    (its score NaN in a search), as does a series with no rows before the
    cut and no more than a window after it (its score). ``min_train_steps``
    leaves such series out of the fold (its training and its test rows),
    with a warning that names them; :func:`backtest`, which knows the
    window, forecasts one too short to train as a new series instead.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds.
    test_size : int or None, default=None
        Time stamps in each test fold (None: as ``TimeSeriesSplit`` sets).
    gap : int, default=0
        Time stamps left out between each training and test fold.
    max_train_size : int or None, default=None
        Most time stamps in a training fold.
    min_train_steps : int or None, default=None
        Fewest rows a series needs in a training fold to be in that fold
        (``window_length + horizon`` of the forecasters searched, the
        largest): one with fewer, or none, is left out of the fold's training
        and test rows, with a warning that names it. None keeps every
        series.

    Examples
    --------
    >>> import pandas as pd
    >>> from skseq.model_selection import PanelSplit
    >>> days = pd.date_range("2024-01-01", periods=4, freq="D")
    >>> y = pd.concat({"a": pd.Series(range(4), days), "b": pd.Series(range(4), days)})
    >>> [(train.tolist(), test.tolist()) for train, test in PanelSplit(2).split(y)]
    [([0, 1, 4, 5], [2, 6]), ([0, 1, 2, 4, 5, 6], [3, 7])]
    """

    def __init__(
        self,
        n_splits=5,
        *,
        test_size=None,
        gap=0,
        max_train_size=None,
        min_train_steps=None,
    ):
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap = gap
        self.max_train_size = max_train_size
        self.min_train_steps = min_train_steps

    def _times(self, X):
        if not is_long_frame(X):
            raise ValueError(
                "PanelSplit splits a long DataFrame or Series indexed by (series "
                f"id, time); got {type(X).__name__}"
                + ("" if not hasattr(X, "index") else " without such a MultiIndex")
                + ". For one series, use TimeSeriesSplit."
            )
        return X.index.get_level_values(1)

    def split(self, X, y=None, groups=None):
        """Yield the row positions of each training and test fold of ``X``."""
        stamps = self._times(X)
        fewest = self._fewest()
        times = panel_times(X)
        splitter = TimeSeriesSplit(
            self.n_splits,
            test_size=self.test_size,
            gap=self.gap,
            max_train_size=self.max_train_size,
        )
        ids = X.index.get_level_values(0)
        for fold, (train, test) in enumerate(splitter.split(np.arange(len(times)))):
            train, test = stamps.isin(times[train]), stamps.isin(times[test])
            if fewest is not None:
                train, test = _short_left_out(fold, ids, train, test, fewest)
            yield np.flatnonzero(train), np.flatnonzero(test)

    def _fewest(self):
        """Return ``min_train_steps``, refusing one that is not an int >= 1."""
        if self.min_train_steps is not None:
            check_scalar(self.min_train_steps, "min_train_steps", Integral, min_val=1)
        return self.min_train_steps

    def get_n_splits(self, X=None, y=None, groups=None):
        """Return the number of folds."""
        return self.n_splits


def _short_left_out(fold, ids, train, test, fewest):
    """Return the masks ``train`` and ``test`` without the series too short.

    A series (its ``ids``) with fewer than ``fewest`` rows in ``train`` is
    left out of both, with a warning that names it; a fold left with no
    series to train on or to test is refused.
    """
    counts = pd.Series(ids[train]).value_counts()
    kept = ids.isin(counts.index[counts >= fewest])
    if not (train & kept).any() or not (test & kept).any():
        raise ValueError(
            f"PanelSplit's fold {fold} has no series with at least "
            f"min_train_steps={fewest} rows to train on"
            + ("" if not (train & kept).any() else " and rows to test")
            + "; use fewer splits or a smaller min_train_steps."
        )
    left_out = list(pd.unique(ids[(train | test) & ~kept]))
    if left_out:
        warn(
            f"PanelSplit's fold {fold} leaves out series {names_of(left_out)}: "
            f"fewer than min_train_steps={fewest} rows in its training part."
        )
    return train & kept, test & kept
