"""Fitted state to JSON and arrays, and back, with the types checked.

Only values of known types are written: numbers, strings, lists, tuples,
dicts, numpy arrays of numbers or strings (to ``arrays.npz``), pandas indexes,
offsets and time stamps, skorch histories, skseq's own frozen dataclasses
(their fields, recursively), torch devices, torch optimizer classes and the
skorch callbacks that touch nothing outside the process, by name, and a text
encoder by its vocabulary
(:class:`~skseq.estimators._language_parts.Vocabulary`). Reading rebuilds
exactly those, checks each dataclass field against its annotation,
and names the field of anything malformed. Estimators held by another (a
detector's) are configs of their own, which the caller writes and reads
where they are held (``_estimators``): a value here holds none.
"""

import dataclasses
import inspect
import json
import types
import typing
from numbers import Integral, Real

import numpy as np
import pandas as pd
import skorch.callbacks
import torch
from skorch.history import History

from .._input import FittedInput
from ..anomaly._scores import Scoring
from ..estimators._language_parts import Vocabulary
from ..estimators._pairs import SideForm
from ..estimators._regressor import TargetScaling
from ..forecasting._columns import ColumnRoles
from ..forecasting._conformal import ConformalCalibration
from ..forecasting._fitted import FittedForecaster
from ..forecasting._lags import SeasonLag
from ..forecasting._linear import RidgeForecast
from ..forecasting._phases import SeasonPhases
from ..forecasting._scaling import ValueScaler, WindowScaler
from ..forecasting._smoothing import Smoothing
from ..forecasting._static import StaticCovariates
from ..preprocessing import SequenceOrdinalEncoder
from ..utils._periods import business_periods_quiet
from ..utils._series import TimeSeries
from ..utils._warnings import warn
from ..utils.validation import InputSpec
from ._archive import FileError, at
from ._pandas import index_of, keyword_text, offset_of

__all__ = [
    "MAX_DEPTH",
    "NET",
    "Decoder",
    "Encoder",
    "FileError",
    "UseGiven",
    "check_type",
]

