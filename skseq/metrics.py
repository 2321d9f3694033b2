"""Scores of predicted sequences against true ones, for outputs of any length.

:func:`sequence_accuracy` (exact match) is what :meth:`RNNSeq2Seq.score
<skseq.RNNSeq2Seq.score>` returns; :func:`token_accuracy` and
:func:`bleu_score` grade partly right outputs. Each has a scorer for
``GridSearchCV(scoring=...)``. BLEU is sacrebleu's (the ``text`` extra:
``pip install skseq[text]``).
"""

import numpy as np
from sklearn.metrics import make_scorer

from .preprocessing._tokens import split_string
from .utils._sklearn_compat import _check_sample_weight

__all__ = [
    "bleu_score",
    "bleu_scorer",
    "sequence_accuracy",
    "token_accuracy",
    "token_accuracy_scorer",
]


# numeric steps this close are equal (float32 outputs of float64 targets)
ATOL = 1e-6


def _pairs(y_true, y_pred):
    for values, name in ((y_true, "y_true"), (y_pred, "y_pred")):
        if isinstance(values, str):  # not its characters as sequences
            raise ValueError(
                f"{name} must be a list of sequences, got the str {values!r}; "
                f"pass one sequence as [{name}]."
            )
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must hold as many sequences; got {len(y_true)} and "
            f"{len(y_pred)}."
        )
    if not y_true:
        raise ValueError("y_true holds no sequences.")
    return y_true, y_pred


def _steps(sequence, unit, name, position):
    """Return the steps of a sequence: a string's tokens, an array's rows."""
    if isinstance(sequence, str):
        return split_string(sequence, unit)
    try:
        steps = np.asarray(sequence)
    except ValueError:  # rows of different shapes
        steps = None
    if steps is None or steps.ndim == 0:
        raise ValueError(
            f"{name} must hold sequences (strings or array-likes of tokens); "
            f"{name}[{position}] is {sequence!r}."
        )
    return steps


def _right(true, pred):
    """Count the positions where two sequences' steps are equal."""
    n = min(len(true), len(pred))
    if isinstance(true, list) or isinstance(pred, list):  # a string's tokens
        return sum(_equal(t, p) for t, p in zip(true[:n], pred[:n], strict=True))
    a, b = true[:n], pred[:n]
    kinds = {a.dtype.kind, b.dtype.kind}
    if a.shape[1:] != b.shape[1:] or not (kinds <= set("biufc") or kinds == {"U"}):
        return sum(_equal(t, p) for t, p in zip(a, b, strict=True))  # objects
    return int(_close(a, b).reshape(n, -1).all(axis=1).sum()) if n else 0


