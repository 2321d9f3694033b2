"""Forecast accuracy of SequenceForecaster's defaults against classical methods.

Eight public series: the seven of ``shared/data/forecasting/`` (see its
README.md for step, season and suggested horizon) and airline passengers
(``shared/data/airline.csv``). Per series, the last H points (the README's
suggested horizon) are held out and forecast at once from the rest; errors are
MAE and MASE (MAE over the in-sample MAE of the seasonal naive forecast, or of
the naive forecast for a series without a season).

Contenders on the same split:

- skseq: ``SequenceForecaster(horizon=H, random_state=seed)``, everything else
  default, for each seed: median MAE and MASE over the seeds, spread (largest
  / smallest MAE) and median seconds per fit + predict. It gets the series with
  its time index (periods for months, quarters and years; half-hours for
  taylor), from which it takes its season and window (two seasons or three
  horizons as W, shortened on a short series to leave ten training windows
  per step: wineind 13, airline 11, nile 7 at the last origin).
  Its default forecast (``method="auto"``, i.e. ``"network+linear"``) is the
  mean of the network's and of each ridge's that forecast the held-out
  windows not clearly worse than the best of them (the network's error
  there raised by ``_methods.NETWORK_OPTIMISM``); "network alone" is the
  same fit forecasting with ``method="network"``, "linear alone" a fit with
  ``method="linear"`` (the ridges judged among themselves).
- naive (last value) and seasonal naive (the value one season earlier);
- Ridge: one multi-output Ridge predicting all H steps from the same lag
  windows of length W (raw values, lags standardised), alpha by RidgeCV
  (efficient leave-one-out) over 1e-3 .. 1e3;
- Holt-Winters: statsmodels ``ExponentialSmoothing`` with a damped additive
  trend and an additive season, fitted on the training part.

Seasons: the README's. taylor (half-hourly) uses the weekly 336: Holt-Winters
fits it in ~2 s, and the daily 48 cannot tell the held-out Sunday from a
Saturday (Holt-Winters MAE 6525 with 48, 333 with 336). sunspots uses its
~11-year cycle, 132 months, though it is no fixed season.

The window rule is :func:`window_length`. :func:`evaluate` runs any forecaster
factory through the same protocol, to compare other settings with these.

One split is one draw: a forecast of H points from one origin, whose ranking
of the contenders can turn on a single unusual season (realgdp's held-out
recession). ``--origins K`` repeats the protocol from K origins, the last H
points and K - 1 earlier ones H apart (each series cut before them; an
origin counts when the Ridge window still reads a horizon), and reports per
series the geometric mean over origins of skseq's MAE over each baseline's,
with the origins where skseq wins.

``--positions`` gives skseq the series indexed by their positions (a
RangeIndex: no calendar to read a season from) and the window W, as the
held-out evaluation of the forecasting issue did.

Run: ``.venv/bin/python benchmarks/forecast_accuracy.py [--seeds 0 1 2 3 4]
[--series airline wineind] [--origins 5] [--positions] [--quick]
[--data DIR]``. The full run took 84 min on two busy cores: taylor ~9 min
per fit and sunspots ~5.5 (thousands of windows, 100 epochs each), the rest
seconds; ``--quick`` trains 3 epochs, a smoke test (under a minute without
taylor and sunspots).
"""

import argparse
import dataclasses
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.base import clone
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skseq import SequenceForecaster

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SERIES = {  # name: (file under DATA, season or None, horizon)
    "wineind": ("forecasting/wineind.csv", 12, 12),
    "woolyrnq": ("forecasting/woolyrnq.csv", 4, 8),
    "taylor": ("forecasting/taylor.csv", 336, 48),
    "sunspots": ("forecasting/sunspots_monthly.csv", 132, 24),
    "nile": ("forecasting/nile.csv", None, 10),
    "co2": ("forecasting/co2.csv", 12, 24),
    "realgdp": ("forecasting/realgdp.csv", None, 8),
    "airline": ("airline.csv", 12, 12),
}
SEEDS = (0, 1, 2, 3, 4)
MAX_WINDOW = 96
MIN_WINDOWS = 50


