"""Generating output sequences from a :class:`Seq2SeqModule`.

Tokens come from beam search (a beam of one is greedy decoding); numeric
sequences are generated greedily, each step's prediction the next step's
input, until the end logit turns positive.
"""

from numbers import Integral

import torch
from sklearn.utils import check_scalar

__all__ = ["beam_search", "generate_values"]


def _expand(tensor, times, dim=0):
    return None if tensor is None else tensor.repeat_interleave(times, dim)


def _check_limits(max_length, beam_width=1):
    check_scalar(max_length, "max_length", Integral, min_val=1)
    check_scalar(beam_width, "beam_width", Integral, min_val=1)


def _select(state, rows):
    if isinstance(state, tuple):
        return tuple(part[:, rows] for part in state)
    return state[:, rows]


def _expanded(module, X, lengths, times):
    """Encode the source and repeat everything the decoder reads ``times``."""
    memory, keys, mask, state = module.encode(X, lengths)
    if isinstance(state, tuple):
        state = tuple(_expand(part, times, 1) for part in state)
    else:
        state = _expand(state, times, 1)
    encoded = (_expand(memory, times), _expand(keys, times), _expand(mask, times))
    return encoded + (None,), state


def beam_search(
    module, X, lengths, *, start, end, max_length, beam_width=1, unknown=False
):
    """Decode token sequences with a beam of ``beam_width`` candidates.

    Each step extends every candidate by every token and keeps the
    ``beam_width`` most likely extensions (sum of log-probabilities); a
    candidate that produced ``end`` is finished and kept as it is. The
    answer is the candidate with the highest mean log-probability per token
    (its end token included), which does not favour short outputs.

    Parameters
    ----------
    module : Seq2SeqModule
        A network with token targets, in evaluation mode.
    X, lengths : torch.Tensor
        Padded sources and their lengths.
    start, end : int
        Ids of the start and end tokens.
    max_length : int
        Most tokens generated per sequence (the end token included).
    beam_width : int, default=1
        Candidates kept; 1 is greedy decoding.
    unknown : bool, default=False
        Whether the unknown token (id 1) may be written: only when training
        targets held it (rare tokens).

    Returns
    -------
    tokens : list of torch.Tensor
        The ids of each output, without start and end tokens.
    weights : list of torch.Tensor or None
        The attention weights of each output, ``(output steps, source
        steps)``, a row for each token and one for the end token (when one
        was generated); None without attention.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import Seq2SeqModule, beam_search
    >>> module = Seq2SeqModule(source_size=6, target_size=8, hidden_size=8).eval()
    >>> X, lengths = torch.randint(2, 6, (2, 4)), torch.tensor([4, 2])
    >>> with torch.no_grad():
    ...     tokens, weights = beam_search(
    ...         module, X, lengths, start=6, end=7, max_length=5, beam_width=3
    ...     )
    >>> [len(t) <= 5 for t in tokens], weights[1].shape[1]
    ([True, True], 2)
    """
    _check_limits(max_length, beam_width)
    batch, width = len(X), beam_width
    encoded, state = _expanded(module, X, lengths, width)
    scores = torch.full((batch, width), float("-inf"), device=X.device)
    scores[:, 0] = 0.0  # one live candidate to start with
    rows_of = torch.arange(batch, device=X.device).unsqueeze(1) * width
    tokens = torch.zeros(batch * width, 0, dtype=torch.int64, device=X.device)
    counts = torch.zeros(batch * width, dtype=torch.int64, device=X.device)
    finished = torch.zeros(batch * width, dtype=torch.bool, device=X.device)
    step_input = torch.full((batch * width, 1), start, device=X.device)
    attention = []
    for _ in range(max_length):
        outputs, state, weights = module.decode(step_input, state, encoded)
        log_p = torch.log_softmax(outputs[:, -1].float(), dim=-1)
        banned = [0, start] if unknown else [0, 1, start]
        log_p[:, banned] = float("-inf")  # never padding, never a new start
        frozen = torch.full_like(log_p[0], float("-inf"))
        frozen[end] = 0.0  # a finished candidate stays as it is
        log_p = torch.where(finished.unsqueeze(1), frozen, log_p)
        vocab = log_p.shape[1]
        total = (scores.reshape(-1, 1) + log_p).reshape(batch, -1)
        scores, index = total.topk(width, dim=1)
        rows = (rows_of + torch.div(index, vocab, rounding_mode="floor")).reshape(-1)
        token = (index % vocab).reshape(-1)
        tokens = torch.cat([tokens[rows], token.unsqueeze(1)], dim=1)
        counts = counts[rows] + (~finished[rows]).long()
        finished = finished[rows] | (token == end)
        state = _select(state, rows)
        if weights is not None:
            # this step's weights belong to the candidates before the choice
            attention = [step[rows] for step in attention + [weights[:, -1]]]
        if bool(finished.all()):
            break
        step_input = token.unsqueeze(1)
    mean = scores.reshape(-1) / counts.clamp(min=1)
    best = (rows_of.squeeze(1) + mean.reshape(batch, width).argmax(dim=1)).tolist()
    out_tokens, out_weights = [], []
    for row, source_length in zip(best, lengths.tolist(), strict=True):
        n = int(counts[row])
        ends = bool(finished[row])
        out_tokens.append(tokens[row, : n - 1 if ends else n])
        if attention:
            steps = torch.stack([step[row] for step in attention[:n]])
            out_weights.append(steps[:, :source_length])
    return out_tokens, out_weights or None


