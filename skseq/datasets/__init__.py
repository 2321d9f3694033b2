"""Bundled data sets and synthetic data generators."""

from ._generators import (
    make_alphabet_sequences,
    make_sentences,
    make_sequence_classification,
    make_sine,
)
from ._loaders import (
    load_airline,
    load_cpu_utilization,
    load_gunpoint,
    load_osuleaf,
    load_text,
    load_ud_pos,
    read_ts,
)
from ._translation import make_addition, make_dates, make_reversal, make_sorting

__all__ = [
    "load_airline",
    "load_cpu_utilization",
    "load_gunpoint",
    "load_osuleaf",
    "load_text",
    "load_ud_pos",
    "make_addition",
    "make_alphabet_sequences",
    "make_dates",
    "make_reversal",
    "make_sentences",
    "make_sequence_classification",
    "make_sine",
    "make_sorting",
    "read_ts",
]
