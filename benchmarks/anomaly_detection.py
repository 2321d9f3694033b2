"""Anomaly detection on the Numenta Anomaly Benchmark: event-level F1.

Data: the NAB copy in ``shared/data/nab/`` (see its README.md), four groups:
artificialWithAnomaly, artificialNoAnomaly, realAWSCloudwatch and realTraffic,
35 series of 1,127-4,730 points; ``windows.json`` gives each series' labelled
anomaly windows, ``[start, end]`` timestamps (10% of the series' length shared
among its windows, as NAB makes them).

Protocol, per series:

- The first 15% of the points (NAB's probationary period) is the training
  part: detectors are fitted on it, and alarms there are not counted.
- Each detector scores every point (higher = more anomalous) and alarms where
  its score exceeds a threshold set so that a fraction ``alpha`` (at most) of
  the training part's scores exceed it (the ``1 - alpha`` quantile, rounded
  up). The skseq detector alarms at its own calibrated false-alarm rate
  ``alpha`` instead (its conformal p-value below ``alpha``).
- Event-level scoring over the evaluated part (the other 85%): a window is
  found when at least one alarm falls inside it (timestamps in [start, end]);
  an alarm outside every window is a false alarm, and consecutive false alarms
  at most ``gap`` points apart count as one false-alarm event. ``gap`` is the
  median length (in points) of the series' windows, or 5% of the series'
  length for a series without any (NAB's window length for two anomalies, the
  median count on the real series); ``--gap`` sets a fixed number of points.
  Windows that end before the evaluated part would not count (none do).
- precision = found / (found + false-alarm events), recall = found / windows,
  F1 = 2 found / (2 found + false-alarm events + missed windows), taken as 1
  when there is nothing to find and no false alarm (a series without windows
  scores 1 without false alarms, 0 with any).

Reported: per series and per group; the headline is the real series
(realAWSCloudwatch + realTraffic, 24 series, 44 windows): precision, recall and
F1 pooled from the summed counts, and the sum of the per-series F1 (at most
24), median (min-max) over the seeds; on artificialNoAnomaly, the measured
false-alarm rate (alarms / evaluated points) against ``alpha``; seconds per
series per detector (one fit and one scoring).

Detectors (:data:`DETECTORS`, name -> ``function(train, full, seed)``
returning a function of ``alpha`` that gives a boolean alarm array over
``full``, so that one fit serves every alpha; ``train`` is the first 15% of
``full``, both pandas Series indexed by time; adding a detector is one entry):

- rolling z-score: ``|x_t - mean| / std`` of the previous ``--z-window``
  points (default 50; the point itself excluded); an unchanged point after a
  constant stretch scores 0, a changed one infinity;
- IsolationForest: scikit-learn's, on each point's window of the previous
  ``--if-window`` values including itself (default 10), fitted on the
  training part's windows, ``random_state=seed``; score ``-score_samples``;
- skseq: ``skseq.anomaly.ForecastAnomalyDetector(random_state=seed)`` with
  its defaults (``--forecaster NAME=VALUE ...`` overrides the detector's or
  its forecaster's parameters) fitted on the training part; alarms where its
  p-value is below ``alpha`` on the evaluated part, which continues the
  training series (its first forecasts take their context from the training
  part's end, and the training part's in-sample errors do not join the
  detector's reference scores, as they would when scoring the whole series).
  A series with gaps in its time stamps (realTraffic, seven
  of realAWSCloudwatch) is passed with its positions as index, equally spaced
  points as the baselines see them. Skipped with a note if it cannot be
  imported.

Every detector runs once per seed (the deterministic ones give the same
figures for each seed). The skseq detector's defaults were chosen on these
same series (real and anomaly-free groups): the window of 24 steps,
``normalize=None``, ``smoothing=20`` and the Pareto tail on seed 0, the
signed average and its reference (means of held-out errors drawn with
replacement) on seeds 0-4; the baselines' windows were not tuned. Its
reference grows with the evaluated points as they are scored
(``learn=True``), while the baselines' thresholds stay where the training
part put them.

Run: ``.venv/bin/python benchmarks/anomaly_detection.py [--seeds 0 1 2]
[--alpha 0.001 0.005 0.01] [--detectors "rolling z-score" IsolationForest]
[--groups realTraffic] [--forecaster max_epochs=3] [--jobs 2] [--data DIR]``. The two
baselines take under a minute for one seed; the skseq detector about 20
minutes for three seeds on 2 shared cores (4 with ``--jobs 2``).
"""

