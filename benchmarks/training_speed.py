"""Seconds per epoch and accuracy: skseq against a raw PyTorch loop and skorch.

Three tasks, each trained the same way by three methods in the same run:

1. sine: 9,995 windows of 5 values of sin(linspace(0, 100, 10000)) predict the
   6th; GRU 64, last state, batch 64, Adam 1e-3, L1 loss; test MAE on
   sin(linspace(100, 200, 1000)).
2. gunpoint: GunPoint (50 x 150 steps), GRU 64, max pooling, batch 16, Adam
   1e-2, cross-entropy; test accuracy on the 150 test sequences.
3. ragged: 2,000 synthetic sequences of lengths 10-200 (class = sign of the
   mean), GRU 64, max pooling over valid steps, batch 32, Adam 1e-2;
   ragged-lstm: the same with an LSTM.

Methods: ``skseq`` (RNNRegressor / RNNClassifier); ``raw``: a minimal PyTorch
loop over pre-made tensors (randperm + slicing) with the same module
(skseq.modules.RNNModule); ``skorch``: plain ``NeuralNetRegressor`` /
``NeuralNetClassifier`` with the same module and skorch's default DataLoader.
On the ragged tasks ``raw`` packs its sequences (``pack_padded_sequence``), the
usual way to get padding-invariant results by hand. Gradient clipping is off in
every method so that all do the same work. One torch thread.

Run: ``.venv/bin/python benchmarks/training_speed.py [--epochs N] [--tasks ...]``
"""

import argparse
import time

import numpy as np
import torch
from _common import machine, print_table
from skorch import NeuralNetClassifier, NeuralNetRegressor
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from skseq import RNNClassifier, RNNRegressor
from skseq.datasets import load_gunpoint
from skseq.modules import RNNModule, valid_mask
from skseq.preprocessing import make_windows


def sine_task():
    X, y = make_windows(np.sin(np.linspace(0, 100, 10000)), 5)
    X_test, y_test = make_windows(np.sin(np.linspace(100, 200, 1000)), 5)
    return {
        "name": "sine",
        "X": X[:, :, None].astype(np.float32),
        "y": y.astype(np.float32),
        "X_test": X_test[:, :, None].astype(np.float32),
        "y_test": y_test,
        "kind": "regression",
        "module": dict(cell="gru", hidden_size=64, pooling="last"),
        "batch_size": 64,
        "lr": 1e-3,
        "loss": "absolute_error",
        "metric": "test MAE",
    }


def gunpoint_task():
    X, y = load_gunpoint(split="train")
    X_test, y_test = load_gunpoint(split="test")
    mean, std = X.mean(), X.std()
    return {
        "name": "gunpoint",
        "X": ((X - mean) / std)[:, :, None].astype(np.float32),
        "y": (y == "2").astype(np.int64),
        "X_test": ((X_test - mean) / std)[:, :, None].astype(np.float32),
        "y_test": (y_test == "2").astype(np.int64),
        "kind": "classification",
        "module": dict(cell="gru", hidden_size=64, pooling="max"),
        "batch_size": 16,
        "lr": 1e-2,
        "metric": "test accuracy",
    }


