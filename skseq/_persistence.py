"""A safe file format for fitted estimators: ``skseq.save`` / ``skseq.load``.

Pickle (and joblib) files run code when they are loaded, so they must only be
loaded from trusted sources. An ``.skseq`` file holds no code: it is a zip
archive of

- ``config.json``: the estimator class (one of skseq's), its parameters and
  its fitted attributes, as JSON; arrays and the network are referenced;
- ``arrays.npz``: the fitted numpy arrays, read with ``allow_pickle=False``;
- ``weights.safetensors``: the network weights (safetensors holds tensors
  only);
- ``manifest.json``: the format version, the versions of skseq, torch,
  scikit-learn, skorch and numpy that wrote it, and a SHA-256 checksum of
  every other member.

Loading checks the checksums (a corrupted file is refused), warns when the
versions differ, rebuilds skseq's own classes, torch optimizers and skorch
callbacks by name from the config, and takes a user's own classes (a custom
``module``, optimizer or callbacks) from the caller, never from the file.
"""

import hashlib
import inspect
import io
import json
import warnings
import zipfile

import numpy as np
import pandas as pd
import safetensors.torch
import sklearn
import skorch
import skorch.callbacks
import torch
from skorch import NeuralNet
from skorch.history import History

from .utils._series import TimeSeries
from .utils.validation import InputSpec

__all__ = ["VersionMismatchWarning", "load", "save"]

FORMAT = "skseq"
# skorch callbacks a file may name: they compute and print, and touch no files,
# network or other objects (Checkpoint, loggers and the like must be passed
# to load by the user)
_SAFE_CALLBACKS = {
    "BatchScoring",
    "EarlyStopping",
    "EpochScoring",
    "EpochTimer",
    "GradientNormClipping",
    "LRScheduler",
    "PassthroughScoring",
    "PrintLog",
    "ProgressBar",
    "WarmRestartLR",
}
FORMAT_VERSION = 1
_MEMBERS = ("config.json", "arrays.npz", "weights.safetensors")


class VersionMismatchWarning(UserWarning):
    """Warn that a model was saved by other versions of skseq, torch or sklearn.

    Raised by :func:`skseq.load` and by unpickling a fitted estimator.

    Examples
    --------
    >>> import warnings
    >>> import skseq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", skseq.VersionMismatchWarning)
    ...     # skseq.load(path) would now raise instead of warning
    """


def _versions():
    from . import __version__

    return {
        "skseq": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "numpy": np.__version__,
    }


def warn_on_version_mismatch(written, what):
    """Warn when ``written`` versions of skseq, torch or sklearn differ from ours."""
    current = _versions()
    differ = [
        f"{name} {written.get(name)} (now {current[name]})"
        for name in ("skseq", "torch", "scikit-learn")
        if written.get(name) != current[name]
    ]
    if differ:
        warnings.warn(
            f"{what} with {', '.join(differ)}; predictions may differ. Refit the "
            "model with the current versions to be sure.",
            VersionMismatchWarning,
            stacklevel=4,
        )


def _estimator_classes():
    from .estimators import RNNClassifier, RNNRegressor, SequenceForecaster

    return {
        cls.__name__: cls for cls in (RNNClassifier, RNNRegressor, SequenceForecaster)
    }


# ------------------------------------------------------------------ encoding


