"""SequenceScaler.inverse_transform gives back the original scale, in float64."""

import numpy as np
import pytest

from skseq import MASK_VALUE
from skseq.preprocessing import SequencePadder, SequenceScaler


@pytest.mark.parametrize("method", ["standard", "minmax"])
def test_the_inverse_restores_large_values_exactly_enough(method):
    # it returned float32: 1e8 + 1 came back as 1e8 (off by up to 3 here),
    # and 1e39, which transform scales, as inf
    X = [1e8 + np.array([0.0, 1, 2, 3]), 1e8 + np.array([1.0, 2])]
    scaler = SequenceScaler(method=method).fit(X)
    back = scaler.inverse_transform(scaler.transform(X))
    for original, restored in zip(X, back, strict=True):
        assert restored.dtype == np.float64
        # scaled values are float32: about 1e-7 of the spread (a few units)
        np.testing.assert_allclose(restored, original, rtol=0, atol=1e-5)
    huge = [1e39 * np.array([1.0, 2, 3])]
    scaler = SequenceScaler(method=method).fit(huge)
    with np.errstate(over="raise"):
        back = scaler.inverse_transform(scaler.transform(huge))[0]
    np.testing.assert_allclose(back, huge[0], rtol=1e-6)


def test_the_inverse_keeps_padding_and_the_form_of_x():
    X = [1e8 + np.array([0.0, 1, 2, 3]), 1e8 + np.array([1.0, 2])]
    padded = SequencePadder(dtype="float64").fit_transform(X)
    scaler = SequenceScaler().fit(X)
    back = scaler.inverse_transform(scaler.transform(padded))
    assert back.shape == padded.shape and back.dtype == np.float64
    np.testing.assert_array_equal(back[1, :2], MASK_VALUE)
    np.testing.assert_allclose(back[1, 2:], X[1], rtol=0, atol=1e-5)
