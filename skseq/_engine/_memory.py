"""Memory of a network's activations on long sequences, known before it is used.

A recurrent network keeps every step's activations of a batch for the
backward pass: on a long sequence that, not the weights, is what fills
memory, and a batch too big for it does not fail cleanly: the operating
system's out-of-memory killer ends the process (a notebook's kernel dies).
:func:`check_training` refuses such a batch before training, with an
estimate; :func:`predict_cap` sizes the batches of a forward pass at
prediction time so that they stay within :data:`PREDICT_BUDGET`, and
refuses one sequence that alone does not fit.

The bytes per step and hidden unit (:data:`TRAINING_BYTES`,
:data:`PREDICT_BYTES`) were measured with torch 2.13 on the CPU (peak
resident memory of one forward and backward pass, or of one forward pass in
inference mode; 32-64 sequences of 5,000-20,000 steps, hidden sizes 32-128,
one or two layers, one or two directions): training 47-54 for a GRU, 48-67
for an LSTM, 17 for a plain RNN; inference 13-22 (GRU), 8-10 (LSTM), 14
(RNN). Training refuses only beyond a lower bound (what is refused cannot
fit; ``tests/engine/test_memory.py`` checks it stays below what torch
takes); prediction sizes its batches with the largest, and refuses beyond
half of it.
"""

import math
from pathlib import Path

import torch
from torch import nn

from ..modules import RNNModule
from ..modules._conv import ConvFrontEnd

__all__ = [
    "PREDICT_BUDGET",
    "available_memory",
    "check_training",
    "predict_cap",
    "step_bytes",
    "worst_batch",
]

# at least these bytes per step, hidden unit, layer and direction
TRAINING_BYTES = {"GRU": 40, "LSTM": 40, "RNN_TANH": 12, "RNN_RELU": 12}
# the most measured over TRAINING_BYTES (a GRU's 54 over 40), with margin
MEASURED_OVER_BOUND = 1.5
# at most these, for one forward pass in inference mode
PREDICT_BYTES = {"GRU": 24, "LSTM": 12, "RNN_TANH": 16, "RNN_RELU": 16}
# per step and channel of each convolutional block (measured: 26 in
# training, its output, normalisation and activation kept; ~6 at predict)
CONV_BYTES = {"training": 16, "predict": 8}
# the most one forward pass at prediction time may hold: a fixed figure, not
# the machine's free memory, so that the batches (and so the outputs' last
# bits) are the same on every machine
PREDICT_BUDGET = 1 << 30


def _cells(module):
    """Return ``(mode, units)`` of each recurrent layer of ``module``."""
    return [
        (rnn.mode, rnn.hidden_size * rnn.num_layers * (2 if rnn.bidirectional else 1))
        for rnn in module.modules()
        if isinstance(rnn, nn.RNNBase)
    ]


def step_bytes(module, length, table):
    """Bytes one sequence of ``length`` steps holds in ``module``, or None.

    ``table`` is :data:`TRAINING_BYTES` or :data:`PREDICT_BYTES`, the bytes
    per step and hidden unit of each cell. Only
    :class:`~skseq.modules.RNNModule` is estimated (None for other modules).
    """
    if not isinstance(module, RNNModule):
        return None
    conv = next((m for m in module.modules() if isinstance(m, ConvFrontEnd)), None)
    total, steps = 0, length
    if conv is not None:
        per_channel = CONV_BYTES["training" if table is TRAINING_BYTES else "predict"]
        for norm in conv.norms:  # each block reads the steps the last one left
            total += per_channel * norm.num_features * steps
            steps = math.ceil(steps / conv.pool)
        if module.conv_mode == "branch":  # the recurrent layers read X itself
            steps = length
    return total + steps * sum(table[mode] * units for mode, units in _cells(module))


def _inactive_file(stat, key):
    """Bytes of ``key`` (inactive file cache) in a cgroup's ``memory.stat``."""
    try:
        for line in Path(stat).read_text().split("\n"):
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def available_memory():
    """Return the bytes this process may still take, or None where unknown.

    The system's available memory and free swap (``/proc/meminfo``), or less
    where a control group (a container's limit) leaves less. A control
    group's usage counts the file cache, which the kernel reclaims before it
    kills: its inactive part is left out, as ``MemAvailable`` leaves it out.
    """
    try:
        fields = dict(
            line.split(":", 1)
            for line in Path("/proc/meminfo").read_text().split("\n")
            if ":" in line
        )
        free = sum(
            int(fields[name].split()[0]) * 1024
            for name in ("MemAvailable", "SwapFree")
            if name in fields
        )
    except (OSError, ValueError):
        return None
    if "MemAvailable" not in fields:
        return None
    for limit, usage, stat, cache in (
        (
            "/sys/fs/cgroup/memory.max",
            "/sys/fs/cgroup/memory.current",
            "/sys/fs/cgroup/memory.stat",
            "inactive_file",
        ),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
            "/sys/fs/cgroup/memory/memory.stat",
            "total_inactive_file",
        ),
    ):
        try:
            text = Path(limit).read_text().strip()
            if text != "max":
                used = int(Path(usage).read_text()) - _inactive_file(stat, cache)
                free = min(free, int(text) - max(used, 0))
        except (OSError, ValueError):
            continue
    return max(free, 0)


