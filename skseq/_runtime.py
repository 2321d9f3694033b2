"""Process-wide torch settings, changed only for the duration of a call.

torch's random generator and its intra-op thread count belong to the whole
process. An estimator changes them only inside ``fit``/``predict`` and puts
them back afterwards, so a user's own torch code and other estimators see no
difference.
"""

import threading
from contextlib import contextmanager

import torch

__all__ = ["resolve_device", "seeded", "torch_threads"]

_thread_lock = threading.Lock()
_thread_users = 0
_saved_threads = None


@contextmanager
def torch_threads(n_threads):
    """Run the block with ``torch.set_num_threads(n_threads)``, then restore.

    Safe when several Python threads use it at once (concurrent ``predict``
    calls): the first one in sets the count, the last one out restores it,
    and the ones in between run with the count already set. ``None`` leaves
    torch's setting alone.
    """
    global _thread_users, _saved_threads
    if n_threads is None:
        yield
        return
    with _thread_lock:
        if _thread_users == 0:
            _saved_threads = torch.get_num_threads()
            if _saved_threads != n_threads:
                torch.set_num_threads(n_threads)
        _thread_users += 1
    try:
        yield
    finally:
        with _thread_lock:
            _thread_users -= 1
            if _thread_users == 0 and torch.get_num_threads() != _saved_threads:
                torch.set_num_threads(_saved_threads)


@contextmanager
def seeded(seed, device="cpu"):
    """Run the block with torch's generators seeded, then restore their state.

    The caller's global torch random state is the same after the block as
    before it, whatever the block drew.
    """
    devices = []
    if str(device).startswith("cuda") and torch.cuda.is_available():
        devices = [torch.device(device).index or 0]
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def resolve_device(device):
    """Map ``"auto"`` to ``"cuda"`` when a GPU is present, else ``"cpu"``.

    Raises a ValueError for a CUDA device on a machine without one, instead
    of torch's error from deep inside the first forward pass.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if str(device).startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device={str(device)!r} was asked for, but torch finds no CUDA GPU "
            "(torch.cuda.is_available() is False). Use device='cpu', or 'auto' to "
            "take a GPU only when there is one."
        )
    return device
