"""Data and callbacks the tests share (one place; test modules import from here)."""

import os
import signal

import numpy as np
from skorch.callbacks import Callback

QUICK = dict(hidden_size=8, max_epochs=3, batch_size=8, random_state=0)


def make_ragged_classification(n=60, seed=0, min_length=5, max_length=20):
    """Sequences of N(+1, 1) (class 1) or N(-1, 1) (class 0), random lengths."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    lengths = rng.integers(min_length, max_length + 1, size=n)
    X = [
        rng.normal(2.0 * label - 1.0, 1.0, size=(length, 2))
        for label, length in zip(y, lengths, strict=True)
    ]
    return X, y


def make_ragged_regression(n=80, seed=0):
    """Targets: mean and maximum of the first feature of each sequence."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(3, 15, size=n)
    X = [rng.normal(size=(length, 2)) for length in lengths]
    y = np.array([[x[:, 0].mean(), x[:, 0].max()] for x in X])
    return X, y


class CtrlCAt(Callback):
    """Send this process SIGINT (what Ctrl-C does) at the end of an epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            os.kill(os.getpid(), signal.SIGINT)


class RaiseKeyboardInterruptAt(Callback):
    """Raise KeyboardInterrupt from code: skorch's way to stop training."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


class Recorder:
    """A lazily read array that records the largest read (as a store would).

    ``largest`` counts values, ``largest_rows`` rows (the first axis).
    """

    __module__ = "h5py._hl.dataset"  # read as a lazy array

    def __init__(self, values):
        self.values, self.shape, self.dtype = values, values.shape, values.dtype
        self.largest = self.largest_rows = 0

    def __getitem__(self, key):
        out = self.values[key]
        self.largest = max(self.largest, out.size)
        self.largest_rows = max(self.largest_rows, len(out))
        return out
