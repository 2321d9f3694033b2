"""How often a fit would warn that a series ends unlike its history.

``SequenceForecaster`` warns (``ExtrapolationWarning``) where the last window
of a series changes more than ``TIMES`` times as much as any step before it
(``skseq/forecasting/_extremes.py``). This counts, over every end of real
series (each prefix of at least 30 steps, as if fitted there), the ends at
which that ratio exceeds several thresholds, for windows of 4, 12 and 24
steps: the forecasting panel (no labelled anomalies) and the Numenta Anomaly
Benchmark's series (their first 3,000 steps), where an end inside a labelled
anomaly window is counted apart from the others.

    python benchmarks/extreme_ends.py [--steps 3000]
"""

import argparse
import json
import sys

import numpy as np
import pandas as pd
from _common import machine, print_table
from forecast_accuracy import DATA, load_panel

from skseq.forecasting._extremes import TIMES, end_change

THRESHOLDS = (2, 3, 5, 10)
WINDOWS = (4, 12, 24)
SHORTEST = 30


def nab_series(steps):
    """NAB's series: name, values and whether each step lies in an anomaly."""
    root = DATA / "nab"
    windows = json.loads((root / "windows.json").read_text())
    out = []
    for path in sorted(root.rglob("*.csv")):
        name = str(path.relative_to(root))
        frame = pd.read_csv(path, parse_dates=["timestamp"]).iloc[:steps]
        inside = np.zeros(len(frame), dtype=bool)
        for start, end in windows.get(name, []):
            stamps = frame["timestamp"]
            inside |= (stamps >= pd.Timestamp(start)) & (stamps <= pd.Timestamp(end))
        out.append((name, frame["value"].to_numpy(np.float64), inside))
    return out


def ratios(values, window):
    """The ratio of :func:`end_change` at every end of ``values``."""
    column = values[:, None]
    out = []
    for end in range(SHORTEST, len(values) + 1):
        times, _ = end_change(column[:end], 1, window)
        out.append(np.nan if times is None else times[0])
    return np.array(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    args = parser.parse_args()
    print(machine())
    groups = {
        "panel": [(s["name"], s["values"], None) for s in load_panel()],
        "NAB": nab_series(args.steps),
    }
    rows, flagged = [], {}
    for window in WINDOWS:
        for group, series in groups.items():
            counts = {t: [0, 0] for t in THRESHOLDS}  # outside, inside anomalies
            ends = 0
            for name, values, inside in series:
                times = ratios(values, window)
                within = (
                    np.zeros(len(times), bool)
                    if inside is None
                    else inside[SHORTEST - 1 :]
                )
                ends += int(np.isfinite(times).sum() + np.isinf(times).sum())
                for t in THRESHOLDS:
                    over = times > t
                    counts[t][0] += int((over & ~within).sum())
                    counts[t][1] += int((over & within).sum())
                if window == 4 and (times > TIMES).any():
                    flagged.setdefault(group, []).append(
                        f"{name} ({int((times > TIMES).sum())})"
                    )
            row = {"window": window, "series": group, "ends": ends}
            for t in THRESHOLDS:
                outside, inside_count = counts[t]
                row[f"> {t} times"] = (
                    str(outside)
                    if group == "panel"
                    else f"{outside + inside_count} ({inside_count} in anomalies)"
                )
            rows.append(row)
    columns = ["window", "series", "ends"] + [f"> {t} times" for t in THRESHOLDS]
    print_table(rows, columns)
    for group, names in flagged.items():
        print(f"\n{group}, window 4, ends over {TIMES} times: " + ", ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
