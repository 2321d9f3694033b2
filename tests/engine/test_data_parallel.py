"""Data-parallel training over 2 CPU processes (torch.distributed, gloo)."""

import gc
import hashlib
import os
import subprocess
import sys
import textwrap
from datetime import timedelta

import numpy as np
import pytest
import torch
import torch.distributed as dist
from skorch.callbacks import Callback

from skseq import RNNClassifier, RNNRegressor
from skseq._engine import _parallel

pytestmark = pytest.mark.skipif(
    not dist.is_available() or not hasattr(os, "fork"),
    reason="needs torch.distributed and fork",
)


@pytest.fixture(autouse=True)
def _short_timeout(monkeypatch):
    # a process left waiting for a lost one fails in a minute, not in ten
    monkeypatch.setattr(_parallel, "_TIMEOUT", timedelta(seconds=60))


def _data(n=96, length=12, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, length, 3)).astype(np.float32)
    y = X[:, :, 0].mean(axis=1) + 0.1 * rng.normal(size=n)
    return X, y


class WriteWeights(Callback):
    """Write each process's final weights and buffers' digest to a file."""

    def __init__(self, directory):
        self.directory = directory

    def on_train_end(self, net, **kwargs):
        digest = hashlib.sha256()
        for value in net.module_.state_dict().values():
            digest.update(value.detach().cpu().numpy().tobytes())
        rank = dist.get_rank() if dist.is_initialized() else "alone"
        with open(os.path.join(self.directory, f"rank{rank}"), "w") as out:
            out.write(digest.hexdigest())


class Collect(Callback):
    """Collect the garbage in every process (allocations may at any time)."""

    def on_train_begin(self, net, **kwargs):
        gc.collect()


class FailOnRankOne(Callback):
    def on_epoch_end(self, net, **kwargs):
        if dist.get_rank() == 1:
            raise RuntimeError("rank one fails")


@pytest.mark.parametrize("early_stopping", [False, True])
def test_two_processes_step_like_one_process_with_twice_the_batch(early_stopping):
    # 96 training sequences: 12 batches of 8, 6 of 16 (with early stopping,
    # 24 of the 120 are held out), so no process wraps around to a repeat
    X, y = _data(n=120 if early_stopping else 96)
    params = dict(hidden_size=8, max_epochs=3, random_state=0)
    params.update(early_stopping=early_stopping, validation_fraction=0.2)
    one = RNNRegressor(batch_size=16, **params).fit(X, y)
    two = RNNRegressor(batch_size=8, processes=2, **params).fit(X, y)
    np.testing.assert_allclose(
        two.history_[:, "train_loss"], one.history_[:, "train_loss"], rtol=1e-4
    )
    np.testing.assert_allclose(two.predict(X), one.predict(X), atol=1e-4)
    # the steps are those of the doubled batch, not of the batch alone
    alone = RNNRegressor(batch_size=8, **params).fit(X, y)
    assert not np.allclose(alone.predict(X), one.predict(X), atol=1e-3)


@pytest.mark.parametrize(
    "params",
    [
        # ragged, bucketed batches, a last batch of its own; dropout draws
        # from torch's generator as much as each process's batches ask
        dict(dropout=0.5, num_layers=2),
        dict(conv_layers=1, conv_pool=2),  # batch norm buffers are averaged
        dict(processes=3),  # each forked rank closes the earlier ranks' pipes
    ],
)
def test_every_process_ends_with_the_same_model(tmp_path, params):
    rng = np.random.default_rng(1)
    X = [rng.normal(size=(n, 2)) for n in rng.integers(8, 30, size=75)]
    y = rng.integers(0, 3, size=75)
    params = {"processes": 2, **params}
    model = RNNClassifier(
        hidden_size=8,
        max_epochs=2,
        batch_size=8,
        random_state=None,  # rank 0's seed is used everywhere
        callbacks=[WriteWeights(str(tmp_path))],
        **params,
    ).fit(X, y)
    digests = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert sorted(digests) == [f"rank{r}" for r in range(params["processes"])]
    assert len(set(digests.values())) == 1
    assert model.predict(X).shape == (75,)
    assert model.net_.world is None  # nothing of the process group is kept