import argparse
import ast
import functools
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table, spread
from joblib import Parallel, delayed
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.ensemble import IsolationForest

from skseq import SequenceForecaster

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "nab"
REAL = ("realAWSCloudwatch", "realTraffic")
GROUPS = ("artificialWithAnomaly", "artificialNoAnomaly", *REAL)
TRAIN_FRACTION = 0.15
NO_WINDOW_GAP = 0.05  # of the series' length


def load_series(data=DATA, groups=GROUPS):
    """The series as dicts: name, group, series (pd.Series), windows, n_train."""
    labels = json.loads((Path(data) / "windows.json").read_text())
    panel = []
    for name, windows in sorted(labels.items()):
        group = name.split("/")[0]
        if group not in groups:
            continue
        frame = pd.read_csv(Path(data) / name, parse_dates=["timestamp"])
        series = pd.Series(
            frame["value"].to_numpy(np.float64),
            index=pd.DatetimeIndex(frame["timestamp"]),
            name=name,
        )
        windows = [(pd.to_datetime(a), pd.to_datetime(b)) for a, b in windows]
        n_train = int(TRAIN_FRACTION * len(series))
        panel.append(dict(name=name, group=group, series=series, windows=windows))
        panel[-1]["n_train"] = n_train
    return panel


# ---------------------------------------------------------------- detectors


def threshold_alarms(scores, n_train, alpha):
    """Alarms where ``scores`` exceed the training part's ``1 - alpha`` quantile.

    NaN scores (points without enough history) never alarm and are left out
    of the quantile.
    """
    scores = np.asarray(scores, dtype=float)
    train = scores[:n_train][~np.isnan(scores[:n_train])]
    threshold = np.quantile(train, 1 - alpha, method="higher")
    with np.errstate(invalid="ignore"):
        return scores > threshold


def rolling_zscore(train, full, seed, window=50):
    past = full.rolling(window)
    mean, std = past.mean().shift(1), past.std().shift(1)
    deviation = (full - mean).abs().to_numpy()
    std = std.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = deviation / std
    scores[(std == 0) & (deviation == 0)] = 0.0
    return functools.partial(threshold_alarms, scores, len(train))


def isolation_forest(train, full, seed, window=10):
    lags = sliding_window_view(full.to_numpy(), window)  # lags[i] ends at i + w - 1
    model = IsolationForest(random_state=seed)
    model.fit(lags[: len(train) - window + 1])
    scores = np.full(len(full), np.nan)
    scores[window - 1 :] = -model.score_samples(lags)
    return functools.partial(threshold_alarms, scores, len(train))


def skseq_detector(train, full, seed, **params):
    """Alarms of ForecastAnomalyDetector (its p-values below ``alpha``).

    ``params`` are the detector's (``smoothing``, ``tail``, ...) or its
    forecaster's (``window_length``, ...), over its defaults.
    """
    from skseq.anomaly import ForecastAnomalyDetector
    from skseq.anomaly._detector import DEFAULT_FORECASTER

    model = ForecastAnomalyDetector(random_state=seed)
    own = {k: v for k, v in params.items() if k in model.get_params()}
    forecaster = {k: v for k, v in params.items() if k not in own}
    if forecaster:
        own["forecaster"] = SequenceForecaster(**{**DEFAULT_FORECASTER, **forecaster})
    model.set_params(**own)
    if np.ptp(np.diff(full.index.asi8)):  # gaps: the points, equally spaced
        full = full.reset_index(drop=True)
        train = full.iloc[: len(train)]
    p_values = model.fit(train).score_samples(full.iloc[len(train) :])
    # the false-alarm rate only moves the threshold: one fit serves every alpha
    p_values = np.concatenate([np.ones(len(train)), p_values])
    return lambda alpha: p_values < alpha


DETECTORS = {
    "rolling z-score": rolling_zscore,
    "IsolationForest": isolation_forest,
    "skseq": skseq_detector,
}


# ------------------------------------------------------------------ scoring


