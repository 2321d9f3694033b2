"""A forecaster fitted in memory, given a stored history at predict."""

import warnings

import numpy as np

from skseq import SequenceForecaster

QUICK = dict(hidden_size=8, max_epochs=2, batch_size=16, random_state=0)


def _series(n, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    season = 3 * np.sin(2 * np.pi * steps / 12)
    return 10 + season + 0.05 * steps + 0.3 * rng.standard_normal(n)


def test_stored_history_keeps_the_smoothing_part(tmp_path):
    # fitted in memory, the forecast has an exponential smoothing part, which
    # reads the whole history: a memmap of a newer history must forecast as
    # the same values in memory, not drop the part ("Give the whole series")
    model = SequenceForecaster(horizon=4, **QUICK).fit(_series(120))
    assert "smoothing" in model._fitted.method
    newer = _series(130, seed=1)
    np.save(tmp_path / "newer.npy", newer)
    stored = np.load(tmp_path / "newer.npy", mmap_mode="r")
    expected = model.predict(y=newer)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "leave out their smoothing part"
        got = model.predict(y=stored)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(
        model.predict_interval(y=stored), model.predict_interval(y=newer)
    )


def test_score_reads_stored_sequences_as_the_same_panel_in_memory():
    # score failed with StoredSequences.__array__'s TypeError deep inside
    from skseq.io import StoredSequences

    rng = np.random.default_rng(0)
    values = np.sin(np.arange(120) / 3)[None, :, None] + rng.normal(0, 0.1, (2, 120, 1))
    store = StoredSequences(values, lengths=[120, 120])
    model = SequenceForecaster(horizon=3, max_epochs=2, hidden_size=4, random_state=0)
    model.fit(store)
    panel = {i: values[i, :, 0] for i in range(2)}
    assert model.score(store) == model.score(panel)
    one = StoredSequences(values[:1], lengths=[120])  # one series
    model.fit(one)
    rolled = model.predict_rolling(one)
    np.testing.assert_array_equal(rolled, model.predict_rolling(values[0, :, 0]))
    assert model.score(one) == model.score(values[0, :, 0])