def test_a_failing_process_stops_training_with_a_clear_error():
    X, y = _data(n=64)
    model = RNNRegressor(
        hidden_size=4, max_epochs=3, processes=2, callbacks=[FailOnRankOne()]
    )
    with pytest.raises(RuntimeError, match="failed in process 1 \\(of 2\\)") as error:
        model.fit(X, y)
    assert "rank one fails" in str(error.value)  # the other process's traceback
    # the caller is left as it was: no process group, its own excepthook
    assert not dist.is_initialized()
    assert sys.excepthook is sys.__excepthook__ or "distributed" not in repr(
        sys.excepthook
    )


class Ended:
    """An object in a reference cycle that writes the pid that ends it."""

    def __init__(self, path):
        self.path, self.cycle = path, self

    def __del__(self):
        with open(self.path, "a") as out:
            out.write(f"{os.getpid()}\n")


def test_garbage_of_the_caller_is_not_collected_in_a_forked_process(tmp_path):
    # a failed fit leaves its process group in reference cycles; collected in
    # a forked rank, it would join threads that the fork did not copy (a hang
    # seen after a failed fit): such garbage is collected before the fork
    X, y = _data(n=64)
    path = tmp_path / "ended"
    gc.disable()  # the cycle stays until a collection
    try:
        Ended(path)
        model = RNNRegressor(hidden_size=4, max_epochs=2, processes=2)
        model.set_params(callbacks=[Collect()]).fit(X, y)
    finally:
        gc.enable()
    assert path.read_text().split() == [str(os.getpid())]


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="Linux /proc")
def test_the_first_fit_of_a_process_leaves_no_group_threads_behind():
    # torch._dynamo, which the first optimizer imports, kept a group started
    # before it alive past destroy_process_group; its gloo threads could then
    # abort the process at exit. A fresh process: pytest's has imported it.
    script = textwrap.dedent(
        """
        import glob
        import numpy as np
        from skseq import RNNRegressor

        X = np.random.default_rng(0).normal(size=(32, 5, 1)).astype("float32")
        y = X.sum(axis=(1, 2))
        RNNRegressor(hidden_size=4, max_epochs=1, processes=2).fit(X, y)
        names = [open(t).read() for t in glob.glob("/proc/self/task/*/comm")]
        print("gloo threads", sum("gloo" in name for name in names))
        """
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "gloo threads 0" in done.stdout, done.stdout


def test_torchrun_without_a_launch_is_refused():
    X, y = _data(n=32)
    with pytest.raises(ValueError, match="launch the script with torchrun"):
        RNNRegressor(max_epochs=1, processes="torchrun", random_state=0).fit(X, y)


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(processes="torchrun"), "needs an int random_state"),
        (dict(processes=2, n_threads=2), "set n_threads=1"),
        (dict(processes=2, n_threads=None), "set n_threads=1"),
    ],
)
def test_settings_that_data_parallel_training_cannot_take(params, message):
    X, y = _data(n=32)
    with pytest.raises(ValueError, match=message):
        RNNRegressor(max_epochs=1, **params).fit(X, y)


class KilledOnRankOne(Callback):
    def on_epoch_end(self, net, **kwargs):
        if dist.get_rank() == 1:
            os.kill(os.getpid(), 9)  # no traceback: killed, as by the OOM killer


def test_a_killed_process_is_reported():
    X, y = _data(n=64)
    model = RNNRegressor(
        hidden_size=4, max_epochs=3, processes=2, callbacks=[KilledOnRankOne()]
    )
    with pytest.raises(RuntimeError, match="(?s)process 1 \\(of 2\\).*wait status 9"):
        model.fit(X, y)


class RaiseEverywhere(Callback):
    def __init__(self, error):
        self.error = error

    def on_epoch_end(self, net, **kwargs):
        raise self.error("an error every process meets")


@pytest.mark.parametrize("error", [ValueError, RuntimeError])
def test_an_error_of_every_process_is_raised_as_it_is(error):
    X, y = _data(n=64)
    model = RNNRegressor(
        hidden_size=4, max_epochs=3, processes=2, callbacks=[RaiseEverywhere(error)]
    )
    with pytest.raises(error, match="^an error every process meets$"):
        model.fit(X, y)


@pytest.mark.parametrize("processes", [0, "mpi", 1.5])
def test_invalid_processes_are_refused(processes):
    X, y = _data(n=32)
    with pytest.raises(ValueError, match="processes"):
        RNNRegressor(max_epochs=1, processes=processes).fit(X, y)