def score_events(entry, alarms, gap=None):
    """Event counts of ``alarms`` (boolean, one per point) on one series."""
    index, n_train = entry["series"].index, entry["n_train"]
    alarms = np.asarray(alarms, dtype=bool).copy()
    alarms[:n_train] = False
    start = index[n_train]
    windows = [(a, b) for a, b in entry["windows"] if b >= start]
    inside = np.zeros(len(index), dtype=bool)
    found, lengths = 0, []
    for a, b in windows:
        mask = (index >= a) & (index <= b)
        inside |= mask
        found += bool(alarms[mask].any())
        lengths.append(int(mask.sum()))
    if gap is None:
        gap = np.median(lengths) if lengths else NO_WINDOW_GAP * len(index)
    false = np.flatnonzero(alarms & ~inside)
    events = int(len(false) > 0) + int((np.diff(false) > gap).sum())
    return dict(
        found=found,
        windows=len(windows),
        events=events,
        alarms=int(alarms.sum()),
        evaluated=len(index) - n_train,
    )


def f1(found, windows, events):
    denominator = 2 * found + events + (windows - found)
    return 2 * found / denominator if denominator else 1.0


def evaluate(detectors, panel, alphas, seeds, gap=None, jobs=1):
    """One record per (alpha, seed, detector, series): counts and seconds.

    ``jobs`` processes share the series (each runs one torch thread).
    """
    parts = Parallel(n_jobs=jobs)(
        delayed(_evaluate_series)(detectors, entry, alphas, seeds, gap)
        for entry in panel
    )
    records = [record for part, _ in parts for record in part]
    return pd.DataFrame(records), set().union(*(raised for _, raised in parts))


def _evaluate_series(detectors, entry, alphas, seeds, gap):
    """The records of one series, and the warnings raised."""
    torch.set_num_threads(1)
    records, raised = [], set()
    full = entry["series"]
    train = full.iloc[: entry["n_train"]]
    for name, detector in detectors.items():
        for seed in seeds:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                begin = time.perf_counter()
                alarms_at = detector(train, full, seed)
                seconds = time.perf_counter() - begin
            raised |= {f"{name}: {w.category.__name__}: {w.message}" for w in caught}
            for alpha in alphas:
                counts = score_events(entry, alarms_at(alpha), gap)
                records.append(
                    dict(
                        series=entry["name"],
                        group=entry["group"],
                        detector=name,
                        alpha=alpha,
                        seed=seed,
                        seconds=seconds,
                        f1=f1(counts["found"], counts["windows"], counts["events"]),
                        **counts,
                    )
                )
        print(f"{entry['name']} {name}: {seconds:.2f} s", file=sys.stderr)
    return records, raised


# ------------------------------------------------------------------- report


def summary_rows(results, keys):
    """Figures pooled over the series of each ``keys`` combination, per seed.

    Each figure is the median (min-max) over the seeds of the figure computed
    from the counts summed over the series.
    """
    rows = []
    ordered = results.sort_values("alpha", kind="stable")
    for values, part in ordered.groupby(keys, sort=False):
        sums = part.groupby("seed")[["found", "windows", "events", "f1"]].sum()
        hits, windows = sums["found"] + sums["events"], sums["windows"].iloc[0]
        f1s = [f1(*counts) for counts in sums[["found", "windows", "events"]].values]
        rows.append(
            {
                **dict(zip(keys, values, strict=True)),
                "series": part["series"].nunique(),
                "found / windows": f"{sums['found'].median():g} / {windows}",
                "false-alarm events": f"{sums['events'].median():g}",
                "precision": spread(sums["found"] / hits) if hits.all() else "-",
                "recall": spread(sums["found"] / windows) if windows else "-",
                "F1": spread(f1s),
                "sum of per-series F1": spread(sums["f1"], 2),
            }
        )
    return rows


def per_series_rows(results, alpha):
    rows = []
    for series, frame in results[results["alpha"] == alpha].groupby(
        "series", sort=False
    ):
        row = {"series": series.split("/")[1].removesuffix(".csv")}
        row["windows"] = frame["windows"].iloc[0]
        for name, own in frame.groupby("detector", sort=False):
            row[name] = (
                f"{own['found'].median():g} found, {own['events'].median():g} FA, "
                f"F1 {own['f1'].median():.2f}"
            )
        rows.append(row)
    return rows


