"""SequenceAnomalyDetector reads padding as its network does, however wrapped."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skseq import RNNRegressor
from skseq.anomaly import SequenceAnomalyDetector
from skseq.preprocessing import SequencePadder, SequenceScaler


def _network():
    return RNNRegressor(hidden_size=8, max_epochs=2, mask_value=0.0)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda net: make_pipeline(SequenceScaler(mask_value=0.0), net),
        lambda net: GridSearchCV(net, {"hidden_size": [8]}, cv=2),
    ],
    ids=["pipeline", "search"],
)
def test_a_wrapped_network_s_mask_value_is_the_padding(wrap):
    # the padding of a network at the end of a Pipeline or inside a search
    # was read with the default MASK_VALUE: its zeros were steps to
    # reconstruct (errors of the padded array off by half)
    rng = np.random.default_rng(0)
    lengths = rng.integers(8, 16, 40)
    ragged = [np.sin(np.arange(n) / 3 + rng.uniform(0, 6)) + 2 for n in lengths]
    padded = SequencePadder(padding="post", value=0.0, dtype="float64").fit_transform(
        ragged
    )
    options = dict(false_alarm_rate=0.2, random_state=0)
    one = SequenceAnomalyDetector(estimator=wrap(_network()), **options).fit(ragged)
    two = SequenceAnomalyDetector(estimator=wrap(_network()), **options).fit(padded)
    np.testing.assert_allclose(two.scale_, one.scale_)
    # the same sequences, the same seeds: float32 networks, so a tolerance
    np.testing.assert_allclose(one.error(padded[:5]), one.error(ragged[:5]), rtol=1e-5)
    np.testing.assert_allclose(two.error(padded[:5]), one.error(ragged[:5]), rtol=1e-5)
