"""The recurrent network of skseq's estimators: :class:`RNNModule`.

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

import warnings

import torch
from torch import nn

from ._conv import CONV_MODES, ConvFrontEnd
from ._linear import RowwiseLinear
from ._masks import sum_valid, valid_mask

__all__ = ["CELLS", "POOLINGS", "RNNModule", "reverse_padded"]

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
"""The recurrent cells, by name."""
POOLINGS = ("last", "mean", "max", "attention", "flatten")
"""The ways :class:`RNNModule` summarises the states of a sequence."""


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


def _check_lengths(X, lengths):
    """Lengths must lie in [1, padded length]; checked where it costs no sync."""
    if (
        torch.jit.is_tracing()
        or torch.compiler.is_compiling()
        or lengths.device.type != "cpu"
        or not len(lengths)
    ):
        return
    shortest, longest = (int(end) for end in torch.aminmax(lengths))
    if shortest < 1 or longest > X.shape[1]:
        raise ValueError(
            f"lengths must lie in [1, {X.shape[1]}] (the padded length of X); "
            f"got lengths from {shortest} to {longest}."
        )


class RNNModule(nn.Module):
    """Recurrent network that maps a sequence to one output vector.

    Embedding (optional) -> convolutional front end (optional) -> stacked
    RNN/GRU/LSTM -> pooling over the valid steps -> linear head.

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
        Size of the embedding vectors (with ``num_embeddings`` or
        ``categorical_features``).
    categorical_features : list of int, default=None
        Columns of a float input that hold integer ids, each fed to its own
        ``nn.Embedding`` (id 0 is padding); the other columns are used as
        numbers, the embeddings appended to them.
    categorical_sizes : list of int, default=None
        Number of ids of each of those columns.
    max_length : int, default=None
        Sequence length, needed by ``pooling="flatten"`` only.
    conv_layers : int, default=0
        Convolution blocks (convolution, batch normalisation, ReLU, max
        pooling) before the recurrent layers; 0 for none.
    conv_channels : int, default=64
        Channels of each convolution.
    conv_kernel_size : int, default=5
        Steps each convolution reads.
    conv_pool : int, default=1
        Max pooling factor after each block: the recurrent layers read
        ``conv_pool ** conv_layers`` times fewer steps.
    conv_mode : {"features", "branch", "both"}, default="features"
        "features": the recurrent layers read the convolutional features.
        "branch": they read the input, and the features' mean over the valid
        steps (global average pooling, as in the fully convolutional network
        FCN) joins their summary: the LSTM-FCN design. "both": they read the
        features, whose mean joins their summary too.
    linear_path : bool, default=False
        Add a linear function of the whole input window (``max_length``
        steps, fixed-length input) to the output: an autoregressive path that
        the recurrent network corrects (as LSTNet's highway). Starts at zero.
    per_step : bool, default=False
        Return an output at every step, ``(batch, steps, output_size)``
        (sequence labelling, per-step regression, language models), instead
        of one per sequence; ``pooling`` is not used. Outputs at padded steps
        are not meaningful.
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
        categorical_features=None,
        categorical_sizes=None,
        max_length=None,
        conv_layers=0,
        conv_channels=64,
        conv_kernel_size=5,
        conv_pool=1,
        conv_mode="features",
        linear_path=False,
        per_step=False,
        autocast=None,
    ):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}.")
        if pooling == "flatten" and not max_length and not per_step:
            raise ValueError("pooling='flatten' needs max_length.")
        if autocast not in (None, "bfloat16", "float16"):
            raise ValueError(
                f'autocast must be "bfloat16", "float16" or None, got {autocast!r}.'
            )
        if (num_embeddings is not None or categorical_features) and not embedding_dim:
            raise ValueError(
                "num_embeddings and categorical_features need embedding_dim, the "
                f"size of the embedding vectors; got embedding_dim={embedding_dim!r}."
            )
        if len(categorical_features or ()) != len(categorical_sizes or ()):
            raise ValueError(
                "categorical_sizes needs one vocabulary size per column of "
                f"categorical_features; got {categorical_sizes!r} for "
                f"{categorical_features!r}."
            )
        if conv_mode not in CONV_MODES:
            raise ValueError(
                f"conv_mode must be one of {CONV_MODES}, got {conv_mode!r}."
            )
        if dropout and num_layers == 1:  # as torch warns of its own layers
            warnings.warn(
                f"dropout={dropout} acts between stacked recurrent layers, so with "
                "num_layers=1 it has no effect; set num_layers=2 or more.",
                UserWarning,
                stacklevel=2,
            )
        if per_step and conv_layers and (conv_pool > 1 or conv_mode != "features"):
            raise ValueError(
                "Outputs at every step need the convolutions to keep every step: "
                "conv_pool=1 and conv_mode='features'."
            )
        self.per_step = per_step
        self.cell = cell
        self.pooling = pooling
        self.bidirectional = bidirectional
        self.autocast = autocast

        self.linear_path = None
        if linear_path:
            if not max_length or per_step:
                raise ValueError(
                    "linear_path needs fixed-length input (max_length) and one "
                    "output per sequence."
                )
            self.linear_path = RowwiseLinear(max_length * input_size, output_size)
            nn.init.zeros_(self.linear_path.weight)
            nn.init.zeros_(self.linear_path.bias)
        self.embedding = None
        if num_embeddings is not None:
            self.embedding = nn.Embedding(num_embeddings, embedding_dim, padding_idx=0)
            input_size = embedding_dim
        self.categorical = list(categorical_features or [])
        self.numeric = [c for c in range(input_size) if c not in self.categorical]
        self.embeddings = nn.ModuleList(
            nn.Embedding(size, embedding_dim, padding_idx=0)
            for size in (categorical_sizes or [])
        )
        if self.categorical:
            input_size = len(self.numeric) + len(self.categorical) * embedding_dim

        self.conv, self.conv_mode, joined_size = None, conv_mode, 0
        if conv_layers:
            self.conv = ConvFrontEnd(
                input_size, conv_channels, conv_kernel_size, conv_layers, conv_pool
            )
            if conv_mode != "branch":
                input_size = conv_channels
                if max_length:
                    max_length = self.conv.output_length(max_length)
            if conv_mode != "features":
                joined_size = conv_channels
        self.max_length = max_length

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
        self.attention = (
            RowwiseLinear(state_size, 1) if pooling == "attention" else None
        )
        pooled_size = state_size * (
            max_length if pooling == "flatten" and not per_step else 1
        )
        self.head = RowwiseLinear(pooled_size + joined_size, output_size)
        if linear_path:  # the network starts as the linear path alone
            nn.init.zeros_(self.head.weight)
            nn.init.zeros_(self.head.bias)

    def __prepare_scriptable__(self):
        """Refuse TorchScript (deprecated by torch) with the supported way out."""
        raise TypeError(
            "RNNModule cannot be compiled with torch.jit.script, which torch has "
            "deprecated. Export a fitted estimator with skseq.export.export_onnx, "
            "or this module with torch.onnx.export(module, (X, lengths), path, "
            "dynamo=False, dynamic_axes=...)."
        )

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
        """Return the recurrent states at every step, ``(batch, steps, state)``.

        ``X`` is what the recurrent layers read (after the embedding and the
        convolutions). States at padded positions (``t >= lengths[b]``) are
        not meaningful.
        """
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
            return sum_valid(states, lengths) / lengths.unsqueeze(1).to(states.dtype)
        if self.pooling == "max":
            return states.masked_fill(~mask, float("-inf")).amax(dim=1)
        scores = self.attention(states)
        top = scores.masked_fill(~mask, float("-inf")).amax(dim=1, keepdim=True)
        exp = torch.exp(scores - top)
        weights = exp / sum_valid(exp, lengths).unsqueeze(1)
        return sum_valid(weights * states, lengths)

    def embed(self, X):
        """Replace token ids by their embeddings (all of X, or its id columns)."""
        if self.embedding is not None:
            return self.embedding(X)
        if not self.categorical:
            return X
        ids = X[..., self.categorical].long()
        parts = [X[..., self.numeric]] + [
            embedding(ids[..., i]) for i, embedding in enumerate(self.embeddings)
        ]
        return torch.cat(parts, dim=-1)

    def step_states(self, X, lengths):
        """Return the recurrent states at every step of the input."""
        X = self.embed(X)
        if self.conv is not None:
            X, lengths = self.conv(X, lengths)
        return self.encode(X, lengths)

    def summarise(self, X, lengths):
        """Return the vector the head reads, ``(batch, pooled state [+ channels])``."""
        X = self.embed(X)
        joined = None
        if self.conv is not None:
            features, feature_lengths = self.conv(X, lengths)
            if self.conv_mode != "features":
                joined = self.conv.average(features, feature_lengths)
            if self.conv_mode != "branch":
                X, lengths = features, feature_lengths
        summary = self.pool(self.encode(X, lengths), lengths)
        return summary if joined is None else torch.cat([summary, joined], dim=-1)

    def forward(self, X, lengths):
        """Map a post-padded batch to outputs of shape ``(batch, output_size)``.

        Parameters
        ----------
        X : torch.Tensor
            Float tensor ``(batch, max_length, input_size)``, or integer ids
            ``(batch, max_length)`` with an embedding.
        lengths : torch.Tensor of shape (batch,)
            Number of valid steps of each sequence, each at least 1 and at
            most ``max_length`` (checked when on the CPU: a length of 0 would
            read padding only).
        """
        _check_lengths(X, lengths)
        if self.autocast is None:
            return self._outputs(X, lengths)
        dtype = getattr(torch, self.autocast)
        with torch.autocast(device_type=X.device.type, dtype=dtype):
            out = self._outputs(X, lengths)
        return out.float()

    def _outputs(self, X, lengths):
        body = self.step_states if self.per_step else self.summarise
        out = self.head(body(X, lengths))
        if self.linear_path is not None:
            out = out + self.linear_path(X.reshape(len(X), -1))
        return out