class _Encoder:
    """Turn fitted state into JSON, collecting arrays and the net aside."""

    def __init__(self):
        self.arrays = {}
        self.net = None

    def array(self, value):
        key = f"a{len(self.arrays)}"
        if value.dtype == object:
            if not all(isinstance(v, str) for v in value.ravel()):
                raise TypeError(
                    "Only arrays of numbers or strings can be saved; found an object "
                    "array of other types."
                )
            self.arrays[key] = value.astype(str)
            return {"__array__": key, "object": True}
        self.arrays[key] = value
        return {"__array__": key}

    def __call__(self, value):
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            return self.array(value)
        if isinstance(value, History):  # a list, so before lists
            return {"__history__": json.loads(json.dumps(value.to_list()))}
        if isinstance(value, (list, tuple)):
            tag = "__list__" if isinstance(value, list) else "__tuple__"
            return {tag: [self(v) for v in value]}
        if isinstance(value, dict):
            return {"__items__": [[self(k), self(v)] for k, v in value.items()]}
        if isinstance(value, InputSpec):
            return {
                "__input_spec__": [value.layout, value.n_channels, value.n_features_in]
            }
        if isinstance(value, NeuralNet):
            if self.net is not None and self.net is not value:
                raise TypeError("An estimator with two networks cannot be saved.")
            self.net = value
            return {"__net__": True}
        if isinstance(value, TimeSeries):
            return {
                "__time_series__": {
                    "values": self(value.values),
                    "index": self(value.index),
                    "freq": self(value.freq),
                    "columns": self(value.columns),
                    "kind": value.kind,
                    "name": self(value.name),
                }
            }
        if isinstance(value, pd.Index):
            return self.index(value)
        if isinstance(value, pd.offsets.BaseOffset):
            if pd.tseries.frequencies.to_offset(value.freqstr) != value:
                raise TypeError(
                    f"The frequency {value!r} cannot be written as a string (it "
                    "holds more, e.g. holidays); skseq.save cannot keep it. Use "
                    "pickle (trusted files only)."
                )
            return {"__offset__": value.freqstr}
        if isinstance(value, (pd.Timestamp, pd.Period)):
            return {
                "__index__": self.index(pd.Index([value]))["__index__"],
                "scalar": True,
            }
        if isinstance(value, type) and issubclass(value, torch.optim.Optimizer):
            if value.__module__.startswith("torch.optim"):
                return {"__torch_optimizer__": value.__name__}
            return {"__user_class__": value.__qualname__, "role": "optimizer"}
        if isinstance(value, skorch.callbacks.Callback):
            return self.callback(value)
        if isinstance(value, type) or callable(value):
            return {
                "__user_class__": getattr(value, "__qualname__", repr(value)),
                "role": "module",
            }
        if isinstance(value, np.random.RandomState):
            warnings.warn(
                "random_state is a RandomState instance, which is saved as None.",
                UserWarning,
                stacklevel=4,
            )
            return None
        raise TypeError(f"Cannot save a value of type {type(value).__name__}.")

    def index(self, index):
        out = {"name": self(index.name)}
        if isinstance(index, pd.PeriodIndex):
            out.update(
                type="period", freq=index.freqstr, values=[str(p) for p in index]
            )
        elif isinstance(index, pd.DatetimeIndex):
            # as UTC: offsets that change with daylight saving read back as one
            utc = index if index.tz is None else index.tz_convert("UTC")
            out.update(
                type="datetime",
                tz=None if index.tz is None else str(index.tz),
                freq=None if index.freq is None else self(index.freq)["__offset__"],
                values=[t.isoformat() for t in utc],
            )
        elif isinstance(index, pd.RangeIndex):
            out.update(
                type="range", start=index.start, stop=index.stop, step=index.step
            )
        else:
            out.update(type="values", values=self(index.to_numpy()))
        return {"__index__": out}

    def callback(self, callback):
        cls = type(callback)
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(cls).parameters.items()
        }
        params = {
            k: v
            for k, v in callback.get_params().items()
            if "__" not in k
            and not (
                k in defaults
                and defaults[k] is v
                or (k in defaults and _same(defaults[k], v))
            )
        }
        if cls.__name__ in _SAFE_CALLBACKS and cls.__module__.startswith(
            "skorch.callbacks"
        ):
            try:
                json.dumps(params)
                return {"__skorch_callback__": cls.__name__, "params": params}
            except TypeError:
                pass
        return {"__user_class__": cls.__qualname__, "role": "callbacks"}


