"""Forecasters fitted on series that stay in their store, and window steps."""

import pickle

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster, load, save
from skseq.forecasting._windows import WindowSplit
from skseq.io import StoredSequences, read_parquet

from .._helpers import Recorder

QUICK = dict(hidden_size=8, max_epochs=2, batch_size=16, random_state=0)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 100 rows of 3 columns: every pass over the rows takes many."""
    monkeypatch.setattr("skseq.utils._stored._BLOCK_VALUES", 300)


def _series(n=400, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    level = 10 + 3 * np.sin(steps / 5) + steps / 40 + 0.2 * rng.standard_normal(n)
    return np.column_stack([level, rng.standard_normal(n), np.sin(steps / 3)]).astype(
        np.float32
    )


def _memmap(path, values):
    np.save(path, values)
    return np.load(path, mmap_mode="r")


@pytest.mark.parametrize("window_step, dtype", [(1, np.float64), (3, np.float32)])
def test_memmap_fit_equals_in_memory_fit(tmp_path, small_blocks, window_step, dtype):
    # float64 sums depend on the order of the rows' additions: equal
    # statistics need the same blocks in the same memory order
    values = _series().astype(dtype)
    stored = _memmap(tmp_path / "y.npy", values)
    params = dict(
        QUICK,
        horizon=3,
        target=[0],
        future_covariates=[2],
        transform="log",
        window_step=window_step,
    )
    expected = SequenceForecaster(**params).fit(values.astype(np.float64))
    model = SequenceForecaster(**params).fit(stored)
    future = pd.DataFrame({2: np.sin(np.arange(400, 403) / 3)})
    np.testing.assert_array_equal(
        model.predict(future=future), expected.predict(future=future)
    )
    np.testing.assert_array_equal(
        model.predict_interval(future=future), expected.predict_interval(future=future)
    )
    assert model.method_ == expected.method_ and model.freq_ == 1
    # the fitted model holds the end of the series, not the store
    assert len(pickle.dumps(model)) < len(pickle.dumps(expected)) + 10_000
    assert all(type(tail.values) is np.ndarray for tail in model._fitted.tails)
    save(model, tmp_path / "model.skseq")
    np.testing.assert_array_equal(
        load(tmp_path / "model.skseq").predict(future=future),
        expected.predict(future=future),
    )


def test_parquet_panel_fits_like_a_dict_of_arrays(tmp_path):
    pytest.importorskip("pyarrow")
    values = _series(500)
    lengths = {"north": 150, "south": 230, "west": 120}
    cuts = np.cumsum([0, *lengths.values()])
    series = {
        name: values[start:stop].astype(np.float64)
        for name, start, stop in zip(lengths, cuts, cuts[1:], strict=False)
    }
    table = pd.concat(
        pd.DataFrame(
            {"id": name, "time": np.arange(len(one)), **dict(enumerate(one.T))}
        )
        for name, one in series.items()
    )
    table.columns = [str(c) for c in table.columns]
    table.to_parquet(tmp_path / "long.parquet")
    stored = read_parquet(tmp_path / "long.parquet", id_column="id", time_column="time")
    params = dict(QUICK, window_length=12, horizon=2, target=[0])
    got = SequenceForecaster(**params).fit(stored).predict()
    expected = SequenceForecaster(**params).fit(series).predict()
    assert list(got) == list(lengths)
    for name in lengths:
        np.testing.assert_array_equal(got[name], expected[name])
    # a subset (a cross-validation fold) reads its own series only
    got = SequenceForecaster(**params).fit(stored[[2, 0]]).predict()
    expected = SequenceForecaster(**params).fit(
        {"west": series["west"], "north": series["north"]}
    )
    for name in ("west", "north"):
        np.testing.assert_array_equal(got[name], expected.predict()[name])


def test_zarr_series_equals_numpy(tmp_path):
    zarr = pytest.importorskip("zarr")
    values = _series()
    stored = zarr.open_array(
        store=str(tmp_path / "y.zarr"),
        mode="w",
        shape=values.shape,
        chunks=(64, 3),
        dtype=values.dtype,
    )
    stored[:] = values
    params = dict(QUICK, window_length=8, target=[0, 1])
    expected = SequenceForecaster(**params).fit(values.astype(np.float64)).predict()
    np.testing.assert_array_equal(
        SequenceForecaster(**params).fit(stored).predict(), expected
    )


def test_fit_reads_the_store_a_block_or_a_chunk_of_windows_at_a_time(small_blocks):
    values = np.tile(_series(1000), (6, 1))  # 6,000 rows
    store = Recorder(values)
    params = dict(QUICK, window_length=10, target=[0], max_epochs=1)
    expected = SequenceForecaster(**params).fit(values.astype(np.float64)).predict()
    np.testing.assert_array_equal(
        SequenceForecaster(**params).fit(store).predict(), expected
    )
    # blocks of 100 rows; at most the 4,096 windows of a ridge's block (of
    # 11 rows each) at once: never the series
    assert 0 < store.largest_rows <= 4096 + 10 < len(values)


@pytest.mark.parametrize(
    "where, value, params, message",
    [
        (37, np.nan, {}, r"y contains NaN, the first at step 37"),
        (5, np.inf, {}, r"y contains infinite values, the first at step 5"),
        ([5, 37], [np.inf, np.nan], {}, r"infinite values, the first at step 5"),
        (12, -1.0, {"transform": "log"}, r"needs positive targets.*at step 12"),
    ],
)
def test_bad_stored_values_are_refused(tmp_path, where, value, params, message):
    values = _series()
    values[where, 0] = value
    stored = _memmap(tmp_path / "y.npy", values)
    with pytest.raises(ValueError, match=message):
        SequenceForecaster(**QUICK, target=[0], **params).fit(stored)


def test_stored_values_whose_squares_overflow_are_refused(tmp_path):
    values = _series().astype(np.float64)  # float32 cannot hold them
    values[20, 0] = 1e300
    stored = _memmap(tmp_path / "y.npy", values)
    with pytest.raises(ValueError, match=r"y holds values up to 1e\+300, whose"):
        SequenceForecaster(**QUICK, target=[0]).fit(stored)


def test_bad_stored_series_are_refused(tmp_path):
    values = _series()
    short = StoredSequences(values, lengths=[390, 10], flat=True, ids=["a", "b"])
    with pytest.raises(ValueError, match=r"y\['b'\] has 10 observations"):
        SequenceForecaster(window_length=12, **QUICK).fit(short)
    with pytest.raises(ValueError, match="must be 1-D .* or 2-D"):
        SequenceForecaster(**QUICK).fit(_memmap(tmp_path / "c.npy", values[None]))
    with pytest.raises(ValueError, match="not as X or static"):
        SequenceForecaster(**QUICK).fit(short, X={"a": values, "b": values})


def test_stored_array_with_x_is_read_into_memory(tmp_path):
    values = _series().astype(np.float64)
    stored = _memmap(tmp_path / "y.npy", values[:, 0])
    params = dict(QUICK, window_length=8, horizon=2)
    got = SequenceForecaster(**params).fit(stored, X=values[:, 1:])
    expected = SequenceForecaster(**params).fit(values[:, 0], X=values[:, 1:])
    X = np.concatenate([values[:, 1:], values[-2:, 1:]])
    np.testing.assert_array_equal(
        got.predict(y=stored, X=X), expected.predict(y=values[:, 0], X=X)
    )


def test_window_steps_count_back_from_the_latest_window():
    # two series of 30 and 25 rows, windows of 5 rows, a step of 3
    split = WindowSplit.make([30, 25], 5, 0.25, train_horizon=2, step=3)
    first, second = split.every[split.every < 30], split.every[split.every >= 30]
    assert first[-1] == 25 and second[-1] == 30 + 20  # each series' latest
    assert set(np.diff(first)) == set(np.diff(second)) == {3}
    for series in (first, second):
        held = split.held_out[np.isin(split.held_out, series)]
        train = split.train[np.isin(split.train, series)]
        assert len(held) == len(series) // 4
        # training targets (2 steps) end before the held-out ones begin
        assert train.max() + 2 <= held.min() and len(train) == len(series) - len(held)
    one = WindowSplit.make([30], 5, 0.2, train_horizon=3)
    np.testing.assert_array_equal(one.held_out, np.arange(21, 26))
    np.testing.assert_array_equal(one.train, np.arange(0, 19))  # 2 left out


def test_window_step_trains_on_one_window_in_k():
    y = np.sin(np.arange(170) / 4)  # 160 windows of 10 + 1
    params = dict(QUICK, window_length=10, validation_fraction=0, batch_size=10)
    every = SequenceForecaster(**params).fit(y)
    third = SequenceForecaster(window_step=3, **params).fit(y)
    assert every.history_[-1]["train_batch_count"] == 16
    assert third.history_[-1]["train_batch_count"] == 6  # 54 windows


def test_predict_reads_only_the_last_window_of_a_store(tmp_path):
    values = _series()
    params = dict(QUICK, window_length=8, target=[0])
    model = SequenceForecaster(**params).fit(_memmap(tmp_path / "y.npy", values))
    newer = Recorder(_series(600, seed=1))
    expected = model.predict(y=np.asarray(newer.values, dtype=np.float64))
    np.testing.assert_array_equal(model.predict(y=newer), expected)
    assert newer.largest_rows == 8
    panel = StoredSequences(newer, lengths=[300, 300], flat=True, ids=["a", "b"])
    with pytest.raises(ValueError, match="fitted on a single input"):
        model.predict(y=panel)
    with pytest.raises(ValueError, match="y has 5 observations; at least 8"):
        model.predict(y=Recorder(_series(5)))


def test_dask_series_of_unknown_length_is_read_into_memory():
    da = pytest.importorskip("dask.array")
    values = _series().astype(np.float64)
    lazy = da.from_array(values, chunks=50)
    lazy = lazy[lazy[:, 1] > -10]  # every row, but dask cannot know it
    assert np.isnan(lazy.shape[0])
    params = dict(QUICK, window_length=8, target=[0])
    np.testing.assert_array_equal(
        SequenceForecaster(**params).fit(lazy).predict(),
        SequenceForecaster(**params).fit(values).predict(),
    )


def test_data_parallel_fit_from_a_store_equals_it_in_memory(tmp_path):
    values = _series()
    params = dict(QUICK, window_length=8, target=[0], processes=2)
    expected = SequenceForecaster(**params).fit(values.astype(np.float64)).predict()
    stored = _memmap(tmp_path / "y.npy", values)
    np.testing.assert_array_equal(
        SequenceForecaster(**params).fit(stored).predict(), expected
    )


def test_a_panel_is_put_in_units_a_block_at_a_time(small_blocks):
    # blocks of 100 rows span series (150, 230 and 120 rows): each series'
    # steps across a block's edge count, those across a series' edge do not
    from skseq.forecasting._rows import SeriesRows
    from skseq.forecasting._units import UnitSums

    def unit_of(part, n_targets):
        sums = UnitSums(n_targets)
        sums.add(part[:, :n_targets])
        return sums.unit()

    values = _series(500).astype(np.float64)
    lengths = np.array([150, 230, 120])
    store = StoredSequences(values, lengths=lengths, flat=True)
    _, units, still = SeriesRows.stored(store, [0, 1, 2]).in_units(2)
    parts = np.split(values, np.cumsum(lengths)[:-1])
    np.testing.assert_allclose(units, [unit_of(part, 2) for part in parts])
    assert not still.any()
    # the whole history or its last window: a new series' unit is its window's
    model = SequenceForecaster(**QUICK, window_length=8, horizon=2, target=[0])
    model.fit({"a": values[:150], "b": 5 * values[150:380]})
    new = values[380:]
    np.testing.assert_array_equal(
        model.predict(y={"c": new})["c"], model.predict(y={"c": new[-8:]})["c"]
    )


def test_the_share_of_series_at_their_edge_is_read_a_block_at_a_time(small_blocks):
    # blocks of 100 rows span the series: a trend ends above its earlier
    # values, a sine and noise do not; a store counts as memory does
    from skseq.forecasting._rows import SeriesRows

    rng = np.random.default_rng(0)
    steps = np.arange(500.0)
    values = np.column_stack(
        [np.sin(steps / 3), rng.standard_normal(500), np.zeros(500)]
    )
    values[150:380, 0] = steps[150:380] / 10  # the second series trends
    lengths = np.array([150, 230, 120])
    store = StoredSequences(values, lengths=lengths, flat=True)
    stored = SeriesRows.stored(store, [0, 1, 2])
    memory = SeriesRows(values, lengths)
    for rows in (stored, memory):
        assert rows.share_at_edge(1, 8, 0.03) == pytest.approx(1 / 3)
        # both targets: the noise ends within its values
        assert rows.share_at_edge(2, 8, 0.03) == pytest.approx(1 / 6)
    falling = SeriesRows(-values[150:380], np.array([230]))
    assert falling.share_at_edge(1, 8, 0.03) == 1
    # ties count on neither side: zeros with spikes, ending in zeros, are
    # not below their history
    spiky = np.where(rng.random(120) < 0.2, 3.0, 0.0)
    spiky[-6:] = 0
    assert SeriesRows(spiky[:, None], np.array([120])).share_at_edge(1, 6, 0.03) == 0
    # fewer earlier values than 1 / 0.03 (33 of 41) decide nothing; 34 do
    for n, share in [(41, 0), (42, 1)]:
        rising = SeriesRows(np.arange(n, dtype=float)[:, None], np.array([n]))
        assert rising.share_at_edge(1, 8, 0.03) == share
