"""Network and training options: each one changes what it should."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback

from skseq import MASK_VALUE, RNNClassifier, RNNRegressor, TrainingInterrupted
from skseq.utils import from_long_format

from .._helpers import (
    QUICK,
    CtrlCAt,
    RaiseKeyboardInterruptAt,
    make_ragged_classification,
)


class RecordWeights(Callback):
    """Keep a copy of the module's weights and the lr after every epoch."""

    def on_train_begin(self, net, **kwargs):
        self.weights, self.lrs = [], []

    def on_epoch_end(self, net, **kwargs):
        vector = torch.nn.utils.parameters_to_vector(net.module_.parameters())
        self.weights.append(vector.detach().clone())
        self.lrs.append(net.optimizer_.param_groups[0]["lr"])


# ------------------------------------------------------------------ network


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_bidirectional_stays_padding_invariant(pooling, cell):
    X, y = make_ragged_classification(n=40, min_length=2, max_length=30)
    clf = RNNClassifier(cell=cell, pooling=pooling, bidirectional=True, **QUICK)
    clf.fit(X, y)
    assert clf.net_.module_.head.in_features == 2 * QUICK["hidden_size"] or (
        pooling == "attention"
    )
    short = [x for x in X if len(x) < 8][:3]
    long = [x for x in X if len(x) > 20][:5]
    alone = np.vstack([clf.predict_proba([s]) for s in short])
    together = clf.predict_proba(long + short)[len(long) :]
    np.testing.assert_allclose(together, alone, atol=1e-5, rtol=0)


def test_attention_pooling_learns_a_ragged_task():
    X, y = make_ragged_classification(n=80)
    X_test, y_test = make_ragged_classification(n=80, seed=1)
    clf = RNNClassifier(pooling="attention", hidden_size=8, max_epochs=10)
    assert clf.set_params(random_state=0).fit(X, y).score(X_test, y_test) > 0.9


def test_flatten_pooling_needs_one_length():
    X = np.random.default_rng(0).normal(size=(30, 6, 2))
    y = np.arange(30) % 2
    clf = RNNClassifier(pooling="flatten", **QUICK).fit(X, y)
    assert clf.net_.module_.head.in_features == 6 * QUICK["hidden_size"]
    assert clf.predict(X).shape == (30,)
    with pytest.raises(ValueError, match="exactly 6 steps"):
        clf.predict(np.zeros((2, 7, 2)))
    # padding at predict too (it was read as values of -1e9, as fit refuses)
    padded = X[:2].copy()
    padded[:, 4:] = MASK_VALUE
    with pytest.raises(ValueError, match=r"padded with mask_value=.*value=0\.0"):
        clf.predict(padded)
    ragged, labels = make_ragged_classification(n=20)
    with pytest.raises(ValueError, match="pooling='flatten' needs sequences of one"):
        RNNClassifier(pooling="flatten", **QUICK).fit(ragged, labels)


def test_flatten_reads_padded_token_ids_as_zero_vectors():
    rng = np.random.default_rng(0)
    X = rng.integers(1, 9, size=(30, 6))
    X[::3, 4:] = 0  # post-padded with id 0
    y = np.arange(30) % 2
    clf = RNNClassifier(embedding_dim=3, pooling="flatten", **QUICK).fit(X, y)
    assert clf.net_.module_.head.in_features == 6 * QUICK["hidden_size"]
    assert clf.predict(X).shape == (30,)
    with pytest.raises(ValueError, match=r"SequencePadder\(dtype='int64'\)"):
        RNNClassifier(embedding_dim=3, pooling="flatten", **QUICK).fit(
            [np.array([1, 2]), np.array([3])], [0, 1]
        )
    padded = np.zeros((4, 5, 1))
    padded[:, :2] = -1e9
    with pytest.raises(ValueError, match=r"padded with mask_value=.*value=0\.0"):
        RNNClassifier(pooling="flatten", **QUICK).fit(padded, [0, 1, 0, 1])


def make_token_task(n=120, seed=0, vocab=12):
    """Label 1 when token 3 occurs in the sequence."""
    rng = np.random.default_rng(seed)
    X = [rng.integers(4, vocab, size=rng.integers(3, 12)) for _ in range(n)]
    y = rng.integers(0, 2, size=n)
    for x, label in zip(X, y, strict=True):
        if label:
            x[rng.integers(len(x))] = 3
    return X, y


