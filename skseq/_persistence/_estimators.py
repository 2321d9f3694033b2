"""Each estimator of a file: its config, read and written the same way at any depth.

An estimator's config is ``{"class", "params", "fitted", "weights"}``: its
class (one of :data:`CLASSES`), its parameters, its declared fitted state
(``_fitted_attributes``) and, for one with a network, the member that holds
its weights. ``config.json`` is the saved estimator's; an estimator held by
another is a config nested where it is held, and only there (:data:`HELD`:
a detector's forecaster or estimator among its parameters, unfitted, with no
``fitted``; its fitted copies in its state), read by the same
:class:`Reader` method: its parameters checked by its own constraints, its
state by its own declaration, its weights against the network its
parameters describe. A class is checked against what its field holds before
its config is read, and a weights member is inflated only when a config
names it.
"""

import os
import types
import typing

import safetensors.torch
from sklearn.utils.validation import check_is_fitted

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
from ._archive import MAX_NETWORKS, FileError, arrays_of, at
from ._codec import MAX_DEPTH, Decoder, Encoder, UseGiven
from ._networks import check_network_described, network_of
from ._state import check_fitted_state
from ._upgrade import (
    FITTED_BEFORE_IT_EXISTED,
    FORMAT_4_CLASSES,
    PARAMS_BEFORE_IT_EXISTED,
    upgrade,
)

__all__ = ["CLASSES", "HELD", "Reader", "Writer"]

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
# The fields that hold estimators: class -> {parameter: fitted attribute}.
# The parameter holds the unfitted estimator, the attribute its fitted copy
# (or a list of them); either holds the classes the attribute's annotation
# names, and no other field holds an estimator.
HELD = {
    "ForecastAnomalyDetector": {"forecaster": "forecasters_"},
    "SequenceAnomalyDetector": {"estimator": "estimator_"},
}
# the members holding weights: the first network's, then numbered
FIRST_WEIGHTS = "weights.safetensors"


def _has_network(cls):
    return "net_" in cls._fitted_attributes


def _holds(cls, attribute):
    """Return the classes an attribute holds, and whether it holds a list."""
    annotation = cls._fitted_attributes[attribute]
    many = typing.get_origin(annotation) is list
    if many:
        (annotation,) = typing.get_args(annotation)
    options = (
        typing.get_args(annotation)
        if isinstance(annotation, types.UnionType)
        else (annotation,)
    )
    return tuple(o for o in options if o is not type(None)), many


def _holders(cls, fitted):
    """Return the fields of ``cls`` that hold estimators: name -> attribute."""
    held = HELD.get(cls.__name__, {})
    return {a: a for a in held.values()} if fitted else held


def _public(cls):
    return f"skseq.{'anomaly.' if cls.__module__.startswith('skseq.anomaly') else ''}"


def _describe(cls):
    """Name a class save does not take: a subclass of one it does by its base."""
    base = next((c for c in cls.__mro__ if CLASSES.get(c.__name__) is c), None)
    if base is None:
        return cls.__name__
    named = "" if cls.__name__ == base.__name__ else f"{cls.__name__}, "
    return (
        f"{named}a subclass of {_public(base)}{base.__name__} (module "
        f"{cls.__module__}), which a file cannot rebuild"
    )


def _check_class(cls, held=None):
    """Raise TypeError unless save takes ``cls`` (``held``: where it is held)."""
    if CLASSES.get(cls.__name__) is cls:
        return
    takes = f"skseq.save takes the estimators {sorted(CLASSES)}"
    if held is None:
        raise TypeError(
            f"{takes}; got {_describe(cls)}. Use joblib or pickle for other "
            "objects (trusted files only)."
        )
    described = _describe(cls)
    article = "" if described.startswith("a ") else "a "
    raise TypeError(
        f"{takes}; {held} is {article}{described}. A detector that holds another "
        "estimator (a Pipeline, a search, a subclass) is saved with joblib or "
        "pickle only (trusted files only)."
    )


