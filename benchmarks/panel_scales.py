"""A global model over series of different scales (SequenceForecaster panels).

One model fitted on a panel reads every series through the same ridges and
network; each series is divided by its own unit first (``_units``). Two
measurements:

- invariance: airline passengers (last 12 months held out) in a panel with a
  copy of themselves k times larger; the MAE of the unscaled series, which
  is the same for every k when the series are read in their own units;
- the eleven quarterly US macroeconomic series of statsmodels' macrodata
  (mean absolute changes of 0.24 to 65) as one panel, horizon 6, three
  origins 6 quarters apart: skseq's MAE over the naive forecast's, per series
  and as a geometric mean, median over seeds.

Run: ``.venv/bin/python benchmarks/panel_scales.py [--seeds 0 1 2]``; needs
statsmodels (``pip install -e .[bench]``).
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table
from short_series import MACRO

from skseq import SequenceForecaster
from skseq.datasets import load_airline

HORIZON = 6
ORIGINS = 3


def invariance(ratios, seed):
    """MAE of airline's last year next to a copy ``k`` times larger."""
    y, h = load_airline(), 12
    rows = []
    for k in ratios:
        panel = {"airline": y[:-h], "larger": y[:-h] * k}
        forecast = SequenceForecaster(horizon=h, random_state=seed).fit(panel).predict()
        mae = np.abs(forecast["airline"].to_numpy() - y[-h:].to_numpy()).mean()
        rows.append({"copy k times larger": k, "airline MAE": float(mae)})
    return rows


def macro_panel(seeds):
    """skseq's MAE over the naive forecast's on the macro panel, per series."""
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range("1959Q1", periods=len(data), freq="Q")
    ratios = {name: [] for name in MACRO}
    for back in range(ORIGINS):
        end = len(data) - back * HORIZON
        cut = end - HORIZON
        train = {
            n: pd.Series(data[n].to_numpy(float)[:cut], index[:cut]) for n in MACRO
        }
        test = {n: data[n].to_numpy(float)[cut:end] for n in MACRO}
        per_seed = {name: [] for name in MACRO}
        for seed in seeds:
            model = SequenceForecaster(horizon=HORIZON, random_state=seed)
            forecast = model.fit(train).predict()
            for name in MACRO:
                error = np.abs(forecast[name].to_numpy() - test[name]).mean()
                naive = np.abs(train[name].iloc[-1] - test[name]).mean()
                per_seed[name].append(error / naive)
        for name in MACRO:
            ratios[name].append(float(np.median(per_seed[name])))
    rows = [
        {"series": name, "/ naive": float(np.exp(np.mean(np.log(r))))}
        for name, r in ratios.items()
    ]
    every = np.concatenate([np.log(r) for r in ratios.values()])
    rows.append({"series": "geometric mean", "/ naive": float(np.exp(every.mean()))})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    warnings.simplefilter("ignore")  # statsmodels' and short fits' warnings
    print(machine())
    start = time.perf_counter()
    print_table(
        invariance([1, 2, 5, 100], args.seeds[0]),
        ["copy k times larger", "airline MAE"],
    )
    print()
    print_table(macro_panel(args.seeds), ["series", "/ naive"])
    print(f"\nseeds {args.seeds}; total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
