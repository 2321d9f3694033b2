"""Checks of a file's fitted state: declared, of its type, and consistent.

Every estimator's state is checked against its ``_fitted_attributes`` (only
those names, each of its type; a type that includes None is optional);
then what its class's readers rely on: that the parts agree in shape.
"""

import typing
from numbers import Integral

import numpy as np
import pandas as pd

from ..anomaly._base import flag_offset
from ..anomaly._sequences import RECONSTRUCTED_STEPS
from ..estimators import RNNRegressor
from ..forecasting._structure import check_structure
from ._archive import FileError
from ._codec import check_type

__all__ = ["check_fitted_state"]


def check_fitted_state(cls, fitted, params, where="fitted"):
    """Raise FileError unless ``fitted`` is a state ``cls`` declares, consistent.

    ``params`` are the estimator's (checked); ``where`` names the field.
    """
    declared = cls._fitted_attributes
    unknown = set(fitted) - set(declared)
    if unknown:
        raise FileError(f"{where} holds unknown attributes {sorted(unknown)}")
    for name, annotation in declared.items():
        if name == "net_":
            continue
        if name not in fitted:
            if type(None) not in typing.get_args(annotation):  # not optional
                raise FileError(f"{where} attribute {name} is missing")
            continue
        check_type(fitted[name], annotation, f"{where}.{name}")
    if (fitted.get("conv_layers_") or 0) < 0:
        raise FileError(f"{where}.conv_layers_ must be >= 0")
    if "_fitted" in fitted:  # a forecaster's: what predict reads, in shape
        try:
            check_structure(fitted["_fitted"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise FileError(f"field {where}._fitted is inconsistent: {exc}") from exc
    check = _CONSISTENT.get(cls.__name__)
    if check is not None:
        check(_Fields(fitted, where), params)


class _Fields:
    """A fitted state's fields, with checks that name them."""

    def __init__(self, fitted, where):
        self.fitted, self.where = fitted, where

    def __getitem__(self, name):
        if name not in self.fitted:
            raise FileError(f"{self.where} attribute {name} is missing")
        return self.fitted[name]

    def refuse(self, name, why):
        raise FileError(f"field {self.where}.{name} {why}")

    def array(self, name, shape, positive=False, ordered=False):
        """Check a float array's shape (None: any length) and values."""
        value = self[name]
        if value.dtype.kind != "f" or value.ndim != len(shape):
            self.refuse(name, f"must be a {len(shape)}-D array of floats")
        if any(
            want is not None and got != want for got, want in zip(value.shape, shape)
        ):
            wanted = tuple("n" if want is None else want for want in shape)
            self.refuse(name, f"must have shape {wanted}, got {value.shape}")
        if positive and not (np.isfinite(value) & (value > 0)).all():
            self.refuse(name, "must hold finite values > 0")
        if ordered and not (np.isfinite(value).all() and (np.diff(value) >= 0).all()):
            self.refuse(name, "must hold finite values, sorted")

    def names(self):
        """Check that ``feature_names_in_`` names ``n_features_in_`` features."""
        names, n = self.fitted.get("feature_names_in_"), self["n_features_in_"]
        if names is not None and names.shape != (n,):
            self.refuse(
                "feature_names_in_", f"must name {n} features, not {names.shape}"
            )

    def offset(self):
        offset = self["offset_"]
        if not 0 < offset <= flag_offset(0.5):
            self.refuse("offset_", f"must lie in (0, 0.5], got {offset}")


def _network_input(fields, params):
    if fields["_input"].max_length is not None and fields["_input"].max_length < 1:
        fields.refuse("_input.max_length", "must be >= 1 or None")
    fields.names()


def _forecaster(fields, params):
    for i, tail in enumerate(fields["_fitted"].tails):
        # the step between time stamps: an offset, or an integer one
        step = tail.freq
        dated = isinstance(tail.index, pd.DatetimeIndex | pd.PeriodIndex)
        if not (
            isinstance(step, pd.offsets.BaseOffset)
            if dated
            else isinstance(step, Integral) and not isinstance(step, bool) and step
        ):
            wanted = "a frequency" if dated else "a nonzero integer"
            fields.refuse(f"_fitted.tails[{i}].freq", f"must be {wanted}, got {step!r}")


def _seq2seq(fields, params):
    if fields["max_output_length_"] < 1:
        fields.refuse("max_output_length_", "must be >= 1")


def _language_model(fields, params):
    encoder, size = fields["encoder_"], fields["vocab_size_"]
    expected = 2 if encoder is None else encoder.vocab_size_ + 1
    if size < expected or (encoder is not None and size != expected):
        fields.refuse(
            "vocab_size_",
            f"must be {'at least ' if encoder is None else ''}{expected} "
            f"(the ids of its tokens and the end of a document), got {size}",
        )


def _forecast_detector(fields, params):
    members = fields["forecasters_"]
    if not members:
        fields.refuse("forecasters_", "is empty")
    first = members[0]._fitted
    for i, member in enumerate(members):
        if member._fitted.roles != first.roles or (
            member._fitted.window_length != first.window_length
        ):
            fields.refuse(f"forecasters_[{i}]", "reads other columns or windows")
        if member.n_features_in_ != fields["n_features_in_"]:
            fields.refuse(f"forecasters_[{i}]", "reads another number of columns")
    scoring = fields["_scoring"]
    if scoring.smoothing < 1 or scoring.average not in ("signed", "absolute"):
        fields.refuse("_scoring", f"is no scoring of the detector's: {scoring}")
    k = first.roles.n_targets
    fields.array("error_unit_", (k,), positive=True)
    fields.array("recent_errors_", (None, k))
    if len(fields["recent_errors_"]) > scoring.smoothing - 1:
        fields.refuse("recent_errors_", f"holds more than {scoring.smoothing - 1}")
    fields.array("reference_", (None,), ordered=True)
    if not len(fields["reference_"]):
        fields.refuse("reference_", "is empty")
    known = fields["known_"].values
    if known.shape != (first.window_length, len(first.roles.columns)):
        fields.refuse(
            "known_",
            f"must hold the last window, of shape "
            f"{(first.window_length, len(first.roles.columns))}, got {known.shape}",
        )
    if np.isnan(fields["tail_shape_"]):
        fields.refuse("tail_shape_", "is NaN")
    fields.offset()


def _sequence_detector(fields, params):
    network, spec = fields["estimator_"], fields["_input_spec"]
    channels = spec.n_channels
    if network.n_features_in_ != channels:
        fields.refuse(
            "estimator_", f"reads {network.n_features_in_} features, not {channels}"
        )
    if spec.n_features_in != fields["n_features_in_"]:
        fields.refuse("_input_spec", "disagrees with n_features_in_")
    # a reconstruction outputs RECONSTRUCTED_STEPS values of each feature
    per_feature = RECONSTRUCTED_STEPS if isinstance(network, RNNRegressor) else 1
    outputs = network._target.mean.shape
    if outputs != (per_feature * channels,):
        fields.refuse(
            "estimator_", f"outputs {outputs} values, not {per_feature * channels}"
        )
    fields.names()
    fields.array("scale_", (channels,), positive=True)
    fields.array("reference_", (None,), ordered=True)
    fields.offset()


_CONSISTENT = {
    **dict.fromkeys(
        ("RNNClassifier", "RNNRegressor", "RNNStepRegressor", "RNNTagger"),
        _network_input,
    ),
    "SequenceForecaster": _forecaster,
    "RNNSeq2Seq": _seq2seq,
    "RNNLanguageModel": _language_model,
    "ForecastAnomalyDetector": _forecast_detector,
    "SequenceAnomalyDetector": _sequence_detector,
}
