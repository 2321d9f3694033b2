"""Plots: forecasts with intervals, training curves."""

from ._plots import plot_forecast, plot_history

__all__ = ["plot_forecast", "plot_history"]
