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
  and as a geometric mean, median over seeds; next to the same defaults
  fitted on each series alone (eleven models) and damped Holt (statsmodels'
  ExponentialSmoothing, no season: the changes show none), on the same
  origins.

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
from sklearn.base import clone

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


def holt(train, horizon):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    model = ExponentialSmoothing(train, trend="add", damped_trend=True)
    return model.fit().forecast(horizon)


def macro_panel(seeds):
    """MAE over the naive forecast's on the macro panel, per series.

    skseq's global model (``"/ naive"``), one model per series (``"alone /
    naive"``) and damped Holt (``"Holt / naive"``), geometric means over the
    origins of the median over ``seeds``.
    """
    import statsmodels.api as sm

    data = sm.datasets.macrodata.load_pandas().data
    index = pd.period_range("1959Q1", periods=len(data), freq="Q")
    columns = ["/ naive", "alone / naive", "Holt / naive"]
    ratios = {name: {c: [] for c in columns} for name in MACRO}
    for back in range(ORIGINS):
        end = len(data) - back * HORIZON
        cut = end - HORIZON
        train = {
            n: pd.Series(data[n].to_numpy(float)[:cut], index[:cut]) for n in MACRO
        }
        test = {n: data[n].to_numpy(float)[cut:end] for n in MACRO}
        naive = {n: np.abs(train[n].iloc[-1] - test[n]).mean() for n in MACRO}
        per_seed = {name: {c: [] for c in columns[:2]} for name in MACRO}
        for seed in seeds:
            model = SequenceForecaster(horizon=HORIZON, random_state=seed)
            forecast = model.fit(train).predict()
            for name in MACRO:
                alone = clone(model).fit(train[name]).predict().to_numpy()
                for column, values in zip(
                    columns[:2], [forecast[name].to_numpy(), alone], strict=True
                ):
                    error = np.abs(values - test[name]).mean()
                    per_seed[name][column].append(error / naive[name])
        for name in MACRO:
            for column in columns[:2]:
                ratios[name][column].append(float(np.median(per_seed[name][column])))
            error = np.abs(holt(train[name].to_numpy(), HORIZON) - test[name]).mean()
            ratios[name]["Holt / naive"].append(error / naive[name])
    rows = [
        {"series": name, **{c: float(np.exp(np.mean(np.log(r[c])))) for c in columns}}
        for name, r in ratios.items()
    ]
    every = {
        c: np.concatenate([np.log(r[c]) for r in ratios.values()]) for c in columns
    }
    rows.append(
        {
            "series": "geometric mean",
            **{c: float(np.exp(every[c].mean())) for c in columns},
        }
    )
    return rows, columns


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
    rows, columns = macro_panel(args.seeds)
    print_table(rows, ["series", *columns])
    print(f"\nseeds {args.seeds}; total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
