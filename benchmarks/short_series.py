"""Forecast accuracy of SequenceForecaster's defaults on short series.

Users fit forecasters on series of a few dozen steps: yearly or quarterly
figures of a decade or two. There a window model has few overlapping windows
to learn from, and the forecasts users compare it with (the last value, the
last value plus the average change, damped Holt-Winters) are hard to beat.

Series: eleven quarterly US macroeconomic series (statsmodels' macrodata, 203
quarters: real GDP, consumption, investment, government spending, disposable
income, CPI, M1, T-bill rate, unemployment, inflation, real interest rate),
yearly sunspot numbers (309 years) and the Nile's yearly flow (100 years), none
seasonal, given without a calendar (a RangeIndex); and the four seasonal
series of the forecasting panel (wineind, woolyrnq, co2, airline) with their
time index. Each series is cut to its last L steps before each of five origins
(2H apart); the last H steps of a cut are forecast from the L - H before them
(H = 6 for the non-seasonal series, the panel's horizon up to 8 for the
seasonal ones).

``--calendar``: the non-seasonal series with their calendar (quarters for the
macroeconomic series, years for sunspots and the Nile) and the monthly sunspot
numbers (a monthly index, no season), where a season the time stamps name
can be found in noise.

``--weekly``: Mauna Loa CO2 in weeks (statsmodels, gaps interpolated), whose
yearly cycle is no whole number of weeks, H = 8, with its time index.

``--ridges``: the default's linear part instead of the default (a fit with
``method="linear"``, whose ridges have no seed), next to each ridge alone
(one per window normalisation), on the cuts where the held-out windows keep
all four: which normalisation forecasts a kind of series best, and whether
their mean is far from it.

``--parts``: next to the default, what the same fit forecasts with its
network alone and without it (the ridges, and the seasonal naive forecast
where the default has it; the network where it is the whole default).

``--daily``: series of hours and half-hours instead, whose daily season (24
or 48 steps) no phase indicators carry: half-hourly electricity demand
(taylor) and six NAB series with a daily cycle (road occupancy and speed at
two sensors, a load balancer's request count, an EC2 instance's CPU), each
averaged to hours and to half-hours, H = 24, with their time index.

``--set NAME=VALUE`` (repeatable): a parameter of the default changed
(``--set loss=huber --set hidden_size=32``; the value read as a Python
literal, else as a string), to measure a setting on the same cuts. The
benchmark sets ``horizon`` and ``random_state`` itself, ``window_length``
with ``--given`` and ``method`` and ``max_epochs`` with ``--ridges`` (where
only what shapes the ridges matters: the window, the season, the
transform), so those are refused there.

Contenders on the same cuts: skseq's defaults (``SequenceForecaster(horizon=H,
random_state=seed)``; median MAE over the seeds), the naive forecast, the
seasonal naive one (seasonal series), the drift forecast (the last value plus
the mean change of the cut), the forecasting benchmark's Ridge (one
multi-output ridge on the raw window of ``--given``'s length) and damped
additive Holt-Winters (statsmodels ``ExponentialSmoothing``, seasonal for the
seasonal series when the cut holds two seasons). Reported per group and
length: skseq's MAE over each baseline's (geometric mean over series and
origins), wins over the best of naive, seasonal naive and Ridge on each cut
(the forecasting issue's first target) and over Holt-Winters, the worst seed
spread.

Run: ``.venv/bin/python benchmarks/short_series.py [--lengths 40 60 80 120]
[--seeds 0 1 2] [--given] [--calendar] [--weekly] [--daily] [--ridges]
[--parts] [--set NAME=VALUE ...]``
(statsmodels: ``pip install -e .[bench]``), ~5 min (``--daily --lengths 120
200 289 400``: ~15 min; ``--ridges`` 1-2 min).
"""

import argparse
import ast
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table
from forecast_accuracy import (
    DATA,
    forecast_with,
    holt_winters,
    load_panel,
    ridge,
    seasonal_naive,
)

from skseq import SequenceForecaster
from skseq.forecasting._fitting import NORMALIZATIONS_TRIED as NORMALIZATIONS

