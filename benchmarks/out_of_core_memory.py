"""Peak memory of ``fit`` on stored data: 1x, 10x and 100x one data set.

The data set: 1,000 sequences of 100 steps and 256 float32 features (102 MB;
class 1 has feature 0 shifted by 0.5). It is written 1, 10 and 100 times into
a ``.npy`` file (100 times: 10.2 GB) and opened with ``np.load(...,
mmap_mode="r")``. Each fit runs in a fresh process: ``RNNClassifier``
defaults, one epoch (``max_epochs=1``), one torch thread. A thread samples
the process's anonymous resident memory (``RssAnon`` of
``/proc/self/status``, every 20 ms): pages of the memory-mapped file are page
cache, not the process's own memory. The reference in the same run: the
same fit on the array loaded into memory (1x and 10x).

Run: ``.venv/bin/python benchmarks/out_of_core_memory.py [--sizes 1 10 100]``
(needs about 11 GB of free disk for 100x, in ``--directory``).
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


def write(path, times):
    X, _ = one_set()
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(N * times, STEPS, FEATURES)
    )
    for i in range(times):
        out[i * N : (i + 1) * N] = X
    out.flush()
    del out


def child(path, times, in_memory):
    """Fit once and print what was measured, as JSON."""
    from skseq import RNNClassifier

    _, y = one_set()
    y = np.tile(y, times)
    X = np.load(path, mmap_mode="r")
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
    model = RNNClassifier(max_epochs=1, random_state=0, n_threads=1).fit(X, y)
    seconds = time.perf_counter() - start
    accuracy = float(model.score(X[:N], y[:N]))
    done.set()
    sampler.join()
    peak.append(rss_anon_mb())
    print(
        json.dumps(
            {
                "baseline": baseline,
                "peak": max(peak),
                "seconds": seconds,
                "accuracy": accuracy,
            }
        )
    )


def measure(path, times, in_memory):
    command = [sys.executable, __file__, "--child", path, str(times)]
    if in_memory:
        command.append("--in-memory")
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--directory", default=None)
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--in-memory", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.in_memory)
        return
    print(machine())
    rows = []
    with tempfile.TemporaryDirectory(dir=args.directory) as directory:
        for times in args.sizes:
            path = os.path.join(directory, f"x{times}.npy")
            write(path, times)
            gigabytes = os.path.getsize(path) / 1e9
            paths = [("memmap", False)] + ([("in memory", True)] if times <= 10 else [])
            for how, in_memory in paths:
                result = measure(path, times, in_memory)
                rows.append(
                    {
                        "data": f"{times}x ({gigabytes:.2f} GB)",
                        "X": how,
                        "peak RssAnon MB": f"{result['peak']:.0f}",
                        "during fit MB": f"{result['peak'] - result['baseline']:.0f}",
                        "fit s": f"{result['seconds']:.1f}",
                        "accuracy": f"{result['accuracy']:.3f}",
                    }
                )
            os.remove(path)
    print_table(
        rows, ["data", "X", "peak RssAnon MB", "during fit MB", "fit s", "accuracy"]
    )


if __name__ == "__main__":
    main()
