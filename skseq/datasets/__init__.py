"""Bundled data sets and synthetic data generators."""

from ._loaders import load_airline, load_gunpoint

__all__ = ["load_airline", "load_gunpoint"]
