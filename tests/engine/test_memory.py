"""Memory of long sequences: refused before it is taken, bounded at predict."""

import re
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest
import torch

from skseq import RNNClassifier, RNNTagger
from skseq._engine import _memory
from skseq._engine._train import _check_memory
from skseq.modules import RNNModule


def _data(n=8, steps=2000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps, 1)).astype(np.float32)
    return X, np.arange(n) % 2


def test_training_batch_beyond_memory_is_refused_with_an_estimate(monkeypatch):
    # 8 sequences of 2,000 steps, GRU 64: at least 8 * 2000 * 64 * 40 bytes
    monkeypatch.setattr(_memory, "available_memory", lambda: 20 << 20)
    X, y = _data()
    model = RNNClassifier(hidden_size=64, conv_layers=0, batch_size=8, max_epochs=1)
    with pytest.raises(MemoryError, match=r"batch of 8 sequences of 2,000 steps"):
        model.fit(X, y)
    with pytest.raises(MemoryError, match=r"lower batch_size to at most 2\b"):
        model.fit(X, y)
    assert not hasattr(model, "net_")
    # the same data in batches that fit trains
    model.set_params(batch_size=2).fit(X, y)
    assert model.predict(X).shape == (8,)


def test_one_sequence_beyond_memory_says_to_cut_it(monkeypatch):
    monkeypatch.setattr(_memory, "available_memory", lambda: 1 << 20)
    X, y = _data(n=2)
    with pytest.raises(MemoryError, match=r"a batch of 1 sequence of .*cut the"):
        RNNClassifier(hidden_size=64, conv_layers=0, batch_size=1, max_epochs=1).fit(
            X, y
        )


def test_ragged_batches_are_estimated_as_the_iterator_cuts_them(monkeypatch):
    # one sequence of 4,000 steps among short ones forms a batch of its own
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(n, 1)).astype(np.float32) for n in [4000] + [20] * 99]
    y = np.arange(100) % 2
    seen = []
    original = _memory.check_training

    def spy(module, lengths, batch_size, max_steps=None, processes=1):
        seen.append(_memory.worst_batch(lengths, batch_size, max_steps))
        return original(module, lengths, batch_size, max_steps, processes)

    monkeypatch.setattr("skseq._engine._train.check_training", spy)
    RNNClassifier(hidden_size=8, max_epochs=1, random_state=0).fit(X, y)
    assert seen == [(1, 4000)]


def test_predict_cuts_long_batches_to_its_budget(monkeypatch):
    X, y = _data(n=12, steps=300)
    model = RNNClassifier(hidden_size=16, max_epochs=1, random_state=0).fit(X, y)
    expected = model.predict_proba(X)
    runs = []
    original = RNNModule.forward

    def counting(self, X, lengths):
        runs.append(len(lengths))
        return original(self, X, lengths)

    monkeypatch.setattr(RNNModule, "forward", counting)
    # a budget of 5 sequences: three passes of 5, 5 and 2 (padded to 5)
    per_sequence = _memory.step_bytes(model.net_.module_, 300, _memory.PREDICT_BYTES)
    monkeypatch.setattr(_memory, "PREDICT_BUDGET", 5 * per_sequence)
    proba = model.predict_proba(X)
    assert runs == [5, 5, 5]
    np.testing.assert_allclose(proba, expected, rtol=1e-5, atol=1e-6)


def test_predict_refuses_one_sequence_beyond_memory(monkeypatch):
    X, y = _data(n=4, steps=300)
    model = RNNTagger(hidden_size=16, max_epochs=1, random_state=0)
    model.fit(X, np.tile(y[:, None], (1, 300)))
    monkeypatch.setattr(_memory, "PREDICT_BUDGET", 1000)
    monkeypatch.setattr(_memory, "available_memory", lambda: 1000)
    with pytest.raises(MemoryError, match=r"Predicting a sequence of 300 steps"):
        model.predict(X)