def false_alarm_rows(results):
    rows = []
    clean = results[results["group"] == "artificialNoAnomaly"]
    clean = clean.sort_values("alpha", kind="stable")
    for (alpha, name), frame in clean.groupby(["alpha", "detector"], sort=False):
        per_seed = frame.groupby("seed")[["alarms", "evaluated"]].sum()
        rates = per_seed["alarms"] / per_seed["evaluated"]
        worst = (frame["alarms"] / frame["evaluated"]).groupby(frame["seed"]).max()
        with_alarms = (frame["alarms"] > 0).groupby(frame["seed"]).sum()
        rows.append(
            {
                "alpha": alpha,
                "detector": name,
                "false-alarm rate": spread(rates, 4),
                "x alpha": f"{np.median(rates) / alpha:.2f}",
                "worst series": spread(worst, 4),
                "series with alarms": f"{with_alarms.median():g} / "
                f"{frame['series'].nunique()}",
            }
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--alpha", type=float, nargs="+", default=[0.005])
    parser.add_argument("--groups", nargs="+", choices=GROUPS, default=list(GROUPS))
    parser.add_argument("--detectors", nargs="+", choices=list(DETECTORS))
    parser.add_argument("--gap", type=float, help="false-alarm gap in points")
    parser.add_argument("--z-window", type=int, default=50)
    parser.add_argument("--if-window", type=int, default=10)
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes sharing the series"
    )
    parser.add_argument(
        "--forecaster",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="parameters of the skseq detector or of its SequenceForecaster",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    detectors = dict(DETECTORS)
    detectors["rolling z-score"] = functools.partial(
        rolling_zscore, window=args.z_window
    )
    detectors["IsolationForest"] = functools.partial(
        isolation_forest, window=args.if_window
    )
    params = dict(item.split("=", 1) for item in args.forecaster)
    detectors["skseq"] = functools.partial(
        skseq_detector, **{k: ast.literal_eval(v) for k, v in params.items()}
    )
    chosen = args.detectors or list(DETECTORS)
    detectors = {name: f for name, f in detectors.items() if name in chosen}
    if "skseq" in detectors:
        try:
            from skseq.anomaly import ForecastAnomalyDetector  # noqa: F401
        except ImportError as error:
            print(f"note: skseq detector skipped ({error})")
            del detectors["skseq"]
    start = time.perf_counter()
    panel = load_series(args.data, args.groups)
    results, raised = evaluate(
        detectors, panel, args.alpha, args.seeds, args.gap, args.jobs
    )
    names, seeds = list(detectors), f"seeds {args.seeds}"
    for alpha in args.alpha:
        print(f"\n### Per series, alpha = {alpha} (medians over {seeds})\n")
        print_table(per_series_rows(results, alpha), ["series", "windows"] + names)
    print(f"\n### Per group: median (min-max) over {seeds}\n")
    columns = ["alpha", "detector", "group", "series", "found / windows"]
    columns += ["false-alarm events", "F1", "sum of per-series F1"]
    print_table(summary_rows(results, ["alpha", "detector", "group"]), columns)
    real = results[results["group"].isin(REAL)]
    print(f"\n### Real series: median (min-max) over {seeds}\n")
    columns = ["alpha", "detector", "series", "precision", "recall", "F1"]
    columns += ["sum of per-series F1", "found / windows", "false-alarm events"]
    print_table(summary_rows(real, ["alpha", "detector"]), columns)
    print("\n### False alarms on artificialNoAnomaly (alarms / evaluated points)\n")
    columns = ["alpha", "detector", "false-alarm rate", "x alpha", "worst series"]
    print_table(false_alarm_rows(results), columns + ["series with alarms"])
    print("\n### Seconds per series (fit on the training part + scoring)\n")
    rows = [
        {
            "detector": name,
            "s / series (median)": f"{frame['seconds'].median():.3g}",
            "s / series (max)": f"{frame['seconds'].max():.3g}",
            "total s": f"{frame['seconds'].sum():.1f}",
        }
        for name, frame in results.groupby("detector", sort=False)
    ]
    print_table(
        rows, ["detector", "s / series (median)", "s / series (max)", "total s"]
    )
    for note in sorted(raised):
        print(f"warning: {note}")
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
