"""A convolutional front end for the recurrent network: local features, fewer steps.

Convolutions extract local features of each step's neighbourhood; max pooling
between them cuts the number of steps the recurrent layers read (and their
cost, which grows with every step). Padding never changes a valid step: the
padding is set to zero before every convolution, which is what a sequence run
alone sees past its end ("same" zero padding), set to minus infinity before
every max pooling, and batch normalisation learns its statistics from valid
steps only. Lengths follow the pooling: ``ceil(length / pool)``.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

from ._masks import sum_valid, valid_mask

__all__ = ["CONV_MODES", "ConvFrontEnd", "MaskedBatchNorm1d"]

CONV_MODES = ("features", "branch", "both")
"""How the convolutions join the recurrent network (see :class:`RNNModule`)."""


class MaskedBatchNorm1d(nn.BatchNorm1d):
    """Batch normalisation over the valid steps of a padded batch only.

    In training, the mean and variance of each channel come from the valid
    steps of the batch (padding would bias them, and make them depend on how
    much padding there is); in evaluation, from the running statistics, as
    ``torch.nn.BatchNorm1d`` does.

    Parameters
    ----------
    num_features : int
        Channels.
    **kwargs : dict
        As for ``torch.nn.BatchNorm1d``.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import MaskedBatchNorm1d
    >>> norm = MaskedBatchNorm1d(2)
    >>> x = torch.randn(3, 2, 5)
    >>> mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2, [True] * 5])
    >>> norm(x, mask.unsqueeze(1)).shape
    torch.Size([3, 2, 5])
    """

    def forward(self, x, mask):
        """Normalise ``x`` (batch, channels, steps) where ``mask`` is True.

        ``mask`` None means every step is valid: torch's own (fused) batch
        normalisation, which computes the same, but refuses a batch of one
        value per channel (one sequence one step long), which is normalised
        here (to the bias: its variance is 0).
        """
        # batch statistics in training, and always without running ones
        batch_stats = self.training or self.running_mean is None
        if not batch_stats or (mask is None and x.shape[0] * x.shape[2] > 1):
            return super().forward(x)
        if mask is None:
            mask = torch.ones_like(x[:, :1], dtype=torch.bool)
        weight = mask.to(x.dtype)
        count = weight.sum().clamp(min=1)
        mean = (x * weight).sum(dim=(0, 2)) / count
        centred = (x - mean[None, :, None]) * weight
        var = (centred**2).sum(dim=(0, 2)) / count
        if self.training and self.running_mean is not None:
            self._track(mean, var, count)
        out = (x - mean[None, :, None]) / torch.sqrt(var[None, :, None] + self.eps)
        if not self.affine:
            return out
        return out * self.weight[None, :, None] + self.bias[None, :, None]

    @torch.no_grad()
    def _track(self, mean, var, count):
        """Update the running statistics (kept in float32, also under autocast)."""
        self.num_batches_tracked += 1
        # momentum None: a cumulative average, as torch's batch normalisation
        momentum = self.momentum
        if momentum is None:
            momentum = 1.0 / float(self.num_batches_tracked)
        unbiased = var * count / (count - 1).clamp(min=1)
        self.running_mean.lerp_(mean.to(self.running_mean.dtype), momentum)
        self.running_var.lerp_(unbiased.to(self.running_var.dtype), momentum)


class ConvFrontEnd(nn.Module):
    """Convolution, batch normalisation, ReLU and max pooling, repeated.

    Parameters
    ----------
    input_size : int
        Features per step.
    channels : int
        Output channels of each convolution.
    kernel_size : int
        Steps each convolution reads ("same" padding).
    layers : int
        Number of convolution blocks.
    pool : int, default=1
        Max pooling factor after each block (1: no downsampling).

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import ConvFrontEnd
    >>> front = ConvFrontEnd(input_size=1, channels=8, kernel_size=5, layers=2, pool=2)
    >>> features, lengths = front(torch.randn(3, 20, 1), torch.tensor([20, 13, 4]))
    >>> tuple(features.shape), lengths.tolist()
    ((3, 5, 8), [5, 4, 1])
    """

    def __init__(self, input_size, channels, kernel_size, layers, pool=1):
        super().__init__()
        self.pool = pool
        # "same" zero padding, the extra step of an even kernel on the right
        self.padding = ((kernel_size - 1) // 2, kernel_size // 2)
        self.convs = nn.ModuleList(
            nn.Conv1d(input_size if i == 0 else channels, channels, kernel_size)
            for i in range(layers)
        )
        self.norms = nn.ModuleList(MaskedBatchNorm1d(channels) for _ in range(layers))

    def output_length(self, length):
        """Return the steps left of ``length`` after every block's pooling."""
        for _ in self.convs:
            length = math.ceil(length / self.pool)
        return length

    def forward(self, X, lengths):
        """Features ``(batch, steps', channels)`` of ``X`` and their lengths."""
        x = X.transpose(1, 2)
        # a batch without padding (fixed-length data, or a batch of equal
        # lengths) needs no masks: the masked operations would change nothing,
        # and on long sequences they cost more than the convolutions. A traced
        # graph (ONNX export, torch.jit.trace) keeps the masks: it must serve
        # padded batches whatever its example was.
        padded = torch.jit.is_tracing() or bool((lengths < x.shape[2]).any())
        for conv, norm in zip(self.convs, self.norms, strict=True):
            mask = valid_mask(lengths, x.shape[2]).unsqueeze(1) if padded else None
            x = conv(
                F.pad(x if mask is None else x.masked_fill(~mask, 0.0), self.padding)
            )
            x = torch.relu(norm(x, mask))
            if self.pool > 1:
                if mask is not None:
                    x = x.masked_fill(~mask, float("-inf"))
                x = F.max_pool1d(x, self.pool, ceil_mode=True)
                lengths = torch.div(
                    lengths + self.pool - 1, self.pool, rounding_mode="floor"
                )
        if padded:
            x = x.masked_fill(~valid_mask(lengths, x.shape[2]).unsqueeze(1), 0.0)
        # steps-major and contiguous: reductions over the steps then sum in one
        # order whatever the padded length
        return x.transpose(1, 2).contiguous(), lengths

    @staticmethod
    def average(features, lengths):
        """Mean of the features over each sequence's valid steps (global pooling)."""
        return sum_valid(features, lengths) / lengths.unsqueeze(1).to(features.dtype)
