"""Which steps of a post-padded batch are valid, and sums over them only."""

import torch

__all__ = ["sum_valid", "valid_mask"]


def valid_mask(lengths, max_length):
    """Return a boolean ``(batch, max_length)`` mask of the valid steps.

    Parameters
    ----------
    lengths : torch.Tensor of shape (batch,)
        Number of valid steps of each sequence.
    max_length : int
        Padded length.

    Returns
    -------
    torch.Tensor
        ``mask[b, t]`` is True for ``t < lengths[b]``.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import valid_mask
    >>> valid_mask(torch.tensor([2, 1]), 3).int().tolist()
    [[1, 1, 0], [1, 0, 0]]
    """
    steps = torch.arange(max_length, device=lengths.device)
    return steps.unsqueeze(0) < lengths.unsqueeze(1)


def sum_valid(x, lengths):
    """Sum ``x`` ``(batch, steps, ...)`` over each row's valid steps, in order.

    A running sum read at the last valid step: padding never enters it, and
    the result is the same bits however long the batch is padded (a
    reduction over the whole padded axis may group its terms by that length).
    """
    rows = torch.arange(x.shape[0], device=x.device)  # a traced batch size
    return torch.cumsum(x, dim=1)[rows, lengths - 1]
