"""Hours whose weekends differ: the default forecast of a day after each kind of day.

Simulated hourly load: a daily profile, weekends 8 higher, noise of 1. For
series of several weeks (ending the day before a Monday, a Wednesday or a
Saturday) the next day (24 steps) is forecast by the defaults, and its MAE
set beside the seasonal naive forecasts of a day and of a week (the last
day repeated carries a Sunday into a Monday; the week back does not) and
statsmodels' damped Holt-Winters with the day as its season. Medians over
seeds, and the default's MAE over the week-back naive forecast's.

    python benchmarks/weekend_hours.py [--weeks 5 6 8 12] [--seeds 0 1 2]
"""

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from _common import machine, print_table
from forecast_accuracy import holt_winters

from skseq import SequenceForecaster

DAYS = {"Monday": 0, "Wednesday": 2, "Saturday": 5}
DAY = 24
WEEK = 7 * DAY


def series(weeks, day, seed):
    """The training series (``weeks`` weeks and the days to ``day``), the test day."""
    rng = np.random.default_rng(seed)
    # 2024-01-01 is a Monday: the series ends the day before ``day``
    n = weeks * WEEK + day * DAY + DAY
    index = pd.date_range("2024-01-01", periods=n, freq="h")
    hours, weekend = index.hour.to_numpy(), index.day_of_week.to_numpy() >= 5
    values = 50 + 10 * np.sin(2 * np.pi * hours / DAY) + 8 * weekend
    y = pd.Series(values + rng.normal(0, 1, n), index=index)
    return y.iloc[:-DAY], y.to_numpy()[-DAY:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, nargs="+", default=[5, 6, 8, 12])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    print(machine())
    start, rows = time.perf_counter(), []
    for weeks in args.weeks:
        for name, day in DAYS.items():
            maes = {k: [] for k in ("skseq", "week back", "day back", "Holt-Winters")}
            methods = []
            for seed in args.seeds:
                train, test = series(weeks, day, seed)
                values = train.to_numpy()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = SequenceForecaster(horizon=DAY, random_state=seed)
                    forecast = model.fit(train).predict().to_numpy()
                    smoothed = holt_winters(values, DAY, DAY)
                methods.append(model.method_)
                maes["skseq"].append(np.abs(forecast - test).mean())
                week_back = values[-WEEK : -WEEK + DAY]
                maes["week back"].append(np.abs(week_back - test).mean())
                maes["day back"].append(np.abs(values[-DAY:] - test).mean())
                maes["Holt-Winters"].append(np.abs(smoothed - test).mean())
            row = {"weeks": weeks, "day forecast": name}
            row |= {k: float(np.median(v)) for k, v in maes.items()}
            row["skseq / week back"] = row["skseq"] / row["week back"]
            row["method_ (seed 0)"] = methods[0]
            rows.append(row)
    columns = [
        "weeks",
        "day forecast",
        "skseq",
        "week back",
        "day back",
        "Holt-Winters",
        "skseq / week back",
        "method_ (seed 0)",
    ]
    print_table(rows, columns)
    ratios = [row["skseq / week back"] for row in rows]
    print(
        f"\nMedian MAE over seeds {args.seeds}; geometric mean of skseq / week "
        f"back: {np.exp(np.mean(np.log(ratios))):.3f}; "
        f"total {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
