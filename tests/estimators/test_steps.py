"""RNNTagger and RNNStepRegressor: an output at every step."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import (
    check_do_not_raise_errors_in_init_or_set_params,
    check_estimator_cloneable,
    check_estimator_repr,
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import skseq
from skseq import RNNStepRegressor, RNNTagger
from skseq.preprocessing import SequencePadder, SequenceScaler

QUICK = dict(hidden_size=16, max_epochs=15, batch_size=8, random_state=0)


def sign_task(n=60, seed=0, shift=0):
    """Label each step by the sign of the value ``shift`` steps later."""
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=int(k)) for k in rng.integers(6, 20, size=n)]
    y = [np.where(np.roll(x, -shift) > 0, "pos", "neg") for x in X]
    return X, y


def test_tagger_labels_every_step_of_ragged_sequences():
    X, y = sign_task()
    X_test, y_test = sign_task(seed=1)
    tagger = RNNTagger(**QUICK).fit(X, y)
    predictions = tagger.predict(X_test)
    assert [len(p) for p in predictions] == [len(x) for x in X_test]
    assert tagger.score(X_test, y_test) > 0.95
    proba = tagger.predict_proba(X_test[:3])
    assert [p.shape for p in proba] == [(len(x), 2) for x in X_test[:3]]
    np.testing.assert_allclose(
        [p.sum(axis=1) for p in proba[0:1]], [np.ones(len(X_test[0]))]
    )
    assert list(tagger.classes_) == ["neg", "pos"]


def test_reading_backwards_sees_the_future():
    X, y = sign_task(shift=1)  # the label depends on the next step
    X_test, y_test = sign_task(seed=1, shift=1)
    both = RNNTagger(**QUICK).fit(X, y).score(X_test, y_test)
    forward = RNNTagger(bidirectional=False, **QUICK).fit(X, y).score(X_test, y_test)
    assert both > 0.9 > forward + 0.2


def test_target_forms():
    X, y = sign_task(n=30)
    fixed_X = np.stack([x[:6] for x in X])
    fixed_y = np.stack([labels[:6] for labels in y])
    tagger = RNNTagger(**QUICK).fit(fixed_X, fixed_y)
    assert tagger.predict(fixed_X).shape == (30, 6)
    assert tagger.predict_proba(fixed_X).shape == (30, 6, 2)
    # padded sequences: the padding steps take no label from y and get none
    padded = SequencePadder(padding="post").fit_transform(X)
    padded_y = [
        np.concatenate([labels, ["pad"] * (padded.shape[1] - len(labels))])
        for labels in y
    ]
    from_padded = RNNTagger(**QUICK).fit(padded, padded_y)
    assert list(from_padded.classes_) == ["neg", "pos"]
    assert [len(p) for p in from_padded.predict(padded)] == [len(x) for x in X]
    # a long frame with a long Series of labels
    index = pd.MultiIndex.from_tuples(
        [(i, t) for i, x in enumerate(X) for t in range(len(x))], names=["id", "t"]
    )
    frame = pd.DataFrame({"v": np.concatenate(X)}, index=index)
    labels = pd.Series(np.concatenate(y), index=index).sample(frac=1, random_state=0)
    from_frame = RNNTagger(**QUICK).fit(frame, labels)
    assert from_frame.score(frame, labels) > 0.9
    with pytest.raises(ValueError, match=r"y\[0\] has 3 targets but sequence 0"):
        RNNTagger(**QUICK).fit(X, [labels[:3] for labels in y])


def test_in_pipelines_and_searches_with_ragged_X_and_y():
    X, y = sign_task(n=40)
    pipeline = make_pipeline(SequenceScaler(), RNNTagger(**QUICK))
    assert cross_val_score(pipeline, X, y, cv=2).min() > 0.8
    grid = GridSearchCV(RNNTagger(**QUICK), {"hidden_size": [4, 16]}, cv=2).fit(X, y)
    assert grid.best_params_ == {"hidden_size": 16}


def test_weights_shift_the_labels():
    X, y = sign_task(n=40)
    y = [
        np.where(np.abs(x) < 0.5, "small", labels)
        for x, labels in zip(X, y, strict=True)
    ]
    plain = RNNTagger(**QUICK).fit(X, y)
    weighted = RNNTagger(class_weight={"small": 20.0}, **QUICK).fit(X, y)
    share = [
        np.mean(np.concatenate(model.predict(X)) == "small")
        for model in (plain, weighted)
    ]
    assert share[1] > share[0] + 0.1
    early = RNNTagger(
        early_stopping=True, n_iter_no_change=2, **{**QUICK, "max_epochs": 50}
    )
    assert early.fit(X, y).n_iter_ < 50


def test_token_ids_with_an_embedding():
    rng = np.random.default_rng(0)
    X = [rng.integers(1, 12, size=int(k)) for k in rng.integers(4, 15, size=60)]
    y = [np.where(x % 2 == 0, "even", "odd") for x in X]
    tagger = RNNTagger(embedding_dim=4, **QUICK).fit(X, y)
    assert tagger.score(X, y) > 0.95


def test_step_regressor_recovers_a_clean_signal():
    rng = np.random.default_rng(0)
    clean = [
        np.sin(np.arange(int(k)) / 3 + rng.uniform(0, 6))
        for k in rng.integers(20, 40, 80)
    ]
    noisy = [c + 0.3 * rng.normal(size=len(c)) for c in clean]
    model = RNNStepRegressor(**{**QUICK, "max_epochs": 30}).fit(noisy[:60], clean[:60])
    assert model.score(noisy[60:], clean[60:]) > 0.85
    two = [np.stack([c, -c], axis=1) for c in clean]
    multi = RNNStepRegressor(**QUICK).fit(noisy[:60], two[:60])
    assert multi.n_outputs_ == 2
    assert [p.shape for p in multi.predict(noisy[60:62])] == [
        t.shape for t in two[60:62]
    ]


def test_per_step_predictions_do_not_depend_on_the_batch():
    X, y = sign_task(n=70)
    tagger = RNNTagger(**{**QUICK, "max_epochs": 2}).fit(X, y)
    full = tagger.predict_proba(X)
    rng = np.random.default_rng(0)
    for index in [np.array([3]), rng.choice(70, 5, replace=False), np.arange(70)[::-1]]:
        part = tagger.predict_proba([X[i] for i in index])
        for i, p in zip(index, part, strict=True):
            np.testing.assert_array_equal(p, full[i])


@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
def test_save_and_load(tmp_path, Estimator):
    X, y = sign_task(n=30)
    if Estimator is RNNStepRegressor:
        y = [x * 2 for x in X]
    model = Estimator(**{**QUICK, "max_epochs": 2}).fit(X, y)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    for a, b in zip(loaded.predict(X), model.predict(X), strict=True):
        np.testing.assert_array_equal(a, b)


API_CHECKS = [
    check_estimator_cloneable,
    check_estimator_repr,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_get_params_invariance,
    check_set_params,
    check_do_not_raise_errors_in_init_or_set_params,
]


# The data checks of parametrize_with_checks give one target per sample; these
# estimators need one per step (their fit refuses such y with a clear error),
# so the API checks run here and the data behaviour is tested above.
@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
def test_api_checks(Estimator, check):
    check(Estimator.__name__, Estimator())


def word_task(n=90, seed=0):
    """Steps of (word id, capitalised flag, noise); the label needs both."""
    rng = np.random.default_rng(seed)
    X = []
    for k in rng.integers(4, 12, size=n):
        ids = rng.integers(1, 30, size=k)
        flags = rng.integers(0, 2, size=k)
        X.append(np.stack([ids, flags, rng.normal(size=k)], axis=1).astype(float))
    y = [np.where((x[:, 0] % 3 == 0) | (x[:, 1] == 1), "A", "B") for x in X]
    return X, y


def test_token_ids_and_numeric_features_in_one_input():
    X, y = word_task()
    params = dict(embedding_dim=4, categorical_features=[0], **QUICK)
    tagger = RNNTagger(**params).fit(X[:60], y[:60])
    assert tagger._input.categorical == (0,)
    assert tagger.score(X[60:], y[60:]) > 0.9
    # by name, for DataFrame sequences; the id column is not standardised
    frames = [pd.DataFrame(x, columns=["word", "caps", "noise"]) for x in X]
    named = RNNTagger(**{**params, "categorical_features": ["word"]}).fit(frames, y)
    assert named._input.categorical == (0,) and named._input.scale[0] == 1.0
    unseen = [x.copy() for x in X[:2]]
    unseen[0][0, 0] = 99
    with pytest.raises(ValueError, match=r"ids 99 that are not below"):
        tagger.predict(unseen)
    with pytest.raises(ValueError, match="categorical_features are embedded"):
        RNNTagger(categorical_features=[0]).fit(X, y)
    with pytest.raises(ValueError, match="not integer ids"):
        RNNTagger(embedding_dim=2, categorical_features=[2]).fit(X, y)


@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
def test_a_pipeline_with_pandas_output_returns_the_form_it_would_without(Estimator):
    # the scaler's pandas output, a long frame, is read as the array it was
    # made of: predictions for a 2-D X stay one array (they were a list)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 5))
    y = X > 0 if Estimator is RNNTagger else 2 * X
    model = Estimator(hidden_size=8, max_epochs=2, random_state=0)
    plain = make_pipeline(SequenceScaler(), clone(model)).fit(X, y)
    framed = make_pipeline(SequenceScaler(), clone(model))
    framed.set_output(transform="pandas")
    predicted = framed.fit(X, y).predict(X)
    assert isinstance(predicted, np.ndarray) and predicted.shape == X.shape
    np.testing.assert_allclose(predicted, plain.predict(X), rtol=1e-5, atol=1e-6)


def flat(predictions):
    return np.concatenate([np.asarray(p).ravel() for p in predictions])


@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
def test_weights_indexed_by_id_are_lined_up_with_a_long_X_by_id(Estimator):
    # the frame's ids run backwards, X's sequences are read in sorted id order
    X, y = sign_task(n=8)
    if Estimator is RNNStepRegressor:
        y = [2 * x for x in X]
    ids = pd.Index([f"s{i}" for i in range(8)][::-1], name="id")
    frame = skseq.utils.to_long_format(X, ids=ids)
    target = pd.Series(np.concatenate(y), index=frame.index)
    weights = pd.Series(np.random.default_rng(0).uniform(0.1, 2.0, 8), index=ids)
    by_id = weights.sort_index().to_numpy()
    model = Estimator(hidden_size=8, max_epochs=2, random_state=0)
    fitted = clone(model).fit(frame, target, sample_weight=weights)
    expected = clone(model).fit(frame, target, sample_weight=by_id)
    np.testing.assert_array_equal(
        flat(fitted.predict(frame)), flat(expected.predict(frame))
    )
    assert fitted.score(frame, target, sample_weight=weights) == fitted.score(
        frame, target, sample_weight=by_id
    )


def test_long_y_pairs_with_a_long_X_whose_ids_are_positions():
    # to_long_format without ids gives positions: y's ids pair by position
    X, _ = sign_task(n=8)
    y = [2 * x for x in X]
    model = RNNStepRegressor(hidden_size=8, max_epochs=2, random_state=0)
    long_y = skseq.utils.to_long_format(y)["x0"]
    frame = skseq.utils.to_long_format(X)
    fitted = clone(model).fit(frame, long_y)
    expected = clone(model).fit(X, y)
    np.testing.assert_array_equal(
        flat(fitted.predict(frame)), flat(expected.predict(X))
    )
    named = skseq.utils.to_long_format(y, ids=pd.Index(list("abcdefgh")))["x0"]
    with pytest.raises(ValueError, match="y's ids must be the positions 0 to 7"):
        clone(model).fit(frame, named)
