"""SequencePadder: sequences of different lengths to one fixed length."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ..utils.validation import MASK_VALUE, check_sequences, remember_input
from ._output import SequenceOutputMixin

__all__ = ["SequencePadder"]


def padding_value(value, dtype):
    """Return the padding value: ``value``, or skseq's convention if None.

    By convention float sequences are padded with :data:`skseq.MASK_VALUE`
    and integer token ids with 0, which skseq's estimators mask.
    """
    if value is not None:
        return value
    return 0 if np.issubdtype(np.dtype(dtype), np.integer) else MASK_VALUE


def _check_representable(steps, value, dtype):
    """Refuse values and a padding value that ``dtype`` would change."""
    if np.issubdtype(dtype, np.integer):
        if not float(value).is_integer():  # np.full would truncate it
            raise ValueError(
                f"value={value!r} is not an integer, but dtype={dtype.name} holds "
                "integer ids; give an integer padding value, or a float dtype."
            )
        info = np.iinfo(dtype)
        low, high = (steps.min(), steps.max()) if steps.size else (0, 0)
        if low < info.min or high > info.max or not info.min <= value <= info.max:
            raise ValueError(
                f"dtype={dtype.name} holds integers in [{info.min}, {info.max}], but "
                f"the ids lie in [{low}, {high}] (padding value {value}); choose a "
                "wider dtype, e.g. 'int32' or 'int64'."
            )
        return
    with np.errstate(over="ignore"):
        if (
            not np.isfinite(np.asarray(value, dtype=dtype))
            or not np.isfinite(steps.astype(dtype, copy=False)).all()
        ):
            wider = "'float32'" if dtype.itemsize < 4 else "'float64'"
            raise ValueError(
                f"dtype={dtype.name} cannot hold the values or the padding value "
                f"{value} (they would become infinite); choose a wider dtype, e.g. "
                f"{wider}, or another padding value."
            )


class SequencePadder(SequenceOutputMixin, TransformerMixin, BaseEstimator):
    """Pad or truncate sequences to one length.

    The ``pad_sequences`` of skseq. The estimators take sequences of different
    lengths directly; the padder is for fixed-size output: a model that needs
    it, or a cap on the length. Its default padding value is the one skseq's
    estimators mask (:data:`skseq.MASK_VALUE` for floats, 0 for integer token
    ids), so padded output fed to them is masked, never learned.

    Parameters
    ----------
    maxlen : int or None, default=None
        Output length. None uses the longest training sequence.
    padding : {"pre", "post"}, default="pre"
        Pad before or after each sequence.
    truncating : {"pre", "post"}, default="pre"
        Drop the steps of a longer sequence at its start or its end.
    value : finite float or None, default=None
        Padding value. None follows skseq's masking convention (above); any
        other value must be given to the estimators as ``mask_value``. With
        an integer ``dtype`` it must be an integer.
    dtype : str or numpy dtype, default="float32"
        Output dtype. An integer dtype reads the input as token ids, of which
        0 is padding. float32, what the networks compute in, has a 24-bit
        significand (about 7 significant digits): integers beyond 2**24 and
        values that differ only past their 7th digit round to one value
        (1e8 + 1 becomes 1e8). "float64" keeps them apart; skseq's
        estimators standardise float64 input in float64 before the network
        reads it in float32.

    Attributes
    ----------
    max_length_ : int
        Output length.
    n_features_in_ : int
        Features seen during fit (the number of columns of a 2-D ``X``, as
        scikit-learn counts them, else the features per time step).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` was a DataFrame.

    See Also
    --------
    skseq.preprocessing.SequenceScaler : Scale sequences, keeping padding.

    Notes
    -----
    :meth:`get_feature_names_out` names the output's columns: with pandas
    output (a long frame, a row per step) the features of a step (the
    input's, ``["x0"]`` for a 2-D ``X``, whose columns are steps); otherwise
    the steps, ``["step0", "step1", ...]``, of a 2-D output (univariate
    sequences; ``input_features`` does not change them), and the features of
    a step, as with pandas output, of a 3-D one.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.preprocessing import SequencePadder
    >>> X = [np.array([1.0]), np.array([2.0, 3.0]), np.array([4.0, 5.0, 6.0])]
    >>> SequencePadder(value=0.0).fit_transform(X)
    array([[0., 0., 1.],
           [0., 2., 3.],
           [4., 5., 6.]], dtype=float32)
    >>> SequencePadder(maxlen=2, padding="post", value=0.0).fit_transform(X)
    array([[1., 0.],
           [2., 3.],
           [5., 6.]], dtype=float32)
    >>> large = [np.array([1e8, 1e8 + 1])]
    >>> np.diff(SequencePadder().fit_transform(large)).item()
    0.0
    >>> np.diff(SequencePadder(dtype="float64").fit_transform(large)).item()
    1.0
    """

    _parameter_constraints: dict = {
        "maxlen": [Interval(Integral, 1, None, closed="left"), None],
        "padding": [StrOptions({"pre", "post"})],
        "truncating": [StrOptions({"pre", "post"})],
        "value": [Interval(Real, None, None, closed="neither"), None],
        "dtype": "no_validation",
    }

    def __init__(
        self,
        maxlen=None,
        *,
        padding="pre",
        truncating="pre",
        value=None,
        dtype="float32",
    ):
        self.maxlen = maxlen
        self.padding = padding
        self.truncating = truncating
        self.value = value
        self.dtype = dtype

    def _dtype(self):
        """Return ``dtype`` as a numpy dtype, refused unless float or integer."""
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:  # not a dtype at all ("flaot32")
            dtype = None
        if dtype is None or not (
            np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)
        ):
            raise ValueError(
                "dtype must be a float or integer dtype (e.g. 'float32' or "
                f"'int64'), got {self.dtype!r}."
            )
        return dtype

    def _check(self, X, reset):
        dtype = self._dtype()
        tokens = np.issubdtype(dtype, np.integer)
        # Input already padded by skseq's convention (MASK_VALUE, or id 0 for
        # tokens) is unpadded first, so padding twice changes nothing. A value
        # of your own may also be real data (0.0): it is left as it is.
        convention = None if tokens or self.value is not None else MASK_VALUE
        sequences = check_sequences(
            X, estimator=self, reset=reset, tokens=tokens, mask_value=convention
        )
        _check_representable(sequences.steps, padding_value(self.value, dtype), dtype)
        return sequences

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the output length (the longest sequence unless ``maxlen``).

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Sequences, in any form the skseq estimators accept.
        y : None
            Ignored.

        Returns
        -------
        self : SequencePadder
            The fitted padder.
        """
        sequences = self._check(X, reset=True)
        self.max_length_ = int(self.maxlen or sequences.lengths.max())
        self._univariate = sequences.item_ndim == 1  # a 2-D output
        remember_input(self, sequences)
        return self

    def transform(self, X):
        """Pad or truncate each sequence to ``max_length_`` steps.

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Sequences.

        Returns
        -------
        ndarray
            ``(n_samples, max_length_)`` for univariate sequences (1-D
            sequences, rows of a 2-D array, token ids), else
            ``(n_samples, max_length_, n_features)``.
        """
        check_is_fitted(self)
        sequences = self._check(X, reset=False)
        dtype = self._dtype()
        steps, lengths, size = sequences.steps, sequences.lengths, self.max_length_
        out = np.full(
            (len(lengths), size) + steps.shape[1:],
            padding_value(self.value, dtype),
            dtype=dtype,
        )
        kept = np.minimum(lengths, size)
        zeros = np.zeros_like(lengths)
        source_start = lengths - kept if self.truncating == "pre" else zeros
        target_start = size - kept if self.padding == "pre" else zeros
        rows = np.repeat(np.arange(len(lengths)), kept)
        offset = np.arange(kept.sum()) - np.repeat(np.cumsum(kept) - kept, kept)
        first = np.cumsum(lengths) - lengths  # where each sequence's steps start
        out[rows, np.repeat(target_start, kept) + offset] = steps[
            np.repeat(first + source_start, kept) + offset
        ]
        if out.ndim == 3 and sequences.item_ndim == 1:
            out = out[:, :, 0]
        return self._sequence_output(out, sequences.index, sequences.reordered)

    def inverse_transform(self, X):
        """Remove the padding: back to a list of sequences.

        Parameters
        ----------
        X : ndarray
            Padded sequences, as :meth:`transform` returns them.

        Returns
        -------
        list of ndarray
            The sequences without their padding steps (truncated steps are
            not restored).
        """
        check_is_fitted(self)
        X = self._from_sequence_output(X, stack=True)
        try:
            X = np.asarray(X)
        except ValueError:  # a list of sequences of different lengths
            got = "sequences of different lengths"
        else:
            got = f"an array of shape {X.shape} and dtype {X.dtype}"
        if (
            not isinstance(X, np.ndarray)
            or X.ndim not in (2, 3)
            or X.dtype.kind not in "biuf"
        ):
            raise ValueError(
                f"X must be padded sequences, 2-D (n_samples, n_steps) or 3-D "
                f"(n_samples, n_steps, n_features) numbers, as transform returns "
                f"them; got {got}."
            )
        dtype = self._dtype()
        value = padding_value(self.value, dtype)
        steps = X if X.ndim == 3 else X[:, :, None]
        is_value = np.all(steps == np.asarray(value, dtype=X.dtype), axis=2)
        # only the run of padding on the padded side: values equal to the
        # padding value inside a sequence stay
        if self.padding == "pre":
            start = np.argmin(is_value, axis=1)
            start[is_value.all(axis=1)] = X.shape[1]
            bounds = zip(start, np.full(len(X), X.shape[1]), strict=True)
        else:
            stop = X.shape[1] - np.argmin(is_value[:, ::-1], axis=1)
            stop[is_value.all(axis=1)] = 0
            bounds = zip(np.zeros(len(X), dtype=int), stop, strict=True)
        return [
            row[a:b].astype(dtype, copy=False)
            for row, (a, b) in zip(X, bounds, strict=True)
        ]

    def _array_names(self, input_features=None):
        """Name the columns of a 2-D output, one per step: ``step0, step1, ...``.

        A 3-D output's last axis holds the features of a step: their names.
        """
        # fitted before the output's form was kept: what n_channels says
        univariate = getattr(self, "_univariate", self._input_spec.n_channels == 1)
        if not univariate:
            return self._step_names(input_features)
        return np.array([f"step{i}" for i in range(self.max_length_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