def generate_values(module, X, lengths, *, max_length):
    """Generate numeric sequences greedily until each end logit is positive.

    Parameters
    ----------
    module : Seq2SeqModule
        A network with numeric targets, in evaluation mode.
    X, lengths : torch.Tensor
        Padded sources and their lengths.
    max_length : int
        Most steps generated per sequence.

    Returns
    -------
    values : list of torch.Tensor
        Each output, ``(steps, n_values)``; its last step is the one whose
        end logit turned positive.
    weights : list of torch.Tensor or None
        Attention weights of each output, ``(steps, source steps)``.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import Seq2SeqModule, generate_values
    >>> module = Seq2SeqModule(
    ...     source_size=2, target_size=1, source_tokens=False, target_tokens=False,
    ...     hidden_size=8,
    ... ).eval()
    >>> X, lengths = torch.randn(3, 5, 2), torch.tensor([5, 5, 3])
    >>> with torch.no_grad():
    ...     values, _ = generate_values(module, X, lengths, max_length=4)
    >>> [v.shape[1] for v in values]
    [1, 1, 1]
    """
    _check_limits(max_length)
    encoded, state = _expanded(module, X, lengths, 1)
    batch = len(X)
    step_input = module.start(batch, X.device)
    values, attention = [], []
    counts = torch.full((batch,), max_length, dtype=torch.int64)
    done = torch.zeros(batch, dtype=torch.bool)
    for step in range(max_length):
        outputs, state, weights = module.decode(step_input, state, encoded)
        outputs = outputs[:, -1]
        values.append(outputs[:, :-1])
        if weights is not None:
            attention.append(weights[:, -1])
        stops = (outputs[:, -1] > 0).cpu()
        counts[stops & ~done] = step + 1
        done |= stops
        if bool(done.all()):
            break
        step_input = module.next_input(outputs).unsqueeze(1)
    values = torch.stack(values, dim=1)
    weights = torch.stack(attention, dim=1) if attention else None
    out_values, out_weights = [], []
    for row, (n, source_length) in enumerate(
        zip(counts.tolist(), lengths.tolist(), strict=True)
    ):
        out_values.append(values[row, :n])
        if weights is not None:
            out_weights.append(weights[row, :n, :source_length])
    return out_values, out_weights or None
