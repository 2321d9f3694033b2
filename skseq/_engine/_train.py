"""Training a network: a new one, or one continued from a fitted net.

:func:`train` builds the skorch net from the options, seeds and scopes torch
for the call, runs skorch's fit loop and returns the trained net. A Ctrl-C
(SIGINT) during the loop ends it and is reported in the result, so that the
estimator can keep the model trained so far; a KeyboardInterrupt raised by
code (skorch's EarlyStopping, a user's callback) ends training normally.
"""

import copy
import inspect
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import torch
from skorch import NeuralNet

from .._runtime import seeded, torch_threads
from ..modules import RNNModule
from ._data import FixedSplit, step_budget
from ._memory import check_training
from ._net import build_net
from ._outputs import check_scoring_callbacks
from ._parallel import data_parallel

__all__ = ["Trained", "continue_from", "resolve_module", "train"]


@dataclass(frozen=True)
class Trained:
    """A trained net, and whether Ctrl-C stopped its training."""

    net: NeuralNet
    interrupted: bool

    @property
    def epochs(self):
        """Number of epochs in the net's history."""
        return len(self.net.history)


@contextmanager
def _watch_ctrl_c():
    """Yield a dict whose "signalled" turns True when SIGINT arrives.

    Only the main thread receives signals; elsewhere, and where a program
    installed a handler that does not raise, nothing is watched and any
    KeyboardInterrupt counts as raised by code.
    """
    state = {"signalled": False}
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or not callable(
        previous
    ):
        yield state
        return

    def handler(signum, frame):
        state["signalled"] = True
        previous(signum, frame)

    signal.signal(signal.SIGINT, handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)


def resolve_module(module, params):
    """Return the module class and the parameters of ``params`` it takes.

    ``module`` None is skseq's :class:`~skseq.modules.RNNModule`; a user's
    module gets the parameters its signature names (all with ``**kwargs``).
    An instance is refused: skseq builds the network for each fit.
    """
    if module is None:
        return RNNModule, params
    if isinstance(module, torch.nn.Module):
        name = type(module).__name__
        raise ValueError(
            f"module must be a torch.nn.Module class or a function that returns "
            f"one, got an instance of {name}; pass module={name} (the class): skseq "
            "builds the network for the data, with the sizes its signature takes."
        )
    signature = inspect.signature(module)
    given = sorted(params)
    if not any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        params = {k: v for k, v in params.items() if k in signature.parameters}
    missing = [
        name
        for name, p in signature.parameters.items()
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and name not in params
    ]
    if missing:
        name = getattr(module, "__name__", repr(module))
        raise ValueError(
            f"module={name} needs {missing}, which skseq does not give: it builds "
            f"the network with those of {given} that its signature takes. Give "
            "the others defaults."
        )
    return module, params


def continue_from(net, warm):
    """Give a freshly initialised ``net`` the weights and history of ``warm``."""
    current = net.get_params_for("module")
    changed = {
        name: (value, current.get(name))
        for name, value in warm.get_params_for("module").items()
        if current.get(name) != value
    }
    if changed or type(net.module_) is not type(warm.module_):
        details = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in changed.items())
        raise ValueError(
            "warm_start=True continues the fitted network, but its structure "
            f"changed ({details or 'module class'}); set warm_start=False to start "
            "over."
        )
    net.module_.load_state_dict(warm.module_.state_dict())
    if type(net.optimizer_) is type(warm.optimizer_):
        state = copy.deepcopy(warm.optimizer_.state_dict())
        state["param_groups"] = net.optimizer_.state_dict()["param_groups"]
        net.optimizer_.load_state_dict(state)  # moments kept, new lr kept
    net.history = copy.deepcopy(warm.history)


def _check_memory(net, dataset, options, world):
    """Refuse a batch too big for memory, before it takes it (`_memory`).

    Only on the CPU: on an accelerator the activations take its memory, not
    this machine's, and torch raises a clean out-of-memory error there.
    """
    lengths = dataset.lengths.numpy()
    if not len(lengths) or torch.device(options.device).type != "cpu":
        return
    budget = None if dataset.fixed_length else step_budget(lengths, options.batch_size)
    local = 1 if world is None or options.processes == "torchrun" else world.size
    check_training(net.module_, lengths, options.batch_size, budget, local)


