"""Network outputs at prediction time, which do not depend on the batch.

A float32 matrix product can round a row differently depending on how many
rows share the call: BLAS libraries switch to other kernels for a handful of
rows (a matrix-vector kernel for one row, small-matrix kernels for a few),
and those sum in another order. A prediction would then depend on which other
sequences were in the same ``predict`` call (``predict(X)[i] !=
predict(X[i:i + 1])``). Every forward pass here runs on at least
``MIN_ROWS`` rows, padding a short batch with rows that are dropped
afterwards, so every product runs on the blocked kernel, where each row's sums
are done in the same order whatever the other rows are. Products with very
few output columns (a classifier's head, attention scores) can still round a
row by its position; skseq's network computes those row by row in evaluation
(:class:`skseq.modules.RowwiseLinear`). Reductions over the steps are running
sums read at each sequence's last step, so padding never regroups them. The
tests check exact equality over random subsets and every position of a batch.
"""

import torch

from .._runtime import torch_threads
from ._data import budget_batches, step_budget
from ._memory import predict_cap

__all__ = ["MIN_ROWS", "predict_outputs"]

# rows of every forward pass at prediction time: well above the sizes for
# which BLAS libraries use special small-matrix kernels (3 rows on the AMD
# EPYC CI machine)
MIN_ROWS = 64


def _pad_rows(inputs, n_rows):
    """Append zero rows (of full length) to a batch so that it has ``n_rows``."""
    missing = n_rows - len(inputs["lengths"])
    if missing <= 0:
        return inputs
    X = inputs["X"]
    padded = {
        "X": torch.cat([X, X.new_zeros((missing,) + X.shape[1:])]),
        "lengths": torch.cat(
            [inputs["lengths"], inputs["lengths"].new_full((missing,), X.shape[1])]
        ),
    }
    return {**inputs, **padded}


def _within_memory(module, lengths, batches, device="cpu"):
    """Yield each batch, cut to fit ``PREDICT_BUDGET``, and the rows to run.

    The rows are :data:`MIN_ROWS`, or fewer where that many sequences of the
    batch's length would exceed the budget (``_memory.predict_cap``): such
    long sequences may then round differently with other sequences beside
    them.
    """
    caps = {}  # by length: the estimate walks the module's layers
    for index in batches:
        length = int(lengths[index].max())
        if length not in caps:
            caps[length] = predict_cap(module, length, device)
        cap = caps[length]
        if cap is None or cap >= max(len(index), MIN_ROWS):
            yield index, MIN_ROWS
            continue
        for part in torch.split(index, cap):
            yield part, min(MIN_ROWS, cap)


def predict_outputs(net, dataset, *, batch_size=256, n_threads=None, order=None):
    """Return the network's outputs for every sample of ``dataset``, on the CPU.

    Parameters
    ----------
    net : skorch.NeuralNet
        An initialised net; its module runs in evaluation mode.
    dataset : SequenceDataset or WindowDataset
        Anything with ``lengths``, ``fixed_length`` and ``batch(index) ->
        (inputs, target)``.
    batch_size : int, default=256
        Samples per forward pass (at least :data:`MIN_ROWS` rows are run).
    n_threads : int or None, default=None
        torch threads for the call (None: torch's setting).
    order : array-like of int, default=None
        The order in which samples are batched (e.g. sorted by length, so that
        batches waste no work on padding); the outputs keep the dataset's order.

    Returns
    -------
    torch.Tensor of shape (n_samples, output_size)
        float32. A sample's row does not depend on the other samples. For a
        network with outputs at every step, ``(total_steps, output_size)``:
        the outputs of every valid step, sequence after sequence.
    """
    module = net.module_
    module.train(False)
    n = len(dataset)
    order = torch.arange(n) if order is None else torch.as_tensor(order)
    if dataset.fixed_length:
        batches = torch.split(order, batch_size)
    else:
        lengths = dataset.lengths
        budget = step_budget(lengths.numpy(), batch_size)
        batches = budget_batches(order, lengths, batch_size, budget)
    outputs = None
    with torch_threads(n_threads), torch.inference_mode():
        for index, rows in _within_memory(module, dataset.lengths, batches, net.device):
            inputs, _ = dataset.batch(index)
            lengths = inputs["lengths"]
            inputs = _pad_rows(inputs, rows)
            inputs = {key: value.to(net.device) for key, value in inputs.items()}
            out = module(**inputs)[: len(index)].float().cpu()
            if out.ndim == 3:  # one output per step: keep the valid ones
                valid = torch.arange(out.shape[1]) < lengths.unsqueeze(1)
                position = dataset.offsets[index].unsqueeze(1) + torch.arange(
                    out.shape[1]
                )
                index, out = position[valid], out[valid]
                size = (int(dataset.lengths.sum()),)
            else:
                size = (n,)
            if outputs is None:
                outputs = out.new_empty(size + out.shape[1:])
            outputs[index] = out
    return outputs
