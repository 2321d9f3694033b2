"""Forecasts with covariates the user gives: the defaults against baselines.

Simulated series whose future depends on a covariate, with what the user
knows of it:

- weekly demand, a random walk plus 10 in promotion weeks (30% of weeks),
  the promotions given as future covariates: 40, 60, 120 and 260 weeks;
- a monthly seasonal series whose amplitude follows a trend, plus 12 in
  promotion months (future covariates), 96 months;
- daily sales with a weekly cycle and a trend, minus 8 times an AR(1) price
  (future covariates), 200 days;
- a monthly series that follows an indicator six months later (a past
  covariate: its future is not given), 150 months.

For each: the default ``SequenceForecaster`` (``window_length="auto"``, or
the window ``--window`` gives), the same with ``_fitting.SPREAD_STEPS = 2``
("standard" ridge kept on every window: the code before 2026-12-06), the
last value (naive), and a ``RidgeCV`` from the default's window of targets
and the covariates at the forecast steps (future) or in the window (past),
one output per step. Model seed 0, data seeds ``--seeds``; MAE of the last
horizon, geometric means over the data seeds, and the ratio of the defaults
to each contender (geometric mean of the per-seed ratios).

Run: ``.venv/bin/python benchmarks/covariate_forecasts.py [--window 3]
[--seeds 0 1 2 3 4 5]``
"""

import argparse
import warnings

import numpy as np
import pandas as pd
from _common import machine, print_table
from sklearn.linear_model import RidgeCV

from skseq import SequenceForecaster
from skseq.forecasting import _fitting

CASES = {
    "weekly promotions, 40": ("promotions", 40, 4),
    "weekly promotions, 60": ("promotions", 60, 4),
    "weekly promotions, 120": ("promotions", 120, 4),
    "weekly promotions, 260": ("promotions", 260, 8),
    "monthly seasonal promotions, 96": ("seasonal", 96, 12),
    "daily price, 200": ("price", 200, 14),
    "monthly past indicator, 150": ("indicator", 150, 6),
}


def simulated(kind, n, h, seed):
    """Return values (n + h), covariates (DataFrame, n + h rows), future or not."""
    rng = np.random.default_rng(seed)
    t = np.arange(n + h)
    noise = rng.normal(size=n + h)
    if kind == "promotions":
        promo = (rng.random(n + h) < 0.3).astype(float)
        values = 50 + np.cumsum(rng.normal(0, 0.5, n + h)) + 10 * promo + noise
        index = pd.date_range("2020-01-06", periods=n + h, freq="W-MON")
        return values, pd.DataFrame({"promo": promo}, index), True
    if kind == "seasonal":
        promo = (rng.random(n + h) < 0.25).astype(float)
        level = 100 + 0.3 * t
        values = level * (1 + 0.2 * np.sin(2 * np.pi * t / 12)) + 12 * promo
        index = pd.date_range("2015-01-31", periods=n + h, freq="ME")
        return values + 3 * noise, pd.DataFrame({"promo": promo}, index), True
    if kind == "price":
        price = np.zeros(n + h)
        for i in range(1, n + h):
            price[i] = 0.9 * price[i - 1] + rng.normal()
        values = 200 + 0.2 * t - 8 * price + 10 * np.sin(2 * np.pi * t / 7)
        index = pd.date_range("2022-01-01", periods=n + h, freq="D")
        return values + 3 * noise, pd.DataFrame({"price": price}, index), True
    indicator = np.cumsum(rng.normal(size=n + h + 6))
    values = 20 + 2 * indicator[: n + h] + noise  # the indicator 6 months on
    index = pd.date_range("2010-01-31", periods=n + h, freq="ME")
    return values, pd.DataFrame({"indicator": indicator[6:]}, index), False


def ridge_forecast(values, covariates, n, h, w, future):
    """Direct RidgeCV: w targets (and covariates) -> the next h targets."""
    x = covariates.to_numpy()
    rows, targets = [], []
    for end in range(w, n - h + 1):
        side = x[end : end + h] if future else x[end - w : end]
        rows.append(np.concatenate([values[end - w : end], side.ravel()]))
        targets.append(values[end : end + h])
    model = RidgeCV(alphas=np.logspace(-3, 3, 13)).fit(rows, targets)
    side = x[n : n + h] if future else x[n - w : n]
    return model.predict([np.concatenate([values[n - w : n], side.ravel()])])[0]


def skseq_forecast(values, covariates, n, h, future, window, spread_steps):
    """The defaults' forecast and window, with SPREAD_STEPS set for the fit."""
    kept = _fitting.SPREAD_STEPS
    _fitting.SPREAD_STEPS = spread_steps
    try:
        model = SequenceForecaster(
            horizon=h,
            window_length=window,
            future_covariates=list(covariates) if future else None,
            random_state=0,
        )
        y = pd.Series(values[:n], covariates.index[:n], name="y")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(y, covariates[:n])
            forecast = model.predict(X=covariates[n:] if future else None)
    finally:
        _fitting.SPREAD_STEPS = kept
    return np.asarray(forecast, dtype=float).ravel(), model.window_length_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(6)))
    parser.add_argument("--window", default="auto")
    args = parser.parse_args()
    window = args.window if args.window == "auto" else int(args.window)
    print(machine())
    rows = []
    for name, (kind, n, h) in CASES.items():
        errors, windows = [], set()
        for seed in args.seeds:
            values, covariates, future = simulated(kind, n, h, seed)
            test = values[n:]
            # the contenders alternate within a seed
            default, w = skseq_forecast(
                values, covariates, n, h, future, window, _fitting.SPREAD_STEPS
            )
            before, _ = skseq_forecast(values, covariates, n, h, future, window, 2)
            ridge = ridge_forecast(values, covariates, n, h, w, future)
            naive = np.repeat(values[n - 1], h)
            forecasts = (default, before, naive, ridge)
            errors.append([np.abs(f - test).mean() for f in forecasts])
            windows.add(w)
        errors = np.log(np.array(errors))
        geo = np.exp(errors.mean(axis=0))
        ratios = np.exp((errors[:, :1] - errors[:, 1:]).mean(axis=0))
        rows.append(
            {
                "series": name,
                "window": "/".join(map(str, sorted(windows))),
                "skseq MAE": geo[0],
                "before MAE": geo[1],
                "naive MAE": geo[2],
                "Ridge MAE": geo[3],
                "/ before": ratios[0],
                "/ naive": ratios[1],
                "/ Ridge": ratios[2],
            }
        )
        print(f"finished {name}", flush=True)
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
