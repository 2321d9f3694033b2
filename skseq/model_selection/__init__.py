"""Model selection for forecasters: rolling-origin backtests and scorers."""

from ._backtest import backtest
from ._scorer import forecast_scorer

__all__ = ["backtest", "forecast_scorer"]
