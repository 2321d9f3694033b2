"""Synthetic data sets for examples and tests (no downloads)."""

import numbers
import string
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ._translation import _check_int, _check_lengths

__all__ = [
    "make_alphabet_sequences",
    "make_sentences",
    "make_sequence_classification",
    "make_sine",
]


def _check_real(value, name):
    """Raise if ``value`` is not a finite real number (a bool is not one)."""
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (real and np.isfinite(value)):
        raise ValueError(f"{name} must be a finite real number, got {value!r}.")


def make_alphabet_sequences(max_length=5, alphabet=string.ascii_uppercase):
    """Sequences of consecutive letters, each labelled with the letter after it.

    Every run of 1 to ``max_length`` consecutive letters of ``alphabet`` that
    has a following letter: ``"A" -> "B"``, ``"ABC" -> "D"``, ``"XY" -> "Z"``.

    Parameters
    ----------
    max_length : int, default=5
        Longest run of letters, at least 1.
    alphabet : str or sequence, default=string.ascii_uppercase
        The letters, in order (at least 2).

    Returns
    -------
    X : list of str
        The runs of letters (strings of different lengths).
    y : ndarray of str
        The letter following each run.

    Examples
    --------
    >>> from skseq.datasets import make_alphabet_sequences
    >>> X, y = make_alphabet_sequences(max_length=2, alphabet="ABCD")
    >>> list(zip(X, y.tolist()))
    [('A', 'B'), ('B', 'C'), ('C', 'D'), ('AB', 'C'), ('BC', 'D')]
    """
    max_length = _check_int(max_length, "max_length", 1)
    if not isinstance(alphabet, Sequence) or len(alphabet) < 2:
        raise ValueError(
            "alphabet must be a str or sequence of at least 2 letters, got "
            f"{alphabet!r}."
        )
    X, y = [], []
    for length in range(1, max_length + 1):
        for start in range(len(alphabet) - length):
            X.append(alphabet[start : start + length])
            y.append(alphabet[start + length])
    return X, np.array(y)


def make_sine(n_samples=1000, *, start=0.0, stop=100.0, noise=0.0, random_state=None):
    """Sample a sine wave at evenly spaced points, as a pandas Series.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of points, at least 1.
    start, stop : float, default=0.0, 100.0
        First and last value of the argument of the sine (finite).
    noise : float, default=0.0
        Standard deviation of Gaussian noise added to the values (finite,
        >= 0).
    random_state : int, RandomState instance or None, default=None
        Seeds the noise.

    Returns
    -------
    y : pandas.Series
        ``sin(linspace(start, stop, n_samples))`` (+ noise), on a RangeIndex.

    Examples
    --------
    >>> from skseq.datasets import make_sine
    >>> y = make_sine(5, stop=4.0)
    >>> y.round(3).tolist()
    [0.0, 0.841, 0.909, 0.141, -0.757]
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    for value, name in ((start, "start"), (stop, "stop"), (noise, "noise")):
        _check_real(value, name)
    if noise < 0:
        raise ValueError(f"noise must be a finite real number >= 0, got {noise!r}.")
    rng = check_random_state(random_state)
    values = np.sin(np.linspace(start, stop, n_samples))
    if noise:
        values = values + noise * rng.normal(size=n_samples)
    return pd.Series(values, name="sine")


_POSITIVE = ["good", "great", "excellent", "lovely", "enjoyable", "superb", "fine"]
_NEGATIVE = ["bad", "awful", "boring", "poor", "dull", "terrible", "weak"]
_NEGATIONS = ["not", "never", "hardly"]
_SUBJECTS = ["the film", "this book", "the meal", "our stay", "the show", "the game"]
_VERBS = ["was", "seemed", "felt", "looked", "turned out"]
_FILLERS = ["really", "quite", "truly", "rather", "very", "so", "simply"]
_ENDINGS = [
    "all in all",
    "in the end",
    "to be honest",
    "at least for me",
    "as far as I can tell",
    "if you ask me",
]


def make_sentences(n_samples=500, *, negation=True, random_state=None):
    """Short review-like sentences labelled positive (1) or negative (0).

    A sentence says that a subject was (perhaps "really") good or bad, and
    may end with a phrase that carries no opinion ("all in all"); with
    ``negation``, a negation word ("not", "never", "hardly") sometimes flips
    the opinion, so that the label depends on word order, not only on which
    words occur.

    Parameters
    ----------
    n_samples : int, default=500
        Number of sentences, at least 1.
    negation : bool, default=True
        Put a negation before a third of the opinion words.
    random_state : int, RandomState instance or None, default=None
        Seeds the sentences.

    Returns
    -------
    X : list of str
        Sentences of 3 to 11 words.
    y : ndarray of int
        1 for a positive sentence, 0 for a negative one.

    Examples
    --------
    >>> from skseq.datasets import make_sentences
    >>> X, y = make_sentences(2, random_state=0)
    >>> len(X), sorted(set(y.tolist())) <= [0, 1]
    (2, True)
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    rng = check_random_state(random_state)
    X, y = [], []
    for _ in range(n_samples):
        positive = bool(rng.randint(2))
        words = [
            _SUBJECTS[rng.randint(len(_SUBJECTS))],
            _VERBS[rng.randint(len(_VERBS))],
        ]
        negated = negation and rng.rand() < 1 / 3
        if negated:
            words.append(_NEGATIONS[rng.randint(len(_NEGATIONS))])
        if rng.rand() < 0.5:
            words.append(_FILLERS[rng.randint(len(_FILLERS))])
        opinion = _POSITIVE if positive else _NEGATIVE
        words.append(opinion[rng.randint(len(opinion))])
        if rng.rand() < 0.5:
            words.append(_ENDINGS[rng.randint(len(_ENDINGS))])
        X.append(" ".join(words))
        y.append(int(positive != negated))
    return X, np.array(y)


def make_sequence_classification(
    n_samples=200,
    *,
    min_length=10,
    max_length=50,
    n_features=1,
    shift=0.5,
    random_state=None,
):
    """Ragged sequences of Gaussian noise whose class shifts their mean.

    Parameters
    ----------
    n_samples : int, default=200
        Number of sequences, at least 1.
    min_length, max_length : int, default=10, 50
        Range of the sequence lengths (inclusive), 1 <= min_length <=
        max_length.
    n_features : int, default=1
        Features per time step, at least 1.
    shift : float, default=0.5
        Class 1 has mean ``+shift``, class 0 ``-shift``; smaller is harder
        (finite).
    random_state : int, RandomState instance or None, default=None
        Seeds the data.

    Returns
    -------
    X : list of ndarray
        Arrays of shape ``(n_steps, n_features)`` of different lengths.
    y : ndarray of int
        Class labels, 0 or 1.

    Examples
    --------
    >>> from skseq.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(3, n_features=2, random_state=0)
    >>> [x.shape[1] for x in X], len(y)
    ([2, 2, 2], 3)
    """
    n_samples, min_length, max_length = _check_lengths(
        n_samples, min_length, max_length
    )
    n_features = _check_int(n_features, "n_features", 1)
    _check_real(shift, "shift")
    rng = check_random_state(random_state)
    y = rng.randint(2, size=n_samples)
    lengths = rng.randint(min_length, max_length + 1, size=n_samples)
    X = [
        rng.normal(shift * (2 * label - 1), 1.0, size=(length, n_features))
        for label, length in zip(y, lengths, strict=True)
    ]
    return X, y
