"""check_sequences: the one conversion of sequence input."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skseq import MASK_VALUE, RNNClassifier
from skseq.preprocessing import SequenceScaler
from skseq.utils import check_sequences, from_long_format, pad_ragged


def test_2d_array_is_fixed_length_univariate():
    X = np.arange(12, dtype=np.float64).reshape(3, 4)
    seqs = check_sequences(X)
    assert seqs.values.shape == (3, 4, 1)
    assert seqs.values.dtype == np.float64  # centred before it becomes float32
    assert check_sequences(X.astype(np.float32)).values.dtype == np.float32
    assert seqs.lengths.tolist() == [4, 4, 4]
    assert seqs.layout == "tabular"
    assert seqs.n_features_in == 4  # sklearn reads the 4 columns as features
    assert seqs.n_channels == 1


def test_3d_array_features_are_the_last_axis():
    X = np.zeros((5, 7, 2))
    seqs = check_sequences(X)
    assert seqs.values.shape == (5, 7, 2)
    assert seqs.layout == "dense"
    assert seqs.n_features_in == 2
    assert seqs.fixed_length


def test_ragged_list_is_post_padded_with_lengths():
    X = [np.array([1.0, 2.0, 3.0]), np.array([4.0]), np.array([5.0, 6.0])]
    seqs = check_sequences(X)
    assert seqs.layout == "ragged"
    assert seqs.lengths.tolist() == [3, 1, 2]
    assert seqs.values[:, :, 0].tolist() == [[1, 2, 3], [4, 0, 0], [5, 6, 0]]
    assert not seqs.fixed_length


def test_ragged_multivariate_and_nested_lists():
    X = [[[1, 2], [3, 4]], [[5, 6]]]
    seqs = check_sequences(X)
    assert seqs.values.shape == (2, 2, 2)
    assert seqs.lengths.tolist() == [2, 1]
    assert seqs.n_features_in == 2


def test_list_of_equal_length_arrays_is_still_a_list_of_sequences():
    X = [np.ones(4), np.zeros(4)]
    seqs = check_sequences(X)
    assert seqs.layout == "ragged"
    assert seqs.n_features_in == 1


def test_long_dataframe_gives_one_sequence_per_id_in_sorted_order():
    index = pd.MultiIndex.from_tuples(
        [("b", 1), ("b", 0), ("a", 0), ("a", 1), ("a", 2)], names=["id", "t"]
    )
    frame = pd.DataFrame({"x": [11.0, 10.0, 0.0, 1.0, 2.0], "z": 0.0}, index=index)
    seqs = check_sequences(frame)
    assert list(seqs.index) == ["a", "b"]
    assert seqs.lengths.tolist() == [3, 2]
    assert seqs.values[1, :2, 0].tolist() == [10.0, 11.0]  # sorted by time
    assert list(seqs.feature_names) == ["x", "z"]
    sequences, ids = from_long_format(frame)
    assert [s[:, 0].tolist() for s in sequences] == [[0, 1, 2], [10, 11]]


def test_long_dataframe_with_duplicate_index_is_refused():
    index = pd.MultiIndex.from_tuples([("a", 0), ("a", 0)])
    with pytest.raises(ValueError, match="duplicated .id, time. index"):
        check_sequences(pd.DataFrame({"x": [1.0, 2.0]}, index=index))


def test_mask_value_steps_are_removed_wherever_they_are():
    X = np.array(
        [[MASK_VALUE, MASK_VALUE, 1.0, 2.0], [3.0, 4.0, 5.0, MASK_VALUE]]
    )  # one pre-padded, one post-padded
    seqs = check_sequences(X, mask_value=MASK_VALUE)
    assert seqs.lengths.tolist() == [2, 3]
    assert seqs.values[:, :, 0].tolist() == [[1, 2, 0], [3, 4, 5]]
    # the layout and sklearn's feature count still describe the input
    assert seqs.layout == "tabular"
    assert seqs.n_features_in == 4


def test_a_step_is_masked_only_when_all_its_features_equal_the_mask():
    X = np.array([[[MASK_VALUE, 1.0], [MASK_VALUE, MASK_VALUE]]])
    seqs = check_sequences(X, mask_value=MASK_VALUE)
    assert seqs.lengths.tolist() == [1]


def test_tokens_drop_padding_id_zero():
    seqs = check_sequences(np.array([[0, 0, 3, 4], [5, 6, 7, 0]]), tokens=True)
    assert seqs.values.dtype == np.int64
    assert seqs.values.tolist() == [[3, 4, 0], [5, 6, 7]]
    assert seqs.lengths.tolist() == [2, 3]
    assert seqs.is_tokens


def test_tokens_from_ragged_lists():
    seqs = check_sequences([[1, 2, 3], [4]], tokens=True)
    assert seqs.values.tolist() == [[1, 2, 3], [4, 0, 0]]


def test_pad_ragged():
    values, lengths = pad_ragged([np.ones((2, 3)), np.ones((4, 3))])
    assert values.shape == (2, 4, 3)
    assert lengths.tolist() == [2, 4]
    assert values[0, 2:].sum() == 0


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[1.0, np.nan]]), ValueError, "Input X contains NaN"),
        (np.array([[1.0, np.inf]]), ValueError, "Input X contains infinity"),
        ([np.array([1.0, np.nan])], ValueError, "Input X contains NaN"),
        (np.empty((0, 3)), ValueError, r"0 sample\(s\)"),
        ([], ValueError, "Found 0 sequences in X"),
        (np.empty((4, 0)), ValueError, r"0 feature\(s\)"),
        (np.empty((4, 0, 2)), ValueError, r"0 timestep\(s\)"),
        ([np.ones(3), np.ones(0)], ValueError, "Sequence 1 of X has length 0"),
        (np.ones(5), ValueError, "Expected 2D array, got 1D array"),
        (np.ones((2, 2, 2, 2)), ValueError, "Found array with dim 4"),
        ([np.ones((2, 1)), np.ones((2, 2))], ValueError, "same number of features"),
        ([np.ones((2, 2, 2))], ValueError, "Sequence 0 of X has 3 dimensions"),
        (np.array([["a", "b"]]), ValueError, "holds strings .*SequenceOrdinalEncoder"),
        (np.array([[1 + 1j, 2]]), ValueError, "Complex data not supported"),
        (sp.csr_matrix(np.ones((2, 2))), TypeError, "Sparse data was passed"),
    ],
)
def test_bad_input_gets_a_clear_error(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X)


def test_all_masked_sequence_is_an_error():
    X = np.array([[1.0, 2.0], [MASK_VALUE, MASK_VALUE]])
    with pytest.raises(ValueError, match="Sequence 1 of X has no valid time step"):
        check_sequences(X, mask_value=MASK_VALUE)


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([["a", "b"]]), TypeError, "SequenceOrdinalEncoder"),
        (np.array([[1.5, 2.0]]), ValueError, "non-integer"),
        (np.array([[-1, 2]]), ValueError, "negative token ids"),
        (np.ones((2, 2, 2), dtype=int), ValueError, "Found array with dim 3"),
    ],
)
def test_bad_token_input(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X, tokens=True)


def test_token_errors_name_what_asks_for_token_ids():
    with pytest.raises(ValueError, match="non-integer values; token ids must be"):
        check_sequences(np.array([[1.5, 2.0]]), tokens=True)
    clf = RNNClassifier(embedding_dim=4)
    with pytest.raises(ValueError, match="with embedding_dim set, RNNClassifier"):
        check_sequences(np.array([[1.5, 2.0]]), tokens=True, estimator=clf)
    # a transformer that reads no token ids is not told to set embedding_dim
    with pytest.raises(ValueError, match="holds strings") as error:
        check_sequences(np.array([["a", "b"]]), estimator=SequenceScaler())
    assert "embedding_dim" not in str(error.value)


def test_long_dataframe_with_categorical_ids_keeps_rows_with_their_id():
    index = pd.MultiIndex.from_arrays(
        [pd.Categorical(list("bbba"), categories=["b", "a"]), [0, 1, 2, 0]]
    )
    seqs = check_sequences(pd.DataFrame({"x": [1.0, 2.0, 3.0, 10.0]}, index=index))
    assert list(seqs.index) == ["b", "a"]
    assert seqs.values[0, :3, 0].tolist() == [1.0, 2.0, 3.0]
    assert seqs.values[1, :1, 0].tolist() == [10.0]


def test_pandas_series_of_arrays_is_ragged_input():
    seqs = check_sequences(pd.Series([np.ones(3), np.ones(2)]))
    assert seqs.lengths.tolist() == [3, 2]