def window_length(n_train, horizon, season):
    """The window W of a series: two seasons, else three horizons, capped.

    Two seasons let the network (and Ridge) see the seasonal pattern twice.
    W is capped at MAX_WINDOW steps (an epoch costs linearly more with W: taylor
    at W=672 took 33 s per epoch against 5 s at 96, for 100 epochs per fit) and
    so that at least MIN_WINDOWS training windows remain; a season too long for
    that (taylor's week, sunspots' cycle) or no season gives 3 * horizon
    within the same caps.
    """
    longest = min(MAX_WINDOW, n_train - horizon - MIN_WINDOWS + 1)
    if season and 2 * season <= longest:
        return 2 * season
    return min(3 * horizon, longest)


def _time_index(stamps):
    """The series' time stamps: periods for months, quarters and years."""
    first = stamps.iloc[0]
    if "Q" in first:
        return pd.PeriodIndex(stamps, freq="Q")
    if len(first) == 4:
        return pd.PeriodIndex(stamps, freq="Y")
    if len(first) == 7:
        return pd.PeriodIndex(stamps, freq="M")
    return pd.DatetimeIndex(pd.to_datetime(stamps), freq="infer")


def load_panel(data=DATA, names=None, positions=False):
    """The series as dicts: name, values (float64), index, season, horizon.

    ``positions``: indexed by their positions (a RangeIndex), not by time.
    """
    panel = []
    for name in names or SERIES:
        path, season, horizon = SERIES[name]
        frame = pd.read_csv(Path(data) / path)
        values = frame.iloc[:, 1].to_numpy(np.float64)
        panel.append(
            dict(
                name=name,
                values=values,
                index=pd.RangeIndex(len(values))
                if positions
                else _time_index(frame.iloc[:, 0].astype(str)),
                season=season,
                horizon=horizon,
            )
        )
    return panel


def earlier(series, back):
    """``series`` cut ``back`` horizons before its end: an earlier origin."""
    cut = len(series["values"]) - back * series["horizon"]
    return dict(series, values=series["values"][:cut], index=series["index"][:cut])


def origins(series, count):
    """The series at up to ``count`` origins (latest first) with a Ridge window.

    An origin counts when :func:`window_length` still reads a horizon.
    """
    cuts = [earlier(series, back) for back in range(count)]
    return [cut for cut in cuts if split(cut)[2] >= series["horizon"]]


def split(series):
    """Training part, held-out part, window length and MASE scale."""
    values, season, horizon = series["values"], series["season"], series["horizon"]
    train, test = values[:-horizon], values[-horizon:]
    lag = season or 1
    scale = np.abs(train[lag:] - train[:-lag]).mean()
    return train, test, window_length(len(train), horizon, season), scale


def caught(function):
    """Run ``function()``: its result, seconds and the warnings it raised."""
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always")
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
    return result, seconds, {f"{w.category.__name__}: {w.message}" for w in raised}


# --------------------------------------------------------------- contenders


def default_forecaster(window_length, horizon, seed):
    # the defaults choose the window (and season) from the time index
    return SequenceForecaster(horizon=horizon, random_state=seed)


def positional_forecaster(window_length, horizon, seed):
    # the window given, as a user who fixes it would (--positions)
    return SequenceForecaster(
        window_length=window_length, horizon=horizon, random_state=seed
    )


def quick_forecaster(window_length, horizon, seed):
    return SequenceForecaster(horizon=horizon, max_epochs=3, random_state=seed)


def forecast_with(model, **fields):
    """What the fitted ``model`` forecasts with ``fields`` of its fit replaced.

    The fields of its ``FittedForecaster`` (``method``, ``ridges``...) are
    replaced for this forecast only.
    """
    fitted = model._fitted
    model._fitted = dataclasses.replace(fitted, **fields)
    try:
        return np.asarray(model.predict(), dtype=float)
    finally:
        model._fitted = fitted


def alone(model, y, method):
    """The forecast of ``method="network"`` or ``"linear"`` next to ``model``'s.

    The network trains the same whatever the method, so the fitted model
    shows what its network alone forecasts. The ridges do not depend on the
    network: a one-epoch fit with ``method="linear"`` has the same ones.
    """
    if method == "network":
        return forecast_with(model, method=("network",))
    linear = clone(model).set_params(method="linear", max_epochs=1).fit(y)
    return np.asarray(linear.predict(), dtype=float)


