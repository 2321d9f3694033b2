"""
Next letter of the alphabet with an LSTM
========================================

Each sample is a run of 1 to 5 consecutive letters ("A", "BC", "KLMN", ...)
and its label is the letter that follows. The letters are one-hot encoded
per step by :class:`~skseq.preprocessing.SequenceOneHotEncoder` and read by
an LSTM; runs of different lengths go in as they are, no padding needed.
"""

# %%
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier
from skseq.datasets import make_alphabet_sequences
from skseq.preprocessing import SequenceOneHotEncoder

X, y = make_alphabet_sequences(max_length=5)
print(f"{len(X)} runs, e.g. {X[0]!r} -> {y[0]!r}, {X[60]!r} -> {y[60]!r}")

# %%
# One-hot steps, then an LSTM summarised by its last state: the letter after
# a run only depends on the run's last letter, which the last state holds.
model = make_pipeline(
    SequenceOneHotEncoder(),
    RNNClassifier(
        cell="lstm",
        hidden_size=32,
        pooling="last",
        max_epochs=150,
        batch_size=16,
        random_state=0,
    ),
)
model.fit(X, y)
print(f"training accuracy: {model.score(X, y):.3f}")
# the floor: always the most frequent next letter
floor = DummyClassifier().fit(X, y).score(X, y)
print(f"most frequent letter: training accuracy {floor:.3f}")

# %%
# Predict the letter after runs of any length, including longer ones than
# seen in training.
for run in ["A", "DEF", "PQRSTU", "UVWXY"]:
    print(f"{run!r} -> {str(model.predict([run])[0])!r}")