def test_token_ids_feed_an_embedding():
    X, y = make_token_task()
    X_test, y_test = make_token_task(seed=1)
    clf = RNNClassifier(embedding_dim=8, hidden_size=16, max_epochs=15, random_state=0)
    clf.fit(X, y)
    assert clf.vocab_size_ == 12
    assert clf.net_.module_.embedding.num_embeddings == 12
    assert clf.score(X_test, y_test) > 0.9
    with pytest.raises(ValueError, match="token ids 12, 40 that are not below"):
        clf.predict([np.array([5, 12, 40])])


def test_token_padding_id_zero_is_masked():
    X, y = make_token_task(n=40)
    clf = RNNClassifier(embedding_dim=4, **QUICK).fit(X, y)
    padded = np.zeros((len(X), 20), dtype=int)
    for row, x in zip(padded, X, strict=True):
        row[-len(x) :] = x  # pre-padded with id 0
    np.testing.assert_allclose(
        clf.predict_proba(padded), clf.predict_proba(X), atol=1e-6
    )


def test_given_vocab_size_is_checked_at_fit():
    X, y = make_token_task(n=20)
    clf = RNNClassifier(embedding_dim=4, vocab_size=50, **QUICK).fit(X, y)
    assert clf.vocab_size_ == 50
    with pytest.raises(ValueError, match=r"not below vocab_size \(5\)"):
        RNNClassifier(embedding_dim=4, vocab_size=5, **QUICK).fit(X, y)


def test_custom_module_gets_the_parameters_it_takes():
    class MeanThenLinear(torch.nn.Module):
        def __init__(self, input_size, output_size, hidden_size):
            super().__init__()
            self.hidden = torch.nn.Linear(input_size, hidden_size)
            self.out = torch.nn.Linear(hidden_size, output_size)

        def forward(self, X, lengths):
            mask = (torch.arange(X.shape[1])[None] < lengths[:, None]).unsqueeze(-1)
            mean = (X * mask).sum(1) / lengths[:, None]
            return self.out(torch.relu(self.hidden(mean)))

    X, y = make_ragged_classification(n=60)
    grid = GridSearchCV(
        RNNClassifier(
            module=MeanThenLinear, max_epochs=10, batch_size=8, random_state=0
        ),
        {"hidden_size": [2, 6]},
        cv=2,
    ).fit(X, y)
    assert grid.best_estimator_.net_.module_.hidden.out_features in (2, 6)
    assert isinstance(grid.best_estimator_.net_.module_, MeanThenLinear)
    assert grid.best_score_ > 0.9


# ----------------------------------------------------------------- training


def test_absolute_error_fits_the_median_squared_error_the_mean():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4, 1))  # uninformative inputs
    y = np.where(np.arange(200) % 10 == 0, 100.0, 0.0)  # mean 10, median 0
    params = dict(hidden_size=4, max_epochs=30, lr=0.01, random_state=0)
    squared = RNNRegressor(loss="squared_error", **params).fit(X, y).predict(X)
    absolute = RNNRegressor(loss="absolute_error", **params).fit(X, y).predict(X)
    huber = RNNRegressor(loss="huber", **params).fit(X, y).predict(X)
    assert abs(np.median(squared) - 10) < 4
    assert abs(np.median(absolute)) < 2
    assert np.median(absolute) < np.median(huber) < np.median(squared)


def test_weight_decay_shrinks_the_weights():
    X, y = make_ragged_classification(n=40)
    norms = []
    for decay in (0.0, 5.0):
        clf = RNNClassifier(weight_decay=decay, optimizer="adamw", **QUICK)
        params = clf.fit(X, y).net_.module_.parameters()
        norms.append(torch.nn.utils.parameters_to_vector(params).norm().item())
    assert norms[1] < 0.7 * norms[0]


def test_optimizer_kwargs_reach_the_optimizer():
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(optimizer="sgd", optimizer_kwargs={"momentum": 0.9}, **QUICK)
    assert clf.fit(X, y).net_.optimizer_.param_groups[0]["momentum"] == 0.9


