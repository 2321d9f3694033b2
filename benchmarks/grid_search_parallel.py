"""GridSearchCV with n_jobs=1 against n_jobs=2 on a 2-core machine.

Each skseq fit runs torch on one thread (``n_threads=1``), set inside the fit
only, so two joblib workers use the two cores without oversubscribing them.
The search (GunPoint, 4 candidates x 3 folds) is run with both settings in the
same run; the results must be identical and n_jobs=2 faster.

Run: ``.venv/bin/python benchmarks/grid_search_parallel.py``
"""

import time

import numpy as np
from _common import machine, print_table
from sklearn.model_selection import GridSearchCV

from skseq import RNNClassifier
from skseq.datasets import load_gunpoint


def search(n_jobs):
    X, y = load_gunpoint(split="train")
    grid = GridSearchCV(
        RNNClassifier(max_epochs=15, random_state=0),
        {"cell": ["gru", "lstm"], "hidden_size": [16, 32]},
        cv=3,
        n_jobs=n_jobs,
    )
    start = time.perf_counter()
    grid.fit(X, y)
    return time.perf_counter() - start, grid.cv_results_["mean_test_score"]


def main():
    print(machine())
    search(2)  # start the worker processes once, as a warm-up
    rows, scores = [], {}
    for n_jobs in (1, 2):
        seconds, scores[n_jobs] = search(n_jobs)
        rows.append({"n_jobs": n_jobs, "seconds": seconds})
    rows[1]["x n_jobs=1"] = rows[1]["seconds"] / rows[0]["seconds"]
    print_table(rows, ["n_jobs", "seconds", "x n_jobs=1"])
    same = np.array_equal(scores[1], scores[2])
    print(f"\nidentical mean_test_score with n_jobs=1 and 2: {same}")


if __name__ == "__main__":
    main()
