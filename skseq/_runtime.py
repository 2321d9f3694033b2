"""torch settings changed only for the duration of a call.

torch's random generator belongs to the whole process, and its intra-op thread
count to the calling thread (OpenMP keeps one per thread). An estimator
changes them only inside ``fit``/``predict`` and puts them back afterwards, so
a user's own torch code and other estimators see no difference.
"""

import threading
from contextlib import contextmanager

import torch

__all__ = ["resolve_device", "seeded", "torch_threads"]

# fits seed and draw from torch's one global generator: one at a time
_rng_lock = threading.RLock()


@contextmanager
def torch_threads(n_threads):
    """Run the block with ``torch.set_num_threads(n_threads)``, then restore.

    The count belongs to the calling thread, so concurrent calls from other
    threads (``predict`` served by a thread pool) neither see nor undo it.
    ``None`` leaves torch's setting alone.
    """
    saved = torch.get_num_threads()
    if n_threads is None or n_threads == saved:
        yield
        return
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


@contextmanager
def seeded(seed, device="cpu"):
    """Run the block with torch's generators seeded, then restore their state.

    The caller's global torch random state is the same after the block as
    before it, whatever the block drew. Blocks run one at a time in a process
    (fits in parallel threads would otherwise interleave their draws); fits in
    separate processes, as joblib's default backend runs them, are unaffected.
    """
    devices = []
    if str(device).startswith("cuda") and torch.cuda.is_available():
        devices = [torch.device(device).index or 0]
    with _rng_lock, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def resolve_device(device):
    """Map ``"auto"`` to ``"cuda"`` when a GPU is present, else ``"cpu"``.

    Raises a ValueError for a CUDA device on a machine without one, instead
    of torch's error from deep inside the first forward pass.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(
            f"device={device!r} is not a device torch knows; use 'cpu', 'cuda' "
            "(or 'cuda:1', ...), or 'auto' for CUDA when available."
        ) from exc
    if kind not in ("cpu", "cuda"):
        raise ValueError(
            f"device={device!r}: skseq trains on 'cpu' or 'cuda' (or 'auto'), "
            f"not on {kind!r}."
        )
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={str(device)!r} was asked for, but torch finds no CUDA GPU "
            "(torch.cuda.is_available() is False). Use device='cpu', or 'auto' to "
            "take a GPU only when there is one."
        )
    return device