MACRO = [
    "realgdp",
    "realcons",
    "realinv",
    "realgovt",
    "realdpi",
    "cpi",
    "m1",
    "tbilrate",
    "unemp",
    "infl",
    "realint",
]
SEASONAL = ["wineind", "woolyrnq", "co2", "airline"]
# the baselines of the forecasting issue's first target, the best of them per cut
SIMPLE = ("naive", "seasonal naive", "Ridge")
ORIGINS = 5
# NAB series with a daily cycle (--daily)
DAILY = [
    "realTraffic/occupancy_6005.csv",
    "realTraffic/occupancy_t4013.csv",
    "realTraffic/speed_6005.csv",
    "realTraffic/speed_t4013.csv",
    "realAWSCloudwatch/elb_request_count_8c0756.csv",
    "realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv",
]
# steps per day of each group of --daily
DAY = {"hourly": ("h", 24), "half-hourly": ("30min", 48)}


def load_series(calendar=False):
    """The series as dicts: name, group, values, index, season, horizon.

    ``calendar``: the non-seasonal series indexed by their time stamps, and
    the monthly sunspot numbers with them.
    """
    import statsmodels.api as sm

    macro = sm.datasets.macrodata.load_pandas().data
    plain = {name: macro[name].to_numpy(np.float64) for name in MACRO}
    sunspots = sm.datasets.sunspots.load_pandas().data["SUNACTIVITY"]
    plain["sunspots yearly"] = sunspots.to_numpy(np.float64)
    plain["nile"] = sm.datasets.nile.load_pandas().data["volume"].to_numpy(np.float64)
    starts = dict.fromkeys(MACRO, "1959Q1")
    starts |= {"sunspots yearly": "1700", "nile": "1871"}
    series = []
    for name, values in plain.items():
        freq = "Y" if starts[name].isdigit() else "Q"
        index = pd.period_range(starts[name], periods=len(values), freq=freq)
        index = index if calendar else None
        series.append(dict(name=name, group="non-seasonal", values=values, index=index))
    if calendar:
        monthly = pd.read_csv(DATA / "forecasting" / "sunspots_monthly.csv")
        index = pd.PeriodIndex(monthly["month"], freq="M")
        values = monthly["value"].to_numpy(np.float64)
        series.append(
            dict(name="sunspots", group="non-seasonal", values=values, index=index)
        )
    series = [dict(one, season=None) for one in series]
    series = [dict(one, horizon=6) for one in series]
    for one in load_panel(names=SEASONAL):
        horizon = min(one["horizon"], 8)
        series.append(dict(one, group="seasonal", horizon=horizon))
    return series


def load_weekly():
    """Weekly CO2 (gaps interpolated), horizon 8."""
    import statsmodels.api as sm

    co2 = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    co2.index.freq = "W-SAT"
    values = co2.to_numpy(np.float64)
    one = dict(name="co2 weekly", group="weekly", values=values, index=co2.index)
    return [dict(one, season=52, horizon=8)]


def load_daily(data=DATA):
    """Hourly and half-hourly series (means over each step), horizon 24."""
    taylor = load_panel(data, names=["taylor"])[0]
    raw = {"taylor": pd.Series(taylor["values"], index=taylor["index"])}
    for path in DAILY:
        frame = pd.read_csv(data / "nab" / path, parse_dates=["timestamp"])
        raw[path.split("/")[1][:-4]] = frame.set_index("timestamp")["value"]
    series = []
    for group, (step, season) in DAY.items():
        for name, values in raw.items():
            # NAB's stamps are irregular: means per step, gaps interpolated
            regular = values.resample(step).mean().interpolate()
            regular.index.freq = step
            series.append(
                dict(
                    name=name,
                    group=group,
                    values=regular.to_numpy(np.float64),
                    index=regular.index,
                    season=season,
                    horizon=24,
                )
            )
    return series


def cuts(one, length):
    """The series' last ``length`` steps before each origin, 2H apart."""
    values, horizon = one["values"], one["horizon"]
    for back in range(ORIGINS):
        end = len(values) - back * 2 * horizon
        if end - length < 0:
            return
        index = one["index"]
        index = pd.RangeIndex(length) if index is None else index[end - length : end]
        yield values[end - length : end], index


def mae(forecast, test):
    """Mean absolute error of ``forecast`` on ``test``."""
    return float(np.abs(forecast - test).mean())


