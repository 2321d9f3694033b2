"""Test error of RNNRegressor's defaults on a synthetic and two real tasks.

Tasks:

- sine: windows of 5 values of sin(linspace(0, 100, 10000)) predict the 6th
  (9,995 training windows); test on the windows of sin(linspace(100, 200,
  1000)).
- Covid3Month (84 steps, 140 / 61) and Tecator (100 steps, 172 / 43) from
  ``shared/data/ucr`` (the time-series extrinsic regression archive, Tan et
  al. 2021; README there), with the archive's splits.

Contenders, each with ``random_state=seed``:

- ``defaults``: ``RNNRegressor()``: the state after the last valid step
  (``pooling="last"``), and the "auto" choices: for sequences of 100 steps or
  more a convolutional front end, per-sequence standardisation and AdamW at
  0.003 (weight decay 0.01) annealed on a cosine over 150 epochs (Adam for
  100 epochs without the front end); early stopping from 1,000 training
  sequences.
- ``before``: the defaults before this round, the classifier's:
  ``RNNRegressor(pooling="max", conv_layers=0, standardize=True, lr=0.01,
  lr_schedule=None, early_stopping=False)``.
- Ridge (RidgeCV over 1e-3 .. 1e3 on the flattened sequences) and the
  training mean.

Reported: median and worst test MAE and RMSE over the seeds, median seconds
per fit.

Run: ``.venv/bin/python benchmarks/regression_accuracy.py [--seeds 0 1 2]
[--tasks sine Tecator] [--epochs N]``.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch
from _common import machine, print_table
from sklearn.linear_model import RidgeCV

from skseq import RNNRegressor
from skseq.datasets import read_ts
from skseq.preprocessing import make_windows

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TASKS = ("sine", "Covid3Month", "Tecator")
CONTENDERS = {
    "defaults": {},
    "before": dict(
        pooling="max",
        conv_layers=0,
        standardize=True,
        lr=0.01,
        lr_schedule=None,
        early_stopping=False,
        optimizer="adam",
        weight_decay=0.0,
        max_epochs=100,
    ),
}


def _sine_windows(values):
    X, y = make_windows(values, 5)
    return X[:, :, None], y


def load(task, data=DATA):
    """Training and test sequences and targets of one task."""
    if task == "sine":
        return (
            *_sine_windows(np.sin(np.linspace(0, 100, 10000))),
            *_sine_windows(np.sin(np.linspace(100, 200, 1000))),
        )
    folder = Path(data) / "ucr" / task
    X_train, y_train = read_ts(folder / f"{task}_TRAIN.ts")
    X_test, y_test = read_ts(folder / f"{task}_TEST.ts")
    return (
        np.asarray(X_train, float),
        np.asarray(y_train, float),
        np.asarray(X_test, float),
        np.asarray(y_test, float),
    )


def _errors(predicted, actual):
    return dict(
        mae=float(np.abs(predicted - actual).mean()),
        rmse=float(np.sqrt(((predicted - actual) ** 2).mean())),
    )


def baselines(task, data=DATA):
    """Ridge on the flattened sequences and the training mean."""
    X_train, y_train, X_test, y_test = load(task, data)
    ridge = RidgeCV(alphas=np.logspace(-3, 3, 13))
    ridge.fit(X_train.reshape(len(X_train), -1), y_train)
    return {
        "Ridge": _errors(ridge.predict(X_test.reshape(len(X_test), -1)), y_test),
        "mean": _errors(np.full(len(y_test), y_train.mean()), y_test),
    }


def run_one(contender, task, seed, epochs, data=DATA):
    """Fit one contender on one task; return its test errors and seconds."""
    X_train, y_train, X_test, y_test = load(task, data)
    params = dict(CONTENDERS[contender], random_state=seed)
    if epochs is not None:  # else each contender's own
        params["max_epochs"] = epochs
    start = time.perf_counter()
    model = RNNRegressor(**params).fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return dict(
        task=task,
        contender=contender,
        seed=seed,
        fit_s=seconds,
        epochs=len(model.history_),
        **_errors(model.predict(X_test), y_test),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--epochs", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    rows = []
    for task in args.tasks:
        results = {name: [] for name in CONTENDERS}
        for seed in args.seeds:
            for contender in CONTENDERS:  # alternate: noise hits both alike
                result = run_one(contender, task, seed, args.epochs, args.data)
                results[contender].append(result)
                print(
                    f"{task} {contender} seed {seed}: MAE {result['mae']:.4g}, "
                    f"RMSE {result['rmse']:.4g}, {result['fit_s']:.0f} s, "
                    f"{result['epochs']} epochs",
                    flush=True,
                )
        reference = baselines(task, args.data)
        for contender, mine in results.items():
            rows.append(
                {
                    "task": task,
                    "contender": contender,
                    "MAE median": float(np.median([r["mae"] for r in mine])),
                    "MAE worst": float(np.max([r["mae"] for r in mine])),
                    "RMSE median": float(np.median([r["rmse"] for r in mine])),
                    "s / fit": float(np.median([r["fit_s"] for r in mine])),
                    "epochs": int(np.median([r["epochs"] for r in mine])),
                }
            )
        for name, errors in reference.items():
            rows.append(
                {
                    "task": task,
                    "contender": name,
                    "MAE median": errors["mae"],
                    "RMSE median": errors["rmse"],
                }
            )
    print_table(
        rows,
        [
            "task",
            "contender",
            "MAE median",
            "MAE worst",
            "RMSE median",
            "s / fit",
            "epochs",
        ],
    )


if __name__ == "__main__":
    main()