class _Decoder:
    """Rebuild fitted state from JSON, arrays and a net factory."""

    def __init__(self, arrays, user, net_factory=None):
        self.arrays = arrays
        self.user = user
        self.net_factory = net_factory
        self.net = None
        self.missing = {}

    def __call__(self, value):
        if not isinstance(value, dict):
            return value
        if "__array__" in value:
            array = self.arrays[value["__array__"]]
            return array.astype(object) if value.get("object") else array
        if "__list__" in value:
            return [self(v) for v in value["__list__"]]
        if "__tuple__" in value:
            return tuple(self(v) for v in value["__tuple__"])
        if "__items__" in value:
            return {_hashable(self(k)): self(v) for k, v in value["__items__"]}
        if "__input_spec__" in value:
            return InputSpec(*value["__input_spec__"])
        if "__net__" in value:
            if self.net is None:
                self.net = self.net_factory()
            return self.net
        if "__history__" in value:
            return History(value["__history__"])
        if "__time_series__" in value:
            fields = {k: self(v) for k, v in value["__time_series__"].items()}
            return TimeSeries(**fields)
        if "__index__" in value:
            index = _index(value["__index__"], self)
            return index[0] if value.get("scalar") else index
        if "__offset__" in value:
            return pd.tseries.frequencies.to_offset(value["__offset__"])
        if "__torch_optimizer__" in value:
            optimizer = getattr(torch.optim, value["__torch_optimizer__"], None)
            if not (
                isinstance(optimizer, type)
                and issubclass(optimizer, torch.optim.Optimizer)
            ):
                raise ValueError(
                    f"Unknown torch optimizer {value['__torch_optimizer__']!r}."
                )
            return optimizer
        if "__skorch_callback__" in value:
            if value["__skorch_callback__"] not in _SAFE_CALLBACKS:
                raise ValueError(
                    f"The callback {value['__skorch_callback__']!r} is not rebuilt "
                    "from files: it may write files or reach other systems. Pass "
                    "it: skseq.load(path, callbacks=...)."
                )
            cls = getattr(skorch.callbacks, value["__skorch_callback__"], None)
            if not (
                isinstance(cls, type) and issubclass(cls, skorch.callbacks.Callback)
            ):
                raise ValueError(
                    f"Unknown skorch callback {value['__skorch_callback__']!r}."
                )
            return cls(**value["params"])
        if "__user_class__" in value:
            role = value["role"]
            if self.user.get(role) is None:
                self.missing[role] = value["__user_class__"]
            return _UseGiven(role)
        raise ValueError(f"Unknown entry in the file: {sorted(value)}.")


class _UseGiven:
    """Placeholder for a class the caller of ``load`` provides."""

    def __init__(self, role):
        self.role = role


def _same(a, b):
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and the like compare otherwise
        return False


def _holds_given(value):
    if isinstance(value, _UseGiven):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_given(v) for v in value)
    return False


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


def _index(spec, decode):
    name = decode(spec["name"])
    kind = spec["type"]
    if kind == "period":
        return pd.PeriodIndex(spec["values"], freq=spec["freq"], name=name)
    if kind == "datetime":
        if spec["tz"] is None:
            index = pd.DatetimeIndex(spec["values"], name=name)
        else:  # written in UTC
            index = pd.DatetimeIndex(
                pd.to_datetime(spec["values"], utc=True), name=name
            ).tz_convert(spec["tz"])
        if spec["freq"] is not None and len(index) > 2:
            index = pd.DatetimeIndex(index, freq=spec["freq"])
        return index
    if kind == "range":
        return pd.RangeIndex(spec["start"], spec["stop"], spec["step"], name=name)
    return pd.Index(decode(spec["values"]), name=name)


