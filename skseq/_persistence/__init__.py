"""A file format for fitted estimators that holds no code: ``save`` / ``load``.

Pickle and joblib files, and skops files of skseq models (skops lists
skorch's ``NeuralNet``, whose state holds a pickle), run code when they are
loaded: load them only from sources you trust. An ``.skseq`` file is a zip
archive of

- ``config.json``: the estimator class (one of skseq's), its parameters and
  its fitted state, as JSON (arrays referenced);
- ``arrays.npz``: the fitted numpy arrays, read with ``allow_pickle=False``;
- ``weights.safetensors``: the network weights (safetensors holds tensors
  only);
- ``manifest.json``: the format version, the versions of skseq, torch,
  scikit-learn, skorch and numpy that wrote it, and a SHA-256 checksum of
  every other member.

Loading reads only what the estimator's declared fitted state holds, checks
every parameter with the estimator's own constraints and every field's type
and shape, and compares the weights' shapes with the network the parameters
describe before any tensor is made. The checksums detect damage, not
tampering: anyone can rewrite a file and its checksums. They are not a
signature; a file from an untrusted source is safe to load (it runs no code
and its sizes are bounded) but its model is whatever its author made.
"""

import copy
import io
import json
import os
import zipfile

import numpy as np
import safetensors
import safetensors.torch
import torch
from sklearn.utils.validation import check_is_fitted

