"""Plain PyTorch modules behind the skseq estimators.

Nothing here knows about scikit-learn: :class:`RNNModule` takes a batch of
post-padded sequences and their lengths and returns one output row per
sequence. It can be used on its own, as any ``torch.nn.Module``.

Padding never reaches the output. For a unidirectional network this holds
because post-padding comes after every valid step, so the states at valid
steps are those of the sequence run alone; pooling then reads valid steps
only. The backward direction of a bidirectional network reads each sequence
reversed *within its own length* (see :func:`reverse_padded`), so it too
starts at the last valid step, never in the padding.
"""

import torch
from torch import nn

__all__ = [
    "CELLS",
    "LOSSES",
    "POOLINGS",
    "REGRESSION_LOSSES",
    "RNNModule",
    "WeightedLoss",
    "reverse_padded",
    "valid_mask",
]

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
"""The recurrent cells, by name."""
REGRESSION_LOSSES = {
    "squared_error": nn.MSELoss,
    "absolute_error": nn.L1Loss,
    "huber": nn.HuberLoss,
}
"""The losses of regression targets, by name."""
LOSSES = {"cross_entropy": nn.CrossEntropyLoss, **REGRESSION_LOSSES}
"""Every loss :class:`WeightedLoss` computes, by name."""
POOLINGS = ("last", "mean", "max", "attention", "flatten")
"""The ways :class:`RNNModule` summarises the states of a sequence."""


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


def reverse_padded(x, lengths):
    """Reverse each sequence of a post-padded batch within its own length.

    Step ``t < length`` of row ``b`` goes to ``length - 1 - t``; padding
    stays where it is. Applying it twice gives ``x`` back.

    Parameters
    ----------
    x : torch.Tensor of shape (batch, max_length, n_features)
        Post-padded batch.
    lengths : torch.Tensor of shape (batch,)
        Number of valid steps of each row.

    Returns
    -------
    torch.Tensor
        Tensor of the same shape as ``x``.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import reverse_padded
    >>> x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]]).unsqueeze(-1)
    >>> reverse_padded(x, torch.tensor([3, 2]))[..., 0].tolist()
    [[3, 2, 1, 0], [5, 4, 0, 0]]
    """
    steps = torch.arange(x.shape[1], device=x.device).unsqueeze(0)
    last = lengths.unsqueeze(1) - 1
    index = torch.where(steps <= last, last - steps, steps)
    return x.gather(1, index.unsqueeze(-1).expand_as(x))


def _sum_valid(x, lengths):
    """Sum ``x`` ``(batch, steps, ...)`` over each row's valid steps, in order.

    A running sum read at the last valid step: padding never enters it, and
    the result is the same bits however long the batch is padded (a
    reduction over the whole padded axis may group its terms by that length).
    """
    rows = torch.arange(len(x), device=x.device)
    return torch.cumsum(x, dim=1)[rows, lengths - 1]


