"""Peak memory of windowing a long series (skseq.preprocessing).

Windows a 10-million-point float32 series with window 100 through
``make_windows`` and ``SequenceWindower`` and reports the peak memory each
allocates, as a multiple of the series' own size. The reference, measured in
the same run, is the naive approach that materialises every window
(``np.ascontiguousarray`` of the windows), on a tenth of the series.

Run: ``.venv/bin/python benchmarks/windowing_memory.py``
"""

import time
import tracemalloc

import numpy as np
from _common import machine, print_table

from skseq.preprocessing import SequenceWindower, make_windows

N_POINTS = 10_000_000
WINDOW = 100


def peak(function):
    tracemalloc.start()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, peak_bytes, seconds


def main():
    print(machine())
    series = np.random.default_rng(0).normal(size=N_POINTS).astype(np.float32)
    size = series.nbytes
    rows = []

    (X, y), nbytes, seconds = peak(lambda: make_windows(series, WINDOW))
    rows.append(
        {
            "method": "make_windows",
            "output shape": X.shape,
            "peak MiB": nbytes / 2**20,
            "x series": nbytes / size,
            "seconds": seconds,
        }
    )
    windower = SequenceWindower(WINDOW).fit(series[:10, None])
    windows, nbytes, seconds = peak(lambda: windower.transform(series[:, None]))
    rows.append(
        {
            "method": "SequenceWindower.transform",
            "output shape": windows.shape,
            "peak MiB": nbytes / 2**20,
            "x series": nbytes / size,
            "seconds": seconds,
        }
    )
    tenth = series[: N_POINTS // 10]
    view = np.lib.stride_tricks.sliding_window_view(tenth, WINDOW)
    copied, nbytes, seconds = peak(lambda: np.ascontiguousarray(view))
    rows.append(
        {
            "method": "reference: copy of all windows (1/10 of the series)",
            "output shape": copied.shape,
            "peak MiB": nbytes / 2**20,
            "x series": nbytes / tenth.nbytes,
            "seconds": seconds,
        }
    )
    print(
        f"series: {N_POINTS:,} float32 points ({size / 2**20:.0f} MiB), window {WINDOW}"
    )
    print_table(rows, ["method", "output shape", "peak MiB", "x series", "seconds"])
    ratio = rows[1]["x series"] / rows[2]["x series"]
    print(f"\nSequenceWindower peak / copying reference peak (per point): {ratio:.4f}")


if __name__ == "__main__":
    main()
