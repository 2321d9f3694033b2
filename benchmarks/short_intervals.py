"""Coverage of SequenceForecaster's prediction intervals on short series.

A short series holds out few windows: of 40 yearly steps forecast 6 ahead,
6 are held out, and split conformal needs 4 for 80% and 19 for 95%.
Where the ranks of the held-out errors cannot reach a coverage, the interval
takes a Student t bound on their spread (``_ranks.spread_bound``). This
script measures both kinds where users meet them: at the end of a short
series (``predict_interval`` after ``fit``, the last H steps held back).

Series and cuts: those of ``short_series.py`` (its non-seasonal and seasonal
series, or ``--daily`` its hourly and half-hourly ones): each series cut to
its last L steps before each of five origins 2H apart. Per cut and seed,
``SequenceForecaster(horizon=H, random_state=seed)`` is fitted on the first
L - H steps and its 80% and 95% intervals are checked on the last H. Next to
it, statsmodels' damped additive ETS (``ETSModel``, error, trend and season
additive, the season where the cut holds two) and its prediction intervals
on the same points.

A fit that holds out fewer than two windows (cuts of about 12-22 steps)
takes the naive forecast's errors over its training windows instead
(``_calibrating``); "refused": points of fits with a single window.

Reported per group and length: points (cut, step and seed); for each
coverage, the share of points whose interval came from the ranks, coverage
over those, over the points of the bound and over those of the naive
errors, coverage over all points, the mean width over the MAE of the
forecasts and the mean Winkler score (width plus ``2 / (1 - coverage)``
times the miss, over the cut's mean absolute change: lower is better);
ETS's coverage, width over its MAE and Winkler score.

Run: ``.venv/bin/python benchmarks/short_intervals.py [--lengths 40 80 120]
[--seeds 0 1 2] [--daily]`` (statsmodels: ``pip install -e .[bench]``), ~5 min.
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table
from short_series import cuts, load_daily, load_series

from skseq import SequenceForecaster
from skseq.model_selection._backtest import _interval_scores

LEVELS = (0.8, 0.95)


def ets_intervals(train, horizon, season):
    """Forecast and ``{level: (lower, upper)}`` of damped additive ETS, or None."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    seasonal = season if season and len(train) >= 2 * season + 2 else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fitted = ETSModel(
                pd.Series(train),  # an array fails in get_prediction
                error="add",
                trend="add",
                damped_trend=True,
                seasonal="add" if seasonal else None,
                seasonal_periods=seasonal,
            ).fit(disp=False)
            prediction = fitted.get_prediction(len(train), len(train) + horizon - 1)
            bounds = {}
            for level in LEVELS:
                frame = prediction.summary_frame(alpha=1 - level)
                bounds[level] = (
                    frame["pi_lower"].to_numpy(),
                    frame["pi_upper"].to_numpy(),
                )
        except (ValueError, np.linalg.LinAlgError):
            return None
    return np.asarray(prediction.predicted_mean), bounds


def winkler(lower, upper, actual, level, train):
    """Mean Winkler score of an interval over the mean change of ``train``.

    The backtest's score (``skseq.model_selection``), scaled so that series
    of any unit can be averaged.
    """
    bounds = np.stack([lower, upper], axis=-1)[None, :, None]  # one origin
    steps = dict(_interval_scores(actual[None, :, None], bounds, level))["Winkler"]
    return np.mean(steps) / (np.abs(np.diff(train)).mean() or 1.0)


def kind(model, level):
    """Where the interval at ``level`` comes from: "ranks", "bound" or "naive".

    "ranks": every target's held-out windows reach ``level`` by their ranks;
    "bound": the t bound on their spread; "naive": the naive forecast's
    errors over the training windows (fewer than two held out).
    """
    if model._fitted.naive_calibration is not None:
        return "naive"
    return "ranks" if model._fitted.calibration.calibrates(level) else "bound"