def ragged_task(n=2000, seed=0, cell="gru"):
    rng = np.random.default_rng(seed)

    def make(count):
        labels = rng.integers(0, 2, size=count)
        lengths = rng.integers(10, 201, size=count)
        X = [
            rng.normal(0.3 * (2 * label - 1), 1.0, size=(length, 1)).astype(np.float32)
            for label, length in zip(labels, lengths, strict=True)
        ]
        return X, labels.astype(np.int64)

    X, y = make(n)
    X_test, y_test = make(n // 2)
    return {
        "name": "ragged" if cell == "gru" else f"ragged-{cell}",
        "X": X,
        "y": y,
        "X_test": X_test,
        "y_test": y_test,
        "kind": "classification",
        "module": dict(cell=cell, hidden_size=64, pooling="max"),
        "batch_size": 32,
        "lr": 1e-2,
        "metric": "test accuracy",
    }


def padded(X):
    """Post-padded tensor and lengths of a list or 3-D array."""
    if isinstance(X, np.ndarray):
        return torch.as_tensor(X), torch.full((len(X),), X.shape[1])
    lengths = torch.tensor([len(x) for x in X])
    values = nn.utils.rnn.pad_sequence(
        [torch.as_tensor(x) for x in X], batch_first=True
    )
    return values, lengths


def evaluate(task, predict):
    prediction = predict(task["X_test"])
    if task["kind"] == "regression":
        return float(np.abs(np.ravel(prediction) - task["y_test"]).mean())
    return float(np.mean(np.ravel(prediction) == task["y_test"]))


def output_size(task):
    return 1 if task["kind"] == "regression" else 2


def run_skseq(task, epochs):
    Estimator = RNNRegressor if task["kind"] == "regression" else RNNClassifier
    extra = {"loss": task["loss"]} if task["kind"] == "regression" else {}
    model = Estimator(
        **task["module"],
        max_epochs=epochs,
        batch_size=task["batch_size"],
        lr=task["lr"],
        clip_grad_norm=None,
        standardize=False,  # the data is already scaled, as for the others
        # the same network and work as the others: no convolutional front end
        # and no held-out split ("auto" chooses both on long or many sequences)
        conv_layers=0,
        early_stopping=False,
        random_state=0,
        **extra,
    )
    model.fit(task["X"], task["y"])
    return list(model.history_[:, "dur"]), evaluate(task, model.predict)


class PackedRNN(nn.Module):
    """RNNModule's network with a packed recurrent pass (the usual hand-written way)."""

    def __init__(self, **params):
        super().__init__()
        self.inner = RNNModule(**params)

    def forward(self, X, lengths):
        packed = pack_padded_sequence(
            X, lengths, batch_first=True, enforce_sorted=False
        )
        states, _ = pad_packed_sequence(
            self.inner.rnn(packed)[0], batch_first=True, total_length=X.shape[1]
        )
        mask = valid_mask(lengths, X.shape[1]).unsqueeze(-1)
        pooled = states.masked_fill(~mask, float("-inf")).amax(dim=1)
        return self.inner.head(pooled)


def run_raw(task, epochs, pack=False):
    torch.manual_seed(0)
    params = dict(input_size=1, output_size=output_size(task), **task["module"])
    module = PackedRNN(**params) if pack else RNNModule(**params)
    optimizer = torch.optim.Adam(module.parameters(), lr=task["lr"])
    if task["kind"] == "regression":
        criterion = nn.L1Loss()
        y = torch.as_tensor(task["y"]).reshape(-1, 1)
    else:
        criterion = nn.CrossEntropyLoss()
        y = torch.as_tensor(task["y"])
    X, lengths = padded(task["X"])
    n, size, durations = len(y), task["batch_size"], []
    for _ in range(epochs):
        start = time.perf_counter()
        module.train()
        order = torch.randperm(n)
        for i in range(0, n, size):
            index = order[i : i + size]
            optimizer.zero_grad()
            loss = criterion(module(X[index], lengths[index]), y[index])
            loss.backward()
            optimizer.step()
            loss.item()  # as every loop that logs its loss
        durations.append(time.perf_counter() - start)

    def predict(X_new):
        values, new_lengths = padded(X_new)
        module.eval()
        with torch.no_grad():
            out = module(values, new_lengths)
        return out.numpy() if task["kind"] == "regression" else out.argmax(1).numpy()

    return durations, evaluate(task, predict)


def run_skorch(task, epochs):
    torch.manual_seed(0)
    module = dict(input_size=1, output_size=output_size(task), **task["module"])
    regression = task["kind"] == "regression"
    Net = NeuralNetRegressor if regression else NeuralNetClassifier
    # skorch passes the dict input to RNNModule.forward(X=..., lengths=...)
    net = Net(
        RNNModule,
        criterion=nn.L1Loss if regression else nn.CrossEntropyLoss,
        **{f"module__{k}": v for k, v in module.items()},
        optimizer=torch.optim.Adam,
        lr=task["lr"],
        max_epochs=epochs,
        batch_size=task["batch_size"],
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
    y = task["y"].reshape(-1, 1) if regression else task["y"]
    X, lengths = padded(task["X"])
    net.fit({"X": X.numpy(), "lengths": lengths.numpy()}, y)

    def predict(X_new):
        values, new_lengths = padded(X_new)
        inputs = {"X": values.numpy(), "lengths": new_lengths.numpy()}
        return net.predict(inputs)

    return list(net.history[:, "dur"]), evaluate(task, predict)


TASKS = {
    "sine": sine_task,
    "gunpoint": gunpoint_task,
    "ragged": ragged_task,
    "ragged-lstm": lambda: ragged_task(cell="lstm"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of each method, interleaved; the median is reported",
    )
    parser.add_argument("--tasks", nargs="+", default=list(TASKS))
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    print(
        f"{args.epochs} epochs per run, {args.repeats} interleaved runs per method; "
        "seconds per epoch: median over epochs after the first, then over runs"
    )
    rows = []
    for name in args.tasks:
        task = TASKS[name]()
        methods = [("raw", lambda t, e: run_raw(t, e))]
        if name.startswith("ragged"):
            methods = [("raw (packed)", lambda t, e: run_raw(t, e, pack=True))]
        methods += [("skseq", run_skseq), ("skorch", run_skorch)]
        runs = {method: [] for method, _ in methods}
        for _ in range(args.repeats):  # interleaved, so that load hits all alike
            for method, run in methods:
                durations, metric = run(task, args.epochs)
                runs[method].append((float(np.median(durations[1:])), metric))
        results = {
            method: (float(np.median([s for s, _ in r])), r[0][1])
            for method, r in runs.items()
        }
        reference = next(iter(results.values()))[0]
        for method, (seconds, metric) in results.items():
            rows.append(
                {
                    "task": name,
                    "method": method,
                    "s / epoch": seconds,
                    "x raw": seconds / reference,
                    task["metric"]: metric,
                }
            )
        print(f"finished {name}", flush=True)
    columns = ["task", "method", "s / epoch", "x raw", "test MAE", "test accuracy"]
    print_table(rows, columns)


if __name__ == "__main__":
    main()
