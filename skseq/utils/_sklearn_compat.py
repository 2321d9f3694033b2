"""The one place where skseq imports scikit-learn's private helpers.

They are private in scikit-learn and may move between releases; importing them
here keeps a version fix to one file (as imbalanced-learn does).
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
    validate_params,
)
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import (
    _check_feature_names,
    _check_feature_names_in,
    _check_sample_weight,
    _get_feature_names,
)

__all__ = [
    "HasMethods",
    "Interval",
    "StrOptions",
    "_check_feature_names",
    "_check_feature_names_in",
    "_check_sample_weight",
    "_fit_context",
    "_get_feature_names",
    "_get_output_config",
    "validate_parameter_constraints",
    "validate_params",
]
