"""One conversion of sequence input, with one set of error messages.

Every estimator and transformer of skseq reads its ``X`` through
:func:`check_sequences`. It accepts

- a 3-D array ``(n_samples, n_timesteps, n_features)``: ``n_features_in_`` is
  ``n_features`` and a fitted model may be given another number of steps;
- a 2-D array ``(n_samples, n_timesteps)``: fixed-length univariate sequences.
  scikit-learn reads its columns as features, so ``n_features_in_`` is
  ``n_timesteps`` and predict needs the same length;
- a list of arrays of different lengths, each ``(n_steps,)`` or
  ``(n_steps, n_features)``: variable lengths live here;
- a pandas DataFrame in long format, indexed by a ``(sequence id, time)``
  MultiIndex: one sequence per id, in sorted id order, its columns the
  features;
- a DataFrame of one sequence per cell (sktime's "nested_univ"): a row per
  sequence, a column per feature (the cells of a row of one length);

and returns every valid step of every sequence in one array (sequence after
sequence) with the sequences' lengths: memory follows the data, not its
longest sequence. Float values stay float64 (or float32 when given so): the
estimators centre and scale them before they become float32.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from sklearn.utils.validation import assert_all_finite, check_is_fitted

from ._long import from_long_format, is_long_frame, read_long_frame
from ._ragged import (
    _drop_steps,
    _looks_ragged,
    _pad_flat,
    _ragged_to_flat,
    _refuse_unknown_containers,
    pad_ragged,
    unpad,
    valid_steps,
)
from ._sklearn_compat import _check_feature_names, _get_feature_names
from ._stored import PaddingInside, StoredSequences, as_stored, warn_read_in_memory
from ._values import check_values

__all__ = [
    "MASK_VALUE",
    "InputSpec",
    "Sequences",
    "check_sequences",
    "from_long_format",
    "pad_ragged",
    "unpad",
    "valid_steps",
]

MASK_VALUE = -1e9
"""The padding value skseq's padders write and its estimators mask by default.

