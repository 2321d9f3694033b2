"""Model selection for forecasters: rolling-origin backtests."""

from ._backtest import backtest

__all__ = ["backtest"]
