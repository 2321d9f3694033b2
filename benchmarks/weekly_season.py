"""Weekly series: the year read only where the series repeats it.

A weekly index names a season of 52 steps, too long for phase indicators:
where the series allows, the default window reads it whole and the seasonal
naive forecast joins the candidates. Since 2026-12-06 ``season="auto"``
keeps it only where the values a year back forecast the series, in sample,
with at most ``_phases.REPEATS`` of the error of the last value
(``_phases.repeats_season``). This script compares the defaults with the
season given (``season=52``, read as given: what "auto" did before) on:

- simulated weekly series without a yearly cycle (random walks with and
  without drift, AR(1) at 0.8, white noise, a random walk with unannounced
  promotion spikes), 130 and 260 weeks, horizon 8, data seeds ``--seeds``;
- weekly demand driven by promotions that are given as future covariates
  (a random walk plus 10 in promotion weeks), 124 weeks, horizon 4;
- weekly Mauna Loa CO2 (statsmodels; a yearly cycle): the ratio the rule
  reads at the cuts of ``short_series.py --weekly`` (where it keeps the
  year, the forecasts are those of ``season=52``).

Model seed 0; MAE of the last horizon, geometric means of the ratios.

Run: ``.venv/bin/python benchmarks/weekly_season.py [--seeds 0 1 2 3 4 5 6 7]``
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from _common import machine, print_table

from skseq import SequenceForecaster
from skseq.forecasting._phases import REPEATS, repeats_season
from skseq.utils._series import check_series

KINDS = ("random walk", "with drift", "AR(1)", "noise", "spikes")


def simulated(kind, length, seed):
    rng = np.random.default_rng(100 + seed)
    e = rng.normal(size=length)
    if kind == "random walk":
        return 50 + e.cumsum()
    if kind == "with drift":
        return 50 + (e + 0.3).cumsum()
    if kind == "noise":
        return 50 + e
    if kind == "spikes":
        spikes = 10 * (rng.random(length) < 0.3)
        return 50 + np.cumsum(0.5 * e) + spikes + rng.normal(size=length)
    values = np.zeros(length)
    for t in range(1, length):
        values[t] = 0.8 * values[t - 1] + e[t]
    return 50 + values


def mae(model, y, test, X=None, future=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(y, X=X)
        forecast = model.predict(X=future)
    return float(np.abs(np.asarray(forecast, dtype=float).ravel() - test).mean())


def compare(y, test, horizon, X=None, future=None, **options):
    """MAE of the defaults and of season=52, and the defaults' window."""
    default = SequenceForecaster(horizon=horizon, random_state=0, **options)
    given = SequenceForecaster(horizon=horizon, season=52, random_state=0, **options)
    errors = mae(default, y, test, X, future), mae(given, y, test, X, future)
    return (*errors, default.window_length_)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(8)))
    args = parser.parse_args()
    print(machine())
    rows, horizon = [], 8
    for kind in KINDS:
        for length in (130, 260):
            ratios, naive, windows = [], [], set()
            for seed in args.seeds:
                values = simulated(kind, length, seed)
                index = pd.date_range("2015-01-04", periods=length, freq="W-SUN")
                y = pd.Series(values[:-horizon], index[:-horizon])
                test = values[-horizon:]
                default, given, window = compare(y, test, horizon)
                ratios.append(default / given)
                last = np.abs(values[-horizon - 1] - test).mean()
                naive.append((default, given, last))
                windows.add(window)
            naive = np.array(naive)
            rows.append(
                {
                    "series": kind,
                    "weeks": length,
                    "n": len(ratios),
                    "defaults / season=52": float(np.exp(np.mean(np.log(ratios)))),
                    "defaults / naive": float(
                        np.exp(np.mean(np.log(naive[:, 0] / naive[:, 2])))
                    ),
                    "season=52 / naive": float(
                        np.exp(np.mean(np.log(naive[:, 1] / naive[:, 2])))
                    ),
                    "window": "/".join(map(str, sorted(windows))),
                }
            )
            print(f"finished {kind} {length}", flush=True)
    ratios = []
    for seed in args.seeds:
        rng = np.random.default_rng(seed)
        n, h = 120, 4
        promo = (rng.random(n + h) < 0.3).astype(float)
        values = 50 + np.cumsum(rng.normal(0, 0.5, n + h)) + 10 * promo
        values += rng.normal(0, 1, n + h)
        index = pd.date_range("2020-01-06", periods=n + h, freq="W-MON")
        X = pd.DataFrame({"promo": promo}, index)
        y = pd.Series(values[:n], index[:n], name="sales")
        future = dict(future_covariates=["promo"])
        default, given, _ = compare(y, values[n:], h, X[:n], X[n:], **future)
        ratios.append(default / given)
    rows.append(
        {
            "series": "promotions (future covariate)",
            "weeks": 124,
            "n": len(ratios),
            "defaults / season=52": float(np.exp(np.mean(np.log(ratios)))),
        }
    )
    columns = ["series", "weeks", "n", "defaults / season=52"]
    columns += ["defaults / naive", "season=52 / naive", "window"]
    print_table(rows, columns)
    try:
        import statsmodels.api as sm
    except ImportError:  # benchmark extra
        return
    co2 = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    co2.index.freq = "W-SAT"
    kept = total = 0
    for length in (110, 120, 140, 160, 260, 400):
        for back in range(5):
            end = len(co2) - back * 16
            train = co2.iloc[end - length : end - 8].rename("co2")
            kept += repeats_season([check_series(train)], 52, ["co2"], 8)
            total += 1
    print(f"\nweekly CO2: the year kept at {kept} of {total} cuts (REPEATS={REPEATS})")


if __name__ == "__main__":
    main()
