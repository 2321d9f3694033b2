"""A linear layer whose output rows never depend on the other rows of the batch."""

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["RowwiseLinear"]

_CHUNK = 2**22


class RowwiseLinear(nn.Linear):
    """``torch.nn.Linear`` that, in evaluation, computes every row on its own.

    A matrix product routes rows through kernels that depend on the shape of
    the whole batch and on where a row sits in it (with few output columns,
    as in a classifier's head, even and odd rows can round differently), so a
    prediction could depend on what else was predicted with it. In evaluation
    mode this layer multiplies elementwise and sums over the input features,
    a reduction whose order for a row depends on that row alone. Training, and
    tracing (ONNX export), use the matrix product (same weights, same names in
    ``state_dict``).

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import RowwiseLinear
    >>> layer = RowwiseLinear(3, 2).eval()
    >>> x = torch.randn(5, 3)
    >>> bool(torch.equal(layer(x)[2:3], layer(x[2:3])))
    True
    """

    def forward(self, x):
        """Apply the layer to ``x`` ``(..., in_features)``."""
        if self.training or torch.jit.is_tracing():
            # a traced graph (ONNX export) takes any batch: one product, no chunks
            return F.linear(x, self.weight, self.bias)
        rows = x.reshape(-1, self.in_features)
        # rows at a time: their products take at most _CHUNK values
        size = max(1, _CHUNK // (self.in_features * self.out_features))
        out = torch.cat(
            [
                (chunk.unsqueeze(-1) * self.weight.t()).sum(dim=1)
                for chunk in torch.split(rows, size)
            ]
        )
        if self.bias is not None:
            out = out + self.bias
        return out.reshape(x.shape[:-1] + (self.out_features,))
