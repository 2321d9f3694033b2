"""Encoders of categorical sequence steps: one-hot vectors and integer ids.

Both flatten the steps of all sequences into one column, let scikit-learn's
OneHotEncoder / OrdinalEncoder do the encoding (categories, unknown and
infrequent handling), and cut the result back into sequences.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.utils.validation import check_is_fitted

from ..utils._long import is_long_frame
from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_feature_names_in,
    _fit_context,
)
from ..utils._values import holds_integers
from ._output import SequenceOutputMixin
from ._tokens import (
    check_token_sequences,
    read_long_tokens,
    split_flat,
)

__all__ = ["SequenceOneHotEncoder", "SequenceOrdinalEncoder"]

PADDING_ID = 0
UNKNOWN_ID = 1


def _infrequent(encoder):
    """Infrequent categories of a fitted encoder's one column, or None."""
    try:
        return encoder.infrequent_categories_[0]
    except AttributeError:  # neither min_frequency nor max_categories set
        return None


def _integer_ids(ids, position):
    """Return sequence ``position``'s ids as int64; refuse what is no integer."""
    ids = np.asarray(ids)
    if not holds_integers(ids):
        raise ValueError(
            f"ids must be integers, as transform returns them; sequence {position} "
            f"holds {ids.ravel()[:5].tolist()} (dtype {ids.dtype})."
        )
    return ids.astype(np.int64)


_TOKEN_PARAMETERS = """
    split : {"char", "word"}, default="char"
        How a string is cut into tokens: characters, or words separated by
        white space. Sequences given as lists or arrays, or as the rows of a
        long DataFrame, are used as they are.
    min_frequency : int, float or None, default=None
        Tokens seen fewer times (or in a smaller share of all steps) are
        infrequent and share one category, as in scikit-learn's encoders.
    max_categories : int or None, default=None
        Keep at most this many categories, the rarest grouped as infrequent.
"""


class _BaseSequenceEncoder(SequenceOutputMixin, TransformerMixin, BaseEstimator):
    _parameter_constraints: dict = {
        "split": [StrOptions({"char", "word"})],
        "min_frequency": [
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="neither"),
            None,
        ],
        "max_categories": [Interval(Integral, 1, None, closed="left"), None],
    }

    def _tokens(self, X, reset):
        """Return the tokens, lengths, 2-D-ness and long-frame reading of X.

        The last: a long frame's ids and whether they first appear out of
        sorted order; ``(None, False)`` for other forms.
        """
        if is_long_frame(X):
            flat, lengths, *long = read_long_tokens(X, self, reset, self._allow_nan)
            return flat, lengths, False, long
        flat, lengths, fixed = check_token_sequences(
            X, self.split, self, reset=reset, allow_nan=self._allow_nan
        )
        return flat, lengths, fixed, (None, False)

    def _fit_encoder(self, X, encoder):
        flat = self._tokens(X, reset=True)[0]
        # arrays inside, whatever sklearn's global transform_output says
        encoder.set_output(transform="default")
        encoder.fit(flat.reshape(-1, 1))
        return encoder

    def _tokens_to_transform(self, X):
        """Flatten ``X``; with handle_unknown="error", refuse unseen tokens."""
        check_is_fitted(self)
        flat, lengths, fixed, long = self._tokens(X, reset=False)
        if self.handle_unknown == "error":
            known = self._encoder.categories_[0]
            unknown = pd.unique(flat[~pd.Series(flat).isin(known).to_numpy()])
            if len(unknown):
                raise ValueError(
                    f"Found unknown tokens {list(unknown[:10])} during transform. "
                    f"{self._unknown_hint}"
                )
        return flat, lengths, fixed, long

    def _step_names(self, input_features=None):
        """Name the features of a step: the categories, or ``token_id``.

        ``input_features`` gives their prefix (its first name), by default
        ``"token"``.
        """
        names = ["token"] if input_features is None else list(input_features)
        if not names:
            raise ValueError("input_features must hold the prefix, got no names.")
        return self._names_out(str(names[0]))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.input_tags.allow_nan = self._allow_nan
        tags.transformer_tags.preserves_dtype = []
        return tags


