"""
Which estimator for which task
==============================

One label or number per sequence, a forecast of a series' own future, a
label or number at every step, or the next token of a text: each task has
its estimator, and each takes the same inputs (arrays, ragged lists, long
DataFrames; see the user guide). Each section below is a few lines on
bundled or generated data, trained briefly, with the baseline it should be
judged against.

======================  ===============================  ======================
task                    ``y``                            estimator
======================  ===============================  ======================
classify sequences      a label per sequence             ``RNNClassifier``
regress on sequences    a number per sequence            ``RNNRegressor``
forecast a series       the series itself                ``SequenceForecaster``
label every step        a label per step (e.g. POS)      ``RNNTagger``
a number at each step   a number per step (denoising)    ``RNNStepRegressor``
model text              the text itself                  ``RNNLanguageModel``
======================  ===============================  ======================

Sequence-to-sequence models (outputs of another length) and anomaly
detectors are not part of skseq yet.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay

from skseq import (
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from skseq.datasets import load_airline, load_gunpoint, load_text
from skseq.plotting import plot_forecast

# %%
# Classify sequences
# ------------------
# GunPoint: gun drawn or finger pointed, from 150 frames of the hand's
# position. Floor: the most frequent class (0.49).

X_train, y_train = load_gunpoint(split="train")
X_test, y_test = load_gunpoint(split="test")
clf = RNNClassifier(random_state=0).fit(X_train, y_train)
print(f"GunPoint test accuracy {clf.score(X_test, y_test):.3f}")
ConfusionMatrixDisplay.from_estimator(clf, X_test, y_test)

# %%
# Regress on sequences
# --------------------
# The frequency of a noisy sine, from sequences of 20 to 80 steps. Floor:
# predicting the mean frequency.
rng = np.random.default_rng(0)
frequency = rng.uniform(0.1, 0.5, size=600)
X = [
    np.sin(f * np.arange(n) + rng.uniform(0, 6)) + 0.1 * rng.normal(size=n)
    for f, n in zip(frequency, rng.integers(20, 80, size=600))
]
reg = RNNRegressor(max_epochs=40, random_state=0).fit(X[:500], frequency[:500])
predicted = reg.predict(X[500:])
mae = np.abs(predicted - frequency[500:]).mean()
floor = np.abs(frequency[:500].mean() - frequency[500:]).mean()
print(f"frequency MAE {mae:.4f} (predicting the mean: {floor:.4f})")
fig, ax = plt.subplots(figsize=(4, 4))
ax.scatter(frequency[500:], predicted, s=8)
ax.plot([0.1, 0.5], [0.1, 0.5], color="gray")
ax.set(xlabel="true frequency", ylabel="predicted", title="RNNRegressor")

# %%
# Forecast a time series
# ----------------------
# Airline passengers: the 12 months of 1960 from the years before, with 90%
# intervals. Floor: the seasonal naive forecast (the months of 1959).
y = load_airline()
model = SequenceForecaster(horizon=12, random_state=0).fit(y[:-12])
forecast = model.predict()
mae = np.abs(forecast - y[-12:]).mean()
naive = np.abs(y[-24:-12].to_numpy() - y[-12:].to_numpy()).mean()
print(f"1960 MAE {mae:.1f} (seasonal naive: {naive:.1f})")
plot_forecast(y[-48:], forecast, model.predict_interval(coverage=0.9))

# %%
# Label every step
# ----------------
# Whether each step of a random walk is above the walk's running mean so far:
# the label needs memory of every earlier step. Floor: the most frequent label.
walks = [np.cumsum(rng.normal(size=n)) for n in rng.integers(20, 60, size=400)]
labels = [
    np.where(w > np.cumsum(w) / np.arange(1, len(w) + 1), "above", "below")
    for w in walks
]
tagger = RNNTagger(max_epochs=30, random_state=0).fit(walks[:300], labels[:300])
print(f"per-step accuracy {tagger.score(walks[300:], labels[300:]):.3f}")
fig, ax = plt.subplots(figsize=(7, 3))
walk, tags = walks[300], tagger.predict(walks[300:301])[0]
ax.plot(walk, color="gray")
ax.plot(np.cumsum(walk) / np.arange(1, len(walk) + 1), color="black", ls="--")
ax.scatter(np.arange(len(walk)), walk, c=tags == "above", cmap="coolwarm", s=15)
ax.set_title("RNNTagger: above (red) or below (blue) the running mean")

# %%
# A number at every step
# ----------------------
# Recover a clean sine from a noisy one. Floor: the noisy signal itself.
t = [np.arange(n) for n in rng.integers(40, 100, size=300)]
clean = [np.sin(rng.uniform(0.1, 0.3) * s + rng.uniform(0, 6)) for s in t]
noisy = [c + 0.3 * rng.normal(size=len(c)) for c in clean]
steps = RNNStepRegressor(max_epochs=30, random_state=0).fit(noisy[:250], clean[:250])
denoised = steps.predict(noisy[250:])
mae = np.mean([np.abs(d - c).mean() for d, c in zip(denoised, clean[250:])])
floor = np.mean([np.abs(n - c).mean() for n, c in zip(noisy[250:], clean[250:])])
print(f"per-step MAE {mae:.3f} (the noisy signal: {floor:.3f})")
fig, ax = plt.subplots(figsize=(7, 3))
ax.plot(noisy[250], color="lightgray", label="noisy")
ax.plot(clean[250], color="black", label="clean")
ax.plot(denoised[0], color="tab:red", label="RNNStepRegressor")
ax.legend()

# %%
# Model text
# ----------
# A character-level language model of the Gettysburg Address, then a sample
# of what it learned. Its perplexity on the text it learned from (a text this
# short is learned nearly by heart) against uniform guessing among the
# distinct characters.
text = " ".join(load_text("gettysburg").split())
lm = RNNLanguageModel(max_epochs=20, random_state=0).fit(text)
print(f"perplexity {lm.perplexity(text):.1f} (uniform: {len(set(text))})")
print(lm.generate("Four score", n_steps=80, random_state=0))