@pytest.mark.parametrize(
    "schedule, check",
    [
        ("cosine", lambda lrs: lrs[-1] < 0.01 * lrs[0]),
        ("step", lambda lrs: np.isclose(lrs[-1], lrs[0] * 0.001)),
        ("plateau", lambda lrs: lrs[-1] < lrs[0]),
    ],
)
def test_lr_schedules(schedule, check):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 4, 1)), np.arange(32) % 2
    recorder = RecordWeights()
    clf = RNNClassifier(
        lr=1e-5,  # the loss stays flat: a plateau from the first epoch
        lr_schedule=schedule,
        n_iter_no_change=2,
        max_epochs=9,
        hidden_size=4,
        random_state=0,
        callbacks=[("record", recorder)],
    )
    clf.fit(X, y)
    lrs = dict(clf.net_.callbacks_)["record"].lrs
    assert len(lrs) == 9
    assert check(lrs), lrs


def test_early_stopping_stops_on_a_plateau_and_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 5, 1)), rng.integers(0, 2, size=100)  # noise
    clf = RNNClassifier(
        early_stopping=True,
        n_iter_no_change=3,
        max_epochs=100,
        hidden_size=16,
        lr=0.05,
        random_state=0,
        callbacks=[("record", RecordWeights())],
    ).fit(X, y)
    assert clf.n_iter_ < 100
    valid_loss = clf.history_[:, "valid_loss"]
    best = int(np.argmin(valid_loss))
    assert clf.n_iter_ == best + 1 + 3
    recorded = dict(clf.net_.callbacks_)["record"].weights
    final = torch.nn.utils.parameters_to_vector(clf.net_.module_.parameters())
    assert torch.equal(final, recorded[best])
    assert not torch.equal(final, recorded[-1])


def test_early_stopping_validation_split_is_stratified():
    X, y = make_ragged_classification(n=50)
    y = np.where(np.arange(50) < 10, 1, 0)  # 10 / 40
    clf = RNNClassifier(early_stopping=True, validation_fraction=0.2, **QUICK)
    clf.fit(X, y)
    valid_index = clf.net_.train_split.valid_index
    assert len(valid_index) == 10
    assert y[valid_index].sum() == 2  # 20 % of each class


def test_class_weight_shifts_predictions_toward_the_weighted_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 5, 1))
    y = np.arange(80) % 2  # labels unrelated to X
    params = dict(hidden_size=8, max_epochs=15, random_state=0)
    for favoured in (0, 1):
        weights = {favoured: 10.0, 1 - favoured: 1.0}
        predictions = RNNClassifier(class_weight=weights, **params).fit(X, y).predict(X)
        assert np.mean(predictions == favoured) > 0.85
    imbalanced = np.where(np.arange(80) < 70, 0, 1)
    plain = RNNClassifier(**params).fit(X, imbalanced).predict(X).mean()
    balanced = RNNClassifier(class_weight="balanced", **params)
    assert balanced.fit(X, imbalanced).predict(X).mean() > plain + 0.2


def test_class_weight_labels_that_are_no_classes_are_named():
    # scikit-learn's message named the classes without weights, not label 99
    X = np.random.default_rng(0).normal(size=(30, 5, 1))
    y = np.array([2, 5, 10] * 10)
    message = "weights for \\[99\\], which are not classes of y \\(\\[2, 5, 10\\]\\)"
    with pytest.raises(ValueError, match=message):
        RNNClassifier(class_weight={10: 2.0, 99: 5.0}, **QUICK).fit(X, y)
    # every class weighted: an extra label is ignored, as scikit-learn does
    RNNClassifier(class_weight={2: 1.0, 5: 1.0, 10: 2.0, 99: 5.0}, **QUICK).fit(X, y)


def test_user_callbacks_run_and_history_holds_every_epoch():
    X, y = make_ragged_classification(n=20)
    recorder = RecordWeights()
    clf = RNNClassifier(callbacks=[recorder], **QUICK).fit(X, y)
    assert len(dict(clf.net_.callbacks_)["user_callback_0"].weights) == 3
    assert recorder not in [cb for _, cb in clf.net_.callbacks_]  # a copy is used
    assert len(clf.history_) == clf.n_iter_ == 3
    assert all(np.isfinite(clf.history_[:, "train_loss"]))