from .._engine import TrainingOptions
from .._engine._net import build_net
from .._versions import VersionMismatchWarning, warn_on_version_mismatch
from ..estimators import (
    RNNClassifier,
    RNNRegressor,
    RNNSeq2Seq,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from ..forecasting._structure import check_structure
from ..utils._warnings import warn
from ._archive import read_archive, tensor_shapes, write_archive
from ._codec import Decoder, Encoder, FileError, UseGiven, check_type
from ._upgrade import upgrade_format1, upgrade_format2, upgrade_format3

__all__ = ["VersionMismatchWarning", "load", "save"]

_CLASSES = {
    cls.__name__: cls
    for cls in (
        RNNClassifier,
        RNNRegressor,
        RNNSeq2Seq,
        RNNStepRegressor,
        RNNTagger,
        SequenceForecaster,
    )
}

# Parameters added after files were first written, whose defaults change what
# a fitted model computes. A file without one was saved before it existed, so
# it takes the value that reproduces the model the file holds.
_BEFORE_IT_EXISTED = {
    "linear_path": False,
    "conv_layers": 0,
    "method": "network",
    "season_inputs": None,
    "season_lag": None,
}
# Fitted attributes added since, with what a model saved before them has.
_FITTED_BEFORE_IT_EXISTED = {
    "method_": "network",
    "held_out_errors_": None,
    "quantiles_": None,
}


def save(estimator, path):
    """Save a fitted skseq estimator to a file that holds no code.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNStepRegressor, RNNTagger, \
RNNSeq2Seq or SequenceForecaster
        A fitted estimator.
    path : str or path-like
        File to write (by convention ending in ``.skseq``).

    Raises
    ------
    ValueError
        If parameters of the network were set after fit (``set_params``): the
        file holds the parameters, from which ``load`` builds the network.

    See Also
    --------
    load : Read the file back.

    Notes
    -----
    The optimizer's internal state is not saved: a loaded model predicts
    exactly as the saved one; training it again starts a fresh optimizer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import skseq
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint()
    >>> clf = skseq.RNNClassifier(max_epochs=2, random_state=0).fit(X, y)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skseq"
    >>> skseq.save(clf, path)
    >>> loaded = skseq.load(path)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    if type(estimator).__name__ not in _CLASSES:
        raise TypeError(
            f"skseq.save takes the estimators {sorted(_CLASSES)}; got "
            f"{type(estimator).__name__}. Use joblib or pickle for other objects "
            "(trusted files only)."
        )
    check_is_fitted(estimator)
    _check_network_described(estimator)
    encode = Encoder()
    fitted = {
        name: getattr(estimator, name)
        for name in type(estimator)._fitted_attributes
        if name != "net_" and hasattr(estimator, name)
    }
    config = {
        "class": type(estimator).__name__,
        "params": encode(estimator.get_params(deep=False)),
        "fitted": encode(fitted),
    }
    members = {"config.json": json.dumps(config).encode()}
    buffer = io.BytesIO()
    np.savez(buffer, **encode.arrays)
    members["arrays.npz"] = buffer.getvalue()
    weights = {
        k: v.detach().cpu().contiguous()
        for k, v in estimator.net_.module_.state_dict().items()
    }
    members["weights.safetensors"] = safetensors.torch.save(weights)
    write_archive(path, members)


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


def _config(path, data):
    try:
        config = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: config.json is not valid JSON ({exc}).") from exc
    if not isinstance(config, dict):
        raise ValueError(f"{path}: config.json is not an object.")
    if not isinstance(config.get("class"), str) or config["class"] not in _CLASSES:
        raise ValueError(
            f"{path}: config.json field class names no skseq estimator "
            f"({config.get('class')!r})."
        )
    for field in ("params", "fitted"):
        if not isinstance(config.get(field), dict):
            raise ValueError(f"{path}: config.json field {field} is malformed.")
    return config


def _arrays(path, data):
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


def _estimator(path, cls, params, given, decode):
    """Build the estimator from the file's parameters, checked like ``fit`` does."""
    if not isinstance(params, dict):
        raise ValueError(f"{path}: config.json field params is malformed.")
    if decode.missing:
        names = ", ".join(f"{role} {name!r}" for role, name in decode.missing.items())
        arguments = ", ".join(f"{role}=..." for role in decode.missing)
        raise ValueError(
            f"This file was saved with your own {names}, which a file cannot "
            f"safely hold; pass them: skseq.load(path, {arguments})."
        )
    known = cls().get_params()
    unknown = set(params) - set(known)
    if unknown:
        raise ValueError(f"{path}: params holds unknown parameters {sorted(unknown)}.")
    for name, value in _BEFORE_IT_EXISTED.items():
        if name in known:
            params.setdefault(name, value)
    for name, value in params.items():
        if isinstance(value, UseGiven):
            params[name] = given[value.role]
        elif name == "callbacks" and isinstance(value, list):
            if any(isinstance(v, UseGiven) for v in value):
                params[name] = given["callbacks"]
    estimator = cls(**params)
    try:
        estimator._validate_params()
    except ValueError as exc:
        raise ValueError(f"{path}: params: {exc}") from exc
    cores = os.cpu_count() or 1
    if estimator.n_threads is not None and estimator.n_threads > cores:
        warn(
            f"{path} asks for n_threads={estimator.n_threads}; this machine has "
            f"{cores} cores, so n_threads={cores} is used.",
        )
        estimator.n_threads = cores
    return estimator


def _fitted_state(path, cls, fitted):
    declared = cls._fitted_attributes
    unknown = set(fitted) - set(declared)
    if unknown:
        raise ValueError(f"{path}: fitted holds unknown attributes {sorted(unknown)}.")
    for name, annotation in declared.items():
        if name == "net_":
            continue
        if name not in fitted:
            if isinstance(annotation, type):  # not optional
                raise ValueError(f"{path}: fitted attribute {name} is missing.")
            continue
        check_type(fitted[name], annotation, f"fitted.{name}")
    if (fitted.get("conv_layers_") or 0) < 0:
        raise ValueError(f"{path}: fitted.conv_layers_ must be >= 0.")
    if "_fitted" in fitted:  # a forecaster's: what predict reads, in shape
        try:
            check_structure(fitted["_fitted"])
        except (ValueError, TypeError, AttributeError) as exc:
            raise ValueError(
                f"{path}: field fitted._fitted is inconsistent: {exc}."
            ) from exc


def _network(path, estimator, weights_data):
    """Build the net of a loaded estimator, checking weights before reading."""
    try:
        module, module_params, loss = estimator._net_spec()
        with torch.device("meta"):
            expected = {
                name: tuple(tensor.shape)
                for name, tensor in module(**module_params).state_dict().items()
            }
    except (TypeError, ValueError, RuntimeError, KeyError, AttributeError) as exc:
        raise ValueError(
            f"{path}: the parameters and fitted state describe no network ({exc})."
        ) from exc
    found = tensor_shapes(path, weights_data)
    if {name: shape for name, (_, shape) in found.items()} != expected:
        differ = sorted(
            name
            for name in set(found) | set(expected)
            if found.get(name, (None, None))[1] != expected.get(name)
        )
        raise ValueError(
            f"{path}: the weights do not fit the network the parameters describe "
            f"(tensors {differ[:5]} differ)."
        )
    if any(
        dtype not in ("F32", "F16", "BF16", "F64")
        # batch normalisation counts its batches in an integer
        and not (name.endswith(".num_batches_tracked") and dtype == "I64")
        for name, (dtype, _) in found.items()
    ):
        raise ValueError(f"{path}: the weights hold tensors that are not floats.")
    try:
        weights = safetensors.torch.load(weights_data)
    except (safetensors.SafetensorError, ValueError) as exc:
        raise ValueError(f"{path}: weights.safetensors is malformed ({exc}).") from exc
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


def load(path, *, module=None, optimizer=None, callbacks=None):
    """Load an estimator written by :func:`save`, without running code from it.

    Parameters
    ----------
    path : str or path-like
        The file.
    module : class or None, default=None
        Your own network class, when the estimator was fitted with one (a
        file cannot safely hold code, so you provide the class).
    optimizer : class or None, default=None
        Your own optimizer class, likewise (torch's are rebuilt by name).
    callbacks : list or None, default=None
        Your own callbacks, likewise (skorch's are rebuilt by name).

    Returns
    -------
    estimator : RNNClassifier, RNNRegressor or SequenceForecaster
        The fitted estimator, predicting as the saved one did.

    Raises
    ------
    ValueError
        If the file is not an intact skseq file (damaged, a checksum that
        does not match, a malformed or unknown field, oversized members,
        weights that do not fit the network), or needs a class you did not
        pass. The message names the file and the field.
    FileNotFoundError
        If there is no file at ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import skseq
    >>> from skseq.datasets import load_airline
    >>> model = skseq.SequenceForecaster(window_length=12, max_epochs=2,
    ...                                  random_state=0).fit(load_airline())
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "forecaster.skseq"
    >>> skseq.save(model, path)
    >>> skseq.load(path).predict().equals(model.predict())
    True
    """
    members, manifest = read_archive(path)
    warn_on_version_mismatch(manifest.get("versions", {}), f"{path} was saved")
    config = _config(path, members["config.json"])
    cls = _CLASSES[config["class"]]
    given = {"module": module, "optimizer": optimizer, "callbacks": callbacks}
    decode = Decoder(_arrays(path, members["arrays.npz"]), given)
    try:
        params = decode(config["params"], "params")
        estimator = _estimator(path, cls, params, given, decode)
        fitted = decode(config["fitted"], "fitted")
        if not isinstance(fitted, dict):
            raise FileError("field fitted is malformed")
        version = manifest["format_version"]
        if version == 1:
            fitted = upgrade_format1(cls.__name__, estimator.get_params(), fitted)
        elif version == 2:
            fitted = upgrade_format2(estimator.get_params(), fitted)
        if version in (2, 3):
            fitted = upgrade_format3(estimator.get_params(), fitted)
        _fitted_state(path, cls, fitted)
    except FileError as exc:
        raise ValueError(f"{path}: {exc}.") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: the fitted state is malformed ({exc}).") from exc
    estimator.__dict__.update(fitted)
    for name, value in _FITTED_BEFORE_IT_EXISTED.items():
        if name in cls._fitted_attributes:
            estimator.__dict__.setdefault(name, value)
    net = _network(path, estimator, members["weights.safetensors"])
    net.history = fitted.get("history_", net.history)
    estimator.net_ = net
    estimator.history_ = net.history
    return estimator
