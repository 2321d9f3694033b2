"""Coverage of SequenceForecaster's prediction intervals on held-out data.

The panel of ``forecast_accuracy.py`` (eight public series). Per series and
seed, ``SequenceForecaster(horizon=H, random_state=seed)`` with its defaults is
fitted on the first 75% of the series and then forecasts from every step of
the last 25% without refitting (``skseq.model_selection.backtest`` with one
split): each (origin, horizon step) whose actual value is known is one
held-out point. Reported per series: points, and for the nominal coverages
80% and 95% the share of points inside the interval, the mean width relative
to the MAE of the forecasts, and the Winkler score; a level the held-out
windows of a short series cannot calibrate (95% needs 19) shows "-". The
summary row gives the mean coverage over the series (each weighs the same)
and over all points (taylor's half-hours weigh most).

With ``--quantiles``, the same backtests also fit the forecaster with
quantile heads at 0.025, 0.1, 0.9 and 0.975 (``quantiles=...``, pinball
loss), whose 80% and 95% intervals are the conformalised heads (CQR), and
compare them with the residual intervals of the defaults on the same points:
coverage of each, and the ratios (heads / residuals) of the MAE of the point
forecasts, the mean width and the mean Winkler score (below 1: the heads do
better). The summary rows give the mean coverage over the series, the
coverage over all points and the geometric mean of the ratios.

Run: ``.venv/bin/python benchmarks/forecast_intervals.py [--seeds 0 1 2]
[--series airline wineind] [--data DIR] [--quantiles]``.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table
from forecast_accuracy import DATA, SERIES, load_panel

from skseq import SequenceForecaster
from skseq.model_selection import backtest

LEVELS = (0.8, 0.95)
# the quantile heads of --quantiles: the bounds of the LEVELS' intervals
HEADS = (0.025, 0.1, 0.9, 0.975)
TRAIN_SHARE = 0.75


def interval_scores(series, seed, quantiles=None):
    """Backtest table of one series and seed (80% only if 95% cannot be had)."""
    n, horizon = len(series["values"]), series["horizon"]
    y = pd.Series(series["values"], index=series["index"])
    cut = int(n * TRAIN_SHARE)
    split = [(np.arange(cut), np.arange(cut, n))]
    model = SequenceForecaster(horizon=horizon, quantiles=quantiles, random_state=seed)
    try:
        return backtest(model, y, cv=split, coverage=LEVELS)
    except ValueError as exc:  # a short series: too few held-out windows
        if "held-out windows" not in str(exc):
            raise
    return backtest(model, y, cv=split, coverage=LEVELS[0])


def pooled_mean(tables, column):
    """Mean of a per-step column over seeds, each step weighted by its points."""
    n = np.concatenate([t["n_forecasts"] for t in tables])
    return float((np.concatenate([t[column] for t in tables]) * n).sum() / n.sum())


def compare_heads(panel, seeds):
    """Print residual intervals against conformalised quantile heads."""
    rows, columns = [], ["series", "H", "points", "MAE ratio"]
    for level in LEVELS:
        columns += [f"{name} {level:.0%}" for name in ("cov res", "cov CQR")]
        columns += [f"{name} {level:.0%}" for name in ("width ratio", "Winkler ratio")]
    summary = {column: [] for column in columns[3:]}
    points = {level: [0, 0, 0] for level in LEVELS}  # inside (res, CQR), count
    for series in panel:
        residual = [interval_scores(series, seed) for seed in seeds]
        heads = [interval_scores(series, seed, HEADS) for seed in seeds]
        row = {
            "series": series["name"],
            "H": series["horizon"],
            "points": int(sum(t["n_forecasts"].sum() for t in residual)),
            "MAE ratio": pooled_mean(heads, "MAE") / pooled_mean(residual, "MAE"),
        }
        summary["MAE ratio"].append(row["MAE ratio"])
        for level in LEVELS:
            name, label = f"{level:g}", f"{level:.0%}"
            if not all(f"coverage@{name}" in t for t in residual + heads):
                for column in ("cov res", "cov CQR", "width ratio", "Winkler ratio"):
                    row[f"{column} {label}"] = "-"
                continue
            both = {"res": residual, "CQR": heads}
            for key, tables in both.items():
                row[f"cov {key} {label}"] = pooled_mean(tables, f"coverage@{name}")
                summary[f"cov {key} {label}"].append(row[f"cov {key} {label}"])
            for measure in ("width", "Winkler"):
                column = f"{measure}@{name}"
                ratio = pooled_mean(heads, column) / pooled_mean(residual, column)
                row[f"{measure} ratio {label}"] = ratio
                summary[f"{measure} ratio {label}"].append(ratio)
            count = sum(t["n_forecasts"].sum() for t in residual)
            points[level][0] += row[f"cov res {label}"] * count
            points[level][1] += row[f"cov CQR {label}"] * count
            points[level][2] += count
        rows.append(row)
        print(row, flush=True)
    mean = {"series": "mean over series (ratios: geometric)"}
    for column, values in summary.items():
        if not values:  # no series could calibrate this level
            mean[column] = "-"
        elif "ratio" in column:
            mean[column] = float(np.exp(np.mean(np.log(values))))
        else:
            mean[column] = float(np.mean(values))
    total = {"series": "all points", "points": int(points[LEVELS[0]][2])}
    for level in LEVELS:
        inside_res, inside_cqr, count = points[level]
        total[f"cov res {level:.0%}"] = inside_res / count if count else "-"
        total[f"cov CQR {level:.0%}"] = inside_cqr / count if count else "-"
    print_table([*rows, mean, total], columns)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--series", nargs="+", choices=list(SERIES), default=None)
    parser.add_argument(
        "--quantiles",
        action="store_true",
        help="compare with conformalised quantile heads (CQR)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")
    print(machine())
    start = time.perf_counter()
    if args.quantiles:
        compare_heads(load_panel(args.data, args.series), args.seeds)
        print(
            f"\nDefaults, and quantiles={list(HEADS)}, fitted on the first "
            f"{TRAIN_SHARE:.0%} of each series, forecasting from every later "
            f"step; seeds {args.seeds}."
        )
        print(f"total {time.perf_counter() - start:.0f} s")
        return
    rows, covered = [], {level: [] for level in LEVELS}
    pooled = {level: [0, 0] for level in LEVELS}
    for series in load_panel(args.data, args.series):
        per_seed = [interval_scores(series, seed) for seed in args.seeds]
        points = int(sum(t["n_forecasts"].sum() for t in per_seed))
        row = {"series": series["name"], "H": series["horizon"], "points": points}
        for level in LEVELS:
            name = f"{level:g}"
            tables = [t for t in per_seed if f"coverage@{name}" in t]
            if not tables:
                row[f"coverage {level:.0%}"] = row[f"width / MAE {level:.0%}"] = "-"
                continue
            n = np.concatenate([t["n_forecasts"] for t in tables])
            inside = np.concatenate([t[f"coverage@{name}"] for t in tables]) * n
            width = np.concatenate([t[f"width@{name}"] for t in tables]) * n
            mae = np.concatenate([t["MAE"] for t in tables]) * n
            coverage = inside.sum() / n.sum()
            covered[level].append(coverage)
            pooled[level][0] += inside.sum()
            pooled[level][1] += n.sum()
            row[f"coverage {level:.0%}"] = f"{coverage:.3f}"
            row[f"width / MAE {level:.0%}"] = f"{width.sum() / mae.sum():.2f}"
        rows.append(row)
        print(row, flush=True)
    summary = {"series": "mean over series", "H": "", "points": ""}
    for level in LEVELS:
        summary[f"coverage {level:.0%}"] = f"{np.mean(covered[level]):.3f}"
        summary[f"width / MAE {level:.0%}"] = ""
    total = {"series": "all points", "H": "", "points": pooled[LEVELS[0]][1]}
    for level in LEVELS:
        inside, count = pooled[level]
        total[f"coverage {level:.0%}"] = f"{inside / count:.3f}"
        total[f"width / MAE {level:.0%}"] = ""
    columns = ["series", "H", "points"]
    for level in LEVELS:
        columns += [f"coverage {level:.0%}", f"width / MAE {level:.0%}"]
    print_table([*rows, summary, total], columns)
    print(
        f"\nDefaults fitted on the first {TRAIN_SHARE:.0%} of each series, "
        f"forecasting from every later step; seeds {args.seeds}."
    )
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
