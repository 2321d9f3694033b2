"""Loaders for the small real data sets shipped inside the package."""

from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["load_airline", "load_gunpoint", "load_text"]


def _data_file(name):
    return resources.files("skseq.datasets").joinpath("data", name)


def _read_ts(name):
    """Read a univariate, equal-length, labelled file in the UCR/sktime .ts format."""
    rows, labels = [], []
    in_data = False
    with _data_file(name).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if not in_data:
                in_data = line.lower() == "@data"
                continue
            values, label = line.rsplit(":", 1)
            rows.append(np.array(values.split(","), dtype=np.float64))
            labels.append(label)
    return np.stack(rows), np.array(labels)


def load_gunpoint(*, split="train", return_X_y=True):
    """Load the GunPoint time-series classification data set (UCR archive).

    The x-coordinate of an actor's right hand over 150 frames, while the actor
    either draws a replica gun from a holster and points it ("1", Gun-Draw) or
    points a finger ("2", Point). 50 training and 150 test sequences.

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which part to load; "all" stacks train then test.
    return_X_y : bool, default=True
        Return ``(X, y)``. If False, return a dict with keys ``"data"``,
        ``"target"`` and ``"DESCR"``.

    Returns
    -------
    X : ndarray of shape (n_samples, 150)
        One univariate sequence per row (float64).
    y : ndarray of shape (n_samples,)
        Class labels, the strings ``"1"`` (Gun-Draw) and ``"2"`` (Point).

    References
    ----------
    Ratanamahatana, C. A. and Keogh, E. (2005). Three myths about dynamic time
    warping data mining. SIAM International Conference on Data Mining. Data from
    the UCR time series classification archive,
    https://www.timeseriesclassification.com.

    Examples
    --------
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint(split="test")
    >>> X.shape, sorted(set(y.tolist()))
    ((150, 150), ['1', '2'])
    """
    parts = {"train": ["TRAIN"], "test": ["TEST"], "all": ["TRAIN", "TEST"]}
    if split not in parts:
        raise ValueError(f"split must be 'train', 'test' or 'all', got {split!r}.")
    loaded = [_read_ts(f"GunPoint_{part}.ts") for part in parts[split]]
    X = np.concatenate([X for X, _ in loaded])
    y = np.concatenate([y for _, y in loaded])
    if return_X_y:
        return X, y
    return {
        "data": X,
        "target": y,
        "DESCR": "GunPoint (UCR archive): hand x-position, Gun-Draw (1) or Point (2).",
    }


def load_airline():
    """Load the monthly international airline passengers series, 1949-1960.

    Monthly totals of international airline passengers in thousands (Box and
    Jenkins), 144 observations with a trend and a multiplicative yearly season.

    Returns
    -------
    y : pandas.Series
        Passengers (float64), indexed by a monthly ``PeriodIndex`` named
        ``"Period"``.

    References
    ----------
    Box, G. E. P., Jenkins, G. M. and Reinsel, G. C. (1976). Time Series
    Analysis, Forecasting and Control. Third Edition. Series G.

    Examples
    --------
    >>> from skseq.datasets import load_airline
    >>> y = load_airline()
    >>> len(y), str(y.index.freqstr), float(y.iloc[0])
    (144, 'M', 112.0)
    """
    with _data_file("airline.csv").open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle)
    index = pd.PeriodIndex(frame["Date"], freq="M", name="Period")
    return pd.Series(
        frame["Passengers"].to_numpy(dtype=np.float64), index=index, name="Passengers"
    )


_TEXTS = {
    "gettysburg": ("gettysburg.txt", "Abraham Lincoln, the Gettysburg Address (1863)"),
    "declaration": (
        "declaration.txt",
        "The Declaration of Independence (1776), its first two paragraphs",
    ),
}


def load_text(name="gettysburg"):
    """Load a short public-domain English text, for character-level models.

    Parameters
    ----------
    name : {"gettysburg", "declaration"}, default="gettysburg"
        Abraham Lincoln's Gettysburg Address (1,475 characters), or the first
        two paragraphs of the Declaration of Independence (1,634 characters).

    Returns
    -------
    text : str
        The text, paragraphs separated by blank lines.

    Examples
    --------
    >>> from skseq.datasets import load_text
    >>> load_text()[:33]
    'Four score and seven years ago ou'
    """
    if name not in _TEXTS:
        raise ValueError(f"name must be one of {sorted(_TEXTS)}, got {name!r}.")
    with _data_file(_TEXTS[name][0]).open(encoding="utf-8") as handle:
        return handle.read().strip()
