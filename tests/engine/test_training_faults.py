"""Faults of the user's own parts of training, named before torch fails on them.

A user's module whose outputs did not fit the loss trained silently (a
regression output ``(batch,)`` against targets ``(batch, 1)`` broadcast to a
``(batch, batch)`` loss; a classifier with a column too many) or failed deep
in torch; a class that is not a torch module, or a module without
parameters, failed with "optimizer got an empty parameter list"; optimizer
options torch refuses were not named as given. Ctrl-C inside an epoch left a
history row without losses, and a callback holding a lock failed the fit.
"""

import os
import signal
import threading

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from torch import nn

from skseq import RNNClassifier, RNNRegressor, RNNTagger
from skseq._base import validation_index
from skseq.exceptions import TrainingInterrupted

QUICK = dict(hidden_size=4, max_epochs=2, batch_size=8, random_state=0)
X = np.random.default_rng(0).normal(size=(24, 6, 2))
y = (X[:, :, 0].mean(axis=1) > 0).astype(int)


class Outputs(nn.Module):
    """A linear read of the first step, of ``columns`` more or fewer outputs."""

    shape = "rows"  # "rows" (batch, k), "flat" (batch,), "steps" (batch, T, k)
    extra = 0

    def __init__(self, input_size, output_size):
        super().__init__()
        self.linear = nn.Linear(input_size, output_size + self.extra)

    def forward(self, X, lengths):
        if self.shape == "steps":
            return self.linear(X)
        out = self.linear(X[:, 0])
        return out[:, 0] if self.shape == "flat" else out


class OneTooMany(Outputs):
    extra = 1


class Flat(Outputs):
    shape = "flat"


class EveryStep(Outputs):
    shape = "steps"


class Pair(Outputs):
    def forward(self, X, lengths):
        return super().forward(X, lengths), lengths


@pytest.mark.parametrize(
    "make, module, target, message",
    [
        (
            RNNClassifier,
            OneTooMany,
            y,
            r"n_classes\), a column per class, here \(8, 2\) .* shape \(8, 3\)",
        ),
        (
            RNNClassifier,
            EveryStep,
            y,
            r"\(batch, n_classes\), .* \(8, 2\) .* shape \(8, 6, 2\)",
        ),
        (
            RNNRegressor,
            Flat,
            X[:, 0, 0],
            r"a column per target, here \(8, 1\) .* shape \(8,\)",
        ),
        (RNNRegressor, OneTooMany, X[:, 0, 0], r"here \(8, 1\) .* shape \(8, 2\)"),
        (
            RNNTagger,
            Outputs,
            [s > 0 for s in X[:, :, 0]],
            r"one row per step: \(batch, max_length, .* shape \(8, 2\)",
        ),
    ],
)
def test_outputs_that_do_not_fit_the_loss_are_refused(make, module, target, message):
    model = make(module=module, **QUICK)
    data = list(X) if make is RNNTagger else X
    with pytest.raises(ValueError, match=rf"module={module.__name__} must return "):
        model.fit(data, target)
    with pytest.raises(ValueError, match=message):
        model.fit(data, target)


def test_outputs_of_the_right_shape_train():
    assert RNNClassifier(module=Outputs, **QUICK).fit(X, y).predict(X).shape == (24,)
    tagger = RNNTagger(module=EveryStep, **QUICK).fit(list(X), list(X[:, :, 0] > 0))
    assert len(tagger.predict(list(X))) == 24


def test_a_forward_that_returns_no_tensor_is_refused():
    with pytest.raises(ValueError, match="module=Pair: .* returned a tuple"):
        RNNClassifier(module=Pair, **QUICK).fit(X, y)


class NotAModule:
    def __init__(self, input_size, output_size):
        self.size = input_size


class NoParameters(nn.Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, X, lengths):
        return X[:, 0, :1].repeat(1, self.output_size)


class NoLengths(Outputs):
    def forward(self, X):
        return self.linear(X[:, 0])


class NeedsMore(Outputs):
    def __init__(self, input_size, output_size, width):
        super().__init__(input_size, output_size)


@pytest.mark.parametrize(
    "module, message",
    [
        (NotAModule, r"module=NotAModule must build a torch.nn.Module.* a NotAModule"),
        (NoParameters, r"module=NoParameters builds a network without parameters"),
        (NoLengths, r"module=NoLengths: its forward must take .* X, lengths"),
        (NeedsMore, r"module=NeedsMore needs \['width'\], which skseq does not"),
    ],
)
def test_modules_that_cannot_be_trained_are_named(module, message):
    with pytest.raises(ValueError, match=message):
        RNNClassifier(module=module, **QUICK).fit(X, y)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"eps": -1.0}, r"Adam refused its options \(lr=0.01, eps=-1.0, .*epsilon"),
        ({"betas": "x"}, r"Adam refused its options .*betas='x'"),
        ({"params": []}, r"optimizer_kwargs sets 'params'"),
    ],
)
def test_optimizer_options_it_refuses_are_named_as_given(kwargs, message):
    model = RNNClassifier(lr=0.01, optimizer="adam", optimizer_kwargs=kwargs, **QUICK)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


