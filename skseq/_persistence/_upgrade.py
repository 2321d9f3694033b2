"""Read the fitted state of files in older formats.

Format 1 (skseq before its typed state) wrote an estimator's attributes as
they were: the input scaling in ``_x_mean`` / ``_x_scale`` and the
forecaster's state in a dict ``_state``. They map one to one onto today's
typed state. Format 2 held no ``mask_value`` in the fitted input: the models
read ``X`` with the parameter's, which the file holds. Up to format 3, a
forecaster's state held no ``freq``: it checked later series with the
parameter's, likewise. Format 5 changed no estimator's state: it added
estimators that hold others, each config naming its weights member
(``weights.safetensors`` before); the estimators format 4 holds are still
written in format 4 when they hold nothing of format 5.

Parameters and fitted attributes added since files were first written take,
when a file lacks them, the values that reproduce the model it holds.
"""

import dataclasses

from .._input import FittedInput
from ..estimators._regressor import TargetScaling
from ..forecasting._columns import ColumnRoles
from ..forecasting._conformal import ConformalCalibration
from ..forecasting._fitted import FittedForecaster
from ..forecasting._scaling import ValueScaler, WindowScaler
from ..utils._series import TimeSeries

__all__ = [
    "FITTED_BEFORE_IT_EXISTED",
    "FORMAT_4_CLASSES",
    "PARAMS_BEFORE_IT_EXISTED",
    "upgrade",
    "upgrade_format1",
    "upgrade_format2",
    "upgrade_format3",
]

# The estimators formats 1 to 4 hold (format 5 added the language model and
# the detectors, which hold others): save writes format 4 for them, which
# skseq before format 5 reads, unless they hold something of format 5.
FORMAT_4_CLASSES = frozenset(
    {
        "RNNClassifier",
        "RNNRegressor",
        "RNNSeq2Seq",
        "RNNStepRegressor",
        "RNNTagger",
        "SequenceForecaster",
    }
)

# Parameters added after files were first written, whose defaults change what
# a fitted model computes. A file without one was saved before it existed, so
# it takes the value that reproduces the model the file holds (the networks'
# parameters: a detector's "method" is another).
PARAMS_BEFORE_IT_EXISTED = {
    "linear_path": False,
    "conv_layers": 0,
    "method": "network",
    "season_inputs": None,
    "season_lag": None,
}
# Fitted attributes added since, with what a model saved before them has.
FITTED_BEFORE_IT_EXISTED = {
    "method_": "network",
    "held_out_errors_": None,
    "quantiles_": None,
}


def _sequence_state(fitted, mask_value, is_regressor):
    fitted["_input"] = FittedInput(
        fitted.pop("_input_spec"),
        fitted.pop("_x_mean"),
        fitted.pop("_x_scale"),
        fitted.pop("_max_length"),
        fitted.get("vocab_size_"),
        mask_value=mask_value,
    )
    if is_regressor:
        fitted["_target"] = TargetScaling(
            fitted.pop("_y_mean"), fitted.pop("_y_scale"), fitted.pop("_y_ndim")
        )
    return fitted


def _forecaster_state(fitted, params):
    state = fitted.pop("_state")
    w = params["window_length"]
    columns, order = list(state["columns"]), list(state["order"])
    k, n_future = state["n_targets"], state["n_future"]
    named = [columns[i] for i in order]
    roles = ColumnRoles(
        tuple(columns),
        tuple(named[:k]),
        tuple(named[k : len(named) - n_future]),
        tuple(named[len(named) - n_future :]),
    )
    tails = tuple(
        TimeSeries(
            series.values[-w:],
            series.index[-w:],
            series.freq,
            series.columns,
            series.kind,
            series.name,
        )
        for _, series in state["tails"]
    )
    residuals = state["residuals"]
    fitted["window_length_"] = w
    fitted["normalize_"] = params["normalize"]
    fitted["_fitted"] = FittedForecaster(
        window_length=w,
        horizon=params["horizon"],
        strategy=params["strategy"],
        roles=roles,
        values=ValueScaler(
            k, params["transform"] == "log", state["cov_mean"], state["cov_scale"]
        ),
        windows=WindowScaler(
            params["normalize"],
            state["target_mean"],
            state["input_scale"],
            state["target_scale"],
            state["scale_floor"],
        ),
        tails=tails,
        keys=None if state["keys"] is None else tuple(state["keys"]),
        form=state["form"],
        calibration=None if residuals is None else ConformalCalibration(residuals),
        freq=params["freq"],
    )
    return fitted


def upgrade_format1(class_name, params, fitted):
    """Today's fitted state from the attributes a format-1 file holds."""
    fitted = {key: value for key, value in fitted.items() if key != "net_"}
    if class_name == "SequenceForecaster":
        return _forecaster_state(fitted, params)
    return _sequence_state(fitted, params["mask_value"], class_name == "RNNRegressor")


def upgrade_format2(params, fitted):
    """Today's fitted state from a format-2 file's: ``mask_value`` added."""
    if "_input" in fitted:
        fitted["_input"] = dataclasses.replace(
            fitted["_input"], mask_value=params["mask_value"]
        )
    return fitted


def upgrade_format3(params, fitted):
    """Today's fitted state from a format-2 or 3 file's: a forecaster's ``freq``."""
    if "_fitted" in fitted:
        fitted["_fitted"] = dataclasses.replace(fitted["_fitted"], freq=params["freq"])
    return fitted


def upgrade(version, class_name, params, fitted):
    """Today's fitted state from that of a file of format ``version``."""
    if version == 1:
        fitted = upgrade_format1(class_name, params, fitted)
    elif version == 2:
        fitted = upgrade_format2(params, fitted)
    if version in (2, 3):
        fitted = upgrade_format3(params, fitted)
    return fitted
