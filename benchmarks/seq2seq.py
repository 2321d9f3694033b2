"""Sequence to sequence: dates to ISO dates, and reversal beyond trained lengths.

Two generated tasks with known answers (``skseq.datasets``):

1. **Dates.** ``make_dates`` writes dates in 12 human formats; the model
   writes them as ISO dates. Trained on ``--n-train`` pairs, scored on 1,000
   new pairs whose dates were not among the training ones (exact match of
   the whole output), with the defaults and with each attention score.
2. **Longer than seen.** ``make_reversal`` strings of 3 to 10 letters
   train the model; it then reverses strings of 3 to 20 letters. Reported:
   exact match per length, with additive, dot-product and no attention.
   Without attention the decoder must carry the whole source in one state
   vector, which fails as the source grows past what training showed.

Each figure is the median (min-max) over seeds; fit seconds on one torch
thread, the contenders alternated within one process.

Run: ``.venv/bin/python benchmarks/seq2seq.py [--seeds 0 1 2] [--tasks dates
longer]``.
"""

import argparse
import time

import numpy as np
from _common import machine, print_table, spread

from skseq import RNNSeq2Seq
from skseq.datasets import make_dates, make_reversal
from skseq.metrics import sequence_accuracy, token_accuracy

ATTENTIONS = {"additive": "additive", "dot": "dot", "none": None}


def dates(seeds, n_train):
    rows = {name: {"fit": [], "exact": []} for name in ATTENTIONS}
    for seed in seeds:
        X, y = make_dates(n_train, random_state=seed)
        X_test, y_test = make_dates(1500, random_state=1000 + seed)
        seen = set(y)
        new = [i for i, date in enumerate(y_test) if date not in seen][:1000]
        X_test, y_test = [X_test[i] for i in new], [y_test[i] for i in new]
        for name, attention in ATTENTIONS.items():
            start = time.perf_counter()
            model = RNNSeq2Seq(attention=attention, random_state=seed).fit(X, y)
            rows[name]["fit"].append(time.perf_counter() - start)
            rows[name]["exact"].append(model.score(X_test, y_test))
    print(f"\n### Dates to ISO ({n_train} training pairs, 1,000 unseen dates)\n")
    print_table(
        [
            {
                "attention": name + (" (default)" if name == "additive" else ""),
                "exact match": spread(values["exact"]),
                "fit s": spread(values["fit"], 1),
            }
            for name, values in rows.items()
        ],
        ["attention", "exact match", "fit s"],
    )


def longer(seeds, n_train, lengths):
    exact = {name: {n: [] for n in lengths} for name in ATTENTIONS}
    tokens = {name: {n: [] for n in lengths} for name in ATTENTIONS}
    fits = {name: [] for name in ATTENTIONS}
    for seed in seeds:
        X, y = make_reversal(n_train, min_length=3, max_length=10, random_state=seed)
        tests = {
            n: make_reversal(200, min_length=n, max_length=n, random_state=500 + n)
            for n in lengths
        }
        for name, attention in ATTENTIONS.items():
            start = time.perf_counter()
            model = RNNSeq2Seq(
                attention=attention,
                max_output_length=max(lengths) + 1,
                random_state=seed,
            ).fit(X, y)
            fits[name].append(time.perf_counter() - start)
            for n, (X_test, y_test) in tests.items():
                predicted = model.predict(X_test)
                exact[name][n].append(sequence_accuracy(y_test, predicted))
                tokens[name][n].append(token_accuracy(y_test, predicted))
    print(
        f"\n### Reversal: trained on lengths 3-10 ({n_train} pairs), exact match "
        "and letters right (token accuracy) by length, medians\n"
    )
    rows = []
    for n in lengths:
        row = {"length": str(n) + (" (longer)" if n > 10 else "")}
        row.update(
            {
                name: f"{np.median(exact[name][n]):.3f} / "
                f"{np.median(tokens[name][n]):.3f}"
                for name in ATTENTIONS
            }
        )
        rows.append(row)
    rows.append({"length": "fit s", **{k: spread(v, 1) for k, v in fits.items()}})
    print_table(rows, ["length", *ATTENTIONS])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--tasks", nargs="+", default=["dates", "longer"])
    args = parser.parse_args()
    print(machine())
    if "dates" in args.tasks:
        dates(args.seeds, args.n_train)
    if "longer" in args.tasks:
        longer(args.seeds, 3000, [5, 10, 12, 14, 16, 20])


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
