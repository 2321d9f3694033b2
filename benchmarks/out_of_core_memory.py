"""Peak memory of ``fit`` on stored data: 1x, 10x and 100x one data set.

``--model classifier``: 1,000 sequences of 100 steps and 256 float32
features (102 MB; class 1 has feature 0 shifted by 0.5), ``RNNClassifier``
defaults. ``--model forecaster``: one series of 400,000 steps and 64 float32
columns (102 MB; column 0, the target, is a daily cycle of 24 steps plus
half of column 1, a past covariate, plus noise), ``SequenceForecaster``
defaults with ``window_length=24`` and a ``window_step`` of 40 times the
size plus one, so that every size trains on about the same number of
windows (9,756 to 9,998) and no two of them are the same.

The data set is written 1, 10 and 100 times into a ``.npy`` file (100
times: 10.2 GB) and opened with ``np.load(..., mmap_mode="r")``. Each fit
runs in a fresh process: one epoch (``max_epochs=1``), one torch thread. A
thread samples the process's anonymous resident memory (``RssAnon`` of
``/proc/self/status``, every 20 ms): pages of the memory-mapped file are page
cache, not the process's own memory. The reference in the same run: the
same fit on the array loaded into memory (1x and 10x).

Run: ``.venv/bin/python benchmarks/out_of_core_memory.py [--model forecaster]
[--sizes 1 10 100]`` (needs about 11 GB of free disk for 100x, in
``--directory``).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
from _common import machine, print_table

N, STEPS, FEATURES = 1_000, 100, 256
ROWS, COLUMNS, WINDOWS = 400_000, 64, 10_000


def rss_anon_mb():
    """Return the anonymous resident memory of this process, in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no RssAnon in /proc/self/status")


def one_set(seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, N)
    X = rng.standard_normal((N, STEPS, FEATURES), dtype=np.float32)
    X[:, :, 0] += 0.5 * y[:, None]
    return X, y


def one_series(seed=0):
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((ROWS, COLUMNS), dtype=np.float32)
    cycle = np.sin(2 * np.pi * np.arange(ROWS) / 24).astype(np.float32)
    values[:, 0] = cycle + 0.5 * values[:, 1] + 0.3 * values[:, 0]
    return values


def write(path, times, model):
    X = one_set()[0] if model == "classifier" else one_series()
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(len(X) * times, *X.shape[1:])
    )
    for i in range(times):
        out[i * len(X) : (i + 1) * len(X)] = X
    out.flush()
    del out


def _fit(model, X, y):
    """Fit the model on ``X``; return a function giving a figure of its quality."""
    from skseq import RNNClassifier, SequenceForecaster  # imported already

    if model == "classifier":
        fitted = RNNClassifier(max_epochs=1, random_state=0, n_threads=1).fit(X, y)
        return lambda: float(fitted.score(X[:N], y[:N]))
    fitted = SequenceForecaster(
        window_length=24,
        target=[0],
        # one in about 40 * times windows: the same number at every size;
        # not a divisor of the copy's length, so that the copies' windows
        # differ (else 10x would train on 10 copies of 1,000 windows)
        window_step=len(X) // WINDOWS + 1,
        max_epochs=1,
        random_state=0,
        n_threads=1,
    ).fit(X)
    return lambda: float(fitted.history_[-1]["train_loss"])


def child(path, times, in_memory, model):
    """Fit once and print what was measured, as JSON."""
    import skseq  # noqa: F401  (torch and skseq loaded before the baseline)

    X = np.load(path, mmap_mode="r")
    y = np.tile(one_set()[1], times) if model == "classifier" else None
    if in_memory:
        X = np.array(X)
    baseline = rss_anon_mb()
    peak, done = [baseline], threading.Event()

    def sample():
        while not done.wait(0.02):
            peak.append(rss_anon_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    quality = _fit(model, X, y)
    seconds = time.perf_counter() - start
    quality = quality()
    done.set()
    sampler.join()
    peak.append(rss_anon_mb())
    print(
        json.dumps(
            {
                "baseline": baseline,
                "peak": max(peak),
                "seconds": seconds,
                "quality": quality,
            }
        )
    )


def measure(path, times, in_memory, model):
    command = [sys.executable, __file__, "--child", path, str(times)]
    command += ["--model", model] + (["--in-memory"] if in_memory else [])
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=["classifier", "forecaster"])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--directory", default=None)
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--in-memory", action="store_true")
    args = parser.parse_args()
    model = args.model or "classifier"
    if args.child:
        child(args.child[0], int(args.child[1]), args.in_memory, model)
        return
    print(machine())
    quality = "accuracy" if model == "classifier" else "train loss"
    rows = []
    with tempfile.TemporaryDirectory(dir=args.directory) as directory:
        for times in args.sizes:
            path = os.path.join(directory, f"x{times}.npy")
            write(path, times, model)
            gigabytes = os.path.getsize(path) / 1e9
            paths = [("memmap", False)] + ([("in memory", True)] if times <= 10 else [])
            for how, in_memory in paths:
                result = measure(path, times, in_memory, model)
                rows.append(
                    {
                        "data": f"{times}x ({gigabytes:.2f} GB)",
                        "X": how,
                        "peak RssAnon MB": f"{result['peak']:.0f}",
                        "during fit MB": f"{result['peak'] - result['baseline']:.0f}",
                        "fit s": f"{result['seconds']:.1f}",
                        quality: f"{result['quality']:.3f}",
                    }
                )
            os.remove(path)
    print_table(
        rows, ["data", "X", "peak RssAnon MB", "during fit MB", "fit s", quality]
    )


if __name__ == "__main__":
    main()
