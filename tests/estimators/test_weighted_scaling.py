"""sample_weight weighs the statistics that scale inputs and targets."""

import numpy as np
import pytest

from skseq import RNNClassifier, RNNRegressor, RNNStepRegressor

FAST = dict(hidden_size=4, max_epochs=1, random_state=0)


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(int(rng.integers(3, 9)), 2)) for _ in range(40)]
    return X, rng


@pytest.mark.parametrize("make", [RNNRegressor, RNNClassifier, RNNStepRegressor])
def test_a_sequence_of_weight_zero_scales_nothing(make):
    # weight 0 is leaving the sequence out (scikit-learn's rule): before, an
    # outlier of weight 0 set the scaling and R2 on clean data fell to -5725
    X, rng = _data()
    if make is RNNStepRegressor:
        y = [x.sum(axis=1) for x in X]
        outlier_y = [np.full(2, 1e6)]
    elif make is RNNClassifier:
        y = np.array([0, 1] * 20)
        outlier_y = [1]
    else:
        y = np.array([x.sum() for x in X])
        outlier_y = [1e6]
    outlier = [np.full((2, 2), 1e6)]
    clean = make(**FAST).fit(X, y)
    weights = np.r_[rng.uniform(0.5, 2, len(X)), 0.0]
    both = (X + outlier, list(y) + outlier_y)
    weighted = make(**FAST).fit(*both, sample_weight=weights)
    uniform = make(**FAST).fit(X, y, sample_weight=weights[:-1])
    for fitted in ("_input", "_target"):
        if fitted == "_target" and make is RNNClassifier:
            continue
        # the weights reach the input statistics as float32: rtol 1e-6
        got, kept = getattr(weighted, fitted), getattr(uniform, fitted)
        np.testing.assert_allclose(got.mean, kept.mean, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(got.scale, kept.scale, rtol=1e-6)
        # and they count: the unweighted statistics differ
        assert not np.allclose(getattr(clean, fitted).mean, kept.mean)


def test_equal_weights_leave_the_statistics_as_without_weights():
    X, _ = _data(1)
    y = np.array([x.sum() for x in X])
    plain = RNNRegressor(**FAST).fit(X, y)
    equal = RNNRegressor(**FAST).fit(X, y, sample_weight=np.full(len(X), 3.0))
    for fitted in ("_input", "_target"):
        a, b = getattr(plain, fitted), getattr(equal, fitted)
        assert np.array_equal(a.mean, b.mean) and np.array_equal(a.scale, b.scale)


def test_class_weights_leave_the_input_scaling_alone():
    # they weigh the loss; a scaler in a pipeline would not see them either
    X, _ = _data(2)
    y = np.r_[np.zeros(32), np.ones(8)].astype(int)
    X = [x + 3 * label for x, label in zip(X, y, strict=True)]
    plain = RNNClassifier(**FAST).fit(X, y)
    balanced = RNNClassifier(class_weight="balanced", **FAST).fit(X, y)
    assert np.array_equal(plain._input.mean, balanced._input.mean)


def test_stored_sequences_are_weighted_as_in_memory(monkeypatch):
    from skseq import _input
    from skseq.io import StoredSequences
    from skseq.utils import _stored

    for module in (_input, _stored):  # blocks across the sequences
        monkeypatch.setattr(module, "block_steps", lambda width: 7)
    X, rng = _data(3)
    y = np.array([x.sum() for x in X])
    weights = np.r_[rng.uniform(0.5, 2, len(X) - 1), 0.0]
    lengths = np.array([len(x) for x in X])
    stored = StoredSequences(np.concatenate(X), lengths, flat=True)
    memory = RNNRegressor(**FAST).fit(X, y, sample_weight=weights)
    disk = RNNRegressor(**FAST).fit(stored, y, sample_weight=weights)
    np.testing.assert_allclose(disk._input.mean, memory._input.mean, rtol=1e-12)
    np.testing.assert_allclose(disk._input.scale, memory._input.scale, rtol=1e-12)
