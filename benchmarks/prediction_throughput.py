"""Prediction throughput and memory: a million sequences through predict.

A GRU classifier (hidden 32) trained briefly on short sequences predicts one
million ragged sequences (lengths 5-50, 2 features). Prediction runs in
batches, so its memory is the input plus one batch of network states, not the
states of all sequences at once; the reference, measured in the same run, is
one forward pass of the same module over 10,000 sequences at once (the memory a
batch-less predict would need, per sequence).

Run: ``.venv/bin/python benchmarks/prediction_throughput.py [--n 1000000]``
"""

import argparse
import resource
import time
import tracemalloc

import numpy as np
import torch
from _common import machine, print_table

from skseq import RNNClassifier
from skseq.utils import pad_ragged


def max_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make(n, rng):
    lengths = rng.integers(5, 51, size=n)
    values = rng.normal(size=(int(lengths.sum()), 2)).astype(np.float32)
    return np.split(values, np.cumsum(lengths)[:-1]), (rng.random(n) < 0.5).astype(int)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    print(machine())
    rng = np.random.default_rng(0)
    X_train, y_train = make(2000, rng)
    clf = RNNClassifier(hidden_size=32, max_epochs=2, random_state=0).fit(
        X_train, y_train
    )
    X, _ = make(args.n, rng)
    input_mib = sum(x.nbytes for x in X) / 2**20
    rss_before = max_rss_mib()
    tracemalloc.start()
    start = time.perf_counter()
    proba = clf.predict_proba(X)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert proba.shape == (args.n, 2)

    # reference: the whole-batch forward a batch-less predict would run
    n_ref = 10_000
    values, lengths = pad_ragged(X[:n_ref])
    module = clf.net_.module_
    tracemalloc.start()
    with torch.inference_mode():
        module(torch.as_tensor(values), torch.as_tensor(lengths))
    _, ref_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    torch_states = n_ref * values.shape[1] * 32 * 4  # float32 GRU states
    rows = [
        {
            "what": f"predict_proba, {args.n:,} sequences",
            "seconds": seconds,
            "sequences / s": args.n / seconds,
            "peak numpy MiB": peak / 2**20,
            "max RSS growth MiB": max_rss_mib() - rss_before,
        },
    ]
    print(f"input: {input_mib:.0f} MiB of float32 values (lengths 5-50, 2 features)")
    print_table(
        rows,
        ["what", "seconds", "sequences / s", "peak numpy MiB", "max RSS growth MiB"],
    )
    per_sequence_batched = (max_rss_mib() - rss_before) * 2**20 / args.n
    per_sequence_unbatched = (ref_peak + torch_states) / n_ref
    print(
        f"\nmemory per sequence: batched predict {per_sequence_batched:.0f} B "
        f"(input and padded copy included), one forward over all sequences "
        f"{per_sequence_unbatched:.0f} B of states and padded input; ratio "
        f"{per_sequence_batched / per_sequence_unbatched:.2f}"
    )


if __name__ == "__main__":
    main()