A time step whose features all equal ``MASK_VALUE`` is padding. It is a value
real data does not hold (unlike 0.0) and, unlike NaN, it is not an input error.
"""


@dataclass(frozen=True)
class InputSpec:
    """What a fitted estimator remembers of its training input.

    Attributes
    ----------
    layout : {"tabular", "dense", "ragged"}
        Form of ``X`` at fit: a 2-D array, a 3-D array, or sequences of
        different lengths.
    n_channels : int
        Features per time step (1 for a 2-D ``X`` and for token ids).
    n_features_in : int
        scikit-learn's ``n_features_in_``: ``n_timesteps`` for a 2-D ``X``,
        features per step otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils import check_sequences
    >>> check_sequences(np.zeros((5, 7))).spec
    InputSpec(layout='tabular', n_channels=1, n_features_in=7)
    """

    layout: str
    n_channels: int
    n_features_in: int


@dataclass(frozen=True, eq=False)
class Sequences:
    """Validated sequences: their steps, concatenated, and their lengths.

    Attributes
    ----------
    steps : ndarray
        Every valid step of every sequence, sequence after sequence:
        ``(total_steps, n_features)`` floats (float64, or float32 when given
        so), or ``(total_steps,)`` int64 token ids.
        Out of core (see :func:`check_sequences`), a
        :class:`~skseq.io.StoredSequences` that reads them when asked.
    lengths : ndarray of shape (n_samples,)
        Number of valid steps per sequence (int64, each at least 1).
    layout : {"tabular", "dense", "ragged"}
        The input form: a 2-D array, a 3-D array (or a long DataFrame made of
        an array by :func:`to_long_format`), or a list / long DataFrame.
    n_features_in : int
        What scikit-learn calls the number of features: the number of steps
        for a 2-D array, the number of features per step otherwise.
    feature_names : ndarray of str or None
        Column names of a DataFrame input (or of DataFrame sequences).
    index : pandas.Index or None
        The sequence ids of a long DataFrame input, in output order.
    reordered : bool
        Whether those ids, read in sorted order, first appear in the
        DataFrame in another order (a ``y`` given without ids is then paired
        in the sorted order, see :func:`skseq._targets.align_to_ids`).
    item_ndim : {1, 2}
        Dimensions of one input sequence: 1 for a row of a 2-D array or a
        list of 1-D arrays, 2 otherwise. Transformers return this form.
    kept : ndarray of bool or None
        Which steps of the input, concatenated, are kept (not padding); None
        when every step is.
    input_lengths : ndarray or None
        The sequences' lengths in the input, padding included (None when no
        step was dropped).

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils import check_sequences
    >>> seqs = check_sequences([np.ones((2, 3)), np.ones((4, 3))])
    >>> seqs.n_samples, seqs.max_length, seqs.n_channels, seqs.fixed_length
    (2, 4, 3, False)
    >>> seqs.steps.shape, seqs.values.shape
    ((6, 3), (2, 4, 3))
    """

    steps: np.ndarray
    lengths: np.ndarray
    layout: str
    n_features_in: int
    feature_names: np.ndarray | None = None
    index: pd.Index | None = None
    reordered: bool = False
    item_ndim: int = 2
    kept: np.ndarray | None = None
    input_lengths: np.ndarray | None = None

    @property
    def n_samples(self):
        """Number of sequences."""
        return len(self.lengths)

    @property
    def max_length(self):
        """Length of the longest sequence (the padded length)."""
        return int(self.lengths.max())

    @property
    def n_channels(self):
        """Features per time step seen by the network (1 for token ids)."""
        if isinstance(self.steps, StoredSequences):
            return self.steps.n_features
        return self.steps.shape[1] if self.steps.ndim == 2 else 1

    @property
    def is_tokens(self):
        """Whether the values are integer token ids."""
        return self.steps.ndim == 1

    @property
    def spec(self):
        """The :class:`InputSpec` a fitted estimator keeps."""
        return InputSpec(self.layout, self.n_channels, self.n_features_in)

    @cached_property
    def fixed_length(self):
        """Whether every sequence has ``max_length`` valid steps."""
        return bool(np.all(self.lengths == self.lengths[0]))

    @cached_property
    def values(self):
        """The sequences post-padded with zeros, ``(n_samples, max_length, ...)``.

        A view of :attr:`steps` when every sequence has the same length, else
        a padded copy (made once, when asked for).
        """
        if self.fixed_length:
            return self.steps.reshape((self.n_samples, -1) + self.steps.shape[1:])
        return _pad_flat(self.steps, self.lengths)


def _name(estimator):
    return "" if estimator is None else type(estimator).__name__


def _by(estimator):
    return "" if estimator is None else f" by {_name(estimator)}"


def remember_input(estimator, sequences):
    """Set ``n_features_in_``, ``feature_names_in_`` and the input spec in fit.

    For transformers, whose fitted state is only this and what they learn.
    """
    estimator.n_features_in_ = sequences.n_features_in
    estimator._input_spec = sequences.spec
    if sequences.feature_names is None:
        estimator.__dict__.pop("feature_names_in_", None)
    else:
        estimator.feature_names_in_ = sequences.feature_names


def _check_against_fit(estimator, spec, layout, raw_width, n_channels, tokens):
    """At predict time: the input must fit what the estimator was fitted on."""
    name = _name(estimator)
    expected = spec.n_features_in
    if layout == "tabular" and spec.layout == "tabular":
        if raw_width != expected:
            raise ValueError(
                f"X has {raw_width} features, but {name} is expecting {expected} "
                "features as input. (A 2-D X holds univariate sequences of "
                f"{expected} steps; pass a list of arrays for other lengths.)"
            )
        return
    if tokens:
        return
    if layout == "tabular":
        if spec.n_channels != 1:
            raise ValueError(
                f"X is 2-D, which skseq reads as univariate sequences (n_samples, "
                f"n_timesteps), but {name} was fitted on sequences with "
                f"{spec.n_channels} features per time step; pass a 3-D array "
                f"(n_samples, n_timesteps, {spec.n_channels}) or a list of "
                f"(n_steps, {spec.n_channels}) arrays."
            )
        return
    if spec.layout == "tabular":
        if n_channels != 1:
            raise ValueError(
                f"X has {n_channels} features per time step, but {name} was fitted "
                "on univariate sequences (a 2-D X) and is expecting 1."
            )
        return
    if n_channels != expected:
        raise ValueError(
            f"X has {n_channels} features, but {name} is expecting {expected} "
            "features as input."
        )


def check_sequences(
    X,
    *,
    estimator=None,
    reset=True,
    spec=None,
    tokens=False,
    mask_value=None,
    drop_padding=True,
    out_of_core=False,
    input_name="X",
    check_names=True,
):
    """Validate sequence input and return it post-padded with its lengths.

    Parameters
    ----------
    X : array-like, list of array-like or pandas.DataFrame
        A 2-D array ``(n_samples, n_timesteps)``, a 3-D array ``(n_samples,
        n_timesteps, n_features)``, a list of ``(n_steps,)`` or ``(n_steps,
        n_features)`` arrays, a long DataFrame indexed by ``(id, time)``, or
        a DataFrame of one sequence per cell.
    estimator : estimator instance, default=None
        Named in error messages. With ``reset=False`` the input is checked
        against its fitted ``n_features_in_`` and ``feature_names_in_``.
    reset : bool, default=True
        True in ``fit``: nothing is checked against a previous fit.
    spec : InputSpec, default=None
        With ``reset=False``, what the input is checked against; by default
        ``estimator._input_spec``.
    tokens : bool, default=False
        Expect integer token ids (``(n_samples, n_timesteps)`` or a list of
        1-D arrays), with id 0 as padding.
    mask_value : float, default=None
        Steps whose features all equal ``mask_value`` are padding, wherever
        they are (as Keras' ``Masking``): they are removed. Token id 0 is
        padding too.
    drop_padding : bool, default=True
        False keeps every step, padding included (for networks that read
        each position, such as ``pooling="flatten"``).
    out_of_core : bool, default=False
        Leave a stored array (a numpy memmap, zarr, Dask or HDF5 array, or
        :class:`~skseq.io.StoredSequences`) in its store: the returned
        ``steps`` is then a :class:`~skseq.io.StoredSequences`, checked block
        by block. Otherwise such arrays are read into memory, and
        ``StoredSequences`` is refused.
    input_name : str, default="X"
        Name of the argument in error messages.
    check_names : bool, default=True
        With ``reset=False``, compare the input's feature names with the
        fitted ones (scikit-learn's warnings); False skips that comparison
        (for an output read back, which carries no input names).

    Returns
    -------
    Sequences
        Post-padded values, lengths and what scikit-learn needs to know.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.utils import check_sequences
    >>> seqs = check_sequences([np.array([1.0, 2.0, 3.0]), np.array([4.0])])
    >>> seqs.values.shape, seqs.lengths.tolist(), seqs.layout
    ((2, 3, 1), [3, 1], 'ragged')
    """
    if not reset and estimator is not None:
        check_is_fitted(estimator)
    if out_of_core or isinstance(X, StoredSequences):
        stored = as_stored(X)
        if stored is not None:
            # padding is cut where it is dropped (not for pooling="flatten")
            cut = mask_value if drop_padding else None
            layout, original = stored.layout, stored
            try:
                stored = _check_stored(stored, estimator, out_of_core, cut)
            except PaddingInside:
                if isinstance(X, StoredSequences):
                    raise
                warn_read_in_memory(stored)
                X = np.asarray(X)
            else:
                return _stored_sequences(
                    X, stored, layout, estimator, reset, spec, original.lengths
                )
    fitted_names = None
    if not reset and estimator is not None:
        fitted_names = getattr(estimator, "feature_names_in_", None)
    feature_names, index, item_ndim, from_list = None, None, 2, False
    reordered = False
    if isinstance(X, pd.DataFrame) and is_long_frame(X):
        feature_names = _get_feature_names(X)
        steps, lengths, index, layout, reordered = read_long_frame(
            X, estimator, input_name, tokens
        )
        if tokens:
            checks = dict(estimator=estimator, input_name=input_name)
            steps = check_values(steps, tokens=True, allow_nd=False, **checks)[:, 0]
    elif _looks_ragged(X):  # a nested DataFrame's names are checked as a frame's
        layout, from_list = "ragged", not isinstance(X, pd.DataFrame)
        flat, lengths, item_ndim, names = _ragged_to_flat(
            X, estimator, input_name, fitted_names
        )
        if names is not None:
            feature_names = np.asarray(names, dtype=object)
        if tokens and flat.shape[1] != 1:
            raise ValueError(
                f"{input_name} holds sequences of {flat.shape[1]} features per "
                "step; token ids come as 1-D sequences."
            )
        steps = check_values(
            flat,
            tokens=tokens,
            estimator=estimator,
            input_name=input_name,
            allow_nd=False,
        )
        if tokens:
            steps = steps[:, 0]
    else:
        _refuse_unknown_containers(X, input_name)
        if isinstance(X, (list, tuple)) and len(X) == 0:
            raise ValueError(
                f"Found 0 sequences in {input_name} while a minimum of 1 is "
                f"required{_by(estimator)}."
            )
        feature_names = _get_feature_names(X)
        values = check_values(
            X,
            tokens=tokens,
            estimator=estimator,
            input_name=input_name,
            allow_nd=True,
        )
        if values.ndim > 3 or (tokens and values.ndim == 3):
            expected = 2 if tokens else 3
            raise ValueError(
                f"Found array with dim {values.ndim}. {_name(estimator) or 'skseq'} "
                f"expected <= {expected}."
            )
        if values.ndim == 3:
            layout = "dense"
            for axis, what in ((1, "timestep"), (2, "feature")):
                if values.shape[axis] < 1:
                    raise ValueError(
                        f"Found array with 0 {what}(s) (shape={values.shape}) while "
                        f"a minimum of 1 is required{_by(estimator)}."
                    )
        else:
            layout = "tabular"
            item_ndim = 1
            if not tokens:
                values = values[:, :, None]
        lengths = np.full(values.shape[0], values.shape[1], dtype=np.int64)
        steps = values.reshape((-1,) + values.shape[2:])

    raw_width = (
        int(lengths[0]) if layout == "tabular" else (1 if tokens else steps.shape[1])
    )
    n_channels = 1 if tokens else steps.shape[1]
    if not reset:
        spec = estimator._input_spec if spec is None else spec
        _check_against_fit(estimator, spec, layout, raw_width, n_channels, tokens)
        if check_names and not (from_list and feature_names is not None):
            # (DataFrame sequences were aligned by name above)
            _check_feature_names(estimator, X, reset=False)

    kept, input_lengths = None, None
    if drop_padding and tokens:
        kept, reason = steps != 0, "every id is 0 (padding)"
    elif drop_padding and mask_value is not None:
        kept = ~np.all(steps == steps.dtype.type(mask_value), axis=1)
        reason = f"every step equals mask_value={mask_value!r}"
    if kept is not None and not kept.all():
        input_lengths = lengths
        steps, lengths = _drop_steps(steps, lengths, kept, input_name, reason)
    else:
        kept = None
    return Sequences(
        steps=steps,
        lengths=lengths,
        layout=layout,
        n_features_in=raw_width,
        feature_names=feature_names,
        index=index,
        reordered=reordered,
        item_ndim=1 if tokens else item_ndim,
        kept=kept,
        input_lengths=input_lengths,
    )


def _check_stored(stored, estimator, out_of_core, mask_value):
    """Check stored sequences a block at a time; return them without padding."""
    if not out_of_core:
        raise TypeError(
            f"X is StoredSequences, which {_name(estimator) or 'this function'} "
            "with these parameters does not read out of core (RNNClassifier, "
            "RNNRegressor, RNNStepRegressor and RNNTagger read numeric X so, "
            "without embedding_dim); pass the sequences themselves."
        )
    name = _name(estimator)
    return stored.checked(
        lambda block: assert_all_finite(block, estimator_name=name, input_name="X"),
        mask_value,
    )


def _stored_sequences(X, stored, layout, estimator, reset, spec, input_lengths):
    """Return :class:`Sequences` whose steps stay in their store.

    ``input_lengths`` are the stored lengths before padding was cut off; the
    steps kept are then the first ``stored.lengths`` of each sequence.
    """
    width = stored.width if layout == "tabular" else stored.n_features
    kept = None
    if not np.array_equal(input_lengths, stored.lengths):
        position = np.arange(int(input_lengths.max()))
        kept = (position < stored.lengths[:, None])[position < input_lengths[:, None]]
    else:
        input_lengths = None
    if not reset:
        spec = estimator._input_spec if spec is None else spec
        _check_against_fit(estimator, spec, layout, width, stored.n_features, False)
        _check_feature_names(estimator, X, reset=False)
    return Sequences(
        steps=stored,
        lengths=stored.lengths,
        layout=layout,
        n_features_in=width,
        index=None if stored.ids is None else pd.Index(stored.ids),
        item_ndim=1 if stored.univariate else 2,
        kept=kept,
        input_lengths=input_lengths,
    )
