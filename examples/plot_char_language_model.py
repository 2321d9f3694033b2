"""
A character-level language model
================================

Train on two short public-domain texts (the Gettysburg Address and the start
of the Declaration of Independence), then sample new text one character at a
time, as Karpathy's min-char-rnn does. :class:`skseq.RNNLanguageModel` reads
the text as parallel streams in chunks, carrying its state from one chunk to
the next (truncated backpropagation through time), and generates by feeding
each sampled character back, its state carried: constant work per character.

The older way, a classifier of the next character from a sliding window of
the last 20, is trained on the same text for comparison: it re-reads 20
characters for every character it predicts or generates.
"""

# %%
import time

import numpy as np
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier, RNNLanguageModel
from skseq.datasets import load_text
from skseq.preprocessing import SequenceOrdinalEncoder

text = " ".join(load_text(name) for name in ["gettysburg", "declaration"])
text = " ".join(text.split())  # one line, single spaces
print(f"{len(text)} characters, {len(set(text))} distinct")

# %%
# The language model with its defaults: an LSTM of 128 units over characters,
# 50 passes over the text in chunks of 64 characters.
start = time.perf_counter()
model = RNNLanguageModel(random_state=0).fit(text)
fit_seconds = time.perf_counter() - start
start = time.perf_counter()
sample = model.generate("We hold that the", n_steps=1000, random_state=0)
generate_seconds = time.perf_counter() - start
print(sample[:300])

# %%
# The window classifier: each window of 20 characters predicts the next one.
window = 20
X = [text[i : i + window] for i in range(len(text) - window)]
y = np.array([text[i + window] for i in range(len(text) - window)])
start = time.perf_counter()
classifier = make_pipeline(
    SequenceOrdinalEncoder(split="char"),
    RNNClassifier(
        embedding_dim=16,
        hidden_size=128,
        pooling="last",
        max_epochs=15,
        lr=0.005,
        batch_size=64,
        random_state=0,
    ),
).fit(X, y)
classifier_seconds = time.perf_counter() - start
proba = classifier.predict_proba(X)
columns = {c: i for i, c in enumerate(classifier.classes_)}
window_loss = -np.mean(np.log(proba[np.arange(len(y)), [columns[c] for c in y]]))

rng = np.random.default_rng(0)
generated = "We hold that the peo"
start = time.perf_counter()
for _ in range(200):  # each step re-reads the whole window
    p = classifier.predict_proba([generated[-window:]])[0]
    generated += rng.choice(classifier.classes_, p=p / p.sum())
window_seconds_per_1000 = (time.perf_counter() - start) * 5

# %%
# Per-character log loss on the training text (lower is better; the language
# model counts the first 20 characters too, which the classifier never
# predicts) and the time to generate 1,000 characters.
print(f"{'':24s}{'fit s':>8s}{'log loss':>10s}{'1,000 chars s':>15s}")
print(
    f"{'RNNLanguageModel':24s}{fit_seconds:8.1f}{-model.score(text):10.3f}"
    f"{generate_seconds:15.2f}"
)
print(
    f"{'window RNNClassifier':24s}{classifier_seconds:8.1f}{window_loss:10.3f}"
    f"{window_seconds_per_1000:15.2f}"
)
# the floor: each character drawn with its frequency in the text
_, counts = np.unique(list(text), return_counts=True)
frequencies = counts / counts.sum()
unigram = -np.sum(frequencies * np.log(frequencies))
print(f"{'character frequencies':24s}{'':8s}{unigram:10.3f}")
