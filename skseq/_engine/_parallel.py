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

import atexit
import gc
import os
import signal
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
# bytes of a forked rank's traceback sent back (below a pipe's smallest buffer)
_TRACEBACK = 4000
_HOST = "127.0.0.1"


@dataclass
class World:
    """A process's place among the processes that train one model.

    Attributes
    ----------
    rank : int
        This process's number, from 0.
    size : int
        Number of processes.
    stopped : bool
        Set when training stopped on Ctrl-C: the other processes are then
        ended rather than waited for.
    """

    rank: int
    size: int
    stopped: bool = False

    def share(self, batches):
        """Return this process's batches: every ``size``-th, wrapped around."""
        if not batches:
            return batches
        n, steps = len(batches), -(-len(batches) // self.size)
        return [batches[(self.rank + k * self.size) % n] for k in range(steps)]

    def average_gradients(self, parameters, loss, count, n_sequences):
        """Average the gradients and ``loss`` over the processes' batches.

        Each process's batch counts by ``count`` (its loss terms: sequences,
        or valid steps for outputs at every step), so that a step is the step
        over the union of the batches. One ``all_reduce`` carries everything;
        returns the mean loss (a tensor) and the mean number of sequences per
        process, which every process records alike. A parameter without a
        gradient keeps none.
        """
        grads = [torch.zeros_like(p) if p.grad is None else p.grad for p in parameters]
        extra = [loss.item() * count, float(count), float(n_sequences)]
        extra = torch.tensor(extra, dtype=grads[0].dtype, device=grads[0].device)
        flat = torch.cat([g.reshape(-1) * count for g in grads] + [extra])
        dist.all_reduce(flat)
        total = flat[-2].item()
        offset = 0
        for parameter, grad in zip(parameters, grads, strict=True):
            size = grad.numel()
            part = flat[offset : offset + size] / total
            offset += size
            if parameter.grad is None and not part.any():
                continue  # unused everywhere (frozen, or not in this network)
            parameter.grad = part.view_as(grad)
        return flat[-3] / total, flat[-1].item() / self.size

    def average(self, value):
        """Return the mean of a scalar tensor over the processes (the same in all)."""
        value = value.detach().reshape(1).clone()
        dist.all_reduce(value)
        return value[0] / self.size

    def average_buffers(self, module):
        """Average the floating-point buffers (batch-norm statistics)."""
        for buffer in module.buffers():
            if buffer.is_floating_point():
                dist.all_reduce(buffer)
                buffer /= self.size


def _init_group(backend, **options):
    """Start torch's default process group, so that it can also be left.

    torch.optim imports torch._dynamo at the first optimizer made; imported
    after the group started, it keeps the group alive past
    ``destroy_process_group`` (torch 2.13), and gloo's threads, left to the
    interpreter's teardown, can end the process with SIGABRT ("terminate
    called without an active exception"; 4 of 28 torchrun launches on a busy
    machine, none of 100 with it imported first). Imported first, it costs
    no time the optimizer would not take.
    """
    import torch._dynamo  # noqa: F401

    dist.init_process_group(backend, timeout=_TIMEOUT, **options)


def _backend(device):
    return "nccl" if str(device).startswith("cuda") else "gloo"


@contextmanager
def _group(backend, rank, size, store):
    """Join a process group for the block, then leave it as it was."""
    excepthook = sys.excepthook  # torch's prefixes tracebacks with the rank
    _init_group(backend, store=store, rank=rank, world_size=size)
    try:
        yield World(rank, size)
    finally:
        dist.destroy_process_group()
        sys.excepthook = excepthook


@contextmanager
def _forked(processes, device):
    """Fork ``processes - 1`` ranks; yield the World of each process.

    The forked ranks run the block and exit, sending the traceback of an
    error back through a pipe; only rank 0 returns. An error of rank 0's own
    (a diverged loss, say: every rank meets it) is raised as it is; an error
    in another rank is raised with that rank's traceback.
    """
    if not hasattr(os, "fork"):
        raise ValueError(
            f"processes={processes} forks processes, which this platform cannot; "
            'launch the script with torchrun and set processes="torchrun".'
        )
    if str(device).startswith("cuda"):
        raise ValueError(
            f"processes={processes} forks processes on this machine, which CUDA "
            "does not allow; on GPUs launch the script with torchrun and set "
            'processes="torchrun".'
        )
    children = {}  # rank -> (pid, read end of its traceback pipe)
    ports = []  # write ends of the pipes that send the store's port
    sys.stdout.flush()
    sys.stderr.flush()
    # a process group of an earlier fit that failed may wait in reference
    # cycles (its traceback's frames); collected in a forked rank, it would
    # join threads that a fork does not copy, and hang: collect it here
    gc.collect()
    try:
        for rank in range(1, processes):
            read, write = os.pipe()  # the rank's traceback, to rank 0
            port_read, port_write = os.pipe()  # the store's port, from rank 0
            try:
                with _rng_lock:  # no other thread of the caller holds it
                    pid = os.fork()
            except BaseException:
                for fd in (read, write, port_read, port_write):
                    os.close(fd)
                raise
            if pid == 0:
                os.close(read)
                os.close(port_write)
                for fd in ports + [r for _, r in children.values()]:
                    os.close(fd)  # the earlier ranks' pipes: their ends only
                gc.freeze()  # what the fork copied is never collected here
                status = 1
                try:
                    torch.set_num_threads(1)  # OpenMP's pool does not survive a fork
                    port = _read_all(port_read)
                    if not port:  # rank 0 failed before it had a store
                        os._exit(status)
                    store = dist.TCPStore(
                        _HOST, int(port), processes, is_master=False, timeout=_TIMEOUT
                    )
                    with _group("gloo", rank, processes, store) as world:
                        yield world
                    status = 0
                except BaseException:
                    # the tail only: it fits in any pipe's buffer, unread
                    os.write(write, traceback.format_exc().encode()[-_TRACEBACK:])
                finally:
                    os._exit(status)  # never return into the caller's code
            children[rank] = (pid, read)
            ports.append(port_write)
            os.close(write)
            os.close(port_read)
        # made after the forks (its server thread would not survive one), on
        # a port the system chooses: no other group can take it meanwhile
        store = dist.TCPStore(
            _HOST,
            0,
            processes,
            is_master=True,
            wait_for_workers=False,
            timeout=_TIMEOUT,
        )
        for rank, port_write in enumerate(ports, start=1):
            try:
                os.write(port_write, str(store.port).encode())
            except BrokenPipeError:  # the rank ended before it could join
                failed = _end(children, wait=5.0) or {rank: "ended before joining"}
                raise _failure(failed, processes) from None
    except BaseException:
        _end(children, kill=True)
        raise
    finally:
        for port_write in ports:
            os.close(port_write)
    try:
        with _group("gloo", 0, processes, store) as world:
            yield world
    except BaseException as exc:
        failed = _end(children, wait=5.0)
        if failed and not _met_everywhere(exc, failed):
            raise _failure(failed, processes) from exc
        raise
    if world.stopped:  # Ctrl-C: the others need not finish their epoch
        _end(children, kill=True)
        return
    failed = _end(children, wait=30.0, hung_failed=True)
    if failed:
        raise _failure(failed, processes)


def _met_everywhere(exc, failed):
    """Whether rank 0's own error is the one every failed rank reports."""
    if not isinstance(exc, RuntimeError):
        return True  # torch's failed collectives are RuntimeErrors
    own = traceback.format_exception_only(exc)[-1].strip()
    return all(text.strip().splitlines()[-1:] == [own] for text in failed.values())


def _failure(failed, processes):
    rank, text = min(failed.items())
    return RuntimeError(
        f"Data-parallel training failed in process {rank} (of {processes}):\n{text}"
    )


def _end(children, wait=0.0, kill=False, hung_failed=False):
    """Wait up to ``wait`` s for the forked ranks, kill the rest, reap them all.

    Returns ``{rank: traceback}`` of those that exited with an error (and,
    with ``hung_failed``, of those still running after ``wait``).
    """
    deadline, failed = time.monotonic() + wait, {}
    pending = dict(children)
    while pending and not kill:
        for rank, (pid, read) in list(pending.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                del pending[rank]
                text = _read_all(read)
                if status:  # an error (its traceback), or a signal (killed)
                    failed[rank] = text or f"ended with wait status {status}"
        if time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    for rank, (pid, read) in pending.items():
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        _read_all(read)
        if hung_failed:
            failed[rank] = f"still running {wait:.0f} s after rank 0 finished"
    children.clear()
    return failed


def _read_all(fd):
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks).decode(errors="replace")


@contextmanager
def _torchrun(device):
    """Join the process group torchrun describes; yield this process's World.

    The group is made once and kept for the life of the process (torchrun's
    processes end with the script), so that fits can follow each other. A
    gloo group is left at exit while the interpreter is still whole
    (``_init_group``). A group the script started before the first fit is
    the script's.
    """
    if "WORLD_SIZE" not in os.environ or "RANK" not in os.environ:
        raise ValueError(
            'processes="torchrun" joins the processes that torchrun starts, but '
            "WORLD_SIZE and RANK are not set: launch the script with torchrun "
            "--nproc-per-node=N script.py."
        )
    if str(device).startswith("cuda") and torch.device(device).index is None:
        # one GPU per process: "cuda" is this process's own
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)))
    if not dist.is_initialized():
        backend = _backend(device)
        _init_group(backend)
        if backend == "gloo":  # NCCL's can wait on the others, at an exit on error
            atexit.register(_leave_group)
    yield World(dist.get_rank(), dist.get_world_size())


def _leave_group():
    if dist.is_initialized():
        dist.destroy_process_group()


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
