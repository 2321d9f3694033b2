"""read_parquet: the value columns as any array-like of names."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyarrow")

from skseq.io import read_parquet  # noqa: E402


@pytest.fixture
def path(tmp_path):
    frame = pd.DataFrame(
        {"id": ["a", "a", "b"], "t": [0, 1, 0], "x": [1.0, 2.0, 3.0], "z": [4, 5, 6]}
    )
    file = tmp_path / "long.parquet"
    frame.to_parquet(file)
    return file, frame


@pytest.mark.parametrize(
    "pick",
    [
        lambda frame: frame.columns[2:],  # an Index: "truth value ... ambiguous"
        lambda frame: np.array(["x", "z"]),
        lambda frame: ("x", "z"),
    ],
    ids=["index", "array", "tuple"],
)
def test_columns_may_be_an_index_or_array_of_names(path, pick):
    file, frame = path
    stored = read_parquet(file, id_column="id", time_column="t", columns=pick(frame))
    np.testing.assert_array_equal(np.asarray(stored.values), [[1, 4], [2, 5], [3, 6]])
    assert stored.lengths.tolist() == [2, 1] and list(stored.ids) == ["a", "b"]


def test_columns_in_another_order_are_read_in_that_order(path):
    file, _ = path
    columns = pd.Index(["z", "x"])
    stored = read_parquet(file, id_column="id", time_column="t", columns=columns)
    np.testing.assert_array_equal(np.asarray(stored.values), [[4, 1], [5, 2], [6, 3]])


def test_one_column_for_id_and_time_is_refused(path):
    file, _ = path
    with pytest.raises(ValueError, match="id_column and time_column must be two"):
        read_parquet(file, id_column="id", time_column="id")
