"""Pandas output of the sequence transformers: a long DataFrame.

scikit-learn's ``set_output(transform="pandas")`` (or the global
``transform_output="pandas"``) turns a 2-D output into a DataFrame. The output
of a sequence transformer is a set of sequences (ragged, or a 3-D array), so
a table holds it as a long frame: one row per step, indexed by
``(sequence, step)``, one column per feature of a step. skseq's estimators
read that form, so a Pipeline with pandas output runs end to end.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ..utils._long import (
    ONE_ARRAY,
    ONE_DIMENSIONAL,
    from_long_format,
    is_long_frame,
    to_long_format,
)
from ..utils._sklearn_compat import _check_feature_names_in, _get_output_config
from ..utils._warnings import warn

__all__ = ["SequenceOutputMixin"]

_FORMS = ("default", "pandas")


class SequenceOutputMixin:
    """``set_output`` and feature names for a transformer of sequences.

    Subclasses return ``self._sequence_output(out)`` from ``transform``
    (scikit-learn's own wrapping, which makes a 2-D frame, is off for them),
    and read a long frame back in ``inverse_transform`` through
    :meth:`_from_sequence_output`. It comes before ``TransformerMixin`` in the
    bases, so that its ``__init_subclass__`` turns that wrapping off.

    One rule names the output for all of them: the columns of the long frame
    are the features of a step, :meth:`_step_names`; the other output's
    columns (where it is 2-D) are :meth:`_array_names`, the same names unless
    a subclass says otherwise. :meth:`get_feature_names_out` returns the
    names of the configured output.
    """

    def __init_subclass__(cls, **kwargs):
        kwargs.setdefault("auto_wrap_output_keys", None)
        super().__init_subclass__(**kwargs)

    def set_output(self, *, transform=None):
        """Set the form of the output of ``transform`` and ``fit_transform``.

        Parameters
        ----------
        transform : {"default", "pandas"} or None, default=None
            "default": lists of arrays or arrays; "pandas": a long DataFrame
            indexed by ``(sequence, step)``, one column per feature of a step
            (see :func:`skseq.utils.to_long_format`); None: unchanged.

        Returns
        -------
        self : estimator
            The transformer.
        """
        if transform is None:
            return self
        if transform not in _FORMS:
            raise ValueError(
                f"{type(self).__name__} outputs sequences, as arrays "
                f'(transform="default") or as a long pandas DataFrame '
                f'(transform="pandas"); got transform={transform!r}.'
            )
        if not hasattr(self, "_sklearn_output_config"):
            self._sklearn_output_config = {}
        self._sklearn_output_config["transform"] = transform
        return self

    def _outputs_pandas(self):
        """Whether ``transform`` returns a long frame (own setting, else global)."""
        return _get_output_config("transform", self)["dense"] == "pandas"

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        The pandas output (``set_output(transform="pandas")``) is a long frame
        with one row per step: its columns are the features of a step. The
        other output is a list or array of sequences; where it is 2-D, the
        names are those of its columns (see the transformer's Notes).

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            What each transformer's Notes say. For most, the input's feature
            names: by default ``feature_names_in_`` or ``["x0", "x1",
            ...]``. For the encoders' features of a step, a prefix (its
            first name; by default ``"token"``). The padder's 2-D output
            names its steps, ``step0, step1, ...``, whatever it is.

        Returns
        -------
        ndarray of str
            The names of the output columns.
        """
        check_is_fitted(self)
        if self._outputs_pandas():
            return self._step_names(input_features)
        return self._array_names(input_features)

    def _step_names(self, input_features=None):
        """Return the names of the features of a step (the pandas output's columns).

        By default the input's features; a 2-D ``X`` read as univariate
        sequences (its columns are steps) has one feature, ``x0``.
        """
        spec = getattr(self, "_input_spec", None)
        if spec is not None and spec.layout == "tabular":
            return np.array(["x0"], dtype=object)
        return _check_feature_names_in(self, input_features)

    def _array_names(self, input_features=None):
        """Return the names of the columns of the output without pandas."""
        return self._step_names(input_features)

    def _sequence_output(self, sequences, ids=None, reordered=False):
        """Return ``sequences`` in the configured form (own, else global).

        The columns of the long frame are :meth:`_step_names`. ``ids`` are
        the input's sequence ids (a long frame's), kept in the output; by
        default the output's ids are positions. Arrays of the sequences of a
        long frame whose ids first appear out of sorted order (``reordered``,
        as the input was read) warn: a ``y`` in the frame's order, or indexed
        by the ids, would be paired with them by position.
        """
        form = _get_output_config("transform", self)["dense"]
        if form == "default":
            if reordered:
                warn(
                    f"{type(self).__name__} outputs the sequences of a long "
                    "DataFrame in sorted id order, without their ids, but the ids "
                    "first appear in another order: a y in the frame's order is "
                    "paired with the wrong sequences. set_output(transform="
                    '"pandas") keeps the ids (a y indexed by them lines up).'
                )
            return sequences
        if form != "pandas":
            raise ValueError(
                f"{type(self).__name__} outputs sequences, as arrays or as a "
                f"long pandas DataFrame; transform_output={form!r} is not "
                'supported: use "pandas" or "default".'
            )
        return to_long_format(sequences, list(self._step_names()), ids)

    @staticmethod
    def _from_sequence_output(X, stack=None):
        """Return ``X`` as it would be without pandas output.

        A long frame becomes one ``(n_steps, n_features)`` array per sequence
        (``(n_steps,)`` if it came from 1-D sequences), stacked into one array
        with ``stack`` (the output was padded or windowed); by default, as
        the frame was made (of one array, or of a list). Anything else is
        returned as it is.
        """
        if not (isinstance(X, pd.DataFrame) and is_long_frame(X)):
            return X
        sequences, _ = from_long_format(X)
        if X.attrs.get(ONE_DIMENSIONAL) and X.shape[1] == 1:
            sequences = [s[:, 0] for s in sequences]
        if stack is None:
            stack = (
                bool(X.attrs.get(ONE_ARRAY)) and len({len(s) for s in sequences}) == 1
            )
        return np.stack(sequences) if stack else sequences
