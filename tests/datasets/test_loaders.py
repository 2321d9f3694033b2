"""read_ts: the .ts format's optional parts, and malformed files refused."""

import io

import numpy as np
import pytest

from skseq.datasets import read_ts


def _ts(*lines):
    return io.StringIO("\n".join(lines) + "\n")


@pytest.mark.parametrize("header", ["@classLabel false", "@targetLabel false"])
def test_read_ts_unlabelled_file(header):
    X, y = read_ts(_ts("@problemName x", header, "@data", "1,2,3", "4,5,6"))
    np.testing.assert_array_equal(X, [[1, 2, 3], [4, 5, 6]])
    assert y is None
    with pytest.raises(ValueError, match="target='label' but .* has no labels"):
        read_ts(_ts(header, "@data", "1,2,3"), target="label")


def test_read_ts_unlabelled_multivariate():
    X, y = read_ts(_ts("@classLabel false", "@data", "1,2:3,4", "5,6,7:8,9,10"))
    assert y is None
    np.testing.assert_array_equal(X[0], [[1, 3], [2, 4]])
    assert X[1].shape == (3, 2)


def test_read_ts_missing_values_are_nan():
    X, y = read_ts(
        _ts("@missing true", "@classLabel true a b", "@data", "1,?,3:a", "4,5,6:b")
    )
    np.testing.assert_array_equal(X, [[1, np.nan, 3], [4, 5, 6]])
    assert y.tolist() == ["a", "b"]


def test_read_ts_regression_targets():
    X, y = read_ts(_ts("@targetLabel true", "@data", "1,2:0.5", "3,4:1.5"))
    assert y.dtype == np.float64 and y.tolist() == [0.5, 1.5]


@pytest.mark.parametrize(
    "lines, match",
    [
        (["@classLabel true a", "@data"], "has no cases"),
        (["@classLabel true a"], "has no cases"),
        (
            ["@classLabel true a", "@data", "1,2,3:a", "1,2,3:4,5:a"],
            "line 4: .* lengths \\[3, 2\\]",
        ),
        (
            ["@classLabel true a", "@data", "1,2:a", "1,2:3,4:a"],
            "line 4: a case of 2 dimensions",
        ),
        (["@classLabel true a", "@data", "1,x,3:a"], "line 3: 'x' is not a number"),
        (["@classLabel true a", "@data", "1,,3:a"], "line 3: '' is not a number"),
        (["@classLabel true a", "@data", "1,2,3"], "line 3: no label after the values"),
        (
            ["@targetLabel true", "@data", "1,2,3:a"],
            "line 3: the target 'a' is not a number",
        ),
    ],
)
def test_read_ts_malformed_lines(lines, match):
    with pytest.raises(ValueError, match=match):
        read_ts(_ts(*lines))


def test_read_ts_names_the_file(tmp_path):
    path = tmp_path / "bad.ts"
    path.write_text("@classLabel true a\n@data\n1,2,3:4,5:a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.ts, line 3"):
        read_ts(path)


def test_read_ts_label_flags_in_either_order():
    # "@targetLabel true" then "@classLabel false" dropped the targets: the
    # last flag decided
    for header in (
        ["@classLabel false", "@targetLabel true"],
        ["@targetLabel true", "@classLabel false"],
    ):
        lines = [*header, "@data", "1,2,3:4.5", "4,5:6"]
        _, y = read_ts(io.StringIO("\n".join(lines)))
        np.testing.assert_array_equal(y, [4.5, 6.0])
