"""The skorch net that trains skseq's networks, with a lean per-batch path.

skorch runs the epochs, the callbacks, the history, early stopping and the
learning-rate schedules. Per batch it also notifies every callback three
times, sets the module's training mode, converts the batch to tensors and
wraps the step in accumulators; on small recurrent networks, whose batches
take a millisecond, that is a tenth of the time. :class:`LeanNet` keeps
skorch's behaviour with less per-batch work: callbacks are notified of the
per-batch events they implement, the mode is set once per epoch, batches
arrive as tensors, and gradient clipping runs in the step itself.
"""

import copy
from numbers import Integral

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    EpochScoring,
    LRScheduler,
    ProgressBar,
)
from skorch.callbacks.scoring import ScoringBase
from skorch.utils import TeeGenerator, to_numpy

from ..modules import WeightedLoss
from ._checks import (
    check_built_module,
    check_callback_names,
    check_forward_inputs,
    check_outputs,
)
from ._data import BatchIterator

__all__ = ["LeanNet", "TrainingDiverged", "build_net"]

# prediction needs no small batches: at least this many rows per forward pass
_MIN_PREDICT_BATCH = 256


def _to_device(data, device):
    if device == "cpu" or data is None:
        return data
    if isinstance(data, dict):
        return {key: _to_device(value, device) for key, value in data.items()}
    if isinstance(data, (tuple, list)):
        return type(data)(_to_device(value, device) for value in data)
    return data.to(device)


def _loss_terms(inputs, target):
    """Return how many terms a batch's loss averages: steps or sequences."""
    if isinstance(target, dict) and "lengths" in target:  # outputs at every step
        return int(target["lengths"].sum())
    return len(inputs["lengths"])


def _listeners(callbacks, hook):
    """Return the callbacks that act on ``hook`` (not Callback's no-op)."""
    default = getattr(Callback, hook)
    return [
        cb for _, cb in callbacks if getattr(type(cb), hook, default) is not default
    ]