def test_front_end_pooling_shortens_what_the_recurrent_layers_hold():
    def estimate(**conv):
        module = RNNModule(input_size=1, output_size=1, hidden_size=64, **conv)
        return _memory.step_bytes(module, 16_000, _memory.TRAINING_BYTES)

    plain = estimate()
    pooled = estimate(conv_layers=2, conv_pool=4, conv_channels=16)
    # the recurrent layers read 1,000 steps; the blocks 16,000 and 4,000
    assert pooled == 16 * 16 * (16_000 + 4_000) + 40 * 64 * 1_000
    assert pooled < plain / 2
    # a branch beside the recurrent layers shortens nothing they read
    branch = estimate(conv_layers=2, conv_pool=4, conv_channels=16, conv_mode="branch")
    assert branch == plain + 16 * 16 * (16_000 + 4_000)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="peak memory from /proc/self"
)
@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
def test_the_training_estimate_is_below_what_torch_takes(cell):
    # peak resident memory of one forward and backward pass, in a process of
    # its own; the refusal relies on the estimate being a lower bound
    script = textwrap.dedent(
        f"""
        import re, torch
        from pathlib import Path
        from skseq._engine import _memory
        from skseq.modules import RNNModule

        def rss(field):
            status = Path("/proc/self/status").read_text()
            return int(re.search(field + r":\\s+(\\d+)", status).group(1)) * 1024

        torch.set_num_threads(1)
        module = RNNModule(input_size=1, output_size=1, cell={cell!r},
                           hidden_size=64, pooling="last")
        X, lengths = torch.randn(16, 10_000, 1), torch.full((16,), 10_000)
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak
        before = rss("VmRSS")
        module(X, lengths).sum().backward()
        bound = 16 * _memory.step_bytes(module, 10_000, _memory.TRAINING_BYTES)
        print((rss("VmHWM") - before) / bound)
        """
    )
    ratio = float(
        subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        ).stdout
    )
    # measured 1.57 (GRU), 1.72 (LSTM), 1.56 (RNN)
    assert 1.0 < ratio < 3.0


def test_data_parallel_advice_fits_each_process(monkeypatch):
    # two processes each hold a batch: the batch_size advised fits both
    monkeypatch.setattr(_memory, "available_memory", lambda: 40 << 20)
    module = RNNModule(input_size=1, output_size=2, hidden_size=64)
    lengths = np.full(16, 2000)
    with pytest.raises(
        MemoryError, match=r"in each of 2 processes.*at most (\d+)\."
    ) as info:
        _memory.check_training(module, lengths, 8, processes=2)
    advised = int(re.search(r"at most (\d+)", str(info.value)).group(1))
    assert advised == 2
    _memory.check_training(module, lengths, advised, processes=2)
    # one sequence fits a process, but not one in each of two
    monkeypatch.setattr(_memory, "available_memory", lambda: 10 << 20)
    with pytest.raises(MemoryError, match=r"train in fewer processes"):
        _memory.check_training(module, lengths, 8, processes=2)


def _fake_system(monkeypatch, tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setattr(_memory, "Path", lambda name: tmp_path / name.lstrip("/"))


@pytest.mark.parametrize(
    "prefix, names",
    [
        ("/sys/fs/cgroup/", ("memory.max", "memory.current", "inactive_file")),
        (
            "/sys/fs/cgroup/memory/",
            ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"),
        ),
    ],
)
def test_a_containers_file_cache_counts_as_available(
    monkeypatch, tmp_path, prefix, names
):
    # an 8 GiB container that read 6 GiB of files: its usage (7.5 GiB)
    # counts their cache, which the kernel reclaims before it kills
    limit, usage, cache = names
    gib = 1 << 30
    _fake_system(
        monkeypatch,
        tmp_path,
        {
            "/proc/meminfo": f"MemAvailable: {16 * gib // 1024} kB\n",
            prefix + limit: f"{8 * gib}\n",
            prefix + usage: f"{15 * gib // 2}\n",
            prefix + "memory.stat": f"active_file 1\n{cache} {6 * gib}\n",
        },
    )
    assert _memory.available_memory() == 8 * gib - (15 * gib // 2 - 6 * gib)
    # without memory.stat, the usage as it is
    (tmp_path / (prefix + "memory.stat").lstrip("/")).unlink()
    assert _memory.available_memory() == gib // 2
    # a usage over the limit leaves nothing, not a negative figure
    (tmp_path / (prefix + usage).lstrip("/")).write_text(f"{9 * gib}\n")
    assert _memory.available_memory() == 0


def test_an_accelerators_activations_are_not_held_to_this_machines_memory(
    monkeypatch,
):
    monkeypatch.setattr(_memory, "available_memory", lambda: 1 << 20)
    module = RNNModule(input_size=1, output_size=2, hidden_size=64)
    net = types.SimpleNamespace(module_=module)
    dataset = types.SimpleNamespace(
        lengths=torch.full((8,), 100_000), fixed_length=True
    )
    options = types.SimpleNamespace(batch_size=8, processes=1, device="cuda:0")
    _check_memory(net, dataset, options, None)  # the GPU's own memory
    with pytest.raises(MemoryError, match="Training needs"):
        _check_memory(net, dataset, replace_device(options, "cpu"), None)
    monkeypatch.setattr(_memory, "PREDICT_BUDGET", 1000)
    assert _memory.predict_cap(module, 100_000, "cuda") == 1
    with pytest.raises(MemoryError, match="Predicting a sequence"):
        _memory.predict_cap(module, 100_000, "cpu")


def replace_device(options, device):
    return types.SimpleNamespace(**{**vars(options), "device": device})