def test_torchrun_launch_trains_the_model_of_the_forked_processes(tmp_path):
    X, y = _data(n=64)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y)
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import atexit
            import glob
            import os
            import numpy as np
            import torch.distributed as dist
            from skseq import RNNRegressor

            def at_exit():  # after the handlers fit registers (last in, first out)
                tasks = glob.glob("/proc/self/task/*/comm")
                gloo = sum("gloo" in open(t).read() for t in tasks)
                state = f"group {{dist.is_initialized()}}, gloo threads {{gloo}}"
                with open({str(tmp_path)!r} + f"/exit{{rank}}.txt", "w") as file:
                    file.write(state)

            atexit.register(at_exit)
            X = np.load({str(tmp_path / "X.npy")!r})
            y = np.load({str(tmp_path / "y.npy")!r})
            for _ in range(2):  # fits follow each other in one launch
                model = RNNRegressor(
                    hidden_size=8, max_epochs=2, batch_size=8, random_state=0,
                    processes="torchrun",
                ).fit(X, y)
            rank = os.environ["RANK"]
            np.save({str(tmp_path)!r} + f"/pred{{rank}}.npy", model.predict(X))
            """
        )
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc-per-node=2",
        "--standalone",
        str(script),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    # the ranks' own messages come before the launcher's summary
    assert done.returncode == 0, done.stderr[-12000:]
    # left, and its threads ended, before the interpreter's teardown, where
    # they could abort the process ("terminate called without an active
    # exception"; once in CI)
    for rank in (0, 1):
        exit_state = (tmp_path / f"exit{rank}.txt").read_text()
        assert exit_state == "group False, gloo threads 0"
    forked = RNNRegressor(
        hidden_size=8, max_epochs=2, batch_size=8, random_state=0, processes=2
    ).fit(X, y)
    for rank in (0, 1):
        np.testing.assert_array_equal(
            np.load(tmp_path / f"pred{rank}.npy"), forked.predict(X)
        )
    assert torch.get_num_threads() >= 1


def _tagging():
    rng = np.random.default_rng(3)
    X = [rng.normal(size=(n, 2)) for n in rng.integers(5, 15, size=40)]
    return X, [(x[:, 0] > 0).astype(int) for x in X]


def _step_values():
    X, _ = _tagging()
    return X, [x[:, 0] * 2.0 for x in X]


def _series():
    return np.sin(np.arange(300) / 5.0) + 0.01 * np.arange(300), None


def _pairs():
    from skseq.datasets import make_reversal

    return make_reversal(120, max_length=5, random_state=0)


@pytest.mark.parametrize(
    "make, data",
    [
        (lambda **kw: __import__("skseq").RNNTagger(**kw), _tagging),
        (lambda **kw: __import__("skseq").RNNStepRegressor(**kw), _step_values),
        (
            lambda **kw: __import__("skseq").SequenceForecaster(
                window_length=10, horizon=3, **kw
            ),
            _series,
        ),
        (lambda **kw: __import__("skseq").RNNSeq2Seq(**kw), _pairs),
    ],
    ids=["tagger", "step_regressor", "forecaster", "seq2seq"],
)
def test_other_estimators_train_data_parallel(tmp_path, make, data):
    X, y = data()
    model = make(
        hidden_size=8,
        max_epochs=2,
        batch_size=8,
        random_state=0,
        processes=2,
        callbacks=[WriteWeights(str(tmp_path))],
    )
    model.fit(X) if y is None else model.fit(X, y)
    digests = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert sorted(digests) == ["rank0", "rank1"]
    assert digests["rank0"] == digests["rank1"]
    # a step reads both processes' batches: half the steps of one process
    batches = model.history_[-1, "batches"]
    sizes = [b["train_batch_size"] for b in batches if "train_loss" in b]
    assert 0 < max(sizes) <= 8  # sequences per process, as one process records
    alone = make(hidden_size=8, max_epochs=1, batch_size=8, random_state=0)
    alone.fit(X) if y is None else alone.fit(X, y)
    steps = alone.history_[-1, "train_batch_count"]
    assert model.history_[-1, "train_batch_count"] == -(-steps // 2)
