"""Per-batch overhead of skseq's training engine against a raw PyTorch loop.

Three small-batch tasks, where the engine's per-batch work shows most:

1. sine: 9,995 windows of 5 values of sin(linspace(0, 100, 10000)) predict
   the 6th; RNNRegressor, GRU 64, last state, batch 64, Adam 1e-3, L1 loss,
   inputs not standardised, clipping off (157 batches per epoch).
2. airline: SequenceForecaster(window_length=12, horizon=12) on airline
   passengers without the last year: 109 windows in batches of 16 (7 per
   epoch), GRU 64, last state, Adam 1e-2, clipping off; early stopping off,
   so that the refit the timer sees trains every epoch (with it, the refit
   trains the epochs early stopping chose: 2 of 6 here), and at least 16
   epochs (see below).
3. tagger (an output at every step): RNNTagger on 2,000 sequences of 30
   steps and 4 features, 5 classes per step, bidirectional GRU 64, batch 32,
   Adam 1e-3, clipping off; the raw loop's loss is cross-entropy over every
   step (all are valid).

Seconds are CPU seconds of the process (``time.process_time``, one thread):
on a shared virtual machine, wall-clock time also counts the time another
guest held the core. The raw loop trains the same module
(``skseq.modules.RNNModule``, same initialisation seed) on the same inputs,
made once as tensors (for airline, the forecaster's own normalised windows),
with randperm + slicing, zero_grad, backward, step and ``loss.item()`` per
batch. The two alternate in one
process, ``--repeats`` times each; seconds per epoch are the median over the
second half of the epochs, then over the repeats. One torch thread.

For ~0.15 s after a large BLAS call (the forecaster's ridges; a large
matmul does the same before the raw loop) NumPy's OpenBLAS worker thread
spins on the other core, and the process's CPU time counts it: an airline
epoch lasts ~25 ms, so the median skips those epochs only if there are
enough of them:
before this was accounted for, the forecaster read 1.8-1.9x the raw loop,
comparing its 2 warm-up epochs with the raw loop's steady ones.

Run: ``.venv/bin/python benchmarks/engine_overhead.py [--repeats 12]``
"""

import argparse
import time

import numpy as np
import torch
from _common import machine, print_table
from skorch.callbacks import Callback
from torch import nn

from skseq import RNNRegressor, RNNTagger, SequenceForecaster
from skseq.datasets import load_airline
from skseq.modules import RNNModule
from skseq.preprocessing import make_windows

MODULE = dict(cell="gru", hidden_size=64, pooling="last")


class CPUTimer(Callback):
    """Record the CPU seconds of each epoch."""

    def on_train_begin(self, net, **kwargs):
        self.durations = []

    def on_epoch_begin(self, net, **kwargs):
        self.start = time.process_time()

    def on_epoch_end(self, net, **kwargs):
        self.durations.append(time.process_time() - self.start)


def sine():
    X, y = make_windows(np.sin(np.linspace(0, 100, 10000)), 5)
    X = np.ascontiguousarray(X[:, :, None], dtype=np.float32)
    y = y.astype(np.float32).reshape(-1, 1)
    model = RNNRegressor(
        **MODULE,
        batch_size=64,
        lr=1e-3,
        loss="absolute_error",
        clip_grad_norm=None,
        standardize=False,
        early_stopping=False,
        random_state=0,
    )
    # the regressor standardises y; the raw loop learns the same targets
    target = (y - y.mean()) / y.std()

    def fit_skseq(epochs):
        timer = CPUTimer()
        model.set_params(max_epochs=epochs, callbacks=[timer]).fit(X, y.ravel())
        return model.net_.callbacks_[-1][1].durations

    inputs = {"X": torch.as_tensor(X), "lengths": torch.full((len(X),), 5)}
    return (
        "sine",
        fit_skseq,
        inputs,
        torch.as_tensor(target),
        64,
        1e-3,
        nn.L1Loss(),
        dict(MODULE, output_size=1),
    )