def _check_split_weight(dataset, valid_index):
    """Refuse a split of early stopping whose one side weighs 0 throughout.

    A validation split whose samples all weigh 0 has a loss of 0 at every
    epoch: early stopping saw no improvement after the first and restored
    the first epoch's weights, silently; a training part that weighs 0
    trains nothing.
    """
    weight = getattr(dataset, "sample_weight", None)
    if valid_index is None or weight is None:
        return
    held = np.zeros(len(dataset), dtype=bool)
    held[np.asarray(valid_index, dtype=np.int64)] = True
    per_step = getattr(dataset, "per_step", False)
    for part, name in ((held, "validate on"), (~held, "train on")):
        mask = torch.as_tensor(part)
        if per_step and not dataset.fixed_length:  # flat: steps in order
            mask = torch.repeat_interleave(mask, dataset.lengths)
        values = weight[mask]
        if not bool((values != 0).any()):
            raise ValueError(
                f"early_stopping leaves {int(part.sum())} samples to {name}, and "
                "sample_weight (with class_weight) gives all of them weight 0: "
                "the loss there would be 0 at every epoch. Leave the samples of "
                "weight 0 out of X (they do not train either), or change "
                "validation_fraction."
            )


def _drop_unfinished_epoch(net):
    """Drop the history row of an epoch that a KeyboardInterrupt cut short.

    Its batches trained the weights, but it holds no losses: kept, it made
    ``history_[:, "train_loss"]`` shorter than ``history_`` and ``n_iter_``
    count an epoch that did not end.
    """
    history = net.history
    needed = (
        ("train_loss",) if net.train_split is None else ("train_loss", "valid_loss")
    )
    if len(history) and any(key not in history[-1] for key in needed):
        history.pop()


def _fit(world, dataset, net, options, seed, warm, initialize):
    """Train ``net`` in this process, one rank of ``world`` (or alone)."""
    net.world = world
    interrupted = False
    with (
        torch_threads(options.n_threads),
        seeded(seed, options.device),
        _watch_ctrl_c() as ctrl_c,
    ):
        net.initialize()
        _check_memory(net, dataset, options, world)
        if warm is not None:
            continue_from(net, warm)
        elif initialize is not None:
            with torch.no_grad():
                initialize(net.module_)
        net.notify("on_train_begin", X=dataset, y=None)
        try:
            net.fit_loop(dataset)
        except KeyboardInterrupt:
            # Ctrl-C stops; one raised by code (EarlyStopping, a user's
            # callback) ends training normally, as in skorch
            interrupted = ctrl_c["signalled"]
            _drop_unfinished_epoch(net)
        net.notify("on_train_end", X=dataset, y=None)
    net.world = None
    return net, interrupted


def train(
    dataset,
    module,
    module_params,
    loss,
    options,
    *,
    seed,
    valid_index=None,
    warm=None,
    max_epochs=None,
    early_stopping=None,
    iterator=None,
    callbacks=(),
    initialize=None,
    outputs=None,
):
    """Train a new net on ``dataset``, or continue the ``warm`` one.

    The net is always built from the current options (learning rate, batch
    size, callbacks, ...); to continue, it takes the weights, optimizer state
    and history of ``warm``, which stays untouched, so the fitted model keeps
    serving ``predict`` until the new one replaces it.

    Parameters
    ----------
    dataset : SequenceDataset or WindowDataset
        Training data (and the held-out samples at ``valid_index``).
    module, module_params : class, dict
        The network, from :func:`resolve_module`.
    loss : str or dict
        The loss of :class:`skseq.modules.WeightedLoss`, or its parameters.
    options : TrainingOptions
        How to train.
    seed : int
        Seeds initialisation, shuffling and dropout.
    valid_index : array-like of int, default=None
        Samples held out as the validation set (early stopping).
    warm : skorch.NeuralNet, default=None
        A fitted net to continue.
    max_epochs, early_stopping : default=None
        Overrides of the options.
    iterator : class, default=None
        Iterator of the training batches (default: shuffled batches).
    callbacks : sequence of (name, Callback), default=()
        The estimator's own callbacks.
    initialize : callable, default=None
        ``initialize(module)`` sets weights of the new module before training
        (a fitted linear path, say); not called when continuing ``warm``.

    Returns
    -------
    Trained
    """
    _check_split_weight(dataset, valid_index)
    check_scoring_callbacks(
        options.callbacks,
        outputs,
        options.name,
        validation=valid_index is not None,
        can_validate=options.can_validate,
    )
    with data_parallel(options.processes, options.device) as world:
        if world is not None and world.rank:
            options = replace(options, verbose=0)  # rank 0 prints
        net, interrupted = _fit(
            world,
            dataset,
            build_net(
                module,
                module_params,
                loss,
                options,
                train_split=None if valid_index is None else FixedSplit(valid_index),
                max_epochs=max_epochs,
                early_stopping=early_stopping,
                iterator=iterator,
                callbacks=callbacks,
                outputs=outputs,
            ),
            options,
            seed,
            warm,
            initialize,
        )
        if world is not None:
            world.stopped = interrupted
    return Trained(net, interrupted)
