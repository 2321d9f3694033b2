"""Model selection for forecasters: rolling-origin backtests, scorers, panel folds."""

from ._backtest import backtest
from ._panels import PanelSplit
from ._scorer import forecast_scorer

__all__ = ["PanelSplit", "backtest", "forecast_scorer"]
