"""
Sine-wave forecasting with a GRU
================================

A GRU reads windows of 5 values of a sine wave and predicts the 6th.
:class:`~skseq.SequenceForecaster` cuts the windows itself; each window is
standardised by its own mean and deviation (``normalize="standard"``), so the
model also forecasts a sine sampled ten times more coarsely than the one it
was trained on.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from skseq import SequenceForecaster
from skseq.datasets import make_sine
from skseq.plotting import plot_history

train = make_sine(10_000, start=0, stop=100)  # step 0.01
test = make_sine(1_000, start=100, stop=200)  # step 0.1: a faster wave

model = SequenceForecaster(
    window_length=5,
    horizon=1,
    max_epochs=10,
    batch_size=64,
    validation_fraction=0,
    random_state=0,
)
model.fit(train)

# %%
# ``predict_rolling`` forecasts from every step of the test series (its first
# 5 values are its own context, as its index does not continue the training
# series).
rolling = model.predict_rolling(test)
actual = test.loc[rolling.index]
mae = np.abs(rolling[1] - actual).mean()
print(f"test MAE: {mae:.4f}")
# the baseline: each value forecast as the one before it
naive = np.abs(test.shift(1).loc[rolling.index] - actual).mean()
print(f"naive (last value) MAE: {naive:.4f}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
ax1.plot(actual.index[:100], actual[:100], label="actual")
ax1.plot(rolling.index[:100], rolling[1][:100], "--", label="forecast")
ax1.set_title("first 100 test steps")
ax1.legend()
plot_history(model, ax=ax2, log=True)
ax2.set_title("training loss")
fig.tight_layout()
