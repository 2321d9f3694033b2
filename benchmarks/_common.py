"""Helpers shared by the benchmark scripts: machine description, tables."""

import os
import platform
import sys

import numpy as np


def machine():
    """One line on the machine and the versions that the figures depend on."""
    import sklearn
    import skorch
    import torch

    import skseq

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}, numpy {np.__version__}, torch {torch.__version__}"
        f" ({torch.get_num_threads()} threads), skorch {skorch.__version__}, "
        f"scikit-learn {sklearn.__version__}, skseq {skseq.__version__}"
    )


def print_table(rows, columns):
    """Print ``rows`` (a list of dicts) as a Markdown table."""
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column, "")
            cells.append(f"{value:.3g}" if isinstance(value, float) else str(value))
        print("| " + " | ".join(cells) + " |")


def spread(values, digits=3):
    """Median (min-max) of ``values``, or the value alone if they agree."""
    values = np.asarray(values, dtype=float)
    median = f"{np.median(values):.{digits}f}"
    if values.min() == values.max():
        return median
    return f"{median} ({values.min():.{digits}f}-{values.max():.{digits}f})"