# --------------------------------------------------------------- save / load


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def save(estimator, path):
    """Save a fitted skseq estimator to a file that holds no code.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor or SequenceForecaster
        A fitted estimator.
    path : str or path-like
        File to write (by convention ending in ``.skseq``).

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
    from sklearn.utils.validation import check_is_fitted

    if type(estimator).__name__ not in _estimator_classes():
        raise TypeError(
            f"skseq.save takes skseq estimators; got {type(estimator).__name__}. "
            "Use joblib or pickle for other objects (trusted files only)."
        )
    check_is_fitted(estimator)
    encode = _Encoder()
    fitted = {
        key: value
        for key, value in vars(estimator).items()
        if key.endswith("_") or key.startswith("_")
    }
    config = {
        "class": type(estimator).__name__,
        "params": encode(estimator.get_params(deep=False)),
        "fitted": encode(fitted),
    }
    net = encode.net
    if net is None:
        raise ValueError("The estimator holds no network to save.")
    config["net"] = {
        "module_params": encode(net.get_params_for("module")),
        "loss": net.get_params_for("criterion").get("loss"),
    }
    members = {"config.json": json.dumps(config).encode()}
    buffer = io.BytesIO()
    np.savez(buffer, **encode.arrays)
    members["arrays.npz"] = buffer.getvalue()
    weights = {
        k: v.detach().cpu().contiguous() for k, v in net.module_.state_dict().items()
    }
    members["weights.safetensors"] = safetensors.torch.save(weights)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "versions": _versions(),
        "sha256": {name: _sha256(data) for name, data in members.items()},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)


def _read(path):
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            members = {name: archive.read(name) for name in _MEMBERS}
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError, OSError) as exc:
        raise ValueError(
            f"{path} is not a readable skseq file (or it is damaged): {exc}"
        ) from exc
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not a skseq file.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written in skseq file format "
            f"{manifest['format_version']}; this skseq reads up to "
            f"{FORMAT_VERSION}: upgrade skseq."
        )
    for name, data in members.items():
        if _sha256(data) != manifest["sha256"].get(name):
            raise ValueError(
                f"{path} is corrupted: the checksum of {name} does not match; "
                "the file was damaged or altered after it was saved."
            )
    warn_on_version_mismatch(manifest.get("versions", {}), f"{path} was saved")
    return members


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
        If the file is not a skseq file, is corrupted (a checksum does not
        match), or needs a class you did not pass.

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
    members = _read(path)
    config = json.loads(members["config.json"])
    classes = _estimator_classes()
    if config["class"] not in classes:
        raise ValueError(f"Unknown estimator class {config['class']!r} in {path}.")
    with np.load(io.BytesIO(members["arrays.npz"]), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    weights = safetensors.torch.load(members["weights.safetensors"])
    given = {"module": module, "optimizer": optimizer, "callbacks": callbacks}
    decode = _Decoder(arrays, given)
    params = decode(config["params"])
    if decode.missing:
        names = ", ".join(f"{role} {name!r}" for role, name in decode.missing.items())
        arguments = ", ".join(f"{role}=..." for role in decode.missing)
        raise ValueError(
            f"This file was saved with your own {names}, which a file cannot "
            f"safely hold; pass them: skseq.load(path, {arguments})."
        )
    for name, value in params.items():
        if isinstance(value, _UseGiven):
            params[name] = given[value.role]
        elif name == "callbacks" and _holds_given(value):
            params[name] = given["callbacks"]
    estimator = classes[config["class"]](**params)

    def build_net():
        module_params = decode(config["net"]["module_params"])
        module_class, module_params = estimator._resolve_module(module_params)
        net = estimator._build_net(
            module_class, module_params, config["net"]["loss"], "cpu", None
        )
        net.initialize()
        net.module_.load_state_dict(weights)
        return net

    decode.net_factory = build_net
    fitted = decode(config["fitted"])
    if decode.net is not None:
        decode.net.history = fitted.get("history_", decode.net.history)
    estimator.__dict__.update(fitted)
    return estimator