class RNNModule(nn.Module):
    """Recurrent network that maps a sequence to one output vector.

    Embedding (optional) -> stacked RNN/GRU/LSTM -> pooling over the valid
    steps -> linear head.

    Parameters
    ----------
    input_size : int
        Number of features per time step (ignored with an embedding).
    output_size : int
        Size of the output vector (logits for a classifier).
    cell : {"rnn", "gru", "lstm"}, default="gru"
        Recurrent cell.
    hidden_size : int, default=64
        Size of the hidden state of each direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    dropout : float, default=0.0
        Dropout between stacked layers (not on the recurrent connection).
    bidirectional : bool, default=False
        Also read each sequence backwards; the state size doubles.
    pooling : {"last", "mean", "max", "attention", "flatten"}, default="max"
        How the states are summarised for the head: the state after the
        last valid step, the mean or maximum over valid steps, an attention
        weighted sum over valid steps, or all states flattened (fixed-length
        input of ``max_length`` steps only).
    num_embeddings : int, default=None
        Vocabulary size. When given, inputs are integer ids of shape
        ``(batch, max_length)`` fed to an ``nn.Embedding`` whose id 0 is
        padding.
    embedding_dim : int, default=None
        Size of the embedding vectors (with ``num_embeddings``).
    max_length : int, default=None
        Sequence length, needed by ``pooling="flatten"`` only.
    autocast : {"bfloat16", "float16"} or None, default=None
        Run the forward pass under ``torch.autocast`` in this dtype (mixed
        precision, for GPUs); the output is float32.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import RNNModule
    >>> module = RNNModule(input_size=3, output_size=2, hidden_size=8)
    >>> X = torch.randn(4, 10, 3)  # 4 sequences, padded to 10 steps
    >>> lengths = torch.tensor([10, 7, 3, 1])
    >>> module(X, lengths).shape
    torch.Size([4, 2])
    """

    def __init__(
        self,
        input_size,
        output_size,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        dropout=0.0,
        bidirectional=False,
        pooling="max",
        num_embeddings=None,
        embedding_dim=None,
        max_length=None,
        autocast=None,
    ):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}.")
        if pooling == "flatten" and not max_length:
            raise ValueError("pooling='flatten' needs max_length.")
        self.cell = cell
        self.pooling = pooling
        self.bidirectional = bidirectional
        self.max_length = max_length
        self.autocast = autocast

        self.embedding = None
        if num_embeddings is not None:
            self.embedding = nn.Embedding(num_embeddings, embedding_dim, padding_idx=0)
            input_size = embedding_dim

        rnn_class = CELLS[cell]
        if bidirectional:
            # One single-layer RNN per direction and layer: the backward one
            # must read each sequence reversed within its own length, which
            # torch's built-in bidirectional RNN does not do on padded input.
            self.forward_layers = nn.ModuleList()
            self.backward_layers = nn.ModuleList()
            for layer in range(num_layers):
                layer_input = input_size if layer == 0 else 2 * hidden_size
                self.forward_layers.append(
                    rnn_class(layer_input, hidden_size, batch_first=True)
                )
                self.backward_layers.append(
                    rnn_class(layer_input, hidden_size, batch_first=True)
                )
            self.inter_layer_dropout = nn.Dropout(dropout)
        else:
            self.rnn = rnn_class(
                input_size,
                hidden_size,
                num_layers=num_layers,
                batch_first=True,
                dropout=dropout if num_layers > 1 else 0.0,
            )

        state_size = hidden_size * (2 if bidirectional else 1)
        self.attention = nn.Linear(state_size, 1) if pooling == "attention" else None
        pooled_size = state_size * (max_length if pooling == "flatten" else 1)
        self.head = nn.Linear(pooled_size, output_size)

    def _recur(self, rnn, X):
        """Run one recurrent layer; the states at every step."""
        if (
            self.autocast is not None
            and X.device.type == "cpu"
            and isinstance(rnn, nn.LSTM)
        ):
            # oneDNN, torch's CPU LSTM kernel, has no bfloat16 LSTM on most CPUs
            with torch.autocast(device_type="cpu", enabled=False):
                return rnn(X.float())[0]
        return rnn(X)[0]

    def encode(self, X, lengths):
        """Return the states at every step, shape ``(batch, max_length, state)``.

        States at padded positions (``t >= lengths[b]``) are not meaningful.
        """
        if self.embedding is not None:
            X = self.embedding(X)
        if not self.bidirectional:
            return self._recur(self.rnn, X)
        for index, (fwd, bwd) in enumerate(
            zip(self.forward_layers, self.backward_layers, strict=True)
        ):
            if index > 0:
                X = self.inter_layer_dropout(X)
            forward_states = self._recur(fwd, X)
            backward_states = reverse_padded(
                self._recur(bwd, reverse_padded(X, lengths)), lengths
            )
            X = torch.cat([forward_states, backward_states], dim=-1)
        return X

    def pool(self, states, lengths):
        """Summarise the states over the valid steps, shape ``(batch, state)``."""
        batch, max_length, _ = states.shape
        if self.pooling == "last":
            rows = torch.arange(batch, device=states.device)
            last = states[rows, lengths - 1]
            if not self.bidirectional:
                return last
            # the backward direction ends its reading at step 0
            half = states.shape[-1] // 2
            return torch.cat([last[:, :half], states[:, 0, half:]], dim=-1)
        if self.pooling == "flatten":
            if max_length != self.max_length:
                raise ValueError(
                    f"pooling='flatten' needs sequences of exactly {self.max_length} "
                    f"steps, got {max_length}."
                )
            return states.reshape(batch, -1)
        mask = valid_mask(lengths, max_length).unsqueeze(-1)
        if self.pooling == "mean":
            return _sum_valid(states, lengths) / lengths.unsqueeze(1).to(states.dtype)
        if self.pooling == "max":
            return states.masked_fill(~mask, float("-inf")).amax(dim=1)
        scores = self.attention(states)
        top = scores.masked_fill(~mask, float("-inf")).amax(dim=1, keepdim=True)
        exp = torch.exp(scores - top)
        weights = exp / _sum_valid(exp, lengths).unsqueeze(1)
        return _sum_valid(weights * states, lengths)

    def forward(self, X, lengths):
        """Map a post-padded batch to outputs of shape ``(batch, output_size)``.

        Parameters
        ----------
        X : torch.Tensor
            Float tensor ``(batch, max_length, input_size)``, or integer ids
            ``(batch, max_length)`` with an embedding.
        lengths : torch.Tensor of shape (batch,)
            Number of valid steps of each sequence, each at least 1.
        """
        if self.autocast is None:
            return self.head(self.pool(self.encode(X, lengths), lengths))
        dtype = getattr(torch, self.autocast)
        with torch.autocast(device_type=X.device.type, dtype=dtype):
            out = self.head(self.pool(self.encode(X, lengths), lengths))
        return out.float()


class WeightedLoss(nn.Module):
    """Mean of a per-sample loss over a batch, optionally weighted.

    Parameters
    ----------
    loss : {"cross_entropy", "squared_error", "absolute_error", "huber"}
        The per-sample loss. For multi-output regression the loss of a sample
        is the mean over its outputs.
    **loss_params : dict
        Passed to the torch loss (e.g. ``delta`` for "huber").

    Notes
    -----
    The target may be a pair ``(target, weight)``: the loss is then
    ``mean(weight * loss)``. With weights normalised to mean 1 over the data
    set, their scale does not change the learning rate, and weights of ones
    give exactly the unweighted loss.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import WeightedLoss
    >>> loss = WeightedLoss("squared_error")
    >>> y_pred, y_true = torch.tensor([[1.0], [3.0]]), torch.zeros(2, 1)
    >>> loss(y_pred, y_true).item()
    5.0
    >>> loss(y_pred, (y_true, torch.tensor([2.0, 0.0]))).item()
    1.0
    """

    def __init__(self, loss="cross_entropy", **loss_params):
        super().__init__()
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}.")
        self.loss = LOSSES[loss](reduction="none", **loss_params)

    def forward(self, y_pred, y_true):
        """Return the (weighted) mean loss of the batch."""
        weight = None
        if isinstance(y_true, (list, tuple)):
            y_true, weight = y_true
        losses = self.loss(y_pred, y_true)
        if weight is None:
            return losses.mean()
        if losses.ndim > 1:  # a sample's loss: the mean over its outputs
            losses = losses.mean(dim=tuple(range(1, losses.ndim)))
        return (losses * weight).mean()
