"""Stored sequences split like arrays: subsets, cross-validation, search."""

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

from skseq import RNNRegressor
from skseq.io import StoredSequences

QUICK = dict(hidden_size=8, max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture
def ragged():
    rng = np.random.default_rng(1)
    lengths = rng.integers(3, 13, size=40)
    sequences = [rng.normal(size=(n, 2)).astype(np.float32) for n in lengths]
    target = np.array([s[:, 0].sum() for s in sequences])
    padded = np.zeros((len(lengths), 12, 2), dtype=np.float32)
    for i, s in enumerate(sequences):
        padded[i, : len(s)] = s
    stores = {
        "padded": StoredSequences(padded, lengths),
        "flat": StoredSequences(np.concatenate(sequences), lengths, flat=True),
    }
    return sequences, target, stores


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 10 steps of 2 features: passes over a subset take many."""
    monkeypatch.setattr("skseq.utils._stored._BLOCK_VALUES", 20)


@pytest.mark.parametrize("form", ["padded", "flat"])
def test_a_subset_reads_the_sequences_it_picks(ragged, form, small_blocks):
    sequences, _, stores = ragged
    stored = stores[form]
    assert len(stored) == 40 and stored.shape == (40, 12, 2)
    keys = {
        "ints": np.array([7, 3, 3, 20]),
        "slice": slice(5, 30, 4),
        "mask": np.arange(40) % 3 == 0,
        "sklearn": (np.array([1, 0]), ...),  # as _safe_indexing asks
    }
    for name, key in keys.items():
        picked = np.arange(40)[key[0] if isinstance(key, tuple) else key]
        subset = stored[key]
        assert len(subset) == len(picked), name
        steps, lengths = subset.read(np.arange(len(subset)))
        expected = np.concatenate([sequences[i] for i in picked])
        np.testing.assert_array_equal(steps, expected)
        np.testing.assert_array_equal(lengths, [len(sequences[i]) for i in picked])
        # a pass over the subset (small blocks) reads the same steps in order
        np.testing.assert_array_equal(np.concatenate(list(subset.blocks())), expected)
        # subsets of subsets compose
        np.testing.assert_array_equal(
            subset[::-1].read([0])[0], sequences[picked[-1]], err_msg=name
        )


def test_keys_that_pick_no_sequence_or_steps_are_refused(ragged):
    stored = ragged[2]["padded"]
    with pytest.raises(IndexError, match="picks one or more sequences"):
        stored[np.zeros(40, dtype=bool)]
    with pytest.raises(IndexError, match="along their sequences only"):
        stored[0, 1]
    with pytest.raises(IndexError, match="picks one or more sequences"):
        stored[3]  # one sequence is not a set of sequences


@pytest.mark.parametrize("form", ["padded", "flat"])
def test_cross_validation_scores_equal_those_of_the_sequences(ragged, form):
    sequences, target, stores = ragged
    cv = KFold(3, shuffle=True, random_state=0)
    expected = cross_val_score(RNNRegressor(**QUICK), sequences, target, cv=cv)
    scores = cross_val_score(RNNRegressor(**QUICK), stores[form], target, cv=cv)
    np.testing.assert_array_equal(scores, expected)


def test_grid_search_over_a_store_with_ids(ragged):
    sequences, target, stores = ragged
    ids = [f"s{i}" for i in range(40)]
    flat = stores["flat"]
    stored = StoredSequences(flat.values, flat.lengths, flat=True, ids=ids)
    y = pd.Series(target, index=ids)
    grid = {"hidden_size": [4, 8]}
    search = GridSearchCV(RNNRegressor(**QUICK), grid, cv=KFold(2)).fit(stored, y)
    direct = GridSearchCV(RNNRegressor(**QUICK), grid, cv=KFold(2))
    direct.fit(sequences, target)
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], direct.cv_results_["mean_test_score"]
    )


def test_a_subset_keeps_its_ids_and_aligns_targets_by_them(ragged):
    sequences, target, stores = ragged
    ids = [f"s{i}" for i in range(40)]
    flat = stores["flat"]
    stored = StoredSequences(flat.values, flat.lengths, flat=True, ids=ids)
    picked = np.array([30, 2, 17, 5, 11, 8, 25, 39, 0, 21, 14, 33])
    subset = stored[picked]
    assert list(subset.ids) == [ids[i] for i in picked]
    # the targets in another order: their index lines them up
    y = pd.Series(target[picked], index=subset.ids).iloc[::-1]
    model = RNNRegressor(**QUICK).fit(subset, y)
    expected = RNNRegressor(**QUICK).fit([sequences[i] for i in picked], target[picked])
    np.testing.assert_array_equal(
        model.predict(subset), expected.predict([sequences[i] for i in picked])
    )


def test_a_fold_of_targets_in_another_order_than_the_store_is_refused(ragged):
    sequences, target, stores = ragged
    ids = [f"s{i}" for i in range(40)]
    flat = stores["flat"]
    stored = StoredSequences(flat.values, flat.lengths, flat=True, ids=ids)
    y = pd.Series(target, index=ids).iloc[::-1]  # whole: aligned by id
    RNNRegressor(**QUICK).fit(stored, y)
    # split by position, the folds of X and of y hold different ids
    cv = KFold(2, shuffle=True, random_state=0)
    with pytest.raises(ValueError, match="not by the same ones"):
        cross_val_score(RNNRegressor(**QUICK), stored, y, cv=cv, error_score="raise")
    # a plain Series (positions as labels) pairs by position in every fold
    scores = cross_val_score(
        RNNRegressor(**QUICK), stored, pd.Series(target), cv=cv, error_score="raise"
    )
    expected = cross_val_score(RNNRegressor(**QUICK), sequences, target, cv=cv)
    np.testing.assert_array_equal(scores, expected)


def test_stored_sequences_are_not_read_whole_by_accident(ragged):
    stored = ragged[2]["padded"]
    with pytest.raises(TypeError, match="not read into an array whole"):
        np.asarray(stored)
    with pytest.raises(TypeError, match="not iterated"):
        list(stored)
    # ids of any kind come back as they were given
    tuples = [("a", i) for i in range(40)]
    keyed = StoredSequences(stored.values, stored.lengths, ids=tuples)
    assert keyed[np.array([4, 2])].ids == [("a", 4), ("a", 2)]
