"""Each estimator of a file: its config, read and written the same way at any depth.

An estimator's config is ``{"class", "params", "fitted", "weights"}``: its
class (one of :data:`CLASSES`), its parameters, its declared fitted state
(``_fitted_attributes``) and, for one with a network, the member that holds
its weights. ``config.json`` is the saved estimator's; an estimator held by
another (a detector's fitted models, or the unfitted one among its
parameters, which has no ``fitted``) is a config nested where it is held,
read by the same :class:`Reader` method: its parameters checked by its own
constraints, its state by its own declaration, its weights against the
network its parameters describe.
"""

import copy
import io
import os
import zipfile

import numpy as np
import safetensors
import safetensors.torch
import torch
from sklearn.utils.validation import check_is_fitted

from .._engine import TrainingOptions
from .._engine._net import build_net
from ..anomaly import ForecastAnomalyDetector, SequenceAnomalyDetector
from ..estimators import (
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
    RNNSeq2Seq,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from ..utils._warnings import warn
from ._archive import FileError, tensor_shapes
from ._codec import Decoder, Encoder, UseGiven
from ._state import FITTED_BEFORE_IT_EXISTED, check_fitted_state
from ._upgrade import upgrade

__all__ = ["CLASSES", "Reader", "Writer", "arrays_of"]

CLASSES = {
    cls.__name__: cls
    for cls in (
        RNNClassifier,
        RNNRegressor,
        RNNSeq2Seq,
        RNNStepRegressor,
        RNNTagger,
        SequenceForecaster,
        RNNLanguageModel,
        ForecastAnomalyDetector,
        SequenceAnomalyDetector,
    )
}
# the members holding weights: the first network's, then numbered
FIRST_WEIGHTS = "weights.safetensors"

# Parameters added after files were first written, whose defaults change what
# a fitted model computes. A file without one was saved before it existed, so
# it takes the value that reproduces the model the file holds (the networks'
# parameters: a detector's "method" is another).
_BEFORE_IT_EXISTED = {
    "linear_path": False,
    "conv_layers": 0,
    "method": "network",
    "season_inputs": None,
    "season_lag": None,
}


def _has_network(cls):
    return "net_" in cls._fitted_attributes


class Writer:
    """Configs of an estimator and those it holds; arrays and weights aside."""

    def __init__(self):
        self.arrays = {}
        self.weights = {}
        self._params = Encoder(self.arrays, lambda held: self.config(held, False))
        self._fitted = Encoder(self.arrays, self.config)

    def config(self, estimator, fitted=True):
        """Return the config of ``estimator`` (its parameters alone if not fitted)."""
        cls = type(estimator)
        if CLASSES.get(cls.__name__) is not cls:
            raise TypeError(
                f"skseq.save takes the estimators {sorted(CLASSES)}; got "
                f"{cls.__name__}. Use joblib or pickle for other objects "
                "(trusted files only)."
            )
        config = {
            "class": cls.__name__,
            "params": self._params(estimator.get_params(deep=False)),
        }
        if not fitted:
            return config
        check_is_fitted(estimator)
        if _has_network(cls):
            _check_network_described(estimator)
        config["fitted"] = self._fitted(
            {
                name: getattr(estimator, name)
                for name in cls._fitted_attributes
                if name != "net_" and hasattr(estimator, name)
            }
        )
        if _has_network(cls):
            member = (
                f"weights-{len(self.weights)}.safetensors"
                if self.weights
                else FIRST_WEIGHTS
            )
            self.weights[member] = safetensors.torch.save(
                {
                    k: v.detach().cpu().contiguous()
                    for k, v in estimator.net_.module_.state_dict().items()
                }
            )
            config["weights"] = member
        return config


def _check_network_described(estimator):
    """Refuse parameters that no longer describe the network (load builds it so)."""
    module, params, _ = estimator._net_spec()
    built = estimator.net_.get_params_for("module")
    changed = sorted(
        name
        for name in params.keys() | built.keys()
        if name not in params
        or name not in built
        or not np.array_equal(params[name], built[name])
    )
    if changed or estimator.net_.module is not module:
        raise ValueError(
            f"The parameters of this {type(estimator).__name__} were set after fit "
            f"and no longer describe its network ({', '.join(changed) or 'module'} "
            "differ), which a file rebuilds from them: fit it again, or set them "
            "back, before saving."
        )


def arrays_of(path, data):
    """Return the arrays of ``arrays.npz``, read with ``allow_pickle=False``."""
    # arrays.npz is itself a zip: its members are checked before numpy inflates
    # them (save writes them uncompressed, so they hold no more than the file)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as npz:
            declared = sum(info.file_size for info in npz.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ValueError(f"{path}: arrays.npz is malformed ({exc}).") from exc
    if declared > len(data):
        raise ValueError(
            f"{path}: arrays.npz declares {declared} bytes of arrays in {len(data)} "
            "bytes; skseq writes them uncompressed, so they would inflate: refused."
        )
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except Exception as exc:  # noqa: BLE001 - numpy raises many kinds here
        raise ValueError(
            f"{path}: arrays.npz is malformed or holds objects ({exc})."
        ) from exc


class Reader:
    """Rebuild the estimators of a file's configs; FileError names the field.

    ``members`` are the file's (name -> bytes), ``version`` its format and
    ``given`` the classes the caller of ``load`` provides.
    """

    def __init__(self, path, members, version, given):
        self.path, self.members, self.version = path, members, version
        self.given = given
        self.unread = {name for name in members if name.endswith(".safetensors")}
        arrays = arrays_of(path, members["arrays.npz"])
        self.params = Decoder(arrays, given, self.unfitted)
        self.state = Decoder(arrays, given, self.fitted, self.params.missing)

    def unfitted(self, config, field="", depth=0):
        """Return the estimator of ``config``'s parameters, checked as ``fit`` does."""
        cls = self._class(config, field)
        if "fitted" in config:
            raise FileError(f"field {field} holds a fitted estimator as a parameter")
        return self._estimator(cls, config, field, depth)

    def fitted(self, config, field="", depth=0):
        """Return the fitted estimator of ``config``, and its network's weights read."""
        cls = self._class(config, field)
        estimator = self._estimator(cls, config, field, depth)
        where = f"{field}.fitted" if field else "fitted"
        fitted = self.state(config.get("fitted"), where, depth)
        if not isinstance(fitted, dict):
            raise FileError(f"field {where} is malformed")
        fitted = upgrade(self.version, cls.__name__, estimator.get_params(), fitted)
        check_fitted_state(cls, fitted, estimator.get_params(), where)
        estimator.__dict__.update(fitted)
        for name, value in FITTED_BEFORE_IT_EXISTED.items():
            if name in cls._fitted_attributes:
                estimator.__dict__.setdefault(name, value)
        if _has_network(cls):
            estimator.net_ = self._network(estimator, self._weights(config, field))
            estimator.net_.history = fitted.get("history_", estimator.net_.history)
            estimator.history_ = estimator.net_.history
        derived = getattr(estimator, "_derived_fitted", None)
        if derived is not None:
            estimator.__dict__.update(derived())
        return estimator

    def _class(self, config, field):
        name = config.get("class")
        if not isinstance(name, str) or name not in CLASSES:
            where = f"{field}.class" if field else "class"
            raise FileError(f"field {where} names no skseq estimator ({name!r})")
        return CLASSES[name]

    def _estimator(self, cls, config, field, depth):
        """Build the estimator from the file's parameters, checked like ``fit`` does."""
        where = f"{field}.params" if field else "params"
        params = self.params(config.get("params"), where, depth)
        if not isinstance(params, dict):
            raise FileError(f"field {where} is malformed")
        missing = self.params.missing
        if missing:
            names = ", ".join(f"{role} {name!r}" for role, name in missing.items())
            arguments = ", ".join(f"{role}=..." for role in missing)
            raise FileError(
                f"This file was saved with your own {names}, which a file cannot "
                f"safely hold; pass them: skseq.load(path, {arguments})"
            )
        known = cls().get_params()
        unknown = set(params) - set(known)
        if unknown:
            raise FileError(f"{where} holds unknown parameters {sorted(unknown)}")
        if _has_network(cls):
            for name, value in _BEFORE_IT_EXISTED.items():
                if name in known:
                    params.setdefault(name, value)
        for name, value in params.items():
            if isinstance(value, UseGiven):
                params[name] = self.given[value.role]
            elif name == "callbacks" and isinstance(value, list):
                if any(isinstance(v, UseGiven) for v in value):
                    params[name] = self.given["callbacks"]
        estimator = cls(**params)
        try:
            estimator._validate_params()
        except ValueError as exc:
            raise FileError(f"{where}: {exc}") from exc
        cores = os.cpu_count() or 1
        threads = getattr(estimator, "n_threads", None)
        if threads is not None and threads > cores:
            warn(
                f"{self.path} asks for n_threads={threads}; this machine has "
                f"{cores} cores, so n_threads={cores} is used.",
            )
            estimator.n_threads = cores
        return estimator

    def _weights(self, config, field):
        """Return the bytes of the weights member ``config`` names (once only)."""
        member = config.get("weights", FIRST_WEIGHTS if self.version < 5 else None)
        if not isinstance(member, str):
            where = f"{field}.weights" if field else "weights"
            raise FileError(f"field {where} names no weights member")
        if member not in self.members or not member.endswith(".safetensors"):
            raise FileError(f"member {member} is missing")
        if member not in self.unread:
            raise FileError(f"member {member} holds the weights of two networks")
        self.unread.discard(member)
        return member, self.members[member]

    def _network(self, estimator, weights):
        """Build the net of a loaded estimator, checking weights before reading."""
        member, data = weights
        try:
            module, module_params, loss = estimator._net_spec()
            with torch.device("meta"):
                expected = {
                    name: tuple(tensor.shape)
                    for name, tensor in module(**module_params).state_dict().items()
                }
        except (TypeError, ValueError, RuntimeError, KeyError, AttributeError) as exc:
            raise FileError(
                f"the parameters and fitted state describe no network ({exc})"
            ) from exc
        found = tensor_shapes(member, data)
        if {name: shape for name, (_, shape) in found.items()} != expected:
            differ = sorted(
                name
                for name in set(found) | set(expected)
                if found.get(name, (None, None))[1] != expected.get(name)
            )
            raise FileError(
                f"{member}: the weights do not fit the network the parameters "
                f"describe (tensors {differ[:5]} differ)"
            )
        if any(
            dtype not in ("F32", "F16", "BF16", "F64")
            # batch normalisation counts its batches in an integer
            and not (name.endswith(".num_batches_tracked") and dtype == "I64")
            for name, (dtype, _) in found.items()
        ):
            raise FileError(f"{member}: the weights hold tensors that are not floats")
        try:
            weights = safetensors.torch.load(data)
        except (safetensors.SafetensorError, ValueError) as exc:
            raise FileError(f"{member} is malformed ({exc})") from exc
        # the net is made on the CPU, whatever device the model was fitted on: a
        # model fitted on a GPU loads on a machine without one
        on_cpu = copy.copy(estimator)
        on_cpu.device = "cpu"
        extra = getattr(estimator, "optimizer_kwargs", None) or {}
        if {"lr", "weight_decay"} & extra.keys():  # saved before fit refused them
            on_cpu.optimizer_kwargs = {
                k: v for k, v in extra.items() if k not in ("lr", "weight_decay")
            }
        training_options = getattr(on_cpu, "_training_options", None)
        options = (
            training_options()
            if training_options
            else TrainingOptions.from_estimator(on_cpu)
        )
        net_outputs = getattr(estimator, "_net_outputs", None)
        net = build_net(
            module,
            module_params,
            loss,
            options,
            outputs=net_outputs() if net_outputs else None,
        )
        net.initialize()
        net.module_.load_state_dict(weights)
        return net
