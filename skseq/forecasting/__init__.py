"""Forecasting time series with recurrent networks.

:class:`SequenceForecaster` and its parts: column roles and frames
(``_columns``), training windows (``_windows``), per-column and per-window
scaling (``_scaling``), conformal calibration (``_conformal``, from the ranks
of held-out errors or a bound beyond them: ``_ranks``) and the fitted
state with its forecasting rule (``_fitted``).
"""

from ._forecaster import SequenceForecaster

__all__ = ["SequenceForecaster"]
