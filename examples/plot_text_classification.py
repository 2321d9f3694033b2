"""
Sentiment-style text classification: last state vs all states
=============================================================

Short review-like sentences are positive or negative; a negation ("not",
"never") may flip the opinion word that follows it, so word order matters.
Words become integer ids (:class:`~skseq.preprocessing.SequenceOrdinalEncoder`,
a tokenizer), an embedding turns them into vectors, and a GRU reads them.

How the GRU's states are summarised matters: the state after the last word,
or all states (their maximum, or an attention-weighted sum).
"""

# %%
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier
from skseq.datasets import make_sentences
from skseq.preprocessing import SequenceOrdinalEncoder

X_train, y_train = make_sentences(600, random_state=0)
X_test, y_test = make_sentences(400, random_state=1)
for sentence, label in list(zip(X_train, y_train))[:4]:
    print(label, sentence)

# %%
results, models = {}, {}
for pooling in ["last", "max", "attention"]:
    models[pooling] = model = make_pipeline(
        SequenceOrdinalEncoder(split="word"),
        RNNClassifier(
            embedding_dim=16,
            hidden_size=32,
            pooling=pooling,
            max_epochs=30,
            random_state=0,
        ),
    ).fit(X_train, y_train)
    results[pooling] = model.score(X_test, y_test)
    print(f"pooling={pooling!r:12} test accuracy {results[pooling]:.3f}")
floor = DummyClassifier().fit(X_train, y_train).score(X_test, y_test)
print(f"most frequent class: test accuracy {floor:.3f}")

# %%
# Words never seen in training ("concert") get the tokenizer's unknown id
# (1), which the embedding has a vector for:
best = models[max(results, key=results.get)]
for sentence in [
    "the concert was not awful",
    "the concert was superb",
    "the concert was never good to be honest",
]:
    print(sentence, "->", best.predict([sentence])[0])