def tagger():
    # 2,000 sequences of 30 steps, 4 features; the label of a step (5 classes)
    # depends on its neighbours, as a part-of-speech tag on its context
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 30, 4)).astype(np.float32)
    context = X[:, :, 0] + np.roll(X[:, :, 1], 1, axis=1) - np.roll(X[:, :, 2], -1, 1)
    y = np.digitize(context, np.quantile(context, [0.2, 0.4, 0.6, 0.8]))
    model = RNNTagger(
        hidden_size=64,
        batch_size=32,
        lr=1e-3,
        clip_grad_norm=None,
        standardize=False,
        random_state=0,
    )

    def fit_skseq(epochs):
        model.set_params(max_epochs=epochs, callbacks=[CPUTimer()]).fit(X, y)
        return model.net_.callbacks_[-1][1].durations

    cross_entropy = nn.CrossEntropyLoss()

    def criterion(out, target):
        return cross_entropy(out.reshape(-1, 5), target.reshape(-1))

    inputs = {"X": torch.as_tensor(X), "lengths": torch.full((len(X),), 30)}
    module = dict(cell="gru", hidden_size=64, bidirectional=True, per_step=True)
    return (
        "tagger",
        fit_skseq,
        inputs,
        torch.as_tensor(y),
        32,
        1e-3,
        criterion,
        dict(module, output_size=5),
    )


def airline():
    y = load_airline()[:-12]
    model = SequenceForecaster(
        window_length=12,
        horizon=12,
        **MODULE,
        batch_size=16,
        lr=1e-2,  # the raw loop's (the forecaster's default is 3e-3)
        clip_grad_norm=None,
        early_stopping=False,
        random_state=0,
    )

    def fit_skseq(epochs):
        model.set_params(max_epochs=epochs, callbacks=[CPUTimer()]).fit(y)
        return model.net_.callbacks_[-1][1].durations

    # the forecaster's own training windows, made once as the raw loop's tensors
    from skseq.forecasting import _training

    captured = {}
    original = _training.train

    def capture(dataset, *args, **kwargs):
        captured["dataset"] = dataset
        return original(dataset, *args, **kwargs)

    _training.train = capture
    fit_skseq(1)
    _training.train = original
    dataset = captured["dataset"]
    inputs, target = dataset.batch(torch.arange(len(dataset)))
    module = dict(MODULE, output_size=target.shape[1])
    fit_skseq.min_epochs = 16
    return "airline", fit_skseq, inputs, target, 16, 1e-2, nn.MSELoss(), module


def fit_raw(inputs, target, batch_size, lr, criterion, module, epochs):
    torch.manual_seed(0)
    module = RNNModule(input_size=inputs["X"].shape[2], **module)
    optimizer = torch.optim.Adam(module.parameters(), lr=lr)
    n, durations = len(target), []
    for _ in range(epochs):
        start = time.process_time()
        module.train()
        order = torch.randperm(n)
        for i in range(0, n, batch_size):
            index = order[i : i + batch_size]
            optimizer.zero_grad()
            out = module(inputs["X"][index], inputs["lengths"][index])
            loss = criterion(out, target[index])
            loss.backward()
            optimizer.step()
            loss.item()  # as every loop that logs its loss
        durations.append(time.process_time() - start)
    return durations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=12)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--tasks", nargs="+", default=["sine", "airline", "tagger"])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    print(
        f"{args.epochs} epochs per run (airline 16), {args.repeats} alternating "
        "runs per method; "
        "seconds per epoch: median over the second half of the epochs, then over runs"
    )
    rows = []
    tasks = {"sine": sine, "airline": airline, "tagger": tagger}
    for make in [tasks[name] for name in args.tasks]:
        name, fit_skseq, inputs, target, batch_size, lr, criterion, module = make()
        runs = {"raw": [], "skseq": []}
        epochs = max(args.epochs, getattr(fit_skseq, "min_epochs", 0))
        for _ in range(args.repeats):
            durations = fit_raw(
                inputs, target, batch_size, lr, criterion, module, epochs
            )
            runs["raw"].append(float(np.median(durations[epochs // 2 :])))
            durations = fit_skseq(epochs)
            runs["skseq"].append(float(np.median(durations[epochs // 2 :])))
        raw = float(np.median(runs["raw"]))
        ratios = np.array(runs["skseq"]) / np.array(runs["raw"])
        for method, seconds in runs.items():
            rows.append(
                {
                    "task": name,
                    "method": method,
                    "CPU ms / epoch": 1000 * float(np.median(seconds)),
                    "x raw (median)": float(np.median(seconds)) / raw,
                    "x raw per pair (q25-q75)": (
                        ""
                        if method == "raw"
                        else f"{np.quantile(ratios, 0.25):.3f}-"
                        f"{np.quantile(ratios, 0.75):.3f}"
                    ),
                }
            )
        print(f"finished {name}", flush=True)
    columns = ["task", "method", "CPU ms / epoch", "x raw (median)"]
    print_table(rows, columns + ["x raw per pair (q25-q75)"])


if __name__ == "__main__":
    main()
