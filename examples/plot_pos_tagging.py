"""
Part-of-speech tagging with a bidirectional GRU
===============================================

Label every word of English sentences with its universal part-of-speech tag
(17 tags: NOUN, VERB, ADJ, PUNCT...), from the Universal Dependencies English
Web Treebank (2,001 sentences, CC BY-SA 4.0). :class:`skseq.RNNTagger` reads
each sentence both ways and predicts a tag at every word.

A word's own id cannot help with words never seen in training, so each word
also comes with its suffixes (ids, embedded like the word) and its shape
(capitalised, all capitals, digits, hyphen, punctuation: numbers), through
``categorical_features``: one input of token ids and numeric features.
"""

# %%
import numpy as np
from sklearn.metrics import classification_report

from skseq import RNNTagger
from skseq.datasets import load_ud_pos
from skseq.preprocessing import SequenceOrdinalEncoder

words, tags = load_ud_pos()
rng = np.random.default_rng(0)
order = rng.permutation(len(words))
test, train = order[:300], order[300:]  # 15% of the sentences held out
print(f"{len(train)} training sentences, {len(test)} test sentences")

# %%
# Features of every word: its lower-cased form, its last 1, 2 and 3 letters
# (ids; rare ones become the unknown id 1) and five shape flags.


def lower(sentences):
    return [np.char.lower(s) for s in sentences]


def suffix(sentences, k):
    return [np.array([w[-k:].lower() for w in s]) for s in sentences]


def shape(sentence):
    return np.array(
        [
            [
                w[:1].isupper(),
                w.isupper(),
                any(c.isdigit() for c in w),
                "-" in w,
                not any(c.isalnum() for c in w),
            ]
            for w in sentence
        ],
        dtype=float,
    )


views = [lower] + [lambda s, k=k: suffix(s, k) for k in (1, 2, 3)]
train_words = [words[i] for i in train]
encoders = [SequenceOrdinalEncoder(min_frequency=2).fit(v(train_words)) for v in views]


def features(sentences):
    ids = [e.transform(v(sentences)) for e, v in zip(encoders, views, strict=True)]
    return [
        np.column_stack([column[i] for column in ids] + [shape(s)])
        for i, s in enumerate(sentences)
    ]


X_train, y_train = features(train_words), [tags[i] for i in train]
X_test, y_test = features([words[i] for i in test]), [tags[i] for i in test]

# %%
# The tagger: word and suffix embeddings of 32 values each, next to the shape
# flags, read both ways by a GRU of 64 units per direction.
tagger = RNNTagger(
    embedding_dim=32,
    categorical_features=[0, 1, 2, 3],
    max_epochs=12,
    lr_schedule="cosine",
    weight_decay=1e-5,
    random_state=0,
).fit(X_train, y_train)

predicted = np.concatenate(tagger.predict(X_test))
true = np.concatenate(y_test)
seen = set(np.concatenate(lower(train_words)))
unseen = np.array([w.lower() not in seen for s in test for w in words[s]])

# %%
# The baseline users compare against: each word's most frequent training tag
# (the overall most frequent tag for words never seen).
counts = {}
for sentence, labels in zip(lower(train_words), y_train, strict=True):
    for w, t in zip(sentence, labels, strict=True):
        counts.setdefault(w, {}).setdefault(t, 0)
        counts[w][t] += 1
overall = max(set(np.concatenate(y_train)), key=list(np.concatenate(y_train)).count)
baseline = np.array(
    [
        max(counts[w], key=counts[w].get) if w in counts else overall
        for s in lower([words[i] for i in test])
        for w in s
    ]
)
print(f"{'':28s}{'all words':>10s}{'unseen':>8s}")
for name, guess in [("most frequent tag", baseline), ("RNNTagger", predicted)]:
    print(
        f"{name:28s}{np.mean(guess == true):10.3f}"
        f"{np.mean(guess[unseen] == true[unseen]):8.3f}"
    )
print(f"({unseen.mean():.0%} of the test words were never seen in training)")

# %%
# Precision and recall per tag.
print(classification_report(true, predicted, digits=3, zero_division=0))
