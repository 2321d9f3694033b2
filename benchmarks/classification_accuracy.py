"""Test accuracy of RNNClassifier's defaults on long and ragged UCR sets.

Sets: GunPoint (150 steps; ``shared/data/gunpoint``) and, from
``shared/data/ucr`` (README there), ACSF1 (1,460 steps), OSULeaf (427) and
PLAID (ragged, 100 to 1,344). Train and test splits are the archive's.

Contenders, each fitted with ``random_state=seed`` for every seed:

- ``defaults``: ``RNNClassifier()``. With ``conv_layers="auto"``,
  ``standardize="auto"``, ``lr="auto"`` and ``lr_schedule="auto"``, sequences
  of 100 steps or more get three convolution blocks (64 channels, kernel 5,
  max pooling by 4) that the GRU reads, their mean joined to its summary
  (``conv_mode="both"``), each sequence standardised on its own, and AdamW
  at 0.003 (weight decay 0.01) annealed on a cosine over 150 epochs.
- ``gru``: the defaults before the front end, ``RNNClassifier(conv_layers=0,
  standardize=True, lr=0.01, lr_schedule=None)``, Adam for 100 epochs: a GRU
  over every raw step.

Reported per set: median and worst test accuracy over the seeds, median
seconds per fit, seconds per epoch of both contenders measured alternately
in short fits (``--speed-repeats`` fits of 4 epochs each, the median epoch
after the first), and the published accuracies of FCN, ResNet
(dl-4-tsc, Fawaz et al. 2019, mean of 10 runs on the 128-set archive),
InceptionTime (Fawaz et al. 2020) and LSTM-FCN (Karim et al. 2018, where
reported). The GRU on raw steps costs minutes per fit on the long sets:
``--gru-seeds`` runs it on fewer seeds there.

Run: ``.venv/bin/python benchmarks/classification_accuracy.py [--seeds 0 1 2
3 4] [--gru-seeds 0] [--sets GunPoint OSULeaf] [--epochs N] [--csv FILE]``.
``--epochs 3`` is a smoke test; by default each contender's own.
"""

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import torch
from _common import machine, print_table

from skseq import RNNClassifier
from skseq.datasets import load_gunpoint, read_ts

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SETS = ("GunPoint", "OSULeaf", "ACSF1", "PLAID")
# published test accuracy: FCN, ResNet, InceptionTime, LSTM-FCN (None: not reported)
PUBLISHED = {
    "GunPoint": (1.000, 0.991, 1.000, 1.000),
    "OSULeaf": (0.979, 0.980, 0.942, 0.983),
    "ACSF1": (0.898, 0.916, 0.920, None),
    "PLAID": (0.904, 0.940, 0.944, None),
}
CONTENDERS = {
    "defaults": {},
    "gru": dict(
        conv_layers=0,
        standardize=True,
        lr=0.01,
        lr_schedule=None,
        optimizer="adam",
        weight_decay=0.0,
        max_epochs=100,
    ),
}


def load(name, data=DATA):
    """Train and test sequences and labels of one set."""
    if name == "GunPoint":
        return (*load_gunpoint(split="train"), *load_gunpoint(split="test"))
    folder = Path(data) / "ucr" / name
    return (
        *read_ts(folder / f"{name}_TRAIN.ts"),
        *read_ts(folder / f"{name}_TEST.ts"),
    )


def run_one(contender, name, seed, epochs, data=DATA):
    """Fit one contender on one set; return its test accuracy and timings."""
    X_train, y_train, X_test, y_test = load(name, data)
    params = dict(CONTENDERS[contender], random_state=seed)
    if epochs is not None:  # else each contender's own
        params["max_epochs"] = epochs
    start = time.perf_counter()
    model = RNNClassifier(**params).fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    return dict(
        set=name,
        contender=contender,
        seed=seed,
        accuracy=float(np.mean(model.predict(X_test) == np.asarray(y_test))),
        fit_s=fit_s,
    )


def epoch_seconds(name, repeats, data=DATA):
    """Median seconds per epoch of each contender, alternating short fits."""
    X_train, y_train, _, _ = load(name, data)
    seconds = {contender: [] for contender in CONTENDERS}
    for repeat in range(repeats):
        for contender, params in CONTENDERS.items():
            model = RNNClassifier(**{**params, "max_epochs": 4}, random_state=repeat)
            seconds[contender] += list(model.fit(X_train, y_train).history_[1:, "dur"])
    return {contender: float(np.median(s)) for contender, s in seconds.items()}


def summarise(results, speed):
    """One row per set: both contenders side by side, and the published."""
    rows = []
    for name in SETS:
        row = {"set": name}
        for contender in CONTENDERS:
            mine = [
                r for r in results if r["set"] == name and r["contender"] == contender
            ]
            if not mine:
                continue
            accuracy = [r["accuracy"] for r in mine]
            row[f"{contender} median"] = float(np.median(accuracy))
            row[f"{contender} worst"] = float(np.min(accuracy))
            row[f"{contender} seeds"] = len(mine)
            row[f"{contender} s/fit"] = float(np.median([r["fit_s"] for r in mine]))
        if len(row) == 1:
            continue
        if name in speed:
            row["defaults s/epoch"] = speed[name]["defaults"]
            row["gru s/epoch"] = speed[name]["gru"]
            row["epoch speed-up"] = speed[name]["gru"] / speed[name]["defaults"]
        for label, value in zip(
            ("FCN", "ResNet", "InceptionTime", "LSTM-FCN"), PUBLISHED[name], strict=True
        ):
            row[label] = "-" if value is None else value
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--gru-seeds",
        type=int,
        nargs="+",
        default=None,
        help="seeds of the raw-step GRU on the sets other than GunPoint "
        "(default: --seeds)",
    )
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--csv", type=Path, default=None, help="append each fit")
    parser.add_argument("--speed-repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    jobs = [("defaults", name, seed) for name in args.sets for seed in args.seeds]
    for name in args.sets:
        seeds = args.seeds if name == "GunPoint" else args.gru_seeds or args.seeds
        jobs += [("gru", name, seed) for seed in seeds]
    results = []
    for contender, name, seed in jobs:
        result = run_one(contender, name, seed, args.epochs, args.data)
        results.append(result)
        print(
            f"{name} {contender} seed {seed}: accuracy {result['accuracy']:.3f}, "
            f"{result['fit_s']:.0f} s",
            flush=True,
        )
        if args.csv is not None:
            new = not args.csv.exists()
            with args.csv.open("a", newline="") as file:
                writer = csv.DictWriter(file, fieldnames=list(result))
                if new:
                    writer.writeheader()
                writer.writerow(result)
    speed = {
        name: epoch_seconds(name, args.speed_repeats, args.data) for name in args.sets
    }
    rows = summarise(results, speed)
    columns = ["set"]
    for contender in CONTENDERS:
        columns += [f"{contender} {k}" for k in ("median", "worst", "seeds", "s/fit")]
    columns += ["defaults s/epoch", "gru s/epoch"]
    columns += ["epoch speed-up", "FCN", "ResNet", "InceptionTime", "LSTM-FCN"]
    print_table(rows, columns)


if __name__ == "__main__":
    main()
