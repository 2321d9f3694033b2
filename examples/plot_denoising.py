"""
Recovering a clean signal at every step
=======================================

Per-step regression: :class:`skseq.RNNStepRegressor` reads a noisy signal
(both ways) and predicts the clean value at every step. The signals are sums
of two sines of random frequencies and phases, of random lengths, with
Gaussian noise; the baseline users compare against is a centred moving
average of the noisy signal.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import mean_absolute_error

from skseq import RNNStepRegressor

rng = np.random.default_rng(0)


def signals(n):
    clean, noisy = [], []
    for length in rng.integers(40, 120, size=n):
        t = np.arange(length)
        f1, f2 = rng.uniform(0.05, 0.3, size=2)
        p1, p2 = rng.uniform(0, 2 * np.pi, size=2)
        c = np.sin(f1 * t + p1) + 0.5 * np.sin(f2 * t + p2)
        clean.append(c)
        noisy.append(c + 0.4 * rng.normal(size=length))
    return noisy, clean


X_train, y_train = signals(300)
X_test, y_test = signals(100)

# %%
model = RNNStepRegressor(hidden_size=32, max_epochs=25, random_state=0)
model.fit(X_train, y_train)
predicted = model.predict(X_test)


def moving_average(x, width=5):
    padded = np.pad(x, width // 2, mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


truth = np.concatenate(y_test)
for name, guess in [
    ("noisy input", np.concatenate(X_test)),
    ("moving average of 5", np.concatenate([moving_average(x) for x in X_test])),
    ("RNNStepRegressor", np.concatenate(predicted)),
]:
    print(f"{name:22s} MAE {mean_absolute_error(truth, guess):.3f}")
print(f"R² over every test step: {model.score(X_test, y_test):.3f}")

# %%
fig, ax = plt.subplots(figsize=(8, 3))
ax.plot(X_test[0], color="0.7", label="noisy")
ax.plot(y_test[0], color="k", label="clean")
ax.plot(predicted[0], color="C1", label="RNNStepRegressor")
ax.set_xlabel("step")
ax.legend(loc="upper right")
fig.tight_layout()