def _equal(a, b):
    """Whether two steps (or two sequences of steps) are equal."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if {a.dtype.kind, b.dtype.kind} <= set("biufc"):
        return bool(_close(a, b).all())
    return bool(np.all(a == b))  # objects (an unknown token, None) are compared


def _close(a, b):
    """Elementwise equality of numbers: floats within ``ATOL``, others exact."""
    if {a.dtype.kind, b.dtype.kind} & set("fc"):
        return np.isclose(a, b, rtol=0, atol=ATOL)
    return a == b


def _same_kind(y_true, y_pred):
    """Refuse a string paired with a token sequence, whose tokens are unknown."""
    for i, (true, pred) in enumerate(zip(y_true, y_pred, strict=True)):
        if isinstance(true, str) != isinstance(pred, str):
            raise ValueError(
                "y_true and y_pred must both hold strings or both token sequences; "
                f"y_true[{i}] is a {type(true).__name__} and y_pred[{i}] a "
                f"{type(pred).__name__}."
            )
        if not isinstance(true, str):
            _steps(true, None, "y_true", i)
            _steps(pred, None, "y_pred", i)


def sequence_accuracy(y_true, y_pred, *, sample_weight=None):
    """Share of predicted sequences that equal the true ones exactly.

    Parameters
    ----------
    y_true, y_pred : list of str or list of array-like
        True and predicted sequences (numeric steps equal within 1e-6): each
        pair two strings or two sequences of tokens.
    sample_weight : array-like of shape (n_samples,), default=None
        Weight of each sequence; their sum must not be zero (so at least
        one must be non-zero).

    Returns
    -------
    float

    Examples
    --------
    >>> from skseq.metrics import sequence_accuracy
    >>> sequence_accuracy(["2024-01-05", "1999-12-31"], ["2024-01-05", "1999-12-30"])
    0.5
    """
    y_true, y_pred = _pairs(y_true, y_pred)
    _same_kind(y_true, y_pred)
    right = [_equal(t, p) for t, p in zip(y_true, y_pred, strict=True)]
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, right)
        # all zero (newer scikit-learn refuses those itself), or cancelling out
        if sample_weight.sum() == 0:
            raise ValueError(
                "sample_weight sums to zero (all zero, or weights that cancel "
                "out), but its weights are the shares of the sequences."
            )
    return float(np.average(right, weights=sample_weight))


def token_accuracy(y_true, y_pred, *, unit="char"):
    """Share of true tokens predicted at their position.

    Each pair is compared position by position; a missing or extra token
    counts as wrong: the denominator of a pair is the longer length. A pair
    of empty sequences has no positions and counts nothing; if every pair is
    empty, no token is wrong and the score is 1.0.

    Parameters
    ----------
    y_true, y_pred : list of str or list of array-like
        True and predicted sequences; each item a sequence (a string or an
        array-like of tokens), not a scalar.
    unit : {"char", "word"}, default="char"
        The tokens of a string: its characters, or its words (for a model
        fitted with ``unit="word"``; with a scorer,
        ``make_scorer(token_accuracy, unit="word")``).

    Returns
    -------
    float

    Examples
    --------
    >>> from skseq.metrics import token_accuracy
    >>> token_accuracy(["abcd"], ["abxd"]), token_accuracy(["abcd"], ["ab"])
    (0.75, 0.5)
    >>> token_accuracy(["ab", ""], ["ab", ""])
    1.0
    """
    if unit not in ("char", "word"):
        raise ValueError(f'unit must be "char" or "word", got {unit!r}.')
    y_true, y_pred = _pairs(y_true, y_pred)
    right = total = 0
    for i, (true, pred) in enumerate(zip(y_true, y_pred, strict=True)):
        true, pred = _steps(true, unit, "y_true", i), _steps(pred, unit, "y_pred", i)
        right += _right(true, pred)
        total += max(len(true), len(pred))
    return right / total if total else 1.0


def bleu_score(y_true, y_pred, *, tokenize=None):
    """Corpus BLEU of the predictions (sacrebleu), from 0 to 100.

    Parameters
    ----------
    y_true, y_pred : list of str or list of sequences of str
        One reference and one prediction per sample. Token sequences are
        joined with spaces and scored as those tokens.
    tokenize : str or None, default=None
        sacrebleu's tokenizer for strings, one of its ``BLEU.TOKENIZERS``
        ("13a", "char", "intl", "none", "zh"...); None: its default "13a"
        (words, punctuation apart). "char" scores characters.

    Returns
    -------
    float

    Examples
    --------
    >>> from skseq.metrics import bleu_score
    >>> round(bleu_score(["the cat sat on the mat"], ["the cat sat on the mat"]), 6)
    100.0
    """
    try:
        import sacrebleu
    except ImportError as exc:  # an optional dependency
        raise ImportError(
            "bleu_score needs sacrebleu: pip install skseq[text] (or sacrebleu)."
        ) from exc
    tokenizers = tuple(sacrebleu.metrics.BLEU.TOKENIZERS)
    if tokenize is not None and tokenize not in tokenizers:
        raise ValueError(
            f"tokenize must be None or one of sacrebleu's tokenizers "
            f"{list(tokenizers)}, got {tokenize!r}."
        )
    y_true, y_pred = _pairs(y_true, y_pred)
    strings = [isinstance(s, str) for s in y_true + y_pred]
    if all(strings):
        options = {} if tokenize is None else {"tokenize": tokenize}
    elif any(strings):
        raise ValueError(
            "y_true and y_pred must both hold strings or both token sequences; "
            "they mix the two."
        )
    elif tokenize is not None:
        raise ValueError(
            "tokenize applies to strings; token sequences are scored as they are."
        )
    else:
        y_true = [" ".join(map(str, s)) for s in y_true]
        y_pred = [" ".join(map(str, s)) for s in y_pred]
        options = {"tokenize": "none"}
    return float(sacrebleu.corpus_bleu(y_pred, [y_true], **options).score)


token_accuracy_scorer = make_scorer(token_accuracy)
"""``token_accuracy`` as a scorer for ``GridSearchCV(scoring=...)``."""
bleu_scorer = make_scorer(bleu_score)
"""``bleu_score`` as a scorer for ``GridSearchCV(scoring=...)``."""