class Writer:
    """Configs of an estimator and those it holds; arrays and weights aside.

    ``format_version`` is the oldest format that holds what was written: 4
    for an estimator format 4 holds, holding nothing of format 5.
    """

    def __init__(self):
        self.arrays = {}
        self.weights = {}
        self._encode = Encoder(self.arrays)
        self._newest = 4

    @property
    def format_version(self):
        return max(self._newest, self._encode.format_version)

    def config(self, estimator, fitted=True, held=None):
        """Return the config of ``estimator`` (its parameters alone if not fitted).

        ``held`` says where a held estimator is held, for the messages.
        """
        cls = type(estimator)
        _check_class(cls, held)
        if cls.__name__ not in FORMAT_4_CLASSES:
            self._newest = 5
        params = estimator.get_params(deep=False)
        config = {"class": cls.__name__, "params": self._fields(cls, params, False)}
        if not fitted:
            return config
        check_is_fitted(estimator)
        if _has_network(cls):
            check_network_described(estimator)
        state = {
            name: getattr(estimator, name)
            for name in cls._fitted_attributes
            if name != "net_" and hasattr(estimator, name)
        }
        _check_networks(estimator, state)
        config["fitted"] = self._fields(cls, state, True)
        if _has_network(cls):
            config["weights"] = self._weights(estimator)
        return config

    def _fields(self, cls, values, fitted):
        """Encode parameters or (``fitted``) state; an estimator's where it is held."""
        holders = _holders(cls, fitted)
        items = []
        for name, value in values.items():
            if name not in holders:
                items.append([name, self._encode(value)])
                continue
            held = f"the {cls.__name__}'s {name}"
            if fitted and isinstance(value, list):
                value = {
                    "__list__": [
                        self._held(v, cls, holders[name], True, f"{held}[{i}]")
                        for i, v in enumerate(value)
                    ]
                }
            else:
                value = self._held(value, cls, holders[name], fitted, held)
            items.append([name, value])
        return {"__items__": items}

    def _held(self, value, cls, attribute, fitted, held):
        if value is None:
            return None
        _check_class(type(value), held)
        classes, _ = _holds(cls, attribute)
        if not isinstance(value, classes):
            raise TypeError(
                f"{held} is a {type(value).__name__}; a file holds "
                f"{' or '.join(c.__name__ for c in classes)} there."
            )
        self._newest = 5
        return {"__estimator__": self.config(value, fitted, held)}

    def _weights(self, estimator):
        if len(self.weights) >= MAX_NETWORKS:  # the reader's member names
            raise ValueError(f"A skseq file holds at most {MAX_NETWORKS} networks.")
        n = len(self.weights)
        member = f"weights-{n}.safetensors" if n else FIRST_WEIGHTS
        self.weights[member] = safetensors.torch.save(
            {
                k: v.detach().cpu().contiguous()
                for k, v in estimator.net_.module_.state_dict().items()
            }
        )
        return member


def _check_networks(estimator, state):
    """Refuse more networks than a file names, before writing any."""
    for name, value in state.items():
        if isinstance(value, list) and len(value) > MAX_NETWORKS:
            raise ValueError(
                f"A skseq file holds at most {MAX_NETWORKS} networks; this "
                f"{type(estimator).__name__} holds {len(value)} in {name} "
                f"(n_forecasters={getattr(estimator, 'n_forecasters', None)}): "
                f"fit it with n_forecasters <= {MAX_NETWORKS} to save it, or "
                "use joblib or pickle (trusted files only)."
            )