class CtrlCInEpoch(Callback):
    """Send SIGINT after the second batch of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, training=False, **kwargs):
        row = net.history[-1]
        if training and len(net.history) == self.epoch and len(row["batches"]) == 2:
            os.kill(os.getpid(), signal.SIGINT)


@pytest.mark.usefixtures("ctrl_c_raises")  # SIGINT is ignored in background runs
@pytest.mark.parametrize("early_stopping", [False, True])
def test_ctrl_c_inside_an_epoch_keeps_the_finished_epochs(early_stopping):
    model = RNNClassifier(
        callbacks=[CtrlCInEpoch(2)],
        early_stopping=early_stopping,
        **{**QUICK, "max_epochs": 4},
    )
    with pytest.raises(TrainingInterrupted):
        model.fit(X, y)
    assert model.interrupted_
    assert model.n_iter_ == 1
    assert len(model.history_[:, "train_loss"]) == len(model.history_) == 1
    if early_stopping:
        assert len(model.history_[:, "valid_loss"]) == 1


class Counts(Callback):
    """A callback holding a lock, as loggers and writers do."""

    def __init__(self):
        self.lock = threading.Lock()
        self.epochs = 0

    def on_epoch_end(self, net, **kwargs):
        with self.lock:
            self.epochs += 1


def test_a_callback_that_cannot_be_deep_copied_is_copied_around_its_resources():
    given = Counts()
    model = RNNClassifier(callbacks=[given], **QUICK).fit(X, y)
    used = dict(model.net_.callbacks_)["user_callback_0"]
    assert used is not given and used.lock is given.lock
    assert (used.epochs, given.epochs) == (2, 0)  # the given one stays untouched


def test_the_checks_leave_threads_and_random_state_as_they_were():
    threads, state = torch.get_num_threads(), torch.random.get_rng_state()
    with pytest.raises(ValueError, match="module=Flat"):
        RNNRegressor(module=Flat, n_threads=threads + 1, **QUICK).fit(X, X[:, 0, 0])
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.random.get_rng_state(), state)


@pytest.mark.parametrize("zero", ["validate on", "train on"])
def test_a_split_side_of_weight_zero_is_refused(zero):
    # all held-out samples of weight 0: the validation loss was 0 at every
    # epoch, and early stopping restored the first epoch's weights silently
    model = RNNClassifier(early_stopping=True, **{**QUICK, "max_epochs": 6})
    seed = np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    held = validation_index(len(X), model.validation_fraction, seed, y)
    weight = np.ones(len(X)) if zero == "validate on" else np.zeros(len(X))
    weight[held] = 1.0 - weight[held]
    with pytest.raises(ValueError, match=f"samples to {zero}, and sample_weight"):
        model.fit(X, y, sample_weight=weight)
    model.fit(X, y, sample_weight=weight + 0.5)
    assert model.n_iter_ >= 1


@pytest.mark.parametrize("name", ["lr_schedule", "print_log", "train_loss"])
def test_a_callback_named_as_one_training_has_is_refused_by_position(name):
    own = (name, Counts())
    model = RNNClassifier(lr_schedule="step", callbacks=[Counts(), own], **QUICK)
    with pytest.raises(ValueError, match=rf"callbacks\[1\] is named '{name}', the"):
        model.fit(X, y)
    model.set_params(callbacks=[Counts(), ("mine", Counts())]).fit(X, y)


@pytest.mark.parametrize("ragged", [False, True])
def test_a_split_side_of_weight_zero_is_refused_for_per_step_targets(ragged):
    # the per-step weights are held flat (ragged) or padded (one length)
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(4 + (i % 3 if ragged else 2), 1)) for i in range(40)]
    y = [(x[:, 0] > 0).astype(int) for x in X]
    model = RNNTagger(early_stopping=True, **{**QUICK, "max_epochs": 2})
    seed = np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    weight = np.ones(len(X))
    weight[validation_index(len(X), model.validation_fraction, seed)] = 0.0
    with pytest.raises(ValueError, match="samples to validate on, and sample_weight"):
        model.fit(X, y, sample_weight=weight)
    model.fit(X, y, sample_weight=weight + 0.5)