def test_verbose_prints_an_epoch_table_and_a_progress_bar(capsys):
    X, y = make_ragged_classification(n=20)
    RNNClassifier(verbose=1, **QUICK).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "dur" in out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 3
    RNNClassifier(verbose=2, **QUICK).fit(X, y)
    captured = capsys.readouterr()
    assert "it/s" in captured.err or "it/s" in captured.out
    RNNClassifier(verbose=0, **QUICK).fit(X, y)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("device", ["cpu", "auto"])
def test_device(device):
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(device=device, **QUICK).fit(X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert clf.net_.device == expected


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine with no GPU")
def test_cuda_without_a_gpu_is_a_clear_error():
    X, y = make_ragged_classification(n=20)
    with pytest.raises(ValueError, match="torch finds no CUDA GPU"):
        RNNClassifier(device="cuda", **QUICK).fit(X, y)


# -------------------------------------------------------------- long format


def _long_frame(X):
    frames = [
        pd.DataFrame(x, columns=["a", "b"]).assign(id=f"s{i:03d}", t=np.arange(len(x)))
        for i, x in enumerate(X)
    ]
    return pd.concat(frames).set_index(["id", "t"])


def test_long_dataframe_fit_and_predict():
    X, y = make_ragged_classification(n=30)
    frame = _long_frame(X)
    target = pd.Series(y, index=[f"s{i:03d}" for i in range(30)])
    shuffled = target.sample(frac=1, random_state=0)  # aligned by id, not position
    clf = RNNClassifier(**QUICK).fit(frame, shuffled)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b"])
    from_list = RNNClassifier(**QUICK).fit(X, y)
    np.testing.assert_allclose(
        clf.predict_proba(frame), from_list.predict_proba(X), atol=1e-6
    )
    sequences, ids = from_long_format(frame)
    assert list(ids) == list(target.index)
    with pytest.warns(UserWarning, match="fitted with feature names"):
        assert clf.predict(sequences).shape == (30,)


# ------------------------------------------------------------------- faults


def test_ctrl_c_on_a_first_fit_keeps_the_partial_model_and_raises(ctrl_c_raises):
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(callbacks=[CtrlCAt(2)], **{**QUICK, "max_epochs": 10})
    with pytest.raises(TrainingInterrupted, match="after 2 epochs") as caught:
        clf.fit(X, y)
    assert isinstance(caught.value, KeyboardInterrupt)  # scripts and searches stop
    assert caught.value.estimator is clf
    assert clf.interrupted_
    assert clf.n_iter_ == 2
    assert clf.predict(X).shape == (20,)


def test_ctrl_c_during_a_refit_keeps_the_earlier_model(ctrl_c_raises):
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(**{**QUICK, "max_epochs": 4}).fit(X, y)
    before = clf.predict_proba(X)
    net = clf.net_
    clf.set_params(max_epochs=10, callbacks=[CtrlCAt(2)])
    with pytest.raises(TrainingInterrupted, match="keeps its earlier model") as caught:
        clf.fit(X, y)
    assert clf.net_ is net and not clf.interrupted_ and clf.n_iter_ == 4
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    partial = caught.value.estimator
    assert partial is not clf and partial.interrupted_ and partial.n_iter_ == 2
    assert partial.predict_proba(X).shape == (20, 2)


def test_a_callback_raising_keyboard_interrupt_ends_training_normally():
    X, y = make_ragged_classification(n=20)
    clf = RNNClassifier(
        callbacks=[RaiseKeyboardInterruptAt(3)], **{**QUICK, "max_epochs": 10}
    ).fit(X, y)
    assert clf.n_iter_ == 3 and not clf.interrupted_
    grid = GridSearchCV(clf, {"hidden_size": [4, 8]}, cv=2).fit(X, y)
    assert len(grid.cv_results_["mean_test_score"]) == 2


def test_diverging_training_stops_with_a_clear_error():
    X, y = make_ragged_classification(n=20)
    clf = RNNRegressor(
        optimizer="sgd",
        lr=1e12,
        clip_grad_norm=None,
        **QUICK,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="diverged: the training loss is"):
            clf.fit(X, y * 1e3)
    assert not hasattr(clf, "net_")


def test_warm_start_uses_the_new_training_parameters():
    X, y = make_ragged_classification(n=30)
    clf = RNNClassifier(**{**QUICK, "max_epochs": 1}).fit(X, y)
    clf.set_params(warm_start=True, lr=1e-5, early_stopping=True).fit(X, y)
    assert clf.net_.lr == 1e-5
    assert clf.n_iter_ >= 2 and "valid_loss" in clf.history_[-1]
    with pytest.raises(ValueError, match="structure changed .*hidden_size: 8 -> 4"):
        clf.set_params(hidden_size=4).fit(X, y)


def test_stratified_split_falls_back_when_a_class_would_be_missing():
    X, y = make_ragged_classification(n=10)
    clf = RNNClassifier(early_stopping=True, validation_fraction=0.9, **QUICK)
    assert clf.fit(X, np.arange(10) % 2).n_iter_ >= 1


# ------------------------------------------------------------- auto defaults


def _long_and_short(length, n=40, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    X = rng.normal(size=(n, length, 1)) + y[:, None, None]
    return X, y


def test_auto_front_end_and_learning_rate_follow_the_length_of_the_sequences():
    X_long, y = _long_and_short(120)
    X_short, _ = _long_and_short(30)
    callbacks = [("record", RecordWeights())]
    long = RNNClassifier(**QUICK, callbacks=callbacks).fit(X_long, y)
    assert long.conv_layers_ == 3
    assert len(long.net_.module_.conv.convs) == 3
    lrs = dict(long.net_.callbacks_)["record"].lrs
    assert lrs[0] < 0.003 and lrs[-1] == pytest.approx(0.0, abs=1e-9)  # cosine
    short = RNNClassifier(**QUICK, callbacks=callbacks).fit(X_short, y)
    assert short.conv_layers_ == 0 and short.net_.module_.conv is None
    assert dict(short.net_.callbacks_)["record"].lrs == [0.01] * QUICK["max_epochs"]
    fixed = RNNClassifier(**QUICK, conv_layers=1).fit(X_short, y)
    assert fixed.conv_layers_ == 1
    # with the front end, AdamW with weight decay; Adam without
    assert type(long.net_.optimizer_) is torch.optim.AdamW
    assert long.net_.optimizer_.param_groups[0]["weight_decay"] == 0.01
    assert type(short.net_.optimizer_) is torch.optim.Adam
    assert short.net_.optimizer_.param_groups[0]["weight_decay"] == 0.0
    tokens = RNNClassifier(**QUICK, embedding_dim=4).fit(
        np.random.default_rng(0).integers(1, 9, size=(40, 150)), y
    )
    assert tokens.conv_layers_ == 0  # token ids are no shapes


def test_a_quarter_of_long_sequences_decides_the_auto_front_end_and_scaling():
    # one long sequence among short ones used to switch every sequence to
    # per-sequence scaling and the front end, losing their levels
    rng = np.random.default_rng(0)
    short = [rng.normal(size=int(rng.integers(5, 20))) for _ in range(39)]
    y = np.arange(40) % 2
    few_long = RNNClassifier(**QUICK).fit(short + [rng.normal(size=300)], y)
    assert few_long.conv_layers_ == 0 and not few_long._input.per_sequence
    long = [rng.normal(size=int(rng.integers(100, 300))) for _ in range(10)]
    quarter_long = RNNClassifier(**QUICK).fit(short[:30] + long, y)
    assert quarter_long.conv_layers_ == 3 and quarter_long._input.per_sequence


@pytest.mark.parametrize("estimator", [RNNClassifier, RNNRegressor])
def test_auto_epochs_follow_the_front_end_and_given_values_stay(estimator):
    model = estimator()
    assert model._training_options(conv_layers=3).max_epochs == 150
    assert model._training_options(conv_layers=0).max_epochs == 100
    given = estimator(max_epochs=7, optimizer="sgd", weight_decay=0.5)
    options = given._training_options(conv_layers=3)
    assert options.max_epochs == 7 and options.optimizer is torch.optim.SGD
    assert options.optimizer_params["weight_decay"] == 0.5


def test_per_sequence_standardisation_ignores_level_and_scale():
    X, y = _long_and_short(40)
    clf = RNNClassifier(**QUICK, standardize="sequence").fit(X, y)
    rng = np.random.default_rng(1)
    moved = X * rng.uniform(0.1, 100, size=(40, 1, 1)) + rng.normal(0, 50, (40, 1, 1))
    np.testing.assert_allclose(
        clf.predict_proba(moved), clf.predict_proba(X), rtol=1e-4, atol=1e-5
    )
    # with the global standardisation the level is information
    global_ = RNNClassifier(**QUICK, standardize=True).fit(X, y)
    assert np.abs(global_.predict_proba(moved) - global_.predict_proba(X)).max() > 0.01
    assert RNNClassifier(**QUICK).fit(X, y)._input.per_sequence is False  # short
    long_X, _ = _long_and_short(100)
    assert RNNClassifier(**QUICK).fit(long_X, y)._input.per_sequence is True


def test_auto_early_stopping_holds_out_from_a_thousand_sequences():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4, 1))
    y = X.sum(axis=(1, 2))
    many = RNNRegressor(**{**QUICK, "batch_size": 100}).fit(X, y)
    assert np.isfinite(many.history_[:, "valid_loss"]).all()
    few = RNNRegressor(**QUICK).fit(X[:999], y[:999])
    assert "valid_loss" not in few.history_[-1]
    assert (
        RNNRegressor(**QUICK, early_stopping=False)
        .fit(X, y)
        .history_[-1]
        .get("valid_loss")
        is None
    )


