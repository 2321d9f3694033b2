"""
skseq in one minute: classify GunPoint gestures with a GRU
==========================================================

GunPoint (UCR archive, bundled with skseq) holds the x-coordinate of an actor's
hand over 150 frames: drawing a gun from a holster (class "1") or pointing a
finger (class "2"). ``RNNClassifier`` with its defaults standardises each
sequence, extracts local features with a convolutional front end (the
sequences are 150 steps long), reads them with a GRU, max-pools its states
over time and classifies the summary.
"""

# %%
import time

from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score, classification_report

from skseq import RNNClassifier
from skseq.datasets import load_gunpoint

X_train, y_train = load_gunpoint(split="train")
X_test, y_test = load_gunpoint(split="test")
classes = sorted(set(y_train.tolist()))
print(f"train {X_train.shape}, test {X_test.shape}, classes {classes}")

# %%
# Fit with the defaults; ``random_state`` makes the run repeatable.
start = time.perf_counter()
clf = RNNClassifier(random_state=0).fit(X_train, y_train)
print(f"trained {clf.n_iter_} epochs in {time.perf_counter() - start:.1f} s")

# %%
y_pred = clf.predict(X_test)
print(classification_report(y_test, y_pred))
print(f"test accuracy: {accuracy_score(y_test, y_pred):.3f}")
floor = DummyClassifier().fit(X_train, y_train).score(X_test, y_test)
print(f"most frequent class: test accuracy {floor:.3f}")
