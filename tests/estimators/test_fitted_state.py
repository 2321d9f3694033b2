"""A parameter set after fit takes effect at the next fit, not at predict.

scikit-learn's rule: ``set_params`` on a fitted estimator leaves the model it
predicts with as it is until it is fitted again. What shapes how ``X`` is
read (token ids or numbers, padding, every position) is fitted state.
"""

import numpy as np
import pytest

from skseq import RNNClassifier, RNNLanguageModel, RNNTagger
from skseq.datasets import load_text

from .._helpers import QUICK


def _tokens(rng):
    X = rng.integers(1, 6, size=(24, 5))
    X[::3, 3:] = 0  # post-padded with id 0
    return X, rng.integers(0, 2, size=24)


def _padded(rng):
    X = [
        np.vstack([rng.normal(size=(n, 2)), np.full((2, 2), -7.0)])
        for n in rng.integers(2, 6, size=24)
    ]
    return X, rng.integers(0, 2, size=24)


def _categorical(rng):
    X = np.stack([rng.integers(1, 4, size=(24, 5)), rng.normal(size=(24, 5))], axis=2)
    return X.astype(float), rng.integers(0, 2, size=24)


CASES = {
    "embedding_dim": (_tokens, dict(embedding_dim=3), dict(embedding_dim=None)),
    "mask_value": (_padded, dict(mask_value=-7.0), dict(mask_value=None)),
    "categorical_features": (
        _categorical,
        dict(embedding_dim=2, categorical_features=[0]),
        dict(categorical_features=None),
    ),
    "pooling": (
        _tokens,
        dict(embedding_dim=3, pooling="flatten"),
        dict(pooling="max"),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_set_params_after_fit_leaves_predictions_as_fitted(case):
    make, fitted_with, set_after = CASES[case]
    X, y = make(np.random.default_rng(0))
    clf = RNNClassifier(**QUICK, **fitted_with).fit(X, y)
    proba, score = clf.predict_proba(X), clf.score(X, y)
    clf.set_params(**set_after)
    np.testing.assert_allclose(clf.predict_proba(X), proba, rtol=0, atol=1e-12)
    assert clf.score(X, y) == score


def test_a_tagger_reads_padding_as_at_fit():
    X, _ = _padded(np.random.default_rng(0))
    y = [(x[:, 0] > 0).astype(int) for x in X]
    tagger = RNNTagger(**QUICK, mask_value=-7.0).fit(X, y)
    before = tagger.predict_proba(X)
    tagger.set_params(mask_value=None)
    for now, then in zip(tagger.predict_proba(X), before, strict=True):
        np.testing.assert_allclose(now, then, rtol=0, atol=1e-12)


def test_warm_start_refuses_a_changed_reading_of_X():
    X, y = _padded(np.random.default_rng(0))
    clf = RNNClassifier(**QUICK, mask_value=-7.0, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"mask_value: -7\.0 -> 0\.0.*warm_start"):
        clf.set_params(mask_value=0.0).fit(X, y)
    tokens, labels = _tokens(np.random.default_rng(0))
    clf = RNNClassifier(**QUICK, embedding_dim=3, warm_start=True).fit(tokens, labels)
    with pytest.raises(ValueError, match=r"embedding_dim.*tokens: True -> False"):
        clf.set_params(embedding_dim=None).fit(tokens, labels)


def test_a_language_model_writes_its_fitted_unit():
    text = load_text("gettysburg")
    model = RNNLanguageModel(unit="word", hidden_size=8, max_epochs=2, random_state=0)
    model.fit(text)
    words = model.generate("we", n_steps=5, random_state=0)
    assert words.startswith("we ")
    assert model.set_params(unit="char").generate("we", 5, random_state=0) == words
