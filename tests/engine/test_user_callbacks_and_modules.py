"""The user's module and callbacks are checked before training starts.

An nn.Module instance as ``module`` failed inside skorch ("unexpected keyword
argument"); skorch's EarlyStopping without a validation split failed after
the first epoch (KeyError 'valid_loss'), and a scorer of the validation split
recorded nothing.
"""

import numpy as np
import pytest
import torch
from skorch.callbacks import BatchScoring, Checkpoint, EarlyStopping, EpochScoring
from torch import nn

from skseq import RNNClassifier, RNNLanguageModel, RNNRegressor, SequenceForecaster

from .._helpers import QUICK

X = np.random.default_rng(0).normal(size=(30, 6, 2))
y = (X[:, :, 0].mean(axis=1) > 0).astype(int)


class TinyNet(nn.Module):
    def __init__(self, input_size=2, output_size=2, hidden_size=4):
        super().__init__()
        self.rnn = nn.GRU(input_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, X, lengths):
        states, _ = self.rnn(X)
        return self.out(states[torch.arange(len(X)), lengths - 1])


def test_a_module_instance_is_refused_naming_the_class_to_pass():
    with pytest.raises(
        ValueError, match=r"got an instance of TinyNet; pass module=TinyNet"
    ):
        RNNClassifier(module=TinyNet(), **QUICK).fit(X, y)
    assert RNNClassifier(module=TinyNet, **QUICK).fit(X, y).predict(X).shape == (30,)


@pytest.mark.parametrize(
    "callback, reads",
    [
        (EarlyStopping(patience=1), r"EarlyStopping\(monitor='valid_loss'\) reads"),
        (Checkpoint(dirname="unused"), r"Checkpoint\(monitor='valid_loss_best'\)"),
        (EpochScoring("accuracy"), r"EpochScoring\('accuracy'\) scores the valid"),
        (BatchScoring("accuracy"), r"BatchScoring\('accuracy'\) scores the valid"),
    ],
)
def test_callbacks_that_read_validation_results_need_a_validation_split(
    callback, reads
):
    model = RNNClassifier(callbacks=[callback], early_stopping=False, **QUICK)
    with pytest.raises(ValueError, match=reads + ".* hold out a validation split"):
        model.fit(X, y)


def test_validation_readers_run_with_a_validation_split_or_on_training_data():
    stops = EarlyStopping(patience=1)
    scores = EpochScoring("accuracy", lower_is_better=False)
    model = RNNClassifier(callbacks=[stops, scores], early_stopping=True, **QUICK)
    assert len(model.fit(X, y).history_[:, "accuracy"]) == model.n_iter_
    on_train = [
        EpochScoring("r2", on_train=True, name="valid_r2", lower_is_better=False),
        EarlyStopping(monitor="valid_r2", lower_is_better=False),
        EarlyStopping(monitor="train_loss"),
    ]
    regressor = RNNRegressor(callbacks=on_train, early_stopping=False, **QUICK)
    assert len(regressor.fit(X, X[:, 0, 0]).history_[:, "valid_r2"]) >= 1


def test_the_forecaster_s_refit_leaves_out_the_validation_readers():
    # the first fit holds windows out and runs them; the refit on every
    # window has none, and raised after the first fit had trained
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(80) / 3) + 0.1 * rng.normal(size=80)
    calls = []

    def held_out_score(net, X, y=None):
        calls.append(len(X))
        return 0.0

    scores = EpochScoring(held_out_score, name="valid_mine")
    model = SequenceForecaster(
        horizon=2, window_length=6, max_epochs=3, random_state=0, callbacks=[scores]
    ).fit(series)
    assert "valid_mine" not in model.history_[-1]  # the refit's history
    assert calls  # the first fit scored its held-out windows
    none_held = SequenceForecaster(
        horizon=2,
        window_length=6,
        max_epochs=3,
        validation_fraction=0,
        callbacks=[EarlyStopping(patience=1)],
    )
    with pytest.raises(ValueError, match=r"hold out a validation split \(early"):
        none_held.fit(series)


def test_a_model_that_holds_out_nothing_is_not_told_to():
    # the language model has no early_stopping: the message offered it
    model = RNNLanguageModel(
        unit="word", hidden_size=4, max_epochs=1, callbacks=[EarlyStopping()]
    )
    with pytest.raises(ValueError, match="none: monitor 'train_loss'") as error:
        model.fit(["the cat sat on the mat"] * 4)
    assert "early_stopping" not in str(error.value)
