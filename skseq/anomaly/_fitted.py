"""The detectors' fitted state, as ``skseq.save`` writes it: name -> type.

An optional attribute's type includes None. The fitted models a detector
holds are written as nested estimators, each with its own declared state.
"""

import numpy as np

from ..estimators import RNNRegressor, RNNStepRegressor, SequenceForecaster
from ..utils._series import TimeSeries
from ..utils.validation import InputSpec
from ._scores import Scoring

__all__ = ["FORECAST_DETECTOR_STATE", "SEQUENCE_DETECTOR_STATE"]

FORECAST_DETECTOR_STATE = {
    "forecasters_": list[SequenceForecaster],
    "reference_": np.ndarray,
    "tail_shape_": float,
    "error_unit_": np.ndarray,
    "recent_errors_": np.ndarray,
    "known_": TimeSeries,
    "offset_": float,
    "n_features_in_": int,
    "_scoring": Scoring,
}

SEQUENCE_DETECTOR_STATE = {
    "estimator_": RNNRegressor | RNNStepRegressor,
    "scale_": np.ndarray,
    "reference_": np.ndarray,
    "offset_": float,
    "n_features_in_": int,
    "feature_names_in_": np.ndarray | None,
    "_input_spec": InputSpec,
}