def _size(n_bytes):
    """``n_bytes`` in GiB, or MiB below one GiB."""
    if n_bytes >= 1 << 30:
        return f"{n_bytes / (1 << 30):.1f} GiB"
    return f"{n_bytes / (1 << 20):.1f} MiB"


def worst_batch(lengths, batch_size, max_steps=None):
    """Return the sequences and padded steps of the largest batch.

    As :class:`~skseq._engine._data.BatchIterator` cuts them: up to
    ``batch_size`` sequences, padded to the longest; with ``max_steps``, a
    batch is cut until it holds at most that many padded steps (a sequence
    alone always forms a batch).
    """
    rows, longest = min(batch_size, len(lengths)), int(max(lengths))
    if max_steps is not None:
        rows = max(min(rows, max_steps // longest), 1)
    return rows, longest


def check_training(module, lengths, batch_size, max_steps=None, processes=1):
    """Refuse a batch whose activations cannot fit in the memory left.

    Parameters
    ----------
    module : torch.nn.Module
        The initialised network (only :class:`RNNModule` is estimated).
    lengths : array-like of int
        Steps of each training sequence.
    batch_size : int
    max_steps : int or None, default=None
        The iterator's cap on a batch's padded steps (ragged data).
    processes : int, default=1
        Processes on this machine that each hold such a batch (data-parallel
        training).

    Raises
    ------
    MemoryError
        With the estimate, what is available, and what to change.
    """
    if not len(lengths):
        return
    rows, longest = worst_batch(lengths, batch_size, max_steps)
    per_sequence = step_bytes(module, longest, TRAINING_BYTES)
    free = available_memory()
    if per_sequence is None or free is None:
        return
    needed = per_sequence * rows * processes
    if needed <= free:
        return
    # the estimate is a lower bound: advise a batch that fits what was measured
    # (in each process of data-parallel training)
    fit_rows = int(free // (per_sequence * MEASURED_OVER_BOUND * processes))
    if fit_rows >= 1:
        advice = f"lower batch_size to at most {fit_rows}"
    elif processes > 1 and free >= per_sequence * MEASURED_OVER_BOUND:
        advice = "train in fewer processes, or lower batch_size"
    else:
        advice = (
            "cut the sequences (SequencePadder(maxlen=...) keeps their "
            "last steps), or shorten them with a convolutional front end "
            "(conv_layers with conv_pool > 1)"
        )
    each = f" in each of {processes} processes" if processes > 1 else ""
    raise MemoryError(
        f"Training needs at least {_size(needed)} for a batch of {rows} "
        f"sequence{'s' if rows > 1 else ''} of {longest:,} steps{each} (the "
        f"network keeps every step's activations for the backward pass), more "
        f"than the {_size(free)} of memory available: {advice}."
    )


def predict_cap(module, length, device="cpu"):
    """Return the most sequences of ``length`` steps one forward pass may run.

    At prediction time: as many as keep the pass within
    :data:`PREDICT_BUDGET` (at least one); None where ``module`` is not
    estimated. On the CPU, refuses a single sequence that needs more than
    the memory available (an accelerator's memory is not this machine's: its
    own out-of-memory error is clean).
    """
    per_sequence = step_bytes(module, length, PREDICT_BYTES)
    if per_sequence is None:
        return None
    if per_sequence > PREDICT_BUDGET and torch.device(device).type == "cpu":
        free = available_memory()
        # PREDICT_BYTES is at most twice what was measured: refuse on half
        if free is not None and per_sequence / 2 > free:
            raise MemoryError(
                f"Predicting a sequence of {length:,} steps needs at least "
                f"{_size(per_sequence / 2)}, more than the {_size(free)} of memory "
                "available: cut the sequences (keep their last steps), or fit "
                "a network that shortens them (conv_layers with conv_pool > 1)."
            )
    return max(PREDICT_BUDGET // per_sequence, 1)
