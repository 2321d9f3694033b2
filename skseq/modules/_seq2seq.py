"""Encoder-decoder network with attention: :class:`Seq2SeqModule`.

The encoder reads the source sequence (both ways by default); the decoder
generates the target one step at a time from the encoder's final state, and
at each step attention weighs the encoder's states by how well they match
the decoder's state (Luong et al., 2015: the attended context and the
decoder state together predict the next token). The decoder's input at a
step is the previous target step (teacher forcing) or the previous
prediction; attention does not feed back into the recurrence, so with
teacher forcing every step of a batch is computed in one call of the
recurrent layer.
"""

import math

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ._masks import valid_mask
from ._rnn import CELLS, _check_lengths

__all__ = ["ATTENTIONS", "Attention", "Seq2SeqModule"]

ATTENTIONS = ("additive", "dot")
"""The attention scores :class:`Attention` computes, by name."""


class Attention(nn.Module):
    """Weights of the encoder's states for each decoder state, and the context.

    Parameters
    ----------
    kind : {"additive", "dot"}
        "additive" (Bahdanau): ``v . tanh(W k + U q)``. "dot" (Luong's
        "general", scaled): ``q . (W k) / sqrt(size)``.
    query_size : int
        Size of the decoder state.
    memory_size : int
        Size of an encoder state.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import Attention
    >>> attention = Attention("dot", query_size=4, memory_size=6)
    >>> memory = torch.randn(2, 5, 6)
    >>> mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    >>> context, weights = attention(torch.randn(2, 3, 4), memory, mask)
    >>> context.shape, weights.shape
    (torch.Size([2, 3, 6]), torch.Size([2, 3, 5]))
    >>> float(weights[1, :, 3:].detach().abs().max())  # padding gets no weight
    0.0
    """

    def __init__(self, kind, query_size, memory_size):
        super().__init__()
        if kind not in ATTENTIONS:
            raise ValueError(f"kind must be one of {ATTENTIONS}, got {kind!r}.")
        self.kind = kind
        self.key = nn.Linear(memory_size, query_size, bias=False)
        if kind == "additive":
            self.query = nn.Linear(query_size, query_size)
            self.score = nn.Linear(query_size, 1, bias=False)
        self.scale = 1.0 / math.sqrt(query_size)

    def forward(self, queries, memory, mask, keys=None):
        """Return the context ``(batch, steps, memory_size)`` and the weights.

        ``queries`` is ``(batch, steps, query_size)``, ``memory`` the encoder
        states ``(batch, source_steps, memory_size)``, ``mask`` which of them
        are valid; ``keys`` is ``self.key(memory)`` when already computed.
        """
        keys = self.key(memory) if keys is None else keys
        if self.kind == "dot":
            scores = queries @ keys.transpose(1, 2) * self.scale
        else:
            hidden = torch.tanh(keys.unsqueeze(1) + self.query(queries).unsqueeze(2))
            scores = self.score(hidden).squeeze(-1)
        scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights @ memory, weights


