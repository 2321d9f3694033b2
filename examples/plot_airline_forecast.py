"""
Airline passengers: a forecast with prediction intervals
========================================================

Monthly international airline passengers, 1949-1960. The last 24 months are
held out; a GRU forecaster trained on the rest forecasts them at once, with a
split-conformal 90 % prediction interval.
"""

# %%
import numpy as np

from skseq import SequenceForecaster
from skseq.datasets import load_airline
from skseq.plotting import plot_forecast

y = load_airline()
train, test = y[:-24], y[-24:]

model = SequenceForecaster(
    window_length=24,
    horizon=24,
    transform="log",
    validation_fraction=0.2,
    random_state=0,
)
model.fit(train)
forecast = model.predict()
interval = model.predict_interval(coverage=0.9)

# %%
mae = np.abs(forecast - test).mean()
naive = np.abs(np.tile(train[-12:].to_numpy(), 2) - test.to_numpy()).mean()
inside = np.mean((interval["lower"] <= test) & (test <= interval["upper"]))
print(
    f"MAE {mae:.1f} (seasonal naive {naive:.1f}); {inside:.0%} of the months "
    "inside the 90 % interval"
)

# %%
plot_forecast(
    train,
    forecast,
    interval,
    y_test=test,
    title="Airline passengers: 24-month forecast",
)