@pytest.mark.parametrize("schedule", ["auto", "step"])
def test_warm_start_restarts_an_epoch_schedule_and_keeps_the_auto_front_end(schedule):
    X, y = _long_and_short(120)
    clf = RNNClassifier(**QUICK, warm_start=True, lr_schedule=schedule)
    clf.fit(X, y)
    clf.fit(X, y)  # 3 more epochs, the schedule again over them
    assert clf.conv_layers_ == 3 and len(clf.net_.module_.conv.convs) == 3
    assert len(clf.history_) == 2 * QUICK["max_epochs"]
    with pytest.raises(ValueError, match="structure changed"):
        clf.set_params(conv_layers=1).fit(X, y)


def test_per_sequence_standardisation_in_groups_gives_the_same_steps(monkeypatch):
    rng = np.random.default_rng(0)
    X = [rng.normal(3, 5, size=(rng.integers(1, 60), 2)) for _ in range(40)]
    y = rng.integers(0, 2, size=40)
    clf = RNNClassifier(**QUICK, standardize="sequence").fit(X, y)
    whole = clf.predict_proba(X)
    # groups of a few sequences (blocks of 25 steps of 2 features)
    monkeypatch.setattr("skseq.utils._stored._BLOCK_VALUES", 50)
    np.testing.assert_array_equal(clf.predict_proba(X), whole)


