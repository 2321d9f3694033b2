"""Input forms that failed inside numpy or pandas, or were read wrongly.

Long frames with missing or mixed ids and times, text columns, nested
DataFrames (one sequence per cell), pd.NA, dicts and sequences whose steps
differ in width: each is read, or refused with a message naming ``X``.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from skseq import RNNClassifier, RNNRegressor, RNNSeq2Seq, RNNStepRegressor
from skseq._targets import align_to_ids
from skseq.utils import check_sequences, from_long_format, to_long_format

from .._helpers import QUICK


def _long(ids, times, values=None):
    index = pd.MultiIndex.from_arrays([ids, times], names=["id", "t"])
    values = np.arange(len(index), dtype=float) if values is None else values
    return pd.DataFrame({"v": values}, index=index)


# ------------------------------------------------- long frames: the index


def test_a_missing_sequence_id_is_refused_naming_its_row():
    # failed in numpy's bincount: "'list' argument must have no negative
    # elements"
    ids = np.repeat(np.arange(4.0), 3)
    ids[3:6] = np.nan
    X = _long(ids, np.tile(np.arange(3), 4))
    with pytest.raises(ValueError, match=r"X has no sequence id \(NaN\) in row 3"):
        check_sequences(X)
    with pytest.raises(ValueError, match="no sequence id"):
        RNNClassifier(**QUICK).fit(X, [0, 1, 0, 1])


def test_a_missing_time_is_refused_not_moved_to_the_end():
    # the step of time NaN was read as the last of its sequence, silently
    times = np.tile(np.arange(3), 4).astype(float)
    times[0] = np.nan
    X = _long(np.repeat(np.arange(4), 3), times)
    with pytest.raises(ValueError, match=r"X has no time \(NaN\) in row 0"):
        check_sequences(X)
    with pytest.raises(ValueError, match="no time"):
        from_long_format(X)


def test_ids_of_mixed_types_are_refused_as_unsortable():
    # failed in numpy: "ufunc 'greater' did not contain a loop with signature"
    ids = [int(i) if i % 2 else f"s{i}" for i in np.repeat(np.arange(4), 3)]
    X = _long(np.array(ids, dtype=object), np.tile(np.arange(3), 4))
    with pytest.raises(
        ValueError, match="X's sequence ids must be of one sortable type.*int.*str"
    ):
        check_sequences(X)


def test_ids_of_one_type_still_read_in_sorted_order():
    X = _long(["b", "b", "a"], [0, 1, 0])
    seqs = check_sequences(X)
    assert seqs.index.tolist() == ["a", "b"]
    assert seqs.lengths.tolist() == [1, 2]


# ------------------------------------------- long frames: the order of ids


def test_a_long_frame_says_whether_its_ids_come_in_another_order():
    assert check_sequences(_long(["c", "c", "a", "b"], [0, 1, 0, 0])).reordered
    assert not check_sequences(_long(["a", "b", "b", "c"], [0, 0, 1, 0])).reordered
    assert not check_sequences(np.zeros((3, 4))).reordered


def test_targets_without_ids_paired_in_sorted_order_are_warned_about():
    seqs = check_sequences(_long(["c", "c", "a", "b"], [0, 1, 0, 0]))
    for y in ([1.0, 2.0, 3.0], np.array([1.0, 2.0, 3.0]), pd.Series([1, 2, 3])):
        with pytest.warns(UserWarning, match=r"sorted id order \('a', 'b', 'c'"):
            align_to_ids(y, seqs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        by_id = pd.Series([3.0, 1.0, 2.0], index=["c", "a", "b"])
        assert align_to_ids(by_id, seqs).tolist() == [1.0, 2.0, 3.0]
        assert align_to_ids(None, seqs) is None
        ordered = check_sequences(_long(["a", "b", "b", "c"], [0, 0, 1, 0]))
        align_to_ids(np.array([1.0, 2.0, 3.0]), ordered)


def test_an_array_y_with_a_long_frame_out_of_sorted_order_is_warned_about():
    # the regressor learned y of sequence "c" for sequence "a", silently
    index = pd.MultiIndex.from_tuples(
        [("c", 0), ("c", 1), ("a", 0), ("a", 1), ("b", 0), ("b", 1)]
    )
    X = pd.DataFrame({"x": [10.0, 11, 0, 1, 5, 6]}, index=index)
    y = np.array([10.5, 0.5, 5.5])  # in the frame's order c, a, b
    params = dict(QUICK, max_epochs=1)
    with pytest.warns(UserWarning, match="Pass y .* as a pandas Series indexed"):
        RNNRegressor(**params).fit(X, y)
    with pytest.warns(UserWarning, match="sorted id order"):
        RNNClassifier(**params).fit(X, [0, 1, 1], sample_weight=[1.0, 2.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RNNRegressor(**params).fit(X, pd.Series(y, index=["c", "a", "b"]))
    # per-step targets and seq2seq pairs given as lists are paired alike
    steps = [np.array([1.0, 2]), np.array([0.0, 1]), np.array([3.0, 4])]
    with pytest.warns(UserWarning, match="sorted id order"):
        RNNStepRegressor(**params).fit(X, steps)
    with pytest.warns(UserWarning, match="sorted id order"):
        RNNSeq2Seq(hidden_size=4, embedding_dim=2, max_epochs=1).fit(X, steps)


# ------------------------------------------------- long frames: the values


@pytest.mark.parametrize(
    "column",
    [
        lambda words: words,
        lambda words: pd.Categorical(words),
        lambda words: pd.array(words, dtype="string"),
    ],
)
def test_text_columns_of_a_long_frame_point_to_the_encoders(column):
    # pandas' "could not convert string to float: 'down'"
    words = np.array(["up", "down", "up"] * 4)
    index = pd.MultiIndex.from_product([range(4), range(3)], names=["id", "t"])
    X = pd.DataFrame({"v": np.arange(12.0), "w": column(words)}, index=index)
    with pytest.raises(ValueError, match="X holds strings .*SequenceOrdinalEncoder"):
        check_sequences(X)
    with pytest.raises(ValueError, match="RNNClassifier needs numbers"):
        RNNClassifier(**QUICK).fit(X, [0, 1, 0, 1])


def test_a_long_frame_with_nan_gets_the_advice_of_other_forms():
    X = _long(np.repeat(np.arange(2), 2), np.tile(np.arange(2), 2))
    X.iloc[1, 0] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN.*fill missing"):
        check_sequences(X)


# ------------------------------------------------------ nested DataFrames


def test_a_one_column_nested_frame_reads_as_the_series_of_its_arrays():
    # numpy's "setting an array element with a sequence"
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=n) for n in (3, 5, 2)]
    nested = check_sequences(pd.DataFrame({"x": arrays}))
    series = check_sequences(pd.Series(arrays))
    np.testing.assert_array_equal(nested.steps, series.steps)
    assert nested.lengths.tolist() == [3, 5, 2]
    assert nested.item_ndim == series.item_ndim == 1
    assert nested.feature_names.tolist() == ["x"]


def test_a_nested_frame_of_series_is_a_sequence_per_row_a_feature_per_column():
    # sktime's "nested_univ" form
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=n) for n in (3, 5, 2, 4)]
    X = pd.DataFrame(
        {"a": [pd.Series(s) for s in arrays], "b": [pd.Series(-s) for s in arrays]}
    )
    seqs = check_sequences(X)
    assert seqs.lengths.tolist() == [3, 5, 2, 4]
    np.testing.assert_array_equal(seqs.steps[:3], np.c_[arrays[0], -arrays[0]])
    model = RNNClassifier(**QUICK).fit(X, [0, 1, 0, 1])
    assert model.feature_names_in_.tolist() == ["a", "b"]
    assert model.predict(X).shape == (4,)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X[["b", "a"]].set_axis(["b", "c"], axis=1))


def test_a_nested_frame_with_rows_of_unequal_cells_is_refused():
    X = pd.DataFrame({"a": [np.ones(3), np.ones(2)], "b": [np.ones(2), np.ones(2)]})
    with pytest.raises(ValueError, match=r"Sequence 0 of X .* cells of lengths"):
        check_sequences(X)
    X = pd.DataFrame({"a": [np.ones(3), np.ones(2)], "b": [1.0, 2.0]})
    with pytest.raises(ValueError, match="one feature's sequence in every cell"):
        check_sequences(X)
    # a frame in a cell is several features, not one: refused alike
    X = pd.DataFrame({"a": [pd.DataFrame({"x": [1.0, 2]}), np.ones(2)]})
    with pytest.raises(ValueError, match="holds no 1-D sequence"):
        check_sequences(X)


# ---------------------------------------------------------- lists and dicts


@pytest.mark.parametrize("missing", [None, pd.NA, np.nan])
def test_missing_values_in_a_list_are_reported_as_nan(missing):
    # pd.NA gave "float() argument must be a string or a real number"
    for X in (
        [[1.0, missing], [1.0, 2.0, 3.0]],
        [np.array([1.0, missing], dtype=object), [1.0, 2.0, 3.0]],
        [[1.0, missing], [1.0, 2.0]],  # one length: an array
    ):
        with pytest.raises(ValueError, match="Input X contains NaN"):
            check_sequences(X)


def test_a_dict_is_refused_naming_x():
    with pytest.raises(TypeError, match=r"X is a dict; pass its sequences as a list"):
        check_sequences({"a": [1.0, 2.0]})
    with pytest.raises(TypeError, match="X is a dict"):
        RNNClassifier(**QUICK).fit({"a": [1.0, 2.0]}, [0])


def test_a_sequence_whose_steps_differ_in_width_is_named():
    # numpy's "inhomogeneous shape after 1 dimensions", naming no sequence
    X = [[[1.0, 2.0], [1.0, 2.0]], [[1.0, 2.0], [3.0]]]
    with pytest.raises(
        ValueError, match="Sequence 1 of X is no array of steps: its steps have"
    ):
        check_sequences(X)


def test_positional_ids_in_another_row_order_read_without_a_warning():
    # to_long_format's own ids (positions) have no order to keep: their
    # frame, reversed, crashed the per-step estimators' warning
    rng = np.random.default_rng(0)
    frame = to_long_format([rng.normal(size=(4, 1)) for _ in range(5)]).iloc[::-1]
    read = check_sequences(frame)
    assert read.index is None and not read.reordered
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        RNNStepRegressor(**QUICK).fit(frame, [rng.normal(size=4) for _ in range(5)])


def test_token_ids_of_object_dtype_in_a_long_frame_are_read():
    # ids read as objects (a frame built from mixed rows): refused before
    index = pd.MultiIndex.from_arrays(
        [np.repeat(np.arange(6), 3), np.tile(range(3), 6)]
    )
    frame = pd.DataFrame({"token": np.arange(18) % 5 + 1}, index=index)
    model = RNNClassifier(embedding_dim=4, **QUICK).fit(
        frame.astype(object), [0, 1] * 3
    )
    assert model.predict(frame).shape == (6,)


def test_ids_no_row_uses_and_times_that_do_not_compare():
    # a filtered frame keeps the id 7 in its levels: it was refused as mixed
    index = pd.MultiIndex.from_tuples([("a", 0), ("a", 1), (7, 0), ("b", 0)])
    frame = pd.DataFrame({"x": [1.0, 2, 3, 4]}, index=index)
    kept = frame[frame.index.get_level_values(0) != 7]
    assert check_sequences(kept).lengths.tolist() == [2, 1]
    stamps = [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02", tz="UTC")]
    mixed = pd.DataFrame(
        {"x": [1.0, 2]}, index=pd.MultiIndex.from_arrays([["a", "a"], stamps])
    )
    with pytest.raises(ValueError, match="times must be of one sortable type"):
        check_sequences(mixed)
