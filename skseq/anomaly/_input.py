"""The series ForecastAnomalyDetector reads, validated."""

import pandas as pd
from sklearn.utils import check_array

from ..utils._series import check_series

__all__ = ["check_series_of_detector"]


def check_series_of_detector(X, default_freq=None, n_features=None):
    """Validate a series ``X`` (sklearn's messages for arrays).

    Returns the :class:`TimeSeries` and ``X`` (arrays as float arrays).
    """
    least = 2 if n_features is None else 1
    if not isinstance(X, (pd.Series, pd.DataFrame)):
        X = check_array(  # NaN and inf: check_series names them, as for pandas
            X,
            ensure_2d=False,
            ensure_min_samples=least,
            ensure_all_finite=False,
            estimator="ForecastAnomalyDetector",
            input_name="X",
        )
        if X.ndim == 1 and n_features not in (None, 1):
            raise ValueError(
                f"X is 1-D, but the detector was fitted on {n_features} columns; "
                "Reshape your data to (n_timesteps, n_columns)."
            )
    series = check_series(X, name="X", min_length=least, default_freq=default_freq)
    found = series.values.shape[1]
    if n_features is not None and found != n_features:
        raise ValueError(
            f"X has {found} features, but ForecastAnomalyDetector is expecting "
            f"{n_features} features as input."
        )
    return series, X