class Seq2SeqModule(nn.Module):
    """Recurrent encoder, recurrent decoder, attention between them.

    Parameters
    ----------
    source_size : int
        Token ids of the source (its vocabulary, 0 is padding) with
        ``source_tokens``, else features per source step.
    target_size : int
        Token ids of the target (0 padding; the start and end ids among
        them) with ``target_tokens``, else values per target step.
    source_tokens, target_tokens : bool, default=True
        Whether each side holds token ids (embedded) or numbers.
    embedding_dim : int, default=32
        Size of the token embeddings.
    cell : {"rnn", "gru", "lstm"}, default="gru"
        Recurrent cell of encoder and decoder.
    hidden_size : int, default=128
        State size of the decoder and of each encoder direction.
    num_layers : int, default=1
        Stacked layers of encoder and decoder.
    bidirectional : bool, default=True
        The encoder also reads the source backwards.
    attention : {"additive", "dot"} or None, default="additive"
        Attention score; None: the decoder sees the source only through its
        initial state.
    dropout : float, default=0.0
        Dropout on embeddings (not on numeric inputs, nor on the start flag),
        between layers and before the output head.
    teacher_forcing : float, default=1.0
        Share of training steps whose decoder input is the true previous
        target; the others get the previous prediction (scheduled sampling).

    Notes
    -----
    A numeric target has one more output than values: the logit that the
    sequence ends at that step. Its decoder input is the previous values and
    a flag that is 1 at the first step only (which has no previous values).

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import Seq2SeqModule
    >>> module = Seq2SeqModule(source_size=12, target_size=9, hidden_size=8)
    >>> X, lengths = torch.randint(2, 12, (2, 7)), torch.tensor([7, 4])
    >>> y_in, y_lengths = torch.randint(2, 9, (2, 5)), torch.tensor([5, 3])
    >>> module(X, lengths, y_in, y_lengths).shape
    torch.Size([2, 5, 9])
    """

    def __init__(
        self,
        source_size,
        target_size,
        *,
        source_tokens=True,
        target_tokens=True,
        embedding_dim=32,
        cell="gru",
        hidden_size=128,
        num_layers=1,
        bidirectional=True,
        attention="additive",
        dropout=0.0,
        teacher_forcing=1.0,
    ):
        super().__init__()
        self.target_tokens = target_tokens
        self.teacher_forcing = teacher_forcing
        self.lstm = cell == "lstm"
        self.dropout = nn.Dropout(dropout)
        between = dropout if num_layers > 1 else 0.0
        if source_tokens:
            self.source_embedding = nn.Embedding(source_size, embedding_dim, 0)
        encoder_input = embedding_dim if source_tokens else source_size
        self.encoder = CELLS[cell](
            encoder_input,
            hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=between,
            batch_first=True,
        )
        directions = 2 if bidirectional else 1
        memory_size = hidden_size * directions
        # the decoder starts from the encoder's final states (both directions)
        self.bridge = nn.Linear(memory_size, hidden_size)
        if self.lstm:
            self.cell_bridge = nn.Linear(memory_size, hidden_size)
        if target_tokens:
            self.target_embedding = nn.Embedding(target_size, embedding_dim, 0)
            decoder_input, outputs = embedding_dim, target_size
        else:
            decoder_input, outputs = target_size + 1, target_size + 1
        self.decoder = CELLS[cell](
            decoder_input,
            hidden_size,
            num_layers=num_layers,
            dropout=between,
            batch_first=True,
        )
        self.attention = (
            None
            if attention is None
            else Attention(attention, hidden_size, memory_size)
        )
        if attention is not None:
            self.combine = nn.Linear(hidden_size + memory_size, hidden_size)
        self.head = nn.Linear(hidden_size, outputs)

    # ------------------------------------------------------------- encoder

    def encode(self, X, lengths):
        """Read the source: ``(memory, keys, mask, state)`` for the decoder."""
        _check_lengths(X, lengths)
        if hasattr(self, "source_embedding"):  # numeric values are not dropped
            X = self.dropout(self.source_embedding(X))
        packed = pack_padded_sequence(
            X, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        memory, final = self.encoder(packed)
        memory, _ = pad_packed_sequence(
            memory, batch_first=True, total_length=X.shape[1]
        )
        mask = valid_mask(lengths, X.shape[1])
        if self.lstm:
            state = (
                self._bridged(final[0], self.bridge),
                self._bridged(final[1], self.cell_bridge),
            )
        else:
            state = self._bridged(final, self.bridge)
        keys = None if self.attention is None else self.attention.key(memory)
        return memory, keys, mask, state

    def _bridged(self, final, bridge):
        """Return the decoder state per layer from the encoder's final state."""
        layers = self.encoder.num_layers
        final = final.reshape(layers, -1, *final.shape[1:])  # (layers, dirs, B, H)
        joined = torch.cat(list(final.unbind(1)), dim=-1)
        return torch.tanh(bridge(joined)).contiguous()

    # ------------------------------------------------------------- decoder

    def start(self, batch_size, device=None):
        """Return the first decoder input ``(batch, 1, ...)`` (numeric target)."""
        first = torch.zeros(batch_size, 1, self.head.out_features, device=device)
        first[..., -1] = 1.0
        return first

    def _decoder_input(self, y_in):
        if self.target_tokens:
            return self.dropout(self.target_embedding(y_in))
        return y_in  # numeric values and the start flag are not dropped

    def decode(self, y_in, state, encoded):
        """Return the outputs for decoder inputs ``y_in``, new state, weights.

        ``encoded`` is what :meth:`encode` returns. Returns outputs ``(batch,
        steps, n_outputs)``, the decoder state, and the attention weights
        ``(batch, steps, source_steps)`` (None without attention).
        """
        memory, keys, mask, _ = encoded
        states, state = self.decoder(self._decoder_input(y_in), state)
        weights = None
        if self.attention is not None:
            context, weights = self.attention(states, memory, mask, keys)
            states = torch.tanh(self.combine(torch.cat([states, context], dim=-1)))
        return self.head(self.dropout(states)), state, weights

    def next_input(self, outputs):
        """Return the decoder input that follows one step's ``outputs``."""
        if self.target_tokens:
            return outputs.argmax(dim=-1)
        values = outputs.clone()
        values[..., -1] = 0.0  # only the first step carries the start flag
        return values

    def forward(self, X, lengths, y_in, y_lengths):
        """Return outputs at every target step, given the previous target steps.

        ``y_in`` holds, at each step, the target step before it (the start
        token or :meth:`start` first). In training, with ``teacher_forcing``
        below 1, each step's input is the previous prediction instead, for a
        random share of ``1 - teacher_forcing`` of the rows.
        """
        encoded = self.encode(X, lengths)
        state = encoded[3]
        if not self.training or self.teacher_forcing >= 1.0:
            return self.decode(y_in, state, encoded)[0]
        outputs, step_input = [], y_in[:, :1]
        for step in range(y_in.shape[1]):
            output, state, _ = self.decode(step_input, state, encoded)
            outputs.append(output)
            if step + 1 < y_in.shape[1]:
                true = y_in[:, step + 1 : step + 2]
                own = self.next_input(output.detach())
                keep = torch.rand(len(X), device=X.device) < self.teacher_forcing
                keep = keep.reshape((-1,) + (1,) * (true.ndim - 1))
                step_input = torch.where(keep, true, own)
        return torch.cat(outputs, dim=1)
