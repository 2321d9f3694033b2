"""Training throughput of data-parallel training: 1 against 2 processes.

A network large enough to be compute-bound: ``RNNRegressor`` with a GRU of
256 units over 4,096 sequences of 50 steps and 16 features, 2 epochs, no
early stopping, ``batch_size=64`` per process. Contenders, alternated in one
run (``--repeats`` fits each, median reported):

- 1 process, 1 torch thread (skseq's default);
- 1 process, 2 torch threads (the other way to use a second core);
- 2 processes (``processes=2``), 1 thread each: a step reads 2 x 64
  sequences, gradients averaged with gloo.

Samples per second are training sequences read per second of ``fit`` (wall
clock, set-up and the fork included). The ratio is against the first row.

Run: ``.venv/bin/python benchmarks/data_parallel.py [--repeats 3]``
"""

import argparse
import time

import numpy as np
from _common import machine, print_table

from skseq import RNNRegressor

N, STEPS, FEATURES, EPOCHS = 4096, 50, 16, 2
CONTENDERS = {
    "1 process, 1 thread": dict(processes=1, n_threads=1),
    "1 process, 2 threads": dict(processes=1, n_threads=2),
    "2 processes, 1 thread each": dict(processes=2, n_threads=1),
}


def fit_seconds(X, y, **params):
    model = RNNRegressor(
        hidden_size=256,
        batch_size=64,
        max_epochs=EPOCHS,
        early_stopping=False,
        random_state=0,
        **params,
    )
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(machine())
    rng = np.random.default_rng(0)
    X = rng.normal(size=(N, STEPS, FEATURES)).astype(np.float32)
    y = X[:, -5:, 0].mean(axis=1) + 0.1 * rng.normal(size=N)
    seconds = {name: [] for name in CONTENDERS}
    losses = {}
    for _ in range(args.repeats):
        for name, params in CONTENDERS.items():
            elapsed, model = fit_seconds(X, y, **params)
            seconds[name].append(elapsed)
            losses[name] = model.history_[-1, "train_loss"]
    reference = N * EPOCHS / np.median(seconds[next(iter(CONTENDERS))])
    rows = []
    for name in CONTENDERS:
        rate = N * EPOCHS / np.median(seconds[name])
        rows.append(
            {
                "training": name,
                "fit s (median)": f"{np.median(seconds[name]):.1f}",
                "samples/s": f"{rate:.0f}",
                "ratio": f"{rate / reference:.2f}x",
                "last train loss": f"{losses[name]:.3f}",
            }
        )
    print_table(
        rows, ["training", "fit s (median)", "samples/s", "ratio", "last train loss"]
    )


if __name__ == "__main__":
    main()
