"""Ids of stored sequences name one sequence each."""

import numpy as np
import pytest

from skseq import SequenceForecaster
from skseq.io import StoredSequences


def test_a_forecaster_refuses_a_panel_that_holds_a_series_twice():
    # as series of a panel, two sequences of one id were forecast as one:
    # fit trained on three series, predict returned two
    rng = np.random.default_rng(0)
    stored = StoredSequences(5 + rng.normal(size=(2, 30)), ids=["a", "b"])
    forecaster = SequenceForecaster(
        horizon=1, season=None, hidden_size=4, max_epochs=1, random_state=0
    )
    with pytest.raises(ValueError, match="y's ids holds the id 'a' more than once"):
        forecaster.fit(stored[[0, 0, 1]])
    with pytest.raises(ValueError, match="y's ids holds the id 'a' more than once"):
        forecaster.fit(StoredSequences(5 + rng.normal(size=(2, 30)), ids=["a", "a"]))
