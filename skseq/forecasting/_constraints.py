"""The parameter constraints of SequenceForecaster (scikit-learn's validation)."""

from numbers import Integral, Real

from .._engine import NETWORK_CONSTRAINTS, PROCESSES_CONSTRAINT, TRAINING_CONSTRAINTS
from ..modules import REGRESSION_LOSSES
from ..utils._sklearn_compat import Interval, StrOptions
from ._lags import SEASON_LAG_CONSTRAINT
from ._scaling import NORMALIZATIONS

__all__ = ["FORECASTER_CONSTRAINTS"]

FORECASTER_CONSTRAINTS = {
    "processes": PROCESSES_CONSTRAINT,
    "window_length": [
        Interval(Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "season": [
        Interval(Integral, 2, None, closed="left"),
        StrOptions({"auto"}),
        None,
    ],
    "season_inputs": [StrOptions({"auto"}), None],
    "season_lag": SEASON_LAG_CONSTRAINT,
    "horizon": [Interval(Integral, 1, None, closed="left")],
    "strategy": [StrOptions({"direct", "recursive"})],
    "target": "no_validation",
    "future_covariates": [list, None],
    "normalize": [StrOptions({*NORMALIZATIONS, "auto"}), None],
    "transform": [StrOptions({"log"}), None],
    "freq": "no_validation",
    "validation_fraction": [Interval(Real, 0, 1, closed="left")],
    "refit": ["boolean"],
    "window_step": [Interval(Integral, 1, None, closed="left")],
    "linear_path": ["boolean"],
    "method": [StrOptions({"auto", "network", "linear", "network+linear", "select"})],
    **NETWORK_CONSTRAINTS,
    **TRAINING_CONSTRAINTS,
    "loss": [StrOptions(set(REGRESSION_LOSSES))],
    "quantiles": ["array-like", None],
}
