"""
Long sequences: a convolutional front end before the GRU
========================================================

OSULeaf holds leaf outlines of 427 steps, six species, only 200 training
sequences. A GRU that reads every raw step pays for all 427 at every epoch and
learns slowly. ``RNNClassifier``'s defaults give sequences of 100 steps or more
a convolutional front end (``conv_layers="auto"``): three blocks of
convolution, batch normalisation, ReLU and max pooling by 4, so the GRU reads
64 times fewer steps, and the mean of the convolutional features joins its
summary (the LSTM-FCN design). Each sequence is standardised on its own and
the learning rate anneals (``standardize``, ``lr`` and ``lr_schedule`` are
"auto" too).

We train both networks for a few budgets of epochs and plot test accuracy
against training time. The full comparison, five seeds on four UCR sets next to
published FCN, ResNet and InceptionTime results, is
``benchmarks/classification_accuracy.py``.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.dummy import DummyClassifier

from skseq import RNNClassifier
from skseq.datasets import load_osuleaf

X_train, y_train = load_osuleaf(split="train")
X_test, y_test = load_osuleaf(split="test")
print(f"{len(X_train)} training and {len(X_test)} test sequences of {X_train.shape[1]}")
floor = DummyClassifier().fit(X_train, y_train).score(X_test, y_test)
print(f"most frequent class: test accuracy {floor:.3f}")

# %%
# Both networks, several budgets of epochs
# ----------------------------------------
# The plain GRU is the estimator with the front end switched off and the
# settings that suit it (global standardisation, a flat learning rate of 0.01).
networks = {
    "GRU on raw steps": dict(
        conv_layers=0, standardize=True, lr=0.01, lr_schedule=None
    ),
    "conv front end + GRU (defaults)": {},
}
budgets = {
    "GRU on raw steps": [4, 8, 16],
    "conv front end + GRU (defaults)": [4, 8, 16, 32],
}
curves = {}
for name, params in networks.items():
    points = []
    for epochs in budgets[name]:
        start = time.perf_counter()
        clf = RNNClassifier(max_epochs=epochs, random_state=0, **params)
        clf.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = clf.score(X_test, y_test)
        points.append((seconds, accuracy))
        print(
            f"{name:32s} {epochs:3d} epochs: {seconds:5.1f} s, accuracy {accuracy:.3f}"
        )
    curves[name] = np.array(points)
    per_epoch = np.median(clf.history_[:, "dur"])
    print(f"{name:32s} {per_epoch:.2f} s per epoch (conv_layers_={clf.conv_layers_})")

# %%
# Accuracy against training time
# ------------------------------
fig, ax = plt.subplots(figsize=(6, 4))
for name, points in curves.items():
    ax.plot(points[:, 0], points[:, 1], "o-", label=name)
ax.set_xlabel("training time (s, one CPU thread)")
ax.set_ylabel("test accuracy")
ax.set_title("OSULeaf (427 steps)")
ax.legend()
plt.tight_layout()
plt.show()
