"""Per-step targets in pandas forms: paired by id, or read as the array."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import RNNStepRegressor, RNNTagger
from skseq.estimators._steps import flat_step_targets
from skseq.utils.validation import check_sequences


def _long_frame(lengths, ids):
    """A long frame whose sequence ``ids`` appear in this (unsorted) order."""
    index = pd.MultiIndex.from_tuples(
        [(i, t) for i, n in zip(ids, lengths, strict=True) for t in range(n)],
        names=["id", "t"],
    )
    return pd.DataFrame({"v": np.arange(float(sum(lengths)))}, index=index)


@pytest.mark.parametrize("lengths", [(3, 3), (3, 5)])
def test_a_series_of_per_sequence_targets_indexed_by_ids_is_paired_by_id(lengths):
    # X's ids appear as "b", "a"; it is read in sorted order ("a" first). A
    # Series indexed by the ids (as the reordering warning advises) was read
    # by position: "a" took "b"'s targets, silently where the lengths agree
    frame = _long_frame(lengths, ["b", "a"])
    sequences = check_sequences(frame, estimator=RNNStepRegressor(), reset=True)
    values = frame["v"].to_numpy()
    y = pd.Series(
        [values[: lengths[0]], values[lengths[0] :]], index=["b", "a"], dtype=object
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # paired by id: nothing to warn about
        targets = flat_step_targets(y, sequences)
    np.testing.assert_array_equal(targets, sequences.steps.ravel())


def test_a_series_without_ids_is_still_paired_by_position_with_a_warning():
    frame = _long_frame((3, 3), ["b", "a"])
    sequences = check_sequences(frame, estimator=RNNStepRegressor(), reset=True)
    y = pd.Series([np.zeros(3), np.ones(3)])  # positions 0, 1: no ids of X
    with pytest.warns(UserWarning, match="sorted id order"):
        targets = flat_step_targets(y, sequences)
    np.testing.assert_array_equal(targets, [0, 0, 0, 1, 1, 1])


@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
def test_a_wide_dataframe_y_reads_as_its_array(Estimator):
    # it was refused ('got a DataFrame') though X may be one and y is
    # array-like (n_samples, n_steps)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(24, 5))
    y = X > 0 if Estimator is RNNTagger else np.cumsum(X, axis=1)
    model = Estimator(hidden_size=8, max_epochs=3, batch_size=8, random_state=0)
    from_frame = model.fit(pd.DataFrame(X), pd.DataFrame(y)).predict(X)
    from_array = model.fit(X, y).predict(X)
    np.testing.assert_array_equal(from_frame, from_array)
    assert np.isfinite(model.score(pd.DataFrame(X), pd.DataFrame(y)))


def test_a_long_y_with_ids_where_x_has_none_is_told_to_use_positions():
    # the message said "Give y the ids of X", which X (a list) does not have
    X = [np.arange(3.0), np.arange(2.0)]
    y = pd.Series(
        np.arange(5.0),
        index=pd.MultiIndex.from_tuples(
            [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1)]
        ),
    )
    model = RNNStepRegressor(hidden_size=2, max_epochs=1)
    with pytest.raises(ValueError, match="positions 0 to 1.*Give y the ids 0 to 1"):
        model.fit(X, y)
