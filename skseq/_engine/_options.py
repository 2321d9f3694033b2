"""The network and training options every skseq estimator takes, declared once.

The constraints below are what the estimators' ``_parameter_constraints``
hold for these parameters; :class:`TrainingOptions` is the typed object the
engine trains with, made from an estimator's parameters in ``fit``.
"""

import inspect
from dataclasses import dataclass
from numbers import Integral, Real

import torch
from skorch.callbacks import Callback

from .._runtime import resolve_device
from ..modules import CELLS, CONV_MODES, POOLINGS
from ..utils._sklearn_compat import Interval, StrOptions

__all__ = [
    "LR_SCHEDULES",
    "NETWORK_CONSTRAINTS",
    "OPTIMIZERS",
    "PROCESSES_CONSTRAINT",
    "TRAINING_CONSTRAINTS",
    "TrainingOptions",
]

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}
LR_SCHEDULES = ("step", "cosine", "plateau")

_POSITIVE_INT = Interval(Integral, 1, None, closed="left")

NETWORK_CONSTRAINTS = {
    "cell": [StrOptions(set(CELLS))],
    "hidden_size": [_POSITIVE_INT],
    "num_layers": [_POSITIVE_INT],
    "bidirectional": ["boolean"],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "pooling": [StrOptions(set(POOLINGS))],
    "conv_layers": [Interval(Integral, 0, None, closed="left")],
    "conv_channels": [_POSITIVE_INT],
    "conv_kernel_size": [_POSITIVE_INT],
    "conv_pool": [_POSITIVE_INT],
    "conv_mode": [StrOptions(set(CONV_MODES))],
}

TRAINING_CONSTRAINTS = {
    "max_epochs": [_POSITIVE_INT],
    "batch_size": [_POSITIVE_INT],
    "lr": [Interval(Real, 0, None, closed="neither")],
    "optimizer": [StrOptions(set(OPTIMIZERS)), callable],
    "optimizer_kwargs": [dict, None],
    "weight_decay": [Interval(Real, 0, None, closed="left")],
    "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    "lr_schedule": [StrOptions(set(LR_SCHEDULES)), None],
    "early_stopping": ["boolean"],
    "n_iter_no_change": [_POSITIVE_INT],
    "tol": [Interval(Real, 0, None, closed="left")],
    "module": [callable, None],
    "callbacks": [list, None],
    "device": [str, torch.device],
    "mixed_precision": ["boolean"],
    "n_threads": [_POSITIVE_INT, None],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
}


# the parameter of estimators that train data-parallel (see _parallel)
PROCESSES_CONSTRAINT = [_POSITIVE_INT, StrOptions({"torchrun"})]


def _check_processes(processes, n_threads, random_state):
    """Check what data-parallel training needs of the other parameters."""
    if processes == "torchrun" and not isinstance(random_state, Integral):
        raise ValueError(
            'processes="torchrun" needs an int random_state: the processes are '
            "started apart, and every one must draw the same validation split, "
            f"initial weights and batches (got random_state={random_state!r})."
        )
    if isinstance(processes, Integral) and processes > 1 and n_threads != 1:
        raise ValueError(
            f"processes={processes} forks processes that train with one torch "
            "thread each (OpenMP's threads do not survive a fork); set "
            f"n_threads=1 (got {n_threads!r})."
        )


def _optimizer_class(optimizer):
    if isinstance(optimizer, str):
        return OPTIMIZERS[optimizer]
    if not (
        isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
    ):
        raise ValueError(
            f"optimizer must be one of {sorted(OPTIMIZERS)} or a torch.optim."
            f"Optimizer subclass, got {optimizer!r}."
        )
    return optimizer