class LeanNet(NeuralNet):
    """skorch's ``NeuralNet`` with fewer Python calls per batch.

    Parameters
    ----------
    *args, **kwargs
        As for ``skorch.NeuralNet``, plus ``clip_grad_norm`` (float or None):
        the gradient norm is clipped to it after each backward pass, as
        skorch's ``GradientNormClipping`` does; and ``outputs``
        (:class:`NetOutputs` or None): what ``predict`` and ``predict_proba``
        make of the network's outputs (None: the outputs, as skorch gives).
    """

    # nets pickled before ``outputs`` existed predict the outputs, as then
    outputs = None

    def __init__(self, *args, clip_grad_norm=None, outputs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clip_grad_norm = clip_grad_norm
        self.outputs = outputs
        # the World of data-parallel training while it runs (see _parallel)
        self.world = None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if self.outputs is not None and self.outputs.n_classes is not None:
            tags.estimator_type = "classifier"  # scorers of probabilities
        return tags

    @property
    def classes_(self):
        """Class indices ``0, 1, ...`` when the outputs are class logits."""
        if self.outputs is None or self.outputs.n_classes is None:
            raise AttributeError("classes_ is defined for class outputs only.")
        return np.arange(self.outputs.n_classes)

    def _outputs_of(self, X):
        outputs = list(self.forward_iter(X))
        if self.outputs.per_step and isinstance(X, dict) and outputs[0].ndim == 3:
            # BatchScoring's cached outputs of the batch whose inputs are X
            outputs = [self.outputs.valid_steps(outputs[0], X["lengths"])]
        return np.concatenate([to_numpy(out) for out in outputs])

    def predict_proba(self, X):
        """Class probabilities, or values in the target's units (see outputs)."""
        if self.outputs is None:
            return super().predict_proba(X)
        return self.outputs.values(self._outputs_of(X))

    def predict(self, X):
        """Class indices, or values in the target's units (see outputs)."""
        if self.outputs is None:
            return super().predict(X)
        return self.outputs.predict(self._outputs_of(X))

    def evaluation_step(self, batch, training=False):
        """Return the outputs of ``batch``; per step, of its valid steps only."""
        y_pred = super().evaluation_step(batch, training)
        if self.outputs is not None and self.outputs.per_step:
            return self.outputs.valid_steps(y_pred, batch[0]["lengths"])
        return y_pred

    def on_epoch_end(self, net, **kwargs):
        """Keep the valid steps of the per-step outputs that scorers cached.

        skorch calls this before the callbacks' ``on_epoch_end``: each
        ``EpochScoring`` then predicts from rows that match the targets of
        :meth:`NetOutputs.scoring_target`, one per valid step.
        """
        super().on_epoch_end(net, **kwargs)
        if self.outputs is None or not self.outputs.per_step:
            return
        for _, callback in self.callbacks_:
            if isinstance(callback, EpochScoring) and callback.y_trues_:
                callback.y_preds_ = [
                    self.outputs.valid_steps(y_pred, y_true["lengths"])
                    for y_pred, y_true in zip(
                        callback.y_preds_, callback.y_trues_, strict=True
                    )
                ]

    def initialize_module(self):
        """Build the module, and refuse one that is not a trainable network."""
        super().initialize_module()
        check_built_module(self.module, self.module_)
        return self

    def initialize_optimizer(self, *args, **kwargs):
        """Build the optimizer; options it refuses are named as the user gave them."""
        try:
            return super().initialize_optimizer(*args, **kwargs)
        except (TypeError, ValueError) as error:
            given = {"lr": self.lr, **self.get_params_for("optimizer")}
            options = ", ".join(f"{k}={v!r}" for k, v in given.items())
            raise ValueError(
                f"{getattr(self.optimizer, '__name__', self.optimizer)} refused its "
                f"options ({options}; set by lr, weight_decay and "
                f"optimizer_kwargs): {error}"
            ) from error

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        """Check the inputs and outputs of the first training batch of the fit."""
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._first_step = True

    def _check_first_step(self, inputs, target, fit_params):
        """Return the module's outputs of the first batch, checked."""
        self._first_step = False
        check_forward_inputs(self.module, self.module_, {**inputs, **fit_params})
        y_pred = self.module_(**inputs, **fit_params)
        n_classes = None if self.outputs is None else self.outputs.n_classes
        loss = getattr(self.criterion_, "loss", None)
        check_outputs(self.module, y_pred, target, loss, n_classes)
        return y_pred

    def get_iterator(self, dataset, training=False):
        """Return skorch's iterator; in data-parallel training, this rank's share."""
        iterator = super().get_iterator(dataset, training=training)
        if training and self.world is not None:
            if not hasattr(iterator, "world"):
                raise ValueError(
                    f"{type(iterator).__name__} does not share its batches among "
                    "processes; train this estimator with processes=1."
                )
            iterator.world = self.world
            # the global generator's state: the same in every process here
            iterator.generator = torch.Generator().set_state(torch.get_rng_state())
        return iterator

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run one epoch of training or validation batches (see skorch)."""
        if iterator is None:
            return
        self._set_training(training)
        begin = _listeners(self.callbacks_, "on_batch_begin")
        end = _listeners(self.callbacks_, "on_batch_end")
        self._grad_listeners = _listeners(self.callbacks_, "on_grad_computed")
        record = self.history.record_batch
        batch_count = 0
        for batch in iterator:
            if begin or end:  # they may switch the mode (e.g. by predicting)
                self._set_training(training)
            self.on_batch_begin(self, batch=batch, training=training)
            for callback in begin:
                callback.on_batch_begin(self, batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            record(prefix + "_loss", step["loss"].item())
            record(
                prefix + "_batch_size",
                step.get("batch_size", len(batch[0]["lengths"])),
            )
            for callback in end:
                callback.on_batch_end(self, batch=batch, training=training, **step)
            batch_count += 1
        self.history.record(prefix + "_batch_count", batch_count)
        if training and self.world is not None:
            self.world.average_buffers(self.module_)

    def train_step(self, batch, **fit_params):
        """One optimizer step on ``batch``; a closure, so LBFGS works too."""
        inputs, target = _to_device(batch, self.device)
        first = {}

        def closure():
            self._zero_grad_optimizer()
            if getattr(self, "_first_step", False):
                y_pred = self._check_first_step(inputs, target, fit_params)
            else:
                y_pred = self.module_(**inputs, **fit_params)
            loss = self.criterion_(y_pred, target)
            loss.backward()
            if self.world is not None:  # the same step in every process
                parameters = [p for _, p in self.get_all_learnable_params()]
                loss, size = self.world.average_gradients(
                    parameters,
                    loss,
                    _loss_terms(inputs, target),
                    len(inputs["lengths"]),
                )
                first.setdefault("batch_size", size)
            if self.clip_grad_norm is not None:
                torch.nn.utils.clip_grad_norm_(
                    self.module_.parameters(), self.clip_grad_norm
                )
            for callback in self._grad_listeners:
                callback.on_grad_computed(
                    self,
                    named_parameters=TeeGenerator(self.get_all_learnable_params()),
                    batch=batch,
                    training=True,
                )
            if "loss" not in first:
                first.update(loss=loss, y_pred=y_pred)
            return loss

        self._step_optimizer(closure)
        return first

    def validation_step(self, batch, **fit_params):
        """Loss on a validation batch (the mode is set once per epoch)."""
        inputs, target = _to_device(batch, self.device)
        with torch.no_grad():
            y_pred = self.module_(**inputs, **fit_params)
            loss = self.criterion_(y_pred, target)
        if self.world is not None:  # every process records the same figure
            loss = self.world.average(loss)
        return {"loss": loss, "y_pred": y_pred}


class TrainingDiverged(ValueError):
    """The training loss of an epoch is not finite (:class:`_DivergenceGuard`)."""


class _DivergenceGuard(Callback):
    """Stop training with a clear error once the epoch loss is not finite."""

    def __init__(self, estimator_name, lr):
        self.estimator_name = estimator_name
        self.lr = lr

    def on_epoch_end(self, net, **kwargs):
        """Raise when the mean training loss of the epoch is nan or inf."""
        loss = net.history[-1, "train_loss"]
        if not np.isfinite(loss):
            raise TrainingDiverged(
                f"Training of {self.estimator_name} diverged: the training loss is "
                f"{loss} at epoch {len(net.history)}. Lower lr (now {self.lr}), keep "
                "clip_grad_norm set, and check that the inputs are scaled."
            )


def _scheduler(options, monitor):
    # epoch schedules run over the epochs of this fit: a warm start (whose
    # history holds earlier epochs) starts its schedule again (last_epoch=-1)
    if options.lr_schedule == "step":
        step_size = max(1, options.max_epochs // 3)
        return LRScheduler("StepLR", step_size=step_size, gamma=0.1, last_epoch=-1)
    if options.lr_schedule == "cosine":
        return LRScheduler("CosineAnnealingLR", T_max=options.max_epochs, last_epoch=-1)
    if options.lr_schedule == "plateau":
        return LRScheduler(
            "ReduceLROnPlateau",
            monitor=monitor,
            factor=0.5,
            patience=max(1, options.n_iter_no_change // 2),
        )
    return None


def _scoring_targets(callbacks, outputs):
    """Give skorch's scoring callbacks the targets as ``outputs`` predicts them.

    Only those with skorch's default ``target_extractor``; one of your own
    gets the batches' targets as they are (``(target, weight)`` with weights).
    A scorer name that needs every class gets them (:meth:`NetOutputs.scorer`),
    under its name in the history.
    """
    for callback in callbacks:
        callback = callback[1] if isinstance(callback, tuple) else callback
        if not isinstance(callback, ScoringBase):
            continue
        if callback.target_extractor is to_numpy:
            callback.target_extractor = outputs.scoring_target
        scorer = outputs.scorer(callback.scoring)
        if scorer is not callback.scoring:
            if callback.name is None:
                callback.name = callback.scoring
            callback.scoring = scorer
    return callbacks


def _copied(callback):
    """Return a copy of a user's callback that keeps its state apart.

    A deep copy; where some of it cannot be copied (a lock, an open file, a
    TensorBoard ``SummaryWriter``), that part is shared with the callback
    given and the rest copied, instead of failing the fit with "cannot pickle
    '_thread.lock' object".
    """
    try:
        return copy.deepcopy(callback)
    except Exception:  # noqa: BLE001 - any object's own deepcopy may refuse
        pass
    copied = copy.copy(callback)
    memo = {id(callback): copied}
    for key, value in getattr(callback, "__dict__", {}).items():
        try:
            copied.__dict__[key] = copy.deepcopy(value, memo)
        except Exception:  # noqa: BLE001
            copied.__dict__[key] = value
    return copied


def _callbacks(options, monitor, early_stopping, outputs, taken=()):
    callbacks = [("divergence_guard", _DivergenceGuard(options.name, options.lr))]
    scheduler = _scheduler(options, monitor)
    if scheduler is not None:
        callbacks.append(("lr_schedule", scheduler))
    if early_stopping:
        stopping = EarlyStopping(
            monitor="valid_loss",
            patience=options.n_iter_no_change,
            threshold=options.tol,
            threshold_mode="abs",
            load_best=True,
        )
        callbacks.append(("early_stopping", stopping))
    if options.verbose >= 2:
        callbacks.append(("progress_bar", ProgressBar()))
    check_callback_names(options.callbacks, [*taken, *(name for name, _ in callbacks)])
    # each fit gets its own copies: callbacks keep state between epochs
    own = [(name, _copied(callback)) for name, callback in options.callbacks]
    callbacks.extend(own if outputs is None else _scoring_targets(own, outputs))
    return callbacks


def _plain(value):
    """Return a NumPy integer as a Python int, anything else as it is.

    A parameter's constraint (``Interval(Integral, ...)``) takes NumPy
    integers, as grids of ``np.arange`` give them, but torch's layers and
    ``split`` refuse them.
    """
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    return value


def build_net(
    module,
    module_params,
    loss,
    options,
    *,
    train_split=None,
    max_epochs=None,
    early_stopping=None,
    iterator=None,
    callbacks=(),
    outputs=None,
):
    """Build the skorch net of ``module``; ``max_epochs``/``early_stopping`` override.

    Parameters
    ----------
    module : class
        The torch module class.
    module_params : dict
        Its constructor arguments.
    loss : str or dict
        A loss of :class:`skseq.modules.WeightedLoss`, or its parameters
        (e.g. ``{"loss": "pinball", "quantiles": [0.1, 0.5, 0.9]}``).
    options : TrainingOptions
        Optimizer, batches, callbacks, device, verbosity.
    train_split : callable or None, default=None
        skorch's ``train_split`` (the held-out part for early stopping).
    max_epochs : int, default=None
        Epochs instead of ``options.max_epochs``.
    early_stopping : bool, default=None
        Instead of ``options.early_stopping``.
    iterator : class, default=None
        The training batches' iterator, instead of :class:`BatchIterator`.
    callbacks : sequence of (name, Callback), default=()
        Callbacks of the estimator's own, before the user's.
    outputs : NetOutputs or None, default=None
        What the net's ``predict`` makes of the outputs, for skorch's scoring
        callbacks among the user's (None: the outputs as they are).
    """
    if early_stopping is None:
        early_stopping = options.early_stopping
    monitor = "valid_loss" if train_split is not None else "train_loss"
    criterion_params = loss if isinstance(loss, dict) else {"loss": loss}
    return LeanNet(
        module=module,
        **{f"module__{key}": _plain(value) for key, value in module_params.items()},
        criterion=WeightedLoss,
        **{f"criterion__{key}": value for key, value in criterion_params.items()},
        optimizer=options.optimizer,
        **{f"optimizer__{k}": v for k, v in options.optimizer_params.items()},
        lr=options.lr,
        max_epochs=options.max_epochs if max_epochs is None else max_epochs,
        batch_size=options.batch_size,
        iterator_train=iterator or BatchIterator,
        iterator_train__shuffle=True,
        iterator_valid=BatchIterator,
        iterator_valid__batch_size=max(options.batch_size, _MIN_PREDICT_BATCH),
        train_split=train_split,
        callbacks=list(callbacks)
        + _callbacks(
            options,
            monitor,
            early_stopping,
            outputs,
            taken=[name for name, _ in callbacks],
        ),
        # skorch's epoch table is formatted every epoch, printed or not
        **({} if options.verbose else {"callbacks__print_log": None}),
        clip_grad_norm=options.clip_grad_norm,
        outputs=outputs,
        device=options.device,
        verbose=options.verbose,
    )