# the frozen dataclasses a file may hold, by name
DATACLASSES = {
    cls.__name__: cls
    for cls in (
        InputSpec,
        FittedInput,
        TargetScaling,
        SideForm,
        ColumnRoles,
        ValueScaler,
        WindowScaler,
        ConformalCalibration,
        RidgeForecast,
        Smoothing,
        StaticCovariates,
        SeasonPhases,
        SeasonLag,
        FittedForecaster,
        TimeSeries,
        Vocabulary,
        Scoring,
    )
}
# skorch callbacks a file may name: they compute and print, and touch no files,
# network or other objects (Checkpoint, loggers and the like must be passed
# to load by the user)
SAFE_CALLBACKS = {
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
# nesting of JSON values deeper than any fitted state needs
MAX_DEPTH = 32


def check_type(value, annotation, field):
    """Raise FileError unless ``value`` fits ``annotation``.

    A type, a union, or ``list[T]`` (a list of values that fit ``T``).
    """
    if typing.get_origin(annotation) is list:
        if not isinstance(value, list):
            raise FileError(f"field {field} must be a list, got {type(value).__name__}")
        (item,) = typing.get_args(annotation)
        for i, v in enumerate(value):
            check_type(v, item, f"{field}[{i}]")
        return
    options = (
        typing.get_args(annotation)
        if isinstance(annotation, types.UnionType)
        else (annotation,)
    )
    for option in options:
        if option is type(None) and value is None:
            return
        if (
            option is int
            and isinstance(value, Integral)
            and not isinstance(value, bool)
        ):
            return
        if option is float and isinstance(value, Real) and not isinstance(value, bool):
            return
        if option is np.ndarray and isinstance(value, np.ndarray):
            if value.dtype.kind in "biufUO":
                return
        elif option is object or (
            isinstance(option, type)
            and option not in (int, float)
            and isinstance(value, option)
        ):
            return
    names = " or ".join(getattr(o, "__name__", str(o)) for o in options)
    raise FileError(f"field {field} must be {names}, got {type(value).__name__}")


class Encoder:
    """Turn fitted state into JSON, collecting arrays and the net aside.

    ``arrays`` collects the arrays (a dict, which the caller may share);
    ``format_version`` is the oldest file format that holds what was written
    (4, or 5 once a text encoder or a torch device was).
    """

    def __init__(self, arrays=None):
        self.arrays = {} if arrays is None else arrays
        self.format_version = 4

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
        if value.dtype.kind not in "biufU":
            raise TypeError(f"Cannot save an array of dtype {value.dtype}.")
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
        if isinstance(value, SequenceOrdinalEncoder):
            self.format_version = max(self.format_version, 5)
            return {"__token_encoder__": self(Vocabulary.of(value))}
        if type(value).__name__ in DATACLASSES and dataclasses.is_dataclass(value):
            fields = {
                f.name: self(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
            return {"__dataclass__": type(value).__name__, "fields": fields}
        if isinstance(value, pd.Index):
            return self.index(value)
        if type(value) is pd.DateOffset:  # of keywords (months=1): no freqstr
            return {"__offset__": keyword_text(value)}
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
        if isinstance(value, torch.device):  # a parameter device takes
            self.format_version = max(self.format_version, 5)
            return {"__torch_device__": str(value)}
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
            warn(
                "random_state is a RandomState instance, which is saved as None.",
            )
            return None
        raise TypeError(f"Cannot save a value of type {type(value).__name__}.")

    @business_periods_quiet
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
                unit=index.unit,  # the resolution (read as "us" otherwise)
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
            if "__" not in k and not (k in defaults and _same(defaults[k], v))
        }
        if cls.__name__ in SAFE_CALLBACKS and cls.__module__.startswith(
            "skorch.callbacks"
        ):
            try:
                json.dumps(params)
                return {"__skorch_callback__": cls.__name__, "params": params}
            except TypeError:
                pass
        return {"__user_class__": cls.__qualname__, "role": "callbacks"}


# where a format-1 file held the network
NET = object()


class UseGiven:
    """Placeholder for a class the caller of ``load`` provides."""

    def __init__(self, role):
        self.role = role


class Decoder:
    """Rebuild values from JSON and arrays; FileError names what is malformed.

    The classes the caller provides (``given``) that the file wants and the
    caller did not give are collected in ``missing``.
    """

    def __init__(self, arrays, given):
        self.arrays = arrays
        self.given = given
        self.missing = {}

    def __call__(self, value, field="", depth=0):
        if depth > MAX_DEPTH:
            raise FileError(f"field {field} is nested too deeply")
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, list):
            raise FileError(f"field {field} holds an untagged list")
        if not isinstance(value, dict):
            raise FileError(f"field {field} holds a {type(value).__name__}")
        tags = [key for key in value if key.startswith("__")]
        if len(tags) != 1:
            raise FileError(f"field {field} has no single type tag: {sorted(value)}")
        tag = tags[0]
        handler = getattr(self, "_" + tag.strip("_"), None)
        if handler is None:
            raise FileError(f"field {field} has an unknown type tag {tag!r}")
        try:
            return handler(value, field, depth + 1)
        except FileError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise FileError(f"field {field} is malformed ({exc})") from exc

    def _items(self, spec, field, depth):
        out = {}
        for i, (k, v) in enumerate(spec["__items__"]):
            key = _hashable(self(k, f"{field}.key", depth))
            name = at(field, key) if isinstance(key, str) else f"{field}[{i}]"
            out[key] = self(v, name, depth)
        return out

    def _list(self, spec, field, depth):
        return [self(v, f"{field}[{i}]", depth) for i, v in enumerate(spec["__list__"])]

    def _tuple(self, spec, field, depth):
        return tuple(self._list({"__list__": spec["__tuple__"]}, field, depth))

    def _array(self, spec, field, depth):
        array = self.arrays[spec["__array__"]]
        if array.dtype.kind not in "biufU":
            raise FileError(f"field {field} is an array of dtype {array.dtype}")
        return array.astype(object) if spec.get("object") else array

    def _dataclass(self, spec, field, depth):
        name = spec["__dataclass__"]
        if name not in DATACLASSES:
            raise FileError(f"field {field} names an unknown class {name!r}")
        cls = DATACLASSES[name]
        fields = {f.name: f for f in dataclasses.fields(cls)}
        given = spec["fields"]
        if not isinstance(given, dict) or set(given) - set(fields):
            raise FileError(f"field {field} has fields that {name} does not have")
        values = {}
        for key, definition in fields.items():
            if key not in given:
                if definition.default is dataclasses.MISSING:
                    raise FileError(f"field {field}.{key} is missing")
                continue
            values[key] = self(given[key], f"{field}.{key}", depth)
            check_type(values[key], definition.type, f"{field}.{key}")
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise FileError(f"field {field} is inconsistent: {exc}") from exc

    def _history(self, spec, field, depth):
        records = spec["__history__"]
        if not isinstance(records, list) or not all(
            isinstance(r, dict) for r in records
        ):
            raise FileError(f"field {field} is not a list of epoch records")
        return History(records)

    def _index(self, spec, field, depth):
        index = index_of(spec["__index__"], lambda v: self(v, field, depth))
        return index[0] if spec.get("scalar") else index

    def _offset(self, spec, field, depth):
        return offset_of(spec["__offset__"])

    def _token_encoder(self, spec, field, depth):
        vocabulary = self(spec["__token_encoder__"], field, depth)
        check_type(vocabulary, Vocabulary, field)
        return vocabulary.encoder()

    def _estimator(self, spec, field, depth):
        # the fields that hold estimators are read by the caller, not here
        raise FileError(
            f"field {field} holds an estimator, which it may not (only a "
            "detector's forecaster(s) and estimator do)"
        )

    def _torch_device(self, spec, field, depth):
        name = spec["__torch_device__"]
        try:
            return torch.device(name)
        except (RuntimeError, TypeError) as exc:  # not a device's name
            raise FileError(f"field {field} names no torch device {name!r}") from exc

    def _torch_optimizer(self, spec, field, depth):
        optimizer = getattr(torch.optim, spec["__torch_optimizer__"], None)
        if not (
            isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
        ):
            raise FileError(
                f"field {field} names an unknown torch optimizer "
                f"{spec['__torch_optimizer__']!r}"
            )
        return optimizer

    def _skorch_callback(self, spec, field, depth):
        name = spec["__skorch_callback__"]
        if name not in SAFE_CALLBACKS:
            raise FileError(
                f"field {field}: the callback {name!r} is not rebuilt from files: it "
                "may write files or reach other systems. Pass it: "
                "skseq.load(path, callbacks=...)"
            )
        cls = getattr(skorch.callbacks, name)
        params = spec["params"]
        if not isinstance(params, dict):
            raise FileError(f"field {field} has malformed callback parameters")
        return cls(**params)

    # tags of format 1 (files written before skseq's fitted state was typed)

    def _net(self, spec, field, depth):
        return NET

    def _input_spec(self, spec, field, depth):
        layout, n_channels, n_features_in = spec["__input_spec__"]
        return InputSpec(str(layout), int(n_channels), int(n_features_in))

    def _time_series(self, spec, field, depth):
        fields = {
            k: self(v, f"{field}.{k}", depth)
            for k, v in spec["__time_series__"].items()
        }
        return TimeSeries(**fields)

    def _user_class(self, spec, field, depth):
        role = spec["role"]
        if role not in self.given:
            raise FileError(f"field {field} names an unknown role {role!r}")
        if self.given[role] is None:
            self.missing[role] = spec["__user_class__"]
        return UseGiven(role)


def _same(a, b):
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - arrays and the like compare otherwise
        return False


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key