class Reader:
    """Rebuild the estimators of a file's configs; FileError names the field.

    ``archive`` is the open file (:class:`~._archive.Archive`), ``given`` the
    classes the caller of ``load`` provides. ``unread`` lists the weights
    members no config has named (yet).
    """

    def __init__(self, archive, given):
        self.archive, self.path, self.version = archive, archive.path, archive.version
        self.given = given
        self.unread = {name for name in archive.names if name.endswith(".safetensors")}
        self.decode = Decoder(arrays_of(self.path, archive.read("arrays.npz")), given)

    def unfitted(self, config, field="", depth=0, classes=None):
        """Return the estimator of ``config``'s parameters, checked as ``fit`` does."""
        cls = self._class(config, field, classes)
        if "fitted" in config:
            raise FileError(f"field {field} holds a fitted estimator as a parameter")
        return self._estimator(cls, config, field, depth)

    def fitted(self, config, field="", depth=0, classes=None):
        """Return the fitted estimator of ``config``, and its network's weights read.

        ``classes`` are those the field may hold (any of :data:`CLASSES`).
        """
        cls = self._class(config, field, classes)
        estimator = self._estimator(cls, config, field, depth)
        where = at(field, "fitted")
        fitted = self._fields(cls, config.get("fitted"), where, depth, True)
        fitted = upgrade(self.version, cls.__name__, estimator.get_params(), fitted)
        check_fitted_state(cls, fitted, estimator.get_params(), where)
        estimator.__dict__.update(fitted)
        for name, value in FITTED_BEFORE_IT_EXISTED.items():
            if name in cls._fitted_attributes:
                estimator.__dict__.setdefault(name, value)
        if _has_network(cls):
            estimator.net_ = network_of(estimator, *self._weights(config, field))
            estimator.net_.history = fitted.get("history_", estimator.net_.history)
            estimator.history_ = estimator.net_.history
        return estimator

    def _class(self, config, field, classes=None):
        name = config.get("class")
        if not isinstance(name, str) or name not in CLASSES:
            raise FileError(
                f"field {at(field, 'class')} names no skseq estimator ({name!r})"
            )
        if classes is not None and CLASSES[name] not in classes:
            raise FileError(
                f"field {field} holds {name}, not "
                f"{' or '.join(c.__name__ for c in classes)}"
            )
        return CLASSES[name]

    def _fields(self, cls, spec, where, depth, fitted):
        """Decode a config's parameters or (``fitted``) state.

        Only the fields :data:`HELD` names may hold estimators (any other
        that holds one is refused), of the classes their attribute's
        annotation names.
        """
        holders = _holders(cls, fitted)
        items = spec.get("__items__") if isinstance(spec, dict) else None
        if len(spec or ()) != 1 or not isinstance(items, list):
            self.decode(spec, where, depth)  # names what is malformed, if it can
            raise FileError(f"field {where} is malformed")
        out = {}
        for entry in items:
            if not (isinstance(entry, list) and len(entry) == 2) or not isinstance(
                entry[0], str
            ):
                raise FileError(f"field {where} holds an entry that is not a name")
            name, value = entry
            field = at(where, name)
            if name in holders:
                out[name] = self._held(
                    cls, holders[name], fitted, value, field, depth + 1
                )
            else:
                out[name] = self.decode(value, field, depth + 1)
        return out

    def _held(self, cls, attribute, fitted, value, field, depth):
        """Read a field that holds an estimator (or, fitted, a list of them)."""
        if depth > MAX_DEPTH:
            raise FileError(f"field {field} is nested too deeply")
        classes, many = _holds(cls, attribute)
        tag = value.get("__list__") if isinstance(value, dict) else None
        if fitted and many and len(value) == 1 and isinstance(tag, list):
            return [
                self._held_one(v, f"{field}[{i}]", depth + 1, classes, fitted)
                for i, v in enumerate(tag)
            ]
        return self._held_one(value, field, depth, classes, fitted)

    def _held_one(self, value, field, depth, classes, fitted):
        if not (isinstance(value, dict) and list(value) == ["__estimator__"]):
            return self.decode(value, field, depth)  # None, or what checks refuse
        config = value["__estimator__"]
        if not isinstance(config, dict):
            raise FileError(f"field {field} is malformed")
        read = self.fitted if fitted else self.unfitted
        return read(config, field, depth + 1, classes)

    def _estimator(self, cls, config, field, depth):
        """Build the estimator from the file's parameters, checked like ``fit`` does."""
        where = at(field, "params")
        params = self._fields(cls, config.get("params"), where, depth, False)
        missing = self.decode.missing
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
            for name, value in PARAMS_BEFORE_IT_EXISTED.items():
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
        """Return the weights member ``config`` names and its bytes (once only)."""
        member = config.get("weights", FIRST_WEIGHTS if self.version < 5 else None)
        if not isinstance(member, str):
            raise FileError(f"field {at(field, 'weights')} names no weights member")
        if member not in self.archive.names or not member.endswith(".safetensors"):
            raise FileError(f"member {member} is missing")
        if member not in self.unread:
            raise FileError(f"member {member} holds the weights of two networks")
        self.unread.discard(member)
        return member, self.archive.read(member)
