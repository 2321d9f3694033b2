"""A recurrent language model that carries its state from one call to the next."""

import torch
from torch import nn

from ._rnn import CELLS

__all__ = ["LanguageModule"]

_CELL_STEPS = {
    nn.LSTM: torch.lstm_cell,
    nn.GRU: torch.gru_cell,
    nn.RNN: torch.rnn_tanh_cell,
}


class LanguageModule(nn.Module):
    """Embedding, stacked RNN/GRU/LSTM and a head over the vocabulary.

    Trained with truncated backpropagation through time: consecutive chunks
    of a stream arrive one call after the other, and the state after a chunk
    is the start of the next one (detached, so gradients stop at the chunk's
    start). :meth:`reset_state` starts a new stream.

    Parameters
    ----------
    vocab_size : int
        Number of token ids (0 is padding).
    embedding_dim : int, default=32
        Size of the token embeddings.
    cell : {"rnn", "gru", "lstm"}, default="lstm"
        Recurrent cell.
    hidden_size : int, default=128
        Size of the hidden state.
    num_layers : int, default=1
        Stacked recurrent layers.
    dropout : float, default=0.0
        Dropout on the embeddings, between layers and before the head.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import LanguageModule
    >>> model = LanguageModule(vocab_size=10, hidden_size=8)
    >>> logits = model(torch.randint(1, 10, (2, 5)), torch.tensor([5, 5]))
    >>> logits.shape
    torch.Size([2, 5, 10])
    """

    def __init__(
        self,
        vocab_size,
        embedding_dim=32,
        cell="lstm",
        hidden_size=128,
        num_layers=1,
        dropout=0.0,
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.rnn = CELLS[cell](
            embedding_dim,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, vocab_size)
        self.state = None

    def reset_state(self):
        """Forget the state: the next call starts new streams."""
        self.state = None

    def step(self, ids, state=None):
        """Logits ``(batch, steps, vocab)`` after each of ``ids`` and the new state."""
        states, state = self.rnn(self.dropout(self.embedding(ids)), state)
        return self.head(self.dropout(states)), state

    def stepper(self, state):
        """Return ``advance(token) -> logits``, feeding one token at a time.

        Generation feeds one token per call: through the cell functions and
        weights taken once, that costs a fraction of a call of the whole
        recurrent layer (whose CPU kernel prepares for long sequences).
        ``state`` is what :meth:`step` returns; ``advance`` carries it on.
        """
        cell = _CELL_STEPS[type(self.rnn)]
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        weights = [
            [getattr(self.rnn, f"{name}_l{layer}") for name in names]
            for layer in range(self.rnn.num_layers)
        ]
        lstm = isinstance(self.rnn, nn.LSTM)
        parts = state if lstm else (state,)
        layers = [tuple(part[layer] for part in parts) for layer in range(len(weights))]
        table, head = self.embedding.weight, self.head

        def advance(token):
            x = table[token : token + 1]
            for layer, layer_weights in enumerate(weights):
                if lstm:
                    layers[layer] = cell(x, layers[layer], *layer_weights)
                    x = layers[layer][0]
                else:
                    x = cell(x, layers[layer][0], *layer_weights)
                    layers[layer] = (x,)
            return torch.nn.functional.linear(x, head.weight, head.bias)[0]

        return advance

    def forward(self, X, lengths):
        """Logits of the next token after every step of ``X`` (ids).

        The state carries over from the previous call (detached) when the
        batch has as many streams; ``lengths`` is not used (chunks of a
        stream have no padding).
        """
        state = self.state
        if state is not None and _batch(state) != len(X):
            state = None
        logits, state = self.step(X, state)
        self.state = _detached(state)
        return logits


def _batch(state):
    return (state[0] if isinstance(state, tuple) else state).shape[1]


def _detached(state):
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()
