"""
Optimizers and learning-rate schedules compared
===============================================

The same GRU classifier is trained on GunPoint with each optimizer skseq
names, then with Adam under each learning-rate schedule. The training curves
come from each model's ``history_``. Each part draws its own figure, so that
the rendered gallery shows each one once it is complete.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.dummy import DummyClassifier

from skseq import RNNClassifier
from skseq.datasets import load_gunpoint
from skseq.plotting import plot_history

X_train, y_train = load_gunpoint(split="train")
X_test, y_test = load_gunpoint(split="test")

fig, ax1 = plt.subplots(figsize=(6, 4))
for optimizer, lr in [
    ("adam", 0.01),
    ("rmsprop", 0.003),
    ("adagrad", 0.05),
    ("sgd", 0.1),
]:
    model = RNNClassifier(
        optimizer=optimizer, lr=lr, hidden_size=32, max_epochs=40, random_state=0
    ).fit(X_train, y_train)
    print(f"{optimizer:8} lr={lr:<6} test accuracy {model.score(X_test, y_test):.3f}")
    plot_history(model, ax=ax1, log=True)
    ax1.lines[-1].set_label(optimizer)
floor = DummyClassifier().fit(X_train, y_train).score(X_test, y_test)
print(f"most frequent class: test accuracy {floor:.3f}")
ax1.legend()
ax1.set_title("optimizers")
fig.tight_layout()

# %%
fig, ax2 = plt.subplots(figsize=(6, 4))
for schedule in [None, "step", "cosine", "plateau"]:
    model = RNNClassifier(
        lr_schedule=schedule, hidden_size=32, max_epochs=40, random_state=0
    ).fit(X_train, y_train)
    print(f"schedule={schedule!s:8} test accuracy {model.score(X_test, y_test):.3f}")
    plot_history(model, ax=ax2, log=True)
    ax2.lines[-1].set_label(str(schedule))
ax2.legend()
ax2.set_title("learning-rate schedules (Adam)")
fig.tight_layout()