def evaluate(make_forecaster, seeds=SEEDS, panel=None, methods=()):
    """Forecast each series with ``make_forecaster(W, H, seed)``, for each seed.

    ``make_forecaster`` returns an unfitted forecaster with ``fit(y)`` and
    ``predict()`` (the next H steps), as SequenceForecaster. Returns one dict
    per series: series, n, W, H, and per seed (in the order of ``seeds``)
    mae, mase, seconds (fit + predict), plus the set of warnings raised;
    ``methods`` adds the MAE of the same fit forecasting with each of those
    (``mae <method>``).
    """
    results = []
    for series in panel or load_panel():
        train, test, window, scale = split(series)
        horizon = series["horizon"]
        result = dict(
            series=series["name"],
            n=len(series["values"]),
            W=window,
            H=horizon,
            mae=[],
            mase=[],
            **{f"mae {method}": [] for method in methods},
            seconds=[],
            warnings=set(),
        )
        for seed in seeds:
            model = make_forecaster(window, horizon, seed)
            y = pd.Series(train, index=series["index"][: len(train)])
            forecast, seconds, raised = caught(
                lambda model=model, y=y: model.fit(y).predict()
            )
            mae = float(np.abs(np.asarray(forecast, dtype=float) - test).mean())
            result["mae"].append(mae)
            result["mase"].append(mae / scale)
            result["seconds"].append(seconds)
            result["warnings"] |= raised
            for method in methods:
                other = np.abs(alone(model, y, method) - test).mean()
                result[f"mae {method}"].append(float(other))
            print(
                f"{series['name']} seed {seed}: MAE {mae:.4g}, {seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        results.append(result)
    return results


def naive(train, horizon, season):
    return np.full(horizon, train[-1])


def seasonal_naive(train, horizon, season):
    steps = np.arange(1, horizon + 1)  # step h repeats the last season's value
    return train[len(train) - 1 + steps - season * np.ceil(steps / season).astype(int)]


def ridge(train, horizon, window):
    pairs = sliding_window_view(train, window + horizon)
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=np.logspace(-3, 3, 7)))
    model.fit(pairs[:, :window], pairs[:, window:])
    return model.predict(train[None, -window:])[0]


def holt_winters(train, horizon, season):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    model = ExponentialSmoothing(
        train,
        trend="add",
        damped_trend=True,
        seasonal="add" if season else None,
        seasonal_periods=season,
    )
    return model.fit().forecast(horizon)


def baselines(series):
    """MAE of each baseline on the split of ``series``, and their warnings."""
    train, test, window, _ = split(series)
    season, horizon = series["season"], series["horizon"]
    forecasts = {"naive": naive(train, horizon, season)}
    if season:
        forecasts["seasonal naive"] = seasonal_naive(train, horizon, season)
    forecasts["Ridge"] = ridge(train, horizon, window)
    forecasts["Holt-Winters"], _, raised = caught(
        lambda: holt_winters(train, horizon, season)
    )
    maes = {name: float(np.abs(f - test).mean()) for name, f in forecasts.items()}
    return maes, raised


# -------------------------------------------------------------------- report


def number(value):
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


