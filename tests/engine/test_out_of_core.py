"""Fitting and predicting from stored sequences (memmaps, Dask, StoredSequences)."""

import numpy as np
import pandas as pd
import pytest

from skseq import RNNClassifier, RNNRegressor
from skseq.io import StoredSequences, read_parquet
from skseq.preprocessing import SequenceScaler

from .._helpers import Recorder

QUICK = dict(hidden_size=8, max_epochs=3, batch_size=16, random_state=0)


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 100 steps of 3 features: passes over the data take many."""
    monkeypatch.setattr("skseq.utils._stored._BLOCK_VALUES", 300)


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 24, 3)).astype(np.float32)
    X[:, :, 0] += 3.0  # an offset that standardisation removes
    y = (X[:, :, 1].mean(axis=1) > 0).astype(int)
    lengths = rng.integers(4, 25, size=len(X))
    path = tmp_path / "x.npy"
    np.save(path, X)
    return np.load(path, mmap_mode="r"), y, lengths


@pytest.mark.parametrize("standardize", [True, "sequence"])
def test_memmap_fit_equals_in_memory_fit(data, standardize, small_blocks):
    X, y, _ = data
    params = dict(QUICK, standardize=standardize, early_stopping=True)
    in_memory = RNNClassifier(**params).fit(np.asarray(X), y)
    stored = RNNClassifier(**params).fit(X, y)
    assert isinstance(X, np.memmap)
    np.testing.assert_array_equal(
        stored.history_[:, "valid_loss"], in_memory.history_[:, "valid_loss"]
    )
    np.testing.assert_array_equal(
        stored.predict_proba(X), in_memory.predict_proba(np.asarray(X))
    )


def test_stored_lengths_and_flat_store_equal_ragged_lists(data):
    X, y, lengths = data
    ragged = [np.asarray(X[i, :n]) for i, n in enumerate(lengths)]
    target = y.astype(float)
    expected = RNNRegressor(**QUICK).fit(ragged, target).predict(ragged)
    padded = StoredSequences(X, lengths)
    flat = StoredSequences(np.concatenate(ragged), lengths, flat=True)
    for stored in (padded, flat):
        model = RNNRegressor(**QUICK).fit(stored, target)
        np.testing.assert_array_equal(model.predict(stored), expected)
        np.testing.assert_array_equal(model.predict(ragged), expected)


def test_dask_array_reads_lazily_and_equals_numpy(data):
    da = pytest.importorskip("dask.array")
    X, y, lengths = data
    expected = RNNRegressor(**QUICK).fit(np.asarray(X), y).predict(np.asarray(X))
    lazy = da.from_array(np.asarray(X), chunks=(32, 24, 3))
    model = RNNRegressor(**QUICK).fit(lazy, y)
    np.testing.assert_array_equal(model.predict(lazy), expected)


def test_fit_reads_the_store_a_batch_or_a_block_at_a_time(data, small_blocks):
    X, y, _ = data
    recorder = Recorder(np.asarray(X))
    RNNClassifier(**QUICK, standardize=True).fit(recorder, y)
    batch = QUICK["batch_size"] * X.shape[1] * X.shape[2]
    assert 0 < recorder.largest <= batch


def test_padding_at_the_end_is_cut_by_mask_value(data):
    X, y, lengths = data
    padded = np.array(X)
    for i, n in enumerate(lengths):
        padded[i, n:] = -1e9  # skseq.MASK_VALUE, the default mask_value
    ragged = [np.asarray(X[i, :n]) for i, n in enumerate(lengths)]
    expected = RNNClassifier(**QUICK).fit(ragged, y).predict_proba(ragged)
    model = RNNClassifier(**QUICK).fit(StoredSequences(padded), y)
    np.testing.assert_array_equal(model.predict_proba(ragged), expected)


@pytest.mark.parametrize(
    "where, message",
    [
        ("middle", "before its last real step"),
        ("all", "no valid time step"),
    ],
)
def test_padding_that_is_not_at_the_end_is_refused(data, where, message):
    X, y, _ = data
    padded = np.array(X)
    if where == "middle":
        padded[3, 5] = -1e9
    else:
        padded[3] = -1e9
    with pytest.raises(ValueError, match=message):
        RNNClassifier(**QUICK).fit(StoredSequences(padded), y)


def test_arrays_padded_inside_are_read_as_in_memory(data, tmp_path):
    X, y, _ = data
    padded = np.array(X)
    padded[3, 5] = -1e9  # a masked step inside a sequence: dropped in memory
    np.save(tmp_path / "padded.npy", padded)
    stored = np.load(tmp_path / "padded.npy", mmap_mode="r")
    expected = RNNClassifier(**QUICK).fit(padded, y).predict_proba(padded)
    with pytest.warns(UserWarning, match="it is read into memory"):
        model = RNNClassifier(**QUICK).fit(stored, y)
    with pytest.warns(UserWarning, match="it is read into memory"):
        got = model.predict_proba(stored)
    np.testing.assert_array_equal(got, expected)


def test_a_padded_2d_store_keeps_the_tabular_form(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 12))
    X[:5, 9:] = -1e9  # post-padded univariate rows
    y = rng.normal(size=40)
    np.save(tmp_path / "x2.npy", X)
    stored = np.load(tmp_path / "x2.npy", mmap_mode="r")
    in_memory = RNNRegressor(**QUICK).fit(X, y)
    model = RNNRegressor(**QUICK).fit(stored, y)
    assert model.n_features_in_ == in_memory.n_features_in_ == 12
    np.testing.assert_array_equal(model.predict(stored), in_memory.predict(X))
    with pytest.raises(ValueError, match="X has 5 features"):
        model.predict(np.asarray(X)[:, :5])


def test_padded_reads_are_bounded_however_short_the_sequences(small_blocks):
    rng = np.random.default_rng(5)
    values = rng.normal(size=(60, 50))  # short sequences in wide rows
    recorder = Recorder(values)
    stored = StoredSequences(recorder, lengths=rng.integers(1, 4, size=60))
    for block in stored.blocks():
        assert len(block) <= 300
    assert recorder.largest <= 300  # a block's budget, not its rows' width


def test_flat_store_with_padding_is_refused(data):
    X, y, _ = data
    flat = np.array(X).reshape(-1, 3)
    flat[7] = -1e9
    stored = StoredSequences(flat, np.full(len(X), X.shape[1]), flat=True)
    with pytest.raises(ValueError, match="a flat store holds real steps only"):
        RNNClassifier(**QUICK).fit(stored, y)


def test_non_finite_stored_values_are_refused(data):
    X, y, _ = data
    bad = np.array(X)
    bad[100, 3, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        RNNClassifier(**QUICK).fit(StoredSequences(bad), y)


def test_token_ids_in_a_memmap_are_read_into_memory(tmp_path):
    rng = np.random.default_rng(1)
    ids = rng.integers(1, 6, size=(40, 10))
    path = tmp_path / "ids.npy"
    np.save(path, ids)
    stored = np.load(path, mmap_mode="r")
    y = (ids[:, 0] > 3).astype(int)
    params = dict(QUICK, embedding_dim=4)
    expected = RNNClassifier(**params).fit(ids, y).predict_proba(ids)
    got = RNNClassifier(**params).fit(stored, y).predict_proba(stored)
    np.testing.assert_array_equal(got, expected)


def test_stored_sequences_are_refused_where_not_read_out_of_core(data):
    X, _, lengths = data
    with pytest.raises(TypeError, match="does not read out of core"):
        SequenceScaler().fit(StoredSequences(X, lengths))


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((np.zeros((3, 4, 2, 1)),), {}, ValueError, "expected a non-empty"),
        ((np.zeros((0, 4)),), {}, ValueError, "expected a non-empty"),
        ((np.array([["a"]]),), {}, ValueError, "skseq reads real numbers"),
        ((np.zeros((2, 3), complex),), {}, ValueError, "skseq reads real numbers"),
        ((np.zeros((3, 4)),), {"lengths": [1, 2]}, ValueError, "2 values for 3"),
        ((np.zeros((3, 4)),), {"lengths": [1, 2, 5]}, ValueError, "at most 4"),
        ((np.zeros((3, 4)),), {"lengths": [1.0, 2.0, 3.0]}, ValueError, "integers"),
        ((np.zeros((6, 2)),), {"flat": True}, ValueError, "needs the lengths"),
        ((np.zeros((6, 2)),), {"lengths": [2, 2], "flat": True}, ValueError, "sum"),
    ],
)
def test_bad_stores_are_refused(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        StoredSequences(*args, **kwargs)


def test_predict_on_stored_input_of_another_width_is_refused(data):
    X, y, _ = data
    model = RNNClassifier(**QUICK).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features"):
        model.predict(StoredSequences(np.asarray(X)[:, :, :2]))


def test_zarr_array_is_read_lazily_and_equals_numpy(data, tmp_path):
    zarr = pytest.importorskip("zarr")
    X, y, _ = data
    stored = zarr.open_array(
        store=str(tmp_path / "x.zarr"),
        mode="w",
        shape=X.shape,
        chunks=(32, 24, 3),
        dtype=X.dtype,
    )
    stored[:] = np.asarray(X)
    expected = RNNRegressor(**QUICK).fit(np.asarray(X), y).predict(np.asarray(X))
    model = RNNRegressor(**QUICK).fit(stored, y)
    np.testing.assert_array_equal(model.predict(stored), expected)


@pytest.fixture
def long_table(tmp_path):
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(2)
    ids = [f"s{i:03d}" for i in range(30)]
    frames = [
        pd.DataFrame(
            {
                "id": name,
                "time": np.arange(n),
                "a": rng.normal(size=n),
                "b": rng.normal(size=n),
            }
        )
        for name, n in zip(ids, rng.integers(3, 15, size=30), strict=True)
    ]
    frame = pd.concat(frames, ignore_index=True)
    y = pd.Series(rng.normal(size=30), index=ids).sample(frac=1, random_state=0)
    path = tmp_path / "long.parquet"
    frame.to_parquet(path, row_group_size=17)
    return frame, y, path


def test_parquet_table_fits_like_the_long_frame(long_table, monkeypatch, tmp_path):
    frame, y, path = long_table
    monkeypatch.setattr("skseq.io._parquet._ROWS", 7)  # batches cut sequences
    long = frame.set_index(["id", "time"])
    expected = RNNRegressor(**QUICK).fit(long, y).predict(long)
    # float64 as in the frame: the same values give the same model
    stored = read_parquet(path, id_column="id", time_column="time", dtype=np.float64)
    assert list(stored.ids) == sorted(y.index)
    model = RNNRegressor(**QUICK).fit(stored, y)  # y aligned by id
    np.testing.assert_array_equal(model.predict(stored), expected)
    kept = read_parquet(
        path,
        id_column="id",
        time_column="time",
        columns=["a", "b"],
        dtype=np.float64,
        directory=tmp_path,
    )
    reopened = StoredSequences(
        np.load(tmp_path / "values.npy", mmap_mode="r"),
        np.load(tmp_path / "lengths.npy"),
        flat=True,
    )
    np.testing.assert_array_equal(model.predict(reopened), expected)
    np.testing.assert_array_equal(kept.lengths, stored.lengths)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: f.iloc[::-1], "not in increasing time order"),
        (lambda f: pd.concat([f.iloc[5:], f.iloc[:5]]), "not all together"),
    ],
)
def test_parquet_tables_out_of_order_are_refused(long_table, change, message):
    frame, _, path = long_table
    change(frame).to_parquet(path)
    with pytest.raises(ValueError, match=message):
        read_parquet(path, id_column="id", time_column="time")


@pytest.mark.parametrize("form", ["multiindex", "index"])
def test_parquet_tables_written_with_a_pandas_index(long_table, form, tmp_path):
    frame, _, _ = long_table
    if form == "multiindex":  # a long frame indexed by (id, time)
        written = frame.set_index(["id", "time"])
    else:  # an ordinary index, stored as a column of its own
        written = frame.set_index(pd.Index(np.arange(len(frame)) * 3))
    path = tmp_path / f"{form}.parquet"
    written.to_parquet(path)
    stored = read_parquet(path, id_column="id", time_column="time")
    assert stored.n_features == 2  # a and b: the index is not a feature
    steps, _ = stored.read(np.arange(stored.n_sequences))
    np.testing.assert_allclose(steps, frame[["a", "b"]].to_numpy(), rtol=1e-6)


def test_parquet_missing_ids_are_refused(long_table):
    frame, _, path = long_table
    frame = frame.astype({"id": object})
    frame.loc[4, "id"] = None
    frame.to_parquet(path)
    with pytest.raises(ValueError, match="id column holds missing values"):
        read_parquet(path, id_column="id", time_column="time")


def test_parquet_columns_are_checked(long_table):
    _, _, path = long_table
    with pytest.raises(ValueError, match="time_column='t' is not a column"):
        read_parquet(path, id_column="id", time_column="t")
    with pytest.raises(ValueError, match="columns must name value columns"):
        read_parquet(path, id_column="id", time_column="time", columns=["c"])
    # the id as a value: numpy's "could not convert string to float: 's000'"
    with pytest.raises(ValueError, match="must hold numbers; these do not: 'id'"):
        read_parquet(path, id_column="id", time_column="time", columns=["a", "id"])
    # one name, not its letters ("columns must name...; got b")
    one = read_parquet(path, id_column="id", time_column="time", columns="b")
    two = read_parquet(path, id_column="id", time_column="time", columns=["b"])
    assert one.n_features == 1
    np.testing.assert_array_equal(one.read([0, 1])[0], two.read([0, 1])[0])


def test_flatten_pooling_reads_stored_steps_padding_included(data):
    X, y, _ = data
    params = dict(QUICK, pooling="flatten")
    expected = RNNClassifier(**params).fit(np.asarray(X), y).predict_proba(X[:])
    model = RNNClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(model.predict_proba(X), expected)
    padded = np.array(X)
    padded[:, -2:] = -1e9  # every sequence padded alike: one length still
    with pytest.raises(ValueError, match="padded with mask_value"):
        RNNClassifier(**params).fit(StoredSequences(padded), y)


@pytest.mark.parametrize("estimator", ["RNNStepRegressor", "RNNTagger"])
def test_per_step_targets_with_stored_x_equal_in_memory(data, estimator):
    # targets of every step stay in memory; the steps are read by batch
    import skseq

    X, _, lengths = data
    ragged = [np.asarray(X[i, :n]) for i, n in enumerate(lengths)]
    if estimator == "RNNTagger":
        y = [(x[:, 1] > 0).astype(int) for x in ragged]
    else:
        y = [x[:, 1] * 2.0 - x[:, 0] for x in ragged]
    weight = np.linspace(0.5, 2.0, len(X))
    params = dict(QUICK, early_stopping=True, validation_fraction=0.25)
    make = getattr(skseq, estimator)
    expected = make(**params).fit(ragged, y, sample_weight=weight).predict(ragged)
    stored = StoredSequences(X, lengths)
    got = make(**params).fit(stored, y, sample_weight=weight).predict(stored)
    assert len(got) == len(expected)
    for one, other in zip(got, expected, strict=True):
        np.testing.assert_array_equal(one, other)


def test_per_step_targets_of_a_padded_store_align_as_in_memory(tmp_path):
    from skseq import RNNTagger
    from skseq.preprocessing import SequencePadder

    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(n, 2)) for n in rng.integers(3, 9, size=30)]
    X = SequencePadder(padding="post").fit_transform(seqs)  # mask_value padding
    np.save(tmp_path / "padded.npy", X)
    stored = np.load(tmp_path / "padded.npy", mmap_mode="r")
    labels = [(s[:, 0] > 0).astype(int) for s in seqs]  # one per real step
    padded_labels = (X[:, :, 0] > 0).astype(int)  # one per stored step
    expected = RNNTagger(**QUICK).fit(X, labels).predict(X)
    for y in (labels, padded_labels):
        got = RNNTagger(**QUICK).fit(stored, y).predict(stored)
        assert isinstance(got, list) and len(got) == len(expected)
        for one, other in zip(got, expected, strict=True):
            np.testing.assert_array_equal(one, other)


def test_long_per_step_targets_follow_the_store_order_of_ids():
    from skseq import RNNStepRegressor

    rng = np.random.default_rng(1)
    ids = ["s2", "s10", "s1"]  # stored order, not sorted
    parts = [rng.normal(size=(n, 2)) for n in (5, 7, 4)]
    stored = StoredSequences(
        np.concatenate(parts), lengths=[5, 7, 4], flat=True, ids=ids
    )
    y = pd.concat(
        pd.Series(p[:, 0] * 2, index=pd.MultiIndex.from_product([[i], range(len(p))]))
        for i, p in zip(ids, parts, strict=True)
    ).sample(frac=1, random_state=0)
    as_lists = [p[:, 0] * 2 for p in parts]
    expected = RNNStepRegressor(**QUICK).fit(stored, as_lists).predict(stored)
    got = RNNStepRegressor(**QUICK).fit(stored, y).predict(stored)
    for one, other in zip(got, expected, strict=True):
        np.testing.assert_array_equal(one, other)
