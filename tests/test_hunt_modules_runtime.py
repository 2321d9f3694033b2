"""Regressions of the torch settings scoped to a call (skseq._runtime)."""

from contextlib import contextmanager

import numpy as np
import pytest
import torch

from skseq import RNNClassifier
from skseq._runtime import resolve_device, seeded, torch_threads


@pytest.mark.parametrize("n_threads", [0, -1, 2.5, "2"])
def test_torch_threads_refuses_what_is_not_a_positive_int(n_threads):
    before = torch.get_num_threads()
    with pytest.raises((TypeError, ValueError), match="^n_threads "):
        with torch_threads(n_threads):
            pass
    assert torch.get_num_threads() == before


def test_predict_after_set_params_names_n_threads():
    # fit checks n_threads, predict read it straight into torch:
    # "RuntimeError: set_num_threads expects a positive integer"
    rng = np.random.RandomState(0)
    X, y = rng.randn(8, 4), np.arange(8) % 2
    clf = RNNClassifier(max_epochs=1, hidden_size=3, random_state=0).fit(X, y)
    clf.set_params(n_threads=0)
    with pytest.raises(ValueError, match="n_threads == 0, must be >= 1"):
        clf.predict(X)


def test_seeded_seeds_only_the_generators_it_restores(monkeypatch):
    # torch.manual_seed also seeds every GPU (and MPS, XPU): a fit on the CPU
    # left the caller's CUDA generator reseeded, as fork_rng(devices=[]) does
    # not restore it
    torch.manual_seed(7)
    expected_after = torch.rand(2)
    torch.manual_seed(7)
    calls = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", lambda seed: calls.append(seed))
    monkeypatch.setattr(torch.mps, "manual_seed", lambda seed: calls.append(seed))
    with seeded(3):
        inside = torch.rand(3)
    assert calls == []
    assert torch.equal(torch.rand(2), expected_after)
    # the CPU draws are those of torch.manual_seed(3), as before
    generator = torch.Generator().manual_seed(3)
    assert torch.equal(inside, torch.rand(3, generator=generator))


def test_resolve_device_refuses_a_gpu_number_torch_does_not_have(monkeypatch):
    # "cuda:3" on a one-GPU machine failed in the first forward pass with
    # torch's "CUDA error: invalid device ordinal"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve_device("cuda:0") == "cuda:0"
    assert resolve_device("cuda") == "cuda"
    with pytest.raises(ValueError, match="finds 1 CUDA GPU"):
        resolve_device("cuda:3")


def test_seeded_forks_and_seeds_the_current_gpu(monkeypatch):
    # device="cuda" is torch's current device, which set_device may have
    # moved from 0: the generator of GPU 0 was forked instead of the one used
    forked, seeded_on = [], []

    @contextmanager
    def fork_rng(devices):
        forked.extend(devices)
        yield

    @contextmanager
    def on_device(index):
        seeded_on.append(index)
        yield

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 1)
    monkeypatch.setattr(torch.random, "fork_rng", fork_rng)
    monkeypatch.setattr(torch.cuda, "device", on_device)
    monkeypatch.setattr(torch.cuda, "manual_seed", lambda seed: None)
    with seeded(0, "cuda"):
        pass
    with seeded(0, "cuda:2"):
        pass
    assert forked == [1, 2]
    assert seeded_on == [1, 2]