class SequenceOneHotEncoder(_BaseSequenceEncoder):
    __doc__ = f"""Encode each categorical step of a sequence as a one-hot vector.

    Each step of each sequence is a token (a string, a number, a character of
    a string); it becomes a vector with a 1 at its category. Categories are
    learned at fit from the steps of all sequences.

    Parameters
    ----------{_TOKEN_PARAMETERS}
    handle_unknown : {{"error", "ignore", "infrequent_if_exist", "warn"}}, \
            default="error"
        A token not seen at fit raises a ValueError ("error"), becomes a
        vector of zeros ("ignore"), or is encoded as the infrequent category
        when there is one ("infrequent_if_exist"; zeros otherwise); "warn" is
        "infrequent_if_exist" with a warning.

    Attributes
    ----------
    categories_ : ndarray
        The categories, sorted, in the order of the output columns.
    infrequent_categories_ : ndarray or None
        Categories grouped as infrequent.

    See Also
    --------
    SequenceOrdinalEncoder : Tokens to integer ids, for an embedding.

    Notes
    -----
    A 2-D array of tokens (fixed-length sequences) gives a 3-D array
    ``(n_samples, n_timesteps, n_categories)``; a list of sequences gives a
    list of ``(n_steps, n_categories)`` arrays. Both are float32 and feed the
    skseq estimators directly. A long DataFrame (a row per (sequence id,
    time) step) is read per id, as skseq's estimators read it: a list in the
    order of the sorted ids, whose pandas output keeps the ids.

    :meth:`get_feature_names_out` names the categories, ``["token_a",
    "token_b", ...]`` (``input_features[0]`` replaces the prefix): the
    features of a step, and the columns of the pandas output.

    Examples
    --------
    >>> from skseq.preprocessing import SequenceOneHotEncoder
    >>> encoder = SequenceOneHotEncoder().fit(["abc", "ba"])
    >>> encoder.categories_.tolist()
    ['a', 'b', 'c']
    >>> encoder.transform(["cab"])[0]
    array([[0., 0., 1.],
           [1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """

    _parameter_constraints: dict = {
        **_BaseSequenceEncoder._parameter_constraints,
        "handle_unknown": [
            StrOptions({"error", "ignore", "infrequent_if_exist", "warn"})
        ],
    }
    # NaN is a category of its own, as in scikit-learn's OneHotEncoder
    _allow_nan = True
    _unknown_hint = (
        "Use handle_unknown='ignore' to encode them as zeros, or "
        "'infrequent_if_exist' with min_frequency or max_categories."
    )

    def __init__(
        self,
        *,
        split="char",
        handle_unknown="error",
        min_frequency=None,
        max_categories=None,
    ):
        self.split = split
        self.handle_unknown = handle_unknown
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the categories from the steps of all sequences.

        Parameters
        ----------
        X : list of str, list of sequences of tokens, 2-D array or long DataFrame
            Sequences of tokens; a long DataFrame holds one column of tokens,
            a row per (sequence id, time) step.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceOneHotEncoder
            The fitted encoder.
        """
        encoder = OneHotEncoder(
            handle_unknown=self.handle_unknown,
            min_frequency=self.min_frequency,
            max_categories=self.max_categories,
            sparse_output=False,
            dtype=np.float32,
        )
        self._encoder = self._fit_encoder(X, encoder)
        self.categories_ = self._encoder.categories_[0]
        self.infrequent_categories_ = _infrequent(self._encoder)
        return self

    def transform(self, X):
        """Encode each step as a one-hot vector.

        Parameters
        ----------
        X : list of str, list of sequences of tokens, 2-D array or long DataFrame
            Sequences of tokens; a long DataFrame holds one column of tokens,
            a row per (sequence id, time) step.

        Returns
        -------
        list of ndarray or ndarray
            One ``(n_steps, n_categories)`` float32 array per sequence, or a
            3-D array for a 2-D ``X``.
        """
        flat, lengths, fixed, long = self._tokens_to_transform(X)
        encoded = self._encoder.transform(flat.reshape(-1, 1))
        return self._sequence_output(split_flat(encoded, lengths, fixed), *long)

    def inverse_transform(self, X):
        """Tokens back from one-hot vectors (None for all-zero vectors).

        Parameters
        ----------
        X : list of ndarray or ndarray
            One-hot sequences, as :meth:`transform` returns them.

        Returns
        -------
        list of ndarray
            One object array of tokens per sequence.
        """
        check_is_fitted(self)
        sequences = list(self._from_sequence_output(X))
        lengths = np.array([len(s) for s in sequences])
        flat = np.concatenate([np.asarray(s).reshape(len(s), -1) for s in sequences])
        tokens = self._encoder.inverse_transform(flat)[:, 0]
        return split_flat(tokens, lengths, fixed=False)

    def _names_out(self, prefix):
        return self._encoder.get_feature_names_out([prefix])


class SequenceOrdinalEncoder(_BaseSequenceEncoder):
    __doc__ = f"""Encode tokens as integer ids for an embedding (a tokenizer).

    Each step of each sequence is a token (a string, a number, a character or
    word of a string); it becomes an integer id. The lowest ids are reserved:
    0 is padding and 1 an unknown token, so an estimator fitted on encoded
    sequences always accepts both. Known tokens get ids from 2 on.

    Parameters
    ----------{_TOKEN_PARAMETERS}
    handle_unknown : {{"use_unknown", "error"}}, default="use_unknown"
        A token not seen at fit gets the unknown id 1, or raises a ValueError.

    Attributes
    ----------
    vocabulary_ : dict
        Token to id, for the tokens seen at fit.
    vocab_size_ : int
        Number of ids in use (padding and unknown included): the
        ``vocab_size`` for an embedding.
    categories_ : ndarray
        The known tokens, sorted; token ``categories_[i]`` has id ``i + 2``
        (unless it is infrequent).
    infrequent_categories_ : ndarray or None
        Tokens grouped as infrequent; they share the last id.

    See Also
    --------
    SequenceOneHotEncoder : Tokens to one-hot vectors.

    Notes
    -----
    :meth:`get_feature_names_out` gives ``["token_id"]`` (``input_features[0]``
    replaces the prefix), the column of the pandas output; but the input's
    columns (its steps) where a 2-D ``X`` gives a 2-D array of ids.

    Examples
    --------
    >>> from skseq.preprocessing import SequenceOrdinalEncoder
    >>> encoder = SequenceOrdinalEncoder(split="word").fit(["the cat", "a cat"])
    >>> encoder.vocabulary_
    {{'a': 2, 'cat': 3, 'the': 4}}
    >>> encoder.transform(["the dog"])
    [array([4, 1])]
    >>> encoder.inverse_transform([[4, 1, 0]])
    [array(['the', None], dtype=object)]
    """

    _parameter_constraints: dict = {
        **_BaseSequenceEncoder._parameter_constraints,
        "handle_unknown": [StrOptions({"use_unknown", "error"})],
    }
    _allow_nan = False
    _unknown_hint = (
        f"Use handle_unknown='use_unknown' to give them the unknown id {UNKNOWN_ID}."
    )

    def __init__(
        self,
        *,
        split="char",
        handle_unknown="use_unknown",
        min_frequency=None,
        max_categories=None,
    ):
        self.split = split
        self.handle_unknown = handle_unknown
        self.min_frequency = min_frequency
        self.max_categories = max_categories

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary from the steps of all sequences.

        Parameters
        ----------
        X : list of str, list of sequences of tokens, 2-D array or long DataFrame
            Sequences of tokens; a long DataFrame holds one column of tokens,
            a row per (sequence id, time) step.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceOrdinalEncoder
            The fitted encoder.
        """
        encoder = OrdinalEncoder(
            handle_unknown="use_encoded_value",
            unknown_value=-1,
            min_frequency=self.min_frequency,
            max_categories=self.max_categories,
            dtype=np.int64,
        )
        self._encoder = self._fit_encoder(X, encoder)
        categories = self._encoder.categories_[0]
        ids = self._encoder.transform(categories.reshape(-1, 1))[:, 0] + 2
        self.categories_ = categories
        self.infrequent_categories_ = _infrequent(self._encoder)
        self.vocabulary_ = {
            token: int(i) for token, i in zip(categories, ids, strict=True)
        }
        self.vocab_size_ = int(ids.max()) + 1
        return self

    def transform(self, X):
        """Encode each token as its id (1 for unknown tokens).

        Parameters
        ----------
        X : list of str, list of sequences of tokens, 2-D array or long DataFrame
            Sequences of tokens; a long DataFrame holds one column of tokens,
            a row per (sequence id, time) step.

        Returns
        -------
        list of ndarray or ndarray
            One int64 array of ids per sequence, or a 2-D array for a 2-D
            ``X``.
        """
        flat, lengths, fixed, long = self._tokens_to_transform(X)
        codes = self._encoder.transform(flat.reshape(-1, 1))[:, 0]
        ids = np.where(codes < 0, UNKNOWN_ID, codes + 2).astype(np.int64)
        return self._sequence_output(split_flat(ids, lengths, fixed), *long)

    def inverse_transform(self, X):
        """Tokens back from ids: padding (0) is dropped, unknown (1) is None.

        Parameters
        ----------
        X : list of array-like of int or 2-D array
            Sequences of ids, as :meth:`transform` returns them (padding
            anywhere is dropped).

        Returns
        -------
        list of ndarray
            One object array of tokens per sequence.
        """
        check_is_fitted(self)
        tokens = np.concatenate([[None], [None], self._id_tokens()]).astype(object)
        out = []
        for position, ids in enumerate(self._from_sequence_output(X)):
            ids = _integer_ids(ids, position)
            ids = ids[ids != PADDING_ID]
            if ids.size and (ids.min() < 0 or ids.max() >= self.vocab_size_):
                raise ValueError(
                    f"ids must lie in [0, {self.vocab_size_ - 1}], got "
                    f"{ids.min()} to {ids.max()}."
                )
            out.append(tokens[ids])
        return out

    def _names_out(self, prefix):
        return np.array([f"{prefix}_id"], dtype=object)

    def _array_names(self, input_features=None):
        """Name a column of ids per column of a 2-D ``X`` (its steps)."""
        if hasattr(self, "n_features_in_"):  # fitted on a 2-D X (its steps)
            return _check_feature_names_in(self, input_features)
        return self._step_names(input_features)

    def _id_tokens(self):
        """Return the token of each id from 2 on ("infrequent_sklearn" if shared)."""
        codes = np.arange(self.vocab_size_ - 2).reshape(-1, 1)
        return self._encoder.inverse_transform(codes)[:, 0]
