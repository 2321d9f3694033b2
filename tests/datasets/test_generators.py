"""make_sequence_classification: its shapes and its argument checks."""

import numpy as np
import pytest

from skseq.datasets import make_sequence_classification


def test_make_sequence_classification_lengths_and_features():
    X, y = make_sequence_classification(
        20, min_length=3, max_length=3, n_features=2, random_state=0
    )
    assert len(X) == len(y) == 20
    assert all(x.shape == (3, 2) for x in X)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (
            {"min_length": 10, "max_length": 5},
            r"min_length must be an int in \[1, max_length\]",
        ),
        (
            {"min_length": 0, "max_length": 0},
            r"max_length must be an int in \[1, inf\)",
        ),
        ({"min_length": 0}, r"min_length must be an int in \[1, max_length\], got 0"),
        ({"n_features": 0}, r"n_features must be an int in \[1, inf\), got 0"),
        ({"n_samples": 0}, r"n_samples must be an int in \[1, inf\), got 0"),
        ({"min_length": 2.5}, "min_length must be an int"),
        ({"shift": np.nan}, "shift must be a finite real number, got nan"),
        ({"shift": "1"}, "shift must be a finite real number"),
    ],
)
def test_make_sequence_classification_checks_arguments(kwargs, match):
    kwargs = {"n_samples": 4, **kwargs}
    with pytest.raises(ValueError, match=match):
        make_sequence_classification(**kwargs, random_state=0)
