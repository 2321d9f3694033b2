"""Part-of-speech tagging accuracy of RNNTagger, both ways and one way.

Data: the bundled UD English EWT sentences (``skseq.datasets.load_ud_pos``,
2,001 sentences, 17 universal tags), 300 sentences held out at random (seed
0), as in ``examples/plot_pos_tagging.py``: each word is its lower-cased id,
the ids of its last 1, 2 and 3 letters (``categorical_features``, rare ones
unknown) and five shape flags.

Contenders: ``RNNTagger(embedding_dim=32, categorical_features=[0, 1, 2, 3],
max_epochs=12, lr_schedule="cosine", weight_decay=1e-5)`` with
``bidirectional=True`` (the default) and ``False``, seeds 0-2; the baseline:
each word's most frequent training tag. Reported: token accuracy on the
held-out sentences, on held-out words never seen in training, seconds per fit.

Run: ``.venv/bin/python benchmarks/tagging_accuracy.py [--seeds 0 1 2]``.
"""

import argparse
import time
from collections import Counter, defaultdict

import numpy as np
import torch
from _common import machine, print_table

from skseq import RNNTagger
from skseq.datasets import load_ud_pos
from skseq.preprocessing import SequenceOrdinalEncoder


def _views(sentences):
    lower = [np.char.lower(s) for s in sentences]
    suffixes = [
        [np.array([w[-k:].lower() for w in s]) for s in sentences] for k in (1, 2, 3)
    ]
    return [lower, *suffixes]


def _shape(sentence):
    flags = [
        (
            w[:1].isupper(),
            w.isupper(),
            any(c.isdigit() for c in w),
            "-" in w,
            not any(c.isalnum() for c in w),
        )
        for w in sentence
    ]
    return np.array(flags, dtype=float)


def split():
    """Features, tags and words of the training and held-out sentences."""
    words, tags = load_ud_pos()
    order = np.random.default_rng(0).permutation(len(words))
    test, train = order[:300], order[300:]
    train_words = [words[i] for i in train]
    encoders = [
        SequenceOrdinalEncoder(min_frequency=2).fit(view)
        for view in _views(train_words)
    ]

    def features(sentences):
        ids = [e.transform(v) for e, v in zip(encoders, _views(sentences), strict=True)]
        return [
            np.column_stack([column[i] for column in ids] + [_shape(s)])
            for i, s in enumerate(sentences)
        ]

    test_words = [words[i] for i in test]
    return (
        (features(train_words), [tags[i] for i in train], train_words),
        (features(test_words), [tags[i] for i in test], test_words),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    (X_train, y_train, train_words), (X_test, y_test, test_words) = split()
    true = np.concatenate(y_test)
    seen = {w.lower() for s in train_words for w in s}
    unseen = np.array([w.lower() not in seen for s in test_words for w in s])
    rows = []
    for bidirectional in (True, False):
        accuracy, on_unseen, seconds = [], [], []
        for seed in args.seeds:
            start = time.perf_counter()
            tagger = RNNTagger(
                embedding_dim=32,
                categorical_features=[0, 1, 2, 3],
                max_epochs=12,
                lr_schedule="cosine",
                weight_decay=1e-5,
                bidirectional=bidirectional,
                random_state=seed,
            ).fit(X_train, y_train)
            seconds.append(time.perf_counter() - start)
            predicted = np.concatenate(tagger.predict(X_test))
            accuracy.append(np.mean(predicted == true))
            on_unseen.append(np.mean(predicted[unseen] == true[unseen]))
            print(
                f"bidirectional={bidirectional} seed {seed}: {accuracy[-1]:.3f}, "
                f"unseen {on_unseen[-1]:.3f}, {seconds[-1]:.0f} s",
                flush=True,
            )
        rows.append(
            {
                "method": f"RNNTagger(bidirectional={bidirectional})",
                "accuracy median": float(np.median(accuracy)),
                "accuracy worst": float(np.min(accuracy)),
                "unseen median": float(np.median(on_unseen)),
                "s / fit": float(np.median(seconds)),
            }
        )
    counts = defaultdict(Counter)
    for sentence, labels in zip(train_words, y_train, strict=True):
        for word, tag in zip(sentence, labels, strict=True):
            counts[word.lower()][tag] += 1
    overall = Counter(np.concatenate(y_train)).most_common(1)[0][0]
    baseline = np.array(
        [
            counts[w.lower()].most_common(1)[0][0] if w.lower() in counts else overall
            for s in test_words
            for w in s
        ]
    )
    rows.append(
        {
            "method": "most frequent tag of the word",
            "accuracy median": float(np.mean(baseline == true)),
            "unseen median": float(np.mean(baseline[unseen] == true[unseen])),
        }
    )
    print(f"{unseen.mean():.1%} of the held-out words are unseen in training")
    print_table(
        rows,
        ["method", "accuracy median", "accuracy worst", "unseen median", "s / fit"],
    )


if __name__ == "__main__":
    main()
