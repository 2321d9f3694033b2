"""
Time-series classification: a grid search around the defaults
==============================================================

GunPoint (UCR archive): the hand's x-coordinate over 150 frames, gun drawn
from a holster or a finger pointed; 50 training sequences, 150 test ones.
``RNNClassifier()`` with its defaults (a convolutional front end for
sequences of 100 steps or more, each sequence standardised on its own) is the
reference to beat; the most frequent class is the floor. ``GridSearchCV``
then tunes the two settings that matter most for a network of this size, the
learning rate and the width of the convolution kernels, around the defaults
(0.003 and 5, so the defaults are one of the candidates).
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skseq import RNNClassifier
from skseq.datasets import load_gunpoint

X_train, y_train = load_gunpoint(split="train")
X_test, y_test = load_gunpoint(split="test")

floor = DummyClassifier().fit(X_train, y_train).score(X_test, y_test)
defaults = RNNClassifier(random_state=0).fit(X_train, y_train)
print(f"most frequent class: test accuracy {floor:.3f}")
print(f"RNNClassifier():     test accuracy {defaults.score(X_test, y_test):.3f}")

# %%
# Three folds of about 33 sequences each; every candidate trains for the
# default 100 epochs.
grid = {"lr": [0.001, 0.003, 0.01], "conv_kernel_size": [3, 5, 9]}
search = GridSearchCV(
    RNNClassifier(random_state=0),
    grid,
    cv=StratifiedKFold(3, shuffle=True, random_state=0),
    n_jobs=2,
).fit(X_train, y_train)
print("best:", search.best_params_, f"cv accuracy {search.best_score_:.3f}")
print(f"best model: test accuracy {search.score(X_test, y_test):.3f}")

# %%
# The cross-validated accuracy of every candidate.
scores = search.cv_results_["mean_test_score"].reshape(
    len(grid["conv_kernel_size"]), len(grid["lr"])
)  # GridSearchCV orders the candidates by the parameter names, the last fastest
fig, ax = plt.subplots(figsize=(5, 4))
image = ax.imshow(scores, cmap="viridis", vmin=scores.min(), vmax=1.0)
ax.set_xticks(range(len(grid["lr"])), grid["lr"])
ax.set_yticks(range(len(grid["conv_kernel_size"])), grid["conv_kernel_size"])
ax.set_xlabel("lr")
ax.set_ylabel("conv_kernel_size")
middle = (scores.min() + 1.0) / 2
for (row, column), value in np.ndenumerate(scores):
    color = "black" if value > middle else "white"  # readable on either end
    ax.text(column, row, f"{value:.3f}", ha="center", va="center", color=color)
fig.colorbar(image, label="mean cross-validated accuracy")
ax.set_title("GridSearchCV on GunPoint")
fig.tight_layout()
