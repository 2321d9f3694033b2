"""
Dates to ISO dates with an encoder-decoder and attention
========================================================

People write dates in many ways: "3rd of May 1998", "Sunday, May 3, 1998",
"MAY 3 1998". :class:`skseq.RNNSeq2Seq` learns to rewrite them as ISO dates
("1998-05-03") from examples alone: an encoder GRU reads the characters of
the input both ways, a decoder GRU writes the output one character at a
time, and at every step attention picks the input characters it needs.

The data come from :func:`skseq.datasets.make_dates` (12 formats, dates from
1950 to 2049); the model is scored on dates it never saw.
"""

# %%
import matplotlib.pyplot as plt

from skseq import RNNSeq2Seq
from skseq.datasets import make_dates
from skseq.metrics import token_accuracy

X, y = make_dates(2000, random_state=0)
X_new, y_new = make_dates(1000, random_state=1)
seen = set(y)
unseen = [i for i, date in enumerate(y_new) if date not in seen]
X_test, y_test = [X_new[i] for i in unseen], [y_new[i] for i in unseen]
print(f"{len(X)} training pairs, {len(X_test)} test dates not seen in training")
for source, target in zip(X[:4], y[:4], strict=True):
    print(f"  {source!r:32} -> {target}")

# %%
# The defaults: a bidirectional GRU encoder, additive attention, greedy
# decoding, 10 epochs (about half a minute on one CPU thread).
model = RNNSeq2Seq(random_state=0).fit(X, y)
predicted = model.predict(X_test)
print(f"exact match on unseen dates: {model.score(X_test, y_test):.3f}")
print(f"characters right:            {token_accuracy(y_test, predicted):.3f}")
for source, output in zip(X_test[:5], predicted[:5], strict=True):
    print(f"  {source!r:32} -> {output}")

# %%
# Where the decoder looked: for every output character (rows), the attention
# weight of every input character (columns). The year's digits come from the
# year, the month from the month's name, the day from the day, in whatever
# order the format wrote them.
examples = [X_test[i] for i in (0, 1)]
outputs, weights = model.predict_attention(examples)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
for ax, source, output, w in zip(axes, examples, outputs, weights, strict=True):
    ax.imshow(w, cmap="viridis", aspect="auto", vmin=0, vmax=1)
    ax.set_xticks(range(len(source)), list(source))
    ax.set_yticks(range(len(output) + 1), [*output, "<end>"])
    ax.set_xlabel("input character")
    ax.set_ylabel("output character")
    ax.set_title(repr(source), fontsize=10)
fig.tight_layout()
plt.show()
