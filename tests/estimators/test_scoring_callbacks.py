"""skorch's EpochScoring with a scorer name scores the fitted model's predictions.

Each score in ``history_`` is checked against scikit-learn's metric on the
estimator's own predictions of the same samples: the validation split with
``on_train=False``, the training samples with ``on_train=True`` (a learning
rate so small that the weights do not move during the epoch, whose training
batches are scored before each step).
"""

import pickle

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    f1_score,
    get_scorer,
    log_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)
from skorch.callbacks import BatchScoring, EpochScoring

import skseq
from skseq import (
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
    RNNSeq2Seq,
    RNNStepRegressor,
    RNNTagger,
    SequenceForecaster,
)
from skseq.datasets import load_airline, make_reversal
from skseq.utils.validation import MASK_VALUE

BASE = dict(hidden_size=8, batch_size=8, dropout=0.0, random_state=0)


def _sequences(n, seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(3, 12, size=n)
    return [rng.normal(size=(length, 2)) for length in lengths], rng


def _labels(X, rng, classes):
    """Labels that the first feature's mean predicts, with some noise."""
    signal = np.array([x[:, 0].mean() for x in X]) + rng.normal(0, 0.5, len(X))
    edges = np.quantile(signal, np.linspace(0, 1, len(classes) + 1)[1:-1])
    return np.asarray(classes)[np.searchsorted(edges, signal)]


def _scored(estimator, X, y, on_train):
    """The samples scored, their targets, and the fitted model's epoch."""
    split = estimator.net_.train_split
    if split is None:
        index = np.arange(len(X))
    elif on_train:
        index = np.setdiff1d(np.arange(len(X)), split.valid_index)
    else:
        index = split.valid_index
    # one epoch: the fitted model is the one it scored
    assert estimator.n_iter_ == 1
    y_scored = [y[i] for i in index] if isinstance(y, list) else y[index]
    return [X[i] for i in index], y_scored, estimator.history_[-1]


def _case(on_train):
    # on_train: no validation split, weights that stay put within the epoch
    if on_train:
        return dict(early_stopping=False, max_epochs=1, lr=1e-12)
    return dict(early_stopping=True, max_epochs=1)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("on_train", [False, True])
def test_binary_classifier_scores_match_sklearn(weighted, on_train):
    X, rng = _sequences(80, 0)
    y = _labels(X, rng, ["no", "yes"])
    weight = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    names = ["accuracy", "f1_macro", "roc_auc", "neg_log_loss"]
    clf = RNNClassifier(
        callbacks=[EpochScoring(name, on_train=on_train) for name in names],
        **BASE,
        **_case(on_train),
    ).fit(X, y, sample_weight=weight)
    X_scored, y_scored, epoch = _scored(clf, X, y, on_train)
    proba = clf.predict_proba(X_scored)
    expected = {
        "accuracy": accuracy_score(y_scored, clf.predict(X_scored)),
        "f1_macro": f1_score(y_scored, clf.predict(X_scored), average="macro"),
        "roc_auc": roc_auc_score(y_scored == "yes", proba[:, 1]),
        "neg_log_loss": -log_loss(y_scored, proba, labels=clf.classes_),
    }
    for name in names:
        assert epoch[name] == pytest.approx(expected[name], rel=1e-5, abs=1e-6), name
    assert 0.0 < epoch["accuracy"] < 1.0  # a score that tells something


def test_multiclass_classifier_scores_match_sklearn():
    X, rng = _sequences(90, 1)
    y = _labels(X, rng, [10, 20, 30])
    names = ["accuracy", "f1_macro", "roc_auc_ovr", "neg_log_loss"]
    clf = RNNClassifier(
        callbacks=[EpochScoring(name) for name in names], **BASE, **_case(False)
    ).fit(X, y)
    X_scored, y_scored, epoch = _scored(clf, X, y, on_train=False)
    proba = clf.predict_proba(X_scored)
    expected = {
        "accuracy": accuracy_score(y_scored, clf.predict(X_scored)),
        "f1_macro": f1_score(y_scored, clf.predict(X_scored), average="macro"),
        "roc_auc_ovr": roc_auc_score(
            y_scored, proba, multi_class="ovr", labels=clf.classes_
        ),
        "neg_log_loss": -log_loss(y_scored, proba, labels=clf.classes_),
    }
    for name in names:
        assert epoch[name] == pytest.approx(expected[name], rel=1e-5), name


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("on_train", [False, True])
@pytest.mark.parametrize("two_outputs", [False, True])
def test_regressor_scores_are_in_the_target_units(weighted, on_train, two_outputs):
    X, rng = _sequences(80, 2)
    means = np.array([x[:, 0].mean() for x in X])
    # far from mean 0 and scale 1: standardised errors would be 40 times smaller
    y = (
        np.column_stack([100 + 40 * means, 5 * means])
        if two_outputs
        else 100 + 40 * means
    )
    weight = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    names = ["r2", "neg_mean_absolute_error"]
    reg = RNNRegressor(
        callbacks=[EpochScoring(name, on_train=on_train) for name in names],
        **BASE,
        **_case(on_train),
    ).fit(X, y, sample_weight=weight)
    X_scored, y_scored, epoch = _scored(reg, X, y, on_train)
    predicted = reg.predict(X_scored)
    assert epoch["r2"] == pytest.approx(
        r2_score(y_scored, predicted), rel=1e-4, abs=1e-5
    )
    assert epoch["neg_mean_absolute_error"] == pytest.approx(
        -mean_absolute_error(y_scored, predicted), rel=1e-5
    )


def test_a_target_extractor_of_your_own_gets_the_batches_targets():
    X, rng = _sequences(40, 3)
    y = _labels(X, rng, [0, 1])
    seen = []

    def first_of_pair(batch_target):
        seen.append(type(batch_target))
        return batch_target[0].numpy()

    RNNClassifier(
        callbacks=[EpochScoring("accuracy", target_extractor=first_of_pair)],
        **BASE,
        **_case(False),
    ).fit(X, y, sample_weight=np.ones(len(y)))
    assert seen and set(seen) == {tuple}  # (target, weight), as documented


@pytest.mark.parametrize(
    "Estimator", [RNNClassifier, RNNRegressor, RNNTagger, RNNStepRegressor]
)
def test_the_net_predicts_the_same_after_save_load_and_pickle(tmp_path, Estimator):
    X, rng = _sequences(40, 4)
    y = {
        RNNClassifier: lambda: _labels(X, rng, [0, 1]),
        RNNRegressor: lambda: rng.normal(size=40),
        RNNTagger: lambda: _step_labels(X, rng, [0, 1]),
        RNNStepRegressor: lambda: _step_values(X, rng, False),
    }[Estimator]()
    classifies = Estimator in (RNNClassifier, RNNTagger)
    model = Estimator(
        callbacks=[EpochScoring("accuracy" if classifies else "r2")],
        **BASE,
        **_case(False),
    ).fit(X, y)
    dataset = model.net_.train_split(_dataset(model, X))[1]
    expected = model.net_.predict(dataset)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    np.testing.assert_allclose(loaded.net_.predict(dataset), expected, rtol=1e-6)
    unpickled = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(unpickled.net_.predict(dataset), expected)
    for got, want in zip(unpickled.predict(X), model.predict(X), strict=True):
        np.testing.assert_array_equal(got, want)


def _dataset(model, X):
    from skseq._engine import input_dataset

    sequences = model._check_X(X, reset=False, fitted=model._input)
    return input_dataset(model._input, sequences)


# per-step estimators: the scores are over the valid steps, as their ``score``


def _step_labels(X, rng, classes):
    """A label per step that the step's first feature predicts, with noise."""
    classes = np.asarray(classes)
    return [
        classes[(x[:, 0] + rng.normal(0, 0.7, len(x)) > 0).astype(int) % len(classes)]
        for x in X
    ]


def _step_values(X, rng, two_outputs):
    """Values per step far from mean 0 and scale 1 (see the regressor's test)."""
    values = [100 + 40 * x[:, 0] + rng.normal(0, 5, len(x)) for x in X]
    if two_outputs:
        return [np.column_stack([v, -0.1 * v]) for v in values]
    return values


def _masked(X, y):
    """X as one array whose short sequences end in MASK_VALUE steps, y padded."""
    longest = max(len(x) for x in X)
    X_padded = np.full((len(X), longest, X[0].shape[1]), MASK_VALUE)
    y_padded = np.full((len(y), longest), y[0][0])  # labels of padding: ignored
    for i, (x, labels) in enumerate(zip(X, y, strict=True)):
        X_padded[i, : len(x)], y_padded[i, : len(x)] = x, labels
    return X_padded, y_padded


def _flat(per_sequence, X):
    """Per-step values of the valid steps of ``X``, concatenated."""
    lengths = [int((~np.all(np.asarray(x) == MASK_VALUE, axis=-1)).sum()) for x in X]
    return np.concatenate(
        [np.asarray(v)[:n] for v, n in zip(per_sequence, lengths, strict=True)]
    )


@pytest.mark.parametrize("layout", ["ragged", "fixed", "masked"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("on_train", [False, True])
def test_tagger_scores_match_sklearn_over_the_valid_steps(layout, weighted, on_train):
    X, rng = _sequences(60, 5)
    if layout == "fixed":
        X = [x[:6] for x in X if len(x) >= 6]
    y = _step_labels(X, rng, ["a", "b", "c"])
    if layout == "masked":
        X, y = _masked(X, y)
    elif layout == "fixed":
        X, y = np.stack(X), np.stack(y)
    weight = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    names = ["accuracy", "f1_macro", "neg_log_loss"]
    tagger = RNNTagger(
        callbacks=[EpochScoring(name, on_train=on_train) for name in names],
        **BASE,
        **_case(on_train),
    ).fit(X, y, sample_weight=weight)
    X_scored, y_scored, epoch = _scored(tagger, list(X), list(y), on_train)
    y_true = _flat(y_scored, X_scored)
    predicted = _flat(tagger.predict(X_scored), X_scored)
    proba = _flat(tagger.predict_proba(X_scored), X_scored)
    assert len(y_true) < sum(len(y) for y in y_scored) or layout != "masked"
    expected = {
        "accuracy": accuracy_score(y_true, predicted),
        "f1_macro": f1_score(y_true, predicted, average="macro"),
        "neg_log_loss": -log_loss(y_true, proba, labels=tagger.classes_),
    }
    for name in names:
        assert epoch[name] == pytest.approx(expected[name], rel=1e-5, abs=1e-6), name
    # the accuracy over all steps, as the tagger's own (unweighted) score
    assert epoch["accuracy"] == pytest.approx(tagger.score(X_scored, y_scored))
    assert 0.0 < epoch["accuracy"] < 1.0


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("on_train", [False, True])
@pytest.mark.parametrize("two_outputs", [False, True])
def test_step_regressor_scores_are_over_the_valid_steps_in_the_target_units(
    weighted, on_train, two_outputs
):
    X, rng = _sequences(60, 6)
    y = _step_values(X, rng, two_outputs)
    weight = rng.uniform(0.5, 2.0, len(y)) if weighted else None
    names = ["r2", "neg_mean_absolute_error"]
    reg = RNNStepRegressor(
        callbacks=[EpochScoring(name, on_train=on_train) for name in names],
        **BASE,
        **_case(on_train),
    ).fit(X, y, sample_weight=weight)
    X_scored, y_scored, epoch = _scored(reg, X, y, on_train)
    y_true, predicted = np.concatenate(y_scored), np.concatenate(reg.predict(X_scored))
    assert epoch["r2"] == pytest.approx(r2_score(y_true, predicted), rel=1e-4, abs=1e-5)
    assert epoch["r2"] == pytest.approx(reg.score(X_scored, y_scored), rel=1e-4)
    assert epoch["neg_mean_absolute_error"] == pytest.approx(
        -mean_absolute_error(y_true, predicted), rel=1e-5
    )


def test_tagger_batch_scoring_scores_the_valid_steps_of_each_batch():
    X, rng = _sequences(60, 7)
    y = _step_labels(X, rng, [0, 1])
    # the validation split is one batch: its score is the split's
    tagger = RNNTagger(
        callbacks=[BatchScoring("accuracy")], **BASE, **_case(False)
    ).fit(X, y)
    X_scored, y_scored, epoch = _scored(tagger, X, y, on_train=False)
    expected = accuracy_score(
        np.concatenate(y_scored), np.concatenate(tagger.predict(X_scored))
    )
    assert epoch["accuracy"] == pytest.approx(expected)


def test_probability_losses_are_given_every_tag_of_the_tagger():
    # a tag missing from the validation steps (and from most training
    # batches): log_loss raised "y_true and y_prob contain different number
    # of classes" mid-fit
    X, rng = _sequences(60, 5)
    y = _step_labels(X, rng, ["a", "b"])
    y[0] = np.where(np.arange(len(y[0])) == 0, "c", y[0])
    names = ["neg_log_loss", "neg_brier_score"]
    tagger = RNNTagger(
        callbacks=[EpochScoring(name, lower_is_better=False) for name in names]
        + [BatchScoring("neg_log_loss", on_train=True, name="train_log_loss")],
        **BASE,
        **_case(False),
    ).fit(X, y)
    X_scored, y_scored, epoch = _scored(tagger, X, y, on_train=False)
    y_true = np.concatenate(y_scored)
    assert "c" not in y_true and "c" in tagger.classes_
    proba = np.concatenate(tagger.predict_proba(X_scored))
    expected = {
        "neg_log_loss": -log_loss(y_true, proba, labels=tagger.classes_),
        "neg_brier_score": -brier_score_loss(y_true, proba, labels=tagger.classes_),
    }
    for name in names:
        assert epoch[name] == pytest.approx(expected[name], rel=1e-5), name
    assert np.isfinite(epoch["train_log_loss"])


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor, RNNTagger])
def test_a_scorer_name_without_caching_is_refused_at_fit(Estimator):
    X, rng = _sequences(30, 8)
    y = {
        RNNClassifier: lambda: _labels(X, rng, [0, 1]),
        RNNRegressor: lambda: rng.normal(size=30),
        RNNTagger: lambda: _step_labels(X, rng, [0, 1]),
    }[Estimator]()
    scoring = "r2" if Estimator is RNNRegressor else "accuracy"
    model = Estimator(
        callbacks=[EpochScoring(scoring, use_caching=False)], **BASE, **_case(False)
    )
    with pytest.raises(ValueError, match=r"use_caching=False is not supported by"):
        model.fit(X, y)


def _forecaster(callbacks):
    model = SequenceForecaster(
        window_length=12, horizon=3, hidden_size=8, max_epochs=1, random_state=0
    )
    return model.set_params(callbacks=callbacks), (load_airline(),)


def _seq2seq(callbacks):
    X, y = make_reversal(40, max_length=5, random_state=0)
    return RNNSeq2Seq(callbacks=callbacks, **BASE, max_epochs=1), (X, y)


def _language_model(callbacks):
    text = ["the cat sat on the mat", "the dog sat on the log"] * 5
    model = RNNLanguageModel(hidden_size=8, max_epochs=1, random_state=0)
    return model.set_params(callbacks=callbacks), (text,)


@pytest.mark.parametrize("make", [_forecaster, _seq2seq, _language_model])
def test_a_scorer_name_is_refused_where_not_supported(make):
    # on_train: the forecaster's net is scored (in scaled units) without a
    # validation split; the others crashed deep in skorch
    model, data = make([EpochScoring("r2", on_train=True)])
    with pytest.raises(ValueError, match=r"EpochScoring\('r2'\) is not supported by"):
        model.fit(*data)


@pytest.mark.parametrize("scoring", [get_scorer("r2"), r2_score])
def test_a_scorer_object_or_metric_function_is_refused_as_a_name(scoring):
    # the forecaster recorded the r2 of its scaled windows (0.906 on airline)
    model, data = _forecaster([EpochScoring(scoring, on_train=True, name="r2")])
    with pytest.raises(ValueError, match=r"is not supported by SequenceForecaster"):
        model.fit(*data)
    # and without caching the scorer got no targets ("Input contains NaN")
    X, rng = _sequences(30, 8)
    clf = RNNClassifier(
        callbacks=[EpochScoring(scoring, use_caching=False, name="r2")],
        **BASE,
        **_case(False),
    )
    with pytest.raises(ValueError, match=r"use_caching=False is not supported"):
        clf.fit(X, _labels(X, rng, [0, 1]))


@pytest.mark.parametrize("Callback", [EpochScoring, BatchScoring])
def test_scoring_none_is_refused_at_fit(Callback):
    # failed after the first epoch: "estimator should have a 'score' method"
    X, rng = _sequences(30, 8)
    clf = RNNClassifier(callbacks=[Callback(None)], **BASE, **_case(False))
    with pytest.raises(ValueError, match=r"scoring=None\) is not supported by"):
        clf.fit(X, _labels(X, rng, [0, 1]))
    model, data = _forecaster([Callback(None, on_train=True)])
    with pytest.raises(ValueError, match=r"a scoring function of your own"):
        model.fit(*data)


def test_a_scoring_function_of_your_own_is_left_alone():
    model, data = _forecaster([EpochScoring(lambda net, X, y: 1.0, on_train=True)])
    assert model.fit(*data).history_[-1]["<lambda>"] == 1.0