def rolling(factory, seeds, panel, count):
    """Print skseq's MAE over each baseline's from up to ``count`` origins."""
    names = ["naive", "seasonal naive", "Ridge", "Holt-Winters"]
    rows, ratios = [], {name: [] for name in names}
    for series in panel:
        cuts = origins(series, count)
        results = evaluate(factory, seeds, cuts)
        mine = np.array([np.median(result["mae"]) for result in results])
        theirs = [baselines(cut)[0] for cut in cuts]
        simple = np.array([min(m[k] for k in m if k != "Holt-Winters") for m in theirs])
        hw = np.array([m["Holt-Winters"] for m in theirs])
        row = {"series": series["name"], "origins": len(cuts)}
        for name in names:
            if name in theirs[0]:
                log_ratio = np.log(mine / [m[name] for m in theirs])
                ratios[name] += list(log_ratio)
                row[f"/ {name}"] = f"{np.exp(log_ratio.mean()):.3f}"
        spread = max(max(r["mae"]) / min(r["mae"]) for r in results)
        row["wins best simple"] = int((mine < simple).sum())
        row["wins Holt-Winters"] = int((mine < hw).sum())
        row["worst seed spread"] = f"{spread:.2f}"
        rows.append(row)
    total = {"series": "all (geometric mean)"}
    total["origins"] = sum(row["origins"] for row in rows)
    for name in names:
        total[f"/ {name}"] = f"{np.exp(np.mean(ratios[name])):.3f}"
    for key in ("wins best simple", "wins Holt-Winters"):
        total[key] = sum(row[key] for row in rows)
    columns = ["series", "origins"] + [f"/ {name}" for name in names]
    columns += ["wins best simple", "wins Holt-Winters", "worst seed spread"]
    print_table(rows + [total], columns)
    print(
        f"\nskseq's median MAE over seeds {seeds} divided by each baseline's, "
        f"geometric mean over origins (below 1: skseq better); wins: origins where "
        f"skseq's MAE is lower than the best of naive / seasonal naive / Ridge, "
        f"and than Holt-Winters."
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--series", nargs="+", choices=list(SERIES), default=None)
    parser.add_argument("--quick", action="store_true", help="3 epochs per fit")
    parser.add_argument("--origins", type=int, default=1, help="forecast origins")
    parser.add_argument(
        "--positions",
        action="store_true",
        help="series indexed by positions (no calendar), the window W given",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    start = time.perf_counter()
    panel = load_panel(args.data, args.series, args.positions)
    factory = quick_forecaster if args.quick else default_forecaster
    factory = positional_forecaster if args.positions else factory
    if args.origins > 1:
        rolling(factory, args.seeds, panel, args.origins)
        print(f"total {time.perf_counter() - start:.0f} s")
        return
    results = evaluate(factory, args.seeds, panel, methods=("network", "linear"))
    rows, notes = [], []
    beats_simple = beats_hw = 0
    for series, result in zip(panel, results, strict=True):
        maes, raised = baselines(series)
        mae = float(np.median(result["mae"]))
        spread = max(result["mae"]) / min(result["mae"])
        simple = min(v for k, v in maes.items() if k != "Holt-Winters")
        beats_simple += mae < simple
        beats_hw += mae < maes["Holt-Winters"]
        rows.append(
            {
                "series": result["series"],
                "n": result["n"],
                "W": result["W"],
                "H": result["H"],
                "skseq MAE": number(mae),
                "skseq MASE": f"{np.median(result['mase']):.3g}",
                "seed spread": f"{spread:.2f}",
                "s / fit": f"{np.median(result['seconds']):.1f}",
                "network alone": number(np.median(result["mae network"])),
                "linear alone": number(np.median(result["mae linear"])),
                **{name: number(value) for name, value in maes.items()},
                "best baseline": min(maes, key=maes.get),
            }
        )
        notes += [f"{result['series']} skseq: {w}" for w in sorted(result["warnings"])]
        notes += [f"{result['series']} Holt-Winters: {w}" for w in sorted(raised)]
    columns = ["series", "n", "W", "H", "skseq MAE", "skseq MASE", "seed spread"]
    columns += ["s / fit", "network alone", "linear alone"]
    columns += ["naive", "seasonal naive", "Ridge", "Holt-Winters"]
    print_table(rows, columns + ["best baseline"])
    worst = max(rows, key=lambda row: float(row["seed spread"]))
    what = "3-epoch fits (--quick)" if args.quick else "defaults"
    print(
        f"\nskseq {what}, median MAE over seeds {args.seeds}; baselines: MAE."
        f"\nskseq beats the best of naive / seasonal naive / Ridge on "
        f"{beats_simple} of {len(rows)} series, Holt-Winters on {beats_hw} of "
        f"{len(rows)}; worst seed spread {worst['seed spread']} ({worst['series']})."
    )
    for note in notes:
        print(f"warning: {note}")
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
