"""Data-parallel training: one model, several processes, torch.distributed.

Every process holds the whole model and the whole dataset, draws the same
batches in the same order (same seed), and trains on its share of them: with
``P`` processes, process ``r`` takes batches ``r, r + P, r + 2P, ...`` of
each epoch (wrapping around, so all take the same number of steps). After
each backward pass the gradients and the batch loss are averaged over the
processes in one ``all_reduce``, so every process takes the same optimizer
step and keeps the same weights; buffers (batch-norm statistics) are
averaged at the end of each epoch. Every decision that reads a loss (early
stopping, schedules, the divergence check) then sees the same figures
everywhere, and the processes stay in step. A step of ``P`` processes is one
step over ``P`` batches: the batch size per step is ``P * batch_size``.

Two ways to start the processes:

- ``processes=k`` (k > 1): ``fit`` forks ``k - 1`` processes on this machine,
  which share the caller's data pages (copy on write); the caller is rank 0
  and keeps the model, the others exit when training ends (gloo backend on
  the CPU).
- ``processes="torchrun"``: the script runs under ``torchrun`` (any number of
  machines, one process per GPU or CPU socket); ``fit`` joins the process
  group that torchrun describes (``RANK``, ``WORLD_SIZE``,
  ``MASTER_ADDR``...), with NCCL on GPUs and gloo on CPUs, and every process
  returns the trained model.
"""

import os
import signal
import socket
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist

from .._runtime import _rng_lock

__all__ = ["World", "data_parallel"]

# how long a process waits for the others before giving up
_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class World:
    """A process's place among the processes that train one model.

    Attributes
    ----------
    rank : int
        This process's number, from 0.
    size : int
        Number of processes.
    """

    rank: int
    size: int

    def share(self, batches):
        """Return this process's batches: every ``size``-th, wrapped around."""
        if not batches:
            return batches
        n, steps = len(batches), -(-len(batches) // self.size)
        return [batches[(self.rank + k * self.size) % n] for k in range(steps)]

    def average_gradients(self, parameters, loss, batch_size):
        """Average the gradients and ``loss`` over the processes' batches.

        Each process's batch counts by its size, so that a step is the step
        over the union of the batches. One ``all_reduce`` carries everything;
        returns the mean loss (a tensor) and the mean batch size, which every
        process records alike.
        """
        grads = [torch.zeros_like(p) if p.grad is None else p.grad for p in parameters]
        extra = torch.tensor([loss.item(), 1.0], dtype=grads[0].dtype)
        flat = torch.cat([g.reshape(-1) for g in grads] + [extra.to(grads[0].device)])
        flat *= batch_size
        dist.all_reduce(flat)
        total = flat[-1].item()
        flat /= total
        offset = 0
        for parameter, grad in zip(parameters, grads, strict=True):
            size = grad.numel()
            parameter.grad = flat[offset : offset + size].view_as(grad).clone()
            offset += size
        return flat[-2], total / self.size

    def average_buffers(self, module):
        """Average the floating-point buffers (batch-norm statistics)."""
        for buffer in module.buffers():
            if buffer.is_floating_point():
                dist.all_reduce(buffer)
                buffer /= self.size

    def broadcast(self, value):
        """Return rank 0's ``value`` (a picklable object) in every process."""
        box = [value]
        dist.broadcast_object_list(box, src=0)
        return box[0]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _backend(device):
    return "nccl" if str(device).startswith("cuda") else "gloo"


@contextmanager
def _group(backend, rank, size, init_method=None):
    """Join a process group for the block, then leave it as it was."""
    excepthook = sys.excepthook  # torch's prefixes tracebacks with the rank
    dist.init_process_group(
        backend, init_method=init_method, rank=rank, world_size=size, timeout=_TIMEOUT
    )
    try:
        yield World(rank, size)
    finally:
        dist.destroy_process_group()
        sys.excepthook = excepthook


@contextmanager
def _forked(processes, device):
    """Fork ``processes - 1`` ranks; yield the World of each process.

    The forked ranks run the block and exit (status 1 after an error, which
    rank 0 then meets as a failed collective); only rank 0 returns.
    """
    if str(device).startswith("cuda"):
        raise ValueError(
            f"processes={processes} forks processes on this machine, which CUDA "
            "does not allow; on GPUs launch the script with torchrun and set "
            'processes="torchrun".'
        )
    address = f"tcp://127.0.0.1:{_free_port()}"
    children = {}  # rank -> pid, while not reaped
    sys.stdout.flush()
    sys.stderr.flush()
    for rank in range(1, processes):
        with _rng_lock:  # no other thread of the caller holds it in the fork
            pid = os.fork()
        if pid == 0:
            status = 1
            try:
                with _group("gloo", rank, processes, address) as world:
                    yield world
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)  # never return into the caller's code
        children[rank] = pid
    finished = False
    try:
        with _group("gloo", 0, processes, address) as world:
            yield world
        finished = True
    except BaseException as exc:
        failed = _reap_failed(children)
        if failed:
            raise RuntimeError(
                f"Data-parallel training failed in process {failed[0]} (of "
                f"{processes}); its traceback is printed above."
            ) from exc
        raise
    finally:
        for pid in children.values():
            if not finished:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _reap_failed(children, wait=5.0):
    """Reap the forked ranks that exit within ``wait`` s; return the failed ones."""
    deadline, failed = time.monotonic() + wait, []
    while children and time.monotonic() < deadline:
        for rank, pid in list(children.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                del children[rank]
                if status:
                    failed.append(rank)
        time.sleep(0.05)
    return sorted(failed)


@contextmanager
def _torchrun(device):
    """Join the process group torchrun describes; yield this process's World."""
    if "WORLD_SIZE" not in os.environ or "RANK" not in os.environ:
        raise ValueError(
            'processes="torchrun" joins the processes that torchrun starts, but '
            "WORLD_SIZE and RANK are not set: launch the script with torchrun "
            "--nproc-per-node=N script.py."
        )
    if dist.is_initialized():  # the script joined the group itself
        yield World(dist.get_rank(), dist.get_world_size())
        return
    rank, size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    with _group(_backend(device), rank, size) as world:
        yield world


@contextmanager
def data_parallel(processes, device="cpu"):
    """Run the block in every process of data-parallel training.

    Parameters
    ----------
    processes : int or "torchrun"
        1 runs the block here alone (yields None); more forks processes on
        this machine; "torchrun" joins torchrun's process group.
    device : str, default="cpu"
        The training device, which chooses the backend.

    Yields
    ------
    World or None
    """
    if processes == 1:
        yield None
    elif processes == "torchrun":
        with _torchrun(device) as world:
            yield world
    else:
        with _forked(processes, device) as world:
            yield world