def baselines(train, test, horizon, season):
    """MAE of each baseline forecast of ``test`` from ``train``."""
    steps = np.arange(1, horizon + 1)
    forecasts = {
        "naive": np.full(horizon, train[-1]),
        "drift": train[-1] + (train[-1] - train[0]) / (len(train) - 1) * steps,
    }
    if season:
        forecasts["seasonal naive"] = seasonal_naive(train, horizon, season)
    # the forecasting benchmark's Ridge on the window a user would give
    window = given_window(len(train), horizon, season)
    forecasts["Ridge"] = ridge(train, horizon, window)
    fits_season = season if season and len(train) >= 2 * season + 2 else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' convergence warnings
        forecasts["Holt-Winters"] = holt_winters(train, horizon, fits_season)
    return {name: mae(f, test) for name, f in forecasts.items()}


def given_window(n_train, horizon, season):
    """Two seasons, else three horizons, within half the windows of the cut."""
    longest = (n_train - horizon) // 2
    if season and 2 * season <= longest:
        return 2 * season
    return min(3 * horizon, longest)


def each_ridge(model, test):
    """MAE of each ridge of the fitted ``model`` alone, by its normalisation."""
    return {
        f"ridge {ridge.scaler.normalize}": mae(
            forecast_with(model, ridges=(ridge,)), test
        )
        for ridge in model._fitted.ridges
    }


def network_parts(model, test):
    """MAE of the fitted default's network alone and of the default without it.

    A default that is the network alone (no ridge kept) counts as its own
    "without network" forecast.
    """
    rest = tuple(name for name in model._fitted.method if name != "network")
    return {
        "network": mae(forecast_with(model, method=("network",)), test),
        "without network": mae(forecast_with(model, method=rest or ("network",)), test),
    }


def evaluate(
    series, length, seeds, given=False, ridges=False, parts=False, params=None
):
    """One row per (series, origin): skseq's MAEs over the seeds, baselines'.

    ``given``: a window given to skseq, as a user who fixes it would, instead
    of its own (:func:`given_window`). ``ridges``: the linear part of the
    default (one fit, no seed) and each of its ridges alone. ``parts``: per
    seed, the default's network alone and the default without it.
    ``params``: parameters set on every forecaster (``--set``).
    """
    if ridges and parts:
        raise ValueError("ridges fits the ridges alone, without the default's parts")
    rows = []
    for one in series:
        horizon = one["horizon"]
        for values, index in cuts(one, length):
            train, test = values[:-horizon], values[-horizon:]
            y = pd.Series(train, index=index[:-horizon])
            maes, alone = [], {}
            for seed in seeds[:1] if ridges else seeds:
                model = SequenceForecaster(horizon=horizon, random_state=seed)
                model.set_params(**(params or {}))
                if ridges:
                    model.set_params(method="linear", max_epochs=1)
                if given:
                    window = given_window(len(train), horizon, one["season"])
                    model.set_params(window_length=window)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    forecast = np.asarray(model.fit(y).predict(), dtype=float)
                maes.append(mae(forecast, test))
                if ridges:
                    alone = each_ridge(model, test)
                elif parts:
                    for name, error in network_parts(model, test).items():
                        alone.setdefault(name, []).append(error)
            base = baselines(train, test, horizon, one["season"])
            row = dict(group=one["group"], series=one["name"], maes=maes, **base)
            rows.append(dict(row, **alone))
    return rows


def parse_setting(text):
    """``"NAME=VALUE"`` as ``(NAME, VALUE)``, the value a Python literal if it is one.

    >>> parse_setting("hidden_size=32"), parse_setting("loss=huber")
    (('hidden_size', 32), ('loss', 'huber'))
    """
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError, TypeError):
        return name, value


def summary(rows, length):
    """Geometric-mean ratios of skseq's median MAE over each baseline's."""
    table = []
    for group in ("non-seasonal", "seasonal", "weekly", *DAY):
        mine = [r for r in rows if r["group"] == group]
        if not mine:
            continue
        skseq = np.array([np.median(r["maes"]) for r in mine])
        row = {"group": group, "L": length, "cuts": len(mine)}
        for name in ("naive", "seasonal naive", "drift", "Ridge", "Holt-Winters"):
            if name in mine[0]:
                ratio = np.exp(np.mean(np.log(skseq / [r[name] for r in mine])))
                row[f"/ {name}"] = f"{ratio:.3f}"
        hw = np.array([r["Holt-Winters"] for r in mine])
        for name in ("network", "without network"):
            if name in mine[0]:
                part = np.array([np.median(r[name]) for r in mine])
                ratio = np.exp(np.mean(np.log(part / hw)))
                row[f"{name} / Holt-Winters"] = f"{ratio:.3f}"
        row["wins Holt-Winters"] = f"{int((skseq < hw).sum())} of {len(mine)}"
        simple = [min(r.get(n, np.inf) for n in SIMPLE) for r in mine]
        row["wins best simple"] = f"{int((skseq < simple).sum())} of {len(mine)}"
        row["Holt-Winters wins best simple"] = f"{int((hw < simple).sum())}"
        spread = max(max(r["maes"]) / min(r["maes"]) for r in mine)
        row["worst seed spread"] = f"{spread:.2f}"
        table.append(row)
    return table


