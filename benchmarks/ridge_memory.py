"""Peak memory of the forecaster's fit, windows a block at a time or all at once.

``SequenceForecaster`` fits a ridge regression from each training window to
its targets (the linear forecasts and the network's linear path).
``skseq.forecasting._linear.fit_ridge`` reads the windows a block at a time,
in two passes (the Gram matrix, then the leave-one-out errors of each
alpha); the reference, measured in the same run, is what it replaced:
``RidgeCV`` on the matrix of every window at once. Both choose the same alpha
and coefficients (tests/forecasting/test_linear.py).

A whole ``SequenceForecaster(window_length=96, horizon=24, max_epochs=1)``
fit on ``--fit-points`` steps is measured the same way, against the same fit
with ``RidgeCV`` on all windows and every held-out window gathered and
forecast at once, patched in: about what it did before (which gathered the
held-out windows once per fit, not once per use).

Each fit runs in a fresh process, on a random-walk series of ``--points``
steps (windows of 96 steps, 24 targets, normalised relative to the last
value); reported: the process's peak resident memory above what it held
before the fit (``VmHWM``, reset before the fit), and seconds, median over
``--repeats`` runs alternating the two (one run of each whole fit).

Run: ``.venv/bin/python benchmarks/ridge_memory.py``
"""

import argparse
import multiprocessing
import time

import numpy as np
from _common import machine, print_table

WINDOW, HORIZON = 96, 24


def _status(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _fit(points, method, queue):
    import torch
    from sklearn.linear_model import RidgeCV  # imported before measuring

    from skseq.forecasting._linear import _ALPHAS, fit_ridge
    from skseq.forecasting._rows import SeriesRows
    from skseq.forecasting._scaling import WindowScaler
    from skseq.forecasting._windows import WindowDataset

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.standard_normal(points))[:, None]
    series = SeriesRows.in_memory([series]).scaled(1, log=False)
    starts = np.arange(points - WINDOW - HORIZON + 1)
    scaler = WindowScaler.fit(series, starts, "last", WINDOW, HORIZON)
    dataset = WindowDataset(
        series,
        starts,
        window_length=WINDOW,
        horizon=HORIZON,
        n_targets=1,
        n_future=0,
        scaler=scaler,
    )
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # VmHWM from here: making the dataset peaked before
    before = _status("VmRSS")
    start = time.perf_counter()
    if method == "block-wise fit_ridge":
        alpha = fit_ridge(dataset)[2]
    else:
        inputs, target = dataset.batch(np.arange(len(dataset)))
        X = inputs["X"].reshape(len(target), -1).double().numpy()
        alpha = RidgeCV(alphas=_ALPHAS).fit(X, target.double().numpy()).alpha_
    seconds = time.perf_counter() - start
    queue.put((_status("VmHWM") - before, seconds, alpha, len(dataset)))


def _ridge_cv(dataset):
    """The ridge fit before it went block-wise: RidgeCV on every window."""
    from sklearn.linear_model import RidgeCV

    from skseq.forecasting._linear import _ALPHAS

    inputs, target = dataset.batch(np.arange(len(dataset)))
    X = inputs["X"].reshape(len(target), -1).double().numpy()
    ridge = RidgeCV(alphas=_ALPHAS).fit(X, target.double().numpy())
    return np.atleast_2d(ridge.coef_), np.atleast_1d(ridge.intercept_), ridge.alpha_


def _fit_forecaster(points, method, queue):
    import pandas as pd

    from skseq import SequenceForecaster
    from skseq.forecasting import _linear, _training, _windows

    if method != "block-wise (now)":
        _windows._CHUNK_WINDOWS = 2**40
        _linear.fit_ridge = _training.fit_ridge = _ridge_cv
    rng = np.random.default_rng(0)
    steps = np.arange(points)
    y = pd.Series(np.sin(steps / 8) + np.cumsum(rng.standard_normal(points)) / 30)
    model = SequenceForecaster(
        window_length=WINDOW, horizon=HORIZON, max_epochs=1, random_state=0
    )
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    before = _status("VmRSS")
    start = time.perf_counter()
    model.fit(y)
    seconds = time.perf_counter() - start
    queue.put((_status("VmHWM") - before, seconds, model.normalize_, points))


def measure(points, method, target=_fit):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(points, method, queue))
    process.start()
    result = queue.get(timeout=3600)  # raises if the child died instead
    process.join()
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fit-points", type=int, nargs="*", default=[100_000])
    args = parser.parse_args()
    print(machine())
    methods = ("block-wise fit_ridge", "reference: RidgeCV on all windows")
    rows = []
    for points in args.points:
        runs = {method: [] for method in methods}
        for _ in range(args.repeats):
            for method in methods:  # alternated
                runs[method].append(measure(points, method))
        reference = np.median([run[0] for run in runs[methods[1]]])
        for method in methods:
            peak = np.median([run[0] for run in runs[method]])
            rows.append(
                {
                    "points": points,
                    "windows": runs[method][0][3],
                    "method": method,
                    "alpha": runs[method][0][2],
                    "peak MiB above the series": f"{peak / 2**20:.0f}",
                    "x reference": f"{peak / reference:.3f}",
                    "seconds": f"{np.median([run[1] for run in runs[method]]):.2f}",
                }
            )
    print_table(rows, list(rows[0]))
    print()
    rows = []
    methods = ("block-wise (now)", "reference: all at once (before)")
    for points in args.fit_points:
        runs = {method: measure(points, method, _fit_forecaster) for method in methods}
        reference = runs[methods[1]][0]
        for method, (peak, seconds, normalize, _) in runs.items():
            rows.append(
                {
                    "fit on points": points,
                    "method": method,
                    "normalize_": normalize,
                    "peak MiB above the series": f"{peak / 2**20:.0f}",
                    "x reference": f"{peak / reference:.3f}",
                    "seconds": f"{seconds:.1f}",
                }
            )
    if rows:
        print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
