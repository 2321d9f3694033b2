"""torch settings changed only for the duration of a call.

torch's random generator belongs to the whole process, and its intra-op thread
count to the calling thread (OpenMP keeps one per thread). An estimator
changes them only inside ``fit``/``predict`` and puts them back afterwards, so
a user's own torch code and other estimators see no difference.
"""

import threading
from contextlib import contextmanager
from numbers import Integral

import torch
from sklearn.utils import check_scalar

__all__ = ["resolve_device", "seeded", "torch_threads"]

# fits seed and draw from torch's one global generator: one at a time
_rng_lock = threading.RLock()


@contextmanager
def torch_threads(n_threads):
    """Run the block with ``torch.set_num_threads(n_threads)``, then restore.

    The count belongs to the calling thread, so concurrent calls from other
    threads (``predict`` served by a thread pool) neither see nor undo it.
    ``None`` leaves torch's setting alone.

    Raises
    ------
    TypeError, ValueError
        When ``n_threads`` is not a positive int or None (it may have been
        set with ``set_params`` after the fit that checked it).
    """
    if n_threads is not None:
        check_scalar(n_threads, "n_threads", Integral, min_val=1)
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

    Only the generators the block restores are seeded: the CPU one, and the
    GPU of ``device``. (``torch.manual_seed`` seeds every GPU, and the MPS
    and XPU generators, which the block would then leave changed.)
    """
    devices = []
    if str(device).startswith("cuda") and torch.cuda.is_available():
        # "cuda" is the current device, which torch.cuda.set_device may move
        index = torch.device(device).index
        devices = [torch.cuda.current_device() if index is None else index]
    with _rng_lock, torch.random.fork_rng(devices=devices):
        torch.default_generator.manual_seed(seed)
        for index in devices:  # fork_rng has initialised CUDA: seeded at once
            with torch.cuda.device(index):
                torch.cuda.manual_seed(seed)
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
    index = torch.device(device).index
    if kind == "cuda" and index is not None and index >= torch.cuda.device_count():
        raise ValueError(
            f"device={str(device)!r} was asked for, but torch finds "
            f"{torch.cuda.device_count()} CUDA GPU(s), numbered from 0."
        )
    return device