def ridge_summary(rows, length):
    """The ridges' mean and each ridge over Holt-Winters' MAE (geometric mean).

    Only the cuts whose held-out windows keep every normalisation's ridge.
    """
    table = []
    for group in ("non-seasonal", "seasonal", "weekly", *DAY):
        mine = [r for r in rows if r["group"] == group]
        every = [r for r in mine if all(f"ridge {n}" in r for n in NORMALIZATIONS)]
        if not every:
            continue
        hw = np.array([r["Holt-Winters"] for r in every])
        row = {"group": group, "L": length, "cuts": f"{len(every)} of {len(mine)}"}
        parts = {"linear": [r["maes"][0] for r in every]}
        parts |= {n: [r[f"ridge {n}"] for r in every] for n in NORMALIZATIONS}
        for name, maes in parts.items():
            row[f"{name} / Holt-Winters"] = f"{np.exp(np.mean(np.log(maes / hw))):.3f}"
        table.append(row)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[40, 60, 80, 120])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--given", action="store_true", help="the benchmark's window given to skseq"
    )
    parser.add_argument(
        "--calendar", action="store_true", help="non-seasonal series with a calendar"
    )
    parser.add_argument("--weekly", action="store_true", help="weekly CO2 instead")
    parser.add_argument(
        "--daily", action="store_true", help="hourly and half-hourly series instead"
    )
    parser.add_argument(
        "--ridges", action="store_true", help="the ridges' mean and each ridge alone"
    )
    parser.add_argument(
        "--parts", action="store_true", help="the network alone, the rest without it"
    )
    parser.add_argument(
        "--set",
        type=parse_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the default changed (repeatable)",
    )
    args = parser.parse_args()
    params = dict(args.set)
    taken = {"horizon", "random_state"}
    taken |= {"window_length"} if args.given else set()
    taken |= {"method", "max_epochs"} if args.ridges else set()
    if taken & set(params):
        parser.error(f"--set {sorted(taken & set(params))}: the benchmark sets them")
    SequenceForecaster().set_params(**params)  # a misspelt name fails here
    if args.calendar and args.daily:
        parser.error("--calendar adds calendars to the series that --daily replaces")
    if args.ridges and args.parts:
        parser.error("--ridges fits the ridges alone, without the default's parts")
    torch.set_num_threads(1)
    print(machine())
    if params:
        print(f"parameters set: {params}")
    start = time.perf_counter()
    if args.daily:
        series = load_daily()
    else:
        series = load_weekly() if args.weekly else load_series(args.calendar)
    table = []
    for length in args.lengths:
        options = dict(given=args.given, ridges=args.ridges, parts=args.parts)
        rows = evaluate(series, length, args.seeds, params=params, **options)
        table += (ridge_summary if args.ridges else summary)(rows, length)
    if args.ridges:
        columns = ["group", "L", "cuts"]
        columns += [f"{n} / Holt-Winters" for n in ("linear", *NORMALIZATIONS)]
        what = "the ridges' mean (method='linear') and each ridge alone, MAE"
    else:
        columns = ["group", "L", "cuts", "/ naive", "/ seasonal naive", "/ drift"]
        columns += ["/ Ridge", "/ Holt-Winters", "wins best simple"]
        columns += ["Holt-Winters wins best simple", "wins Holt-Winters"]
        columns += ["worst seed spread"]
        if args.parts:  # after the ratio to Holt-Winters
            at = columns.index("/ Holt-Winters") + 1
            columns[at:at] = [
                "network / Holt-Winters",
                "without network / Holt-Winters",
            ]
        changed = f" with {params}" if params else ""
        what = f"skseq's defaults{changed}, median MAE over seeds {args.seeds},"
    print_table(table, columns)
    over = "damped Holt(-Winters)' MAE" if args.ridges else "each baseline's MAE"
    print(
        f"\n{what} over {over} on the same cuts (geometric mean; below 1: "
        f"skseq better).\ntotal {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