def test_vocab_size_needs_embedding_dim_and_bounds_categorical_ids():
    # vocab_size without embedding_dim was ignored (X read as numbers); one
    # too small for a categorical column failed in torch's embedding
    rng = np.random.default_rng(0)
    X = np.stack([rng.normal(size=(20, 5)), rng.integers(1, 9, (20, 5))], axis=2)
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match="vocab_size sizes the embedding"):
        RNNClassifier(vocab_size=10, max_epochs=1).fit(X, y)
    small = RNNClassifier(
        embedding_dim=2, categorical_features=[1], vocab_size=5, max_epochs=1
    )
    with pytest.raises(ValueError, match="Column 1 of X holds token ids 5, 6, 7, 8"):
        small.fit(X, y)
    RNNClassifier(
        embedding_dim=2, categorical_features=[1], vocab_size=9, max_epochs=1
    ).fit(X, y)


def test_a_categorical_column_given_by_name_is_named_in_the_vocab_error():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=20), "word": rng.integers(1, 9, 20)})
    index = pd.MultiIndex.from_product([range(4), range(5)])
    X = frame.set_index(index)
    model = RNNClassifier(
        embedding_dim=2, categorical_features=["word"], vocab_size=5, max_epochs=1
    )
    with pytest.raises(ValueError, match="Column 'word' of X holds token ids"):
        model.fit(X, [0, 1, 0, 1])