def evaluate(series, length, seeds):
    """One record per (cut, seed): hits, widths and MAE of skseq and ETS."""
    records = []
    for one in series:
        horizon = one["horizon"]
        for values, index in cuts(one, length):
            train, test = values[:-horizon], values[-horizon:]
            y = pd.Series(train, index=index[:-horizon])
            ets = ets_intervals(train, horizon, one["season"])
            for seed in seeds:
                model = SequenceForecaster(horizon=horizon, random_state=seed)
                record = dict(group=one["group"], series=one["name"], n=horizon)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    try:
                        model.fit(y)
                    except ValueError:  # a cut too short for its horizon
                        continue
                    fitted = model._fitted
                    if fitted.calibration is None and fitted.naive_calibration is None:
                        records.append(dict(record, refused=True))
                        continue
                    forecast = np.asarray(model.predict(), dtype=float).ravel()
                    record["mae"] = np.abs(forecast - test).mean()
                    for level in LEVELS:
                        bounds = model.predict_interval(coverage=level).to_numpy()
                        lower, upper = bounds[:, 0], bounds[:, 1]
                        record[level] = (
                            ((lower <= test) & (test <= upper)).mean(),
                            (upper - lower).mean(),
                            kind(model, level),
                            winkler(lower, upper, test, level, train),
                        )
                if ets is not None:
                    mean, bounds = ets
                    record["ets mae"] = np.abs(mean - test).mean()
                    for level, (lower, upper) in bounds.items():
                        inside = ((lower <= test) & (test <= upper)).mean()
                        record[f"ets {level}"] = (
                            inside,
                            (upper - lower).mean(),
                            winkler(lower, upper, test, level, train),
                        )
                records.append(record)
    return records


def summary(records, length):
    """One row per group: coverage and width of each level, skseq and ETS."""
    rows = []
    for group in dict.fromkeys(r["group"] for r in records):
        refused = sum(r["n"] for r in records if r["group"] == group and "refused" in r)
        mine = [r for r in records if r["group"] == group and "refused" not in r]
        if not mine:
            continue
        n = np.array([r["n"] for r in mine])
        row = {"group": group, "L": length, "points": int(n.sum())}
        row["refused"] = refused
        mae = np.array([r["mae"] for r in mine])
        for level in LEVELS:
            hits, widths, kinds, scores = map(np.array, zip(*(r[level] for r in mine)))
            name = f"{level:.0%}"
            ranks = kinds == "ranks"
            row[f"ranked {name}"] = f"{(n * ranks).sum() / n.sum():.2f}"
            for source in ("ranks", "bound", "naive"):
                where = kinds == source
                if where.any():
                    cover = (hits * n)[where].sum() / n[where].sum()
                    row[f"cov {source} {name}"] = f"{cover:.3f}"
            row[f"cov {name}"] = f"{(hits * n).sum() / n.sum():.3f}"
            row[f"width/MAE {name}"] = f"{widths.mean() / mae.mean():.2f}"
            row[f"Winkler {name}"] = f"{scores.mean():.2f}"
            ets = [r for r in mine if f"ets {level}" in r]
            if ets:
                pairs = (r[f"ets {level}"] for r in ets)
                e_hits, e_widths, e_scores = map(np.array, zip(*pairs))
                e_n = np.array([r["n"] for r in ets])
                e_mae = np.array([r["ets mae"] for r in ets])
                row[f"ETS cov {name}"] = f"{(e_hits * e_n).sum() / e_n.sum():.3f}"
                row[f"ETS width/MAE {name}"] = f"{e_widths.mean() / e_mae.mean():.2f}"
                row[f"ETS Winkler {name}"] = f"{e_scores.mean():.2f}"
        rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[40, 80, 120])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--daily", action="store_true", help="hourly and half-hourly series instead"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    start = time.perf_counter()
    series = load_daily() if args.daily else load_series()
    table = []
    for length in args.lengths:
        table += summary(evaluate(series, length, args.seeds), length)
    columns = ["group", "L", "points", "refused"]
    for level in LEVELS:
        name = f"{level:.0%}"
        columns += [f"ranked {name}", f"cov ranks {name}", f"cov bound {name}"]
        columns += [f"cov naive {name}"]
        columns += [f"cov {name}", f"width/MAE {name}"]
        columns += [f"Winkler {name}", f"ETS cov {name}", f"ETS width/MAE {name}"]
        columns += [f"ETS Winkler {name}"]
    print_table(table, columns)
    print(
        f"\nskseq's defaults (seeds {args.seeds}) and damped additive ETS: share "
        "of points inside the interval at the end of each cut; 'ranked': share "
        "of points whose interval came from the ranks of the held-out errors."
        f"\ntotal {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