def _optimizer_params(optimizer, weight_decay, optimizer_kwargs):
    """Keyword arguments of the optimizer; weight_decay only where it is taken."""
    accepted = inspect.signature(optimizer).parameters
    params = dict(optimizer_kwargs or {})
    unknown = [
        name
        for name in params
        if name not in accepted
        and not any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    ]
    if unknown:
        raise ValueError(
            f"optimizer_kwargs {unknown} are not options of {optimizer.__name__}; "
            f"it takes {[n for n in accepted if n not in ('self', 'params')]}."
        )
    if "params" in params:
        raise ValueError(
            "optimizer_kwargs sets 'params', the tensors the optimizer updates; "
            "skseq gives it the network's parameters. Leave it out (to train "
            "only some layers, freeze the others: skorch.callbacks.Freezer)."
        )
    # the estimator's own parameters: a second value would silently win over
    # them (and over a grid searching them, the schedules, the messages)
    own = [name for name in ("lr", "weight_decay") if name in params]
    if own:
        given = ", ".join(f"{name}={params[name]!r}" for name in own)
        raise ValueError(
            f"optimizer_kwargs sets {own}, which the estimator's parameters of "
            f"the same name set; pass {given} as the estimator's parameters "
            "instead."
        )
    if "weight_decay" in accepted:
        params.setdefault("weight_decay", weight_decay)
    elif weight_decay:
        raise ValueError(
            f"weight_decay={weight_decay} needs an optimizer with an L2 penalty, "
            f"but {optimizer.__name__} has none; set weight_decay=0 or choose "
            "another optimizer."
        )
    return params


def _callbacks(callbacks):
    """``(name, callback)`` pairs of the user's callbacks, checked."""
    named = []
    for position, callback in enumerate(callbacks or []):
        name = f"user_callback_{position}"
        if isinstance(callback, tuple) and len(callback) == 2:
            name, callback = callback
        if not isinstance(callback, Callback) or not isinstance(name, str):
            raise ValueError(
                f"callbacks[{position}] must be a skorch.callbacks.Callback or a "
                f"(name, Callback) pair, got {callback!r}."
            )
        named.append((name, callback))
    names = [name for name, _ in named]
    if len(set(names)) < len(names):
        raise ValueError(f"callbacks have duplicate names: {names}.")
    return tuple(named)


@dataclass(frozen=True)
class TrainingOptions:
    """Everything the engine needs to train a network, checked.

    Made by :meth:`from_estimator` from an estimator's parameters; the
    estimators declare these parameters (:data:`TRAINING_CONSTRAINTS`).
    """

    name: str
    max_epochs: int
    batch_size: int
    lr: float
    optimizer: type
    optimizer_params: dict
    clip_grad_norm: float | None
    lr_schedule: str | None
    early_stopping: bool
    n_iter_no_change: int
    tol: float
    callbacks: tuple
    device: str
    n_threads: int | None
    verbose: int
    processes: int | str = 1
    can_validate: bool = True  # it holds out a split with early_stopping

    @classmethod
    def from_estimator(cls, estimator, **fixed):
        """Read and check the training parameters of ``estimator``.

        ``fixed`` gives the options an estimator does not offer (a language
        model has no early stopping, say); the others are its parameters.
        """

        def get(name):
            return fixed[name] if name in fixed else getattr(estimator, name)

        optimizer = _optimizer_class(get("optimizer"))
        # estimators without the parameter train in one process
        processes = fixed.get("processes", getattr(estimator, "processes", 1))
        _check_processes(processes, get("n_threads"), get("random_state"))
        return cls(
            name=type(estimator).__name__,
            max_epochs=get("max_epochs"),
            batch_size=get("batch_size"),
            lr=get("lr"),
            optimizer=optimizer,
            optimizer_params=_optimizer_params(
                optimizer, get("weight_decay"), get("optimizer_kwargs")
            ),
            clip_grad_norm=get("clip_grad_norm"),
            lr_schedule=get("lr_schedule"),
            early_stopping=get("early_stopping"),
            n_iter_no_change=get("n_iter_no_change"),
            tol=get("tol"),
            callbacks=_callbacks(get("callbacks")),
            device=resolve_device(get("device")),
            n_threads=get("n_threads"),
            verbose=get("verbose"),
            processes=processes,
            can_validate=hasattr(estimator, "early_stopping"),
        )
