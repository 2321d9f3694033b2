"""Targets and predictions at every step, in the forms users give and get.

``y`` of a per-step estimator holds one label or value for every step of
``X``: a list of arrays (one per sequence; a pandas Series of them indexed by
a long ``X``'s sequence ids is paired by id), a 2-D array or DataFrame
``(n_samples, n_steps)`` (3-D with several outputs) for fixed-length ``X``,
or a long Series/DataFrame indexed like a long ``X`` (by positions 0, 1, ...
where ``X``'s sequences have no ids). Steps that ``X`` marks as padding
(``mask_value``, token id 0) are left out on both sides.
"""

import numpy as np
import pandas as pd

from .._base import _BaseSequenceEstimator, conv_params
from .._targets import align_to_ids, long_target_ids, warn_if_reordered
from ..utils._long import is_long_frame
from ..utils._sklearn_compat import StrOptions

__all__ = ["StepEstimator", "flat_step_targets", "per_sequence"]


def _items(y, sequences):
    """Return the per-sequence target arrays of ``y``."""
    if is_long_frame(y):
        y = y.sort_index(level=[0, y.index.nlevels - 1], sort_remaining=False)
        codes, ids = pd.factorize(y.index.get_level_values(0))
        expected = long_target_ids(ids, sequences.index, sequences.n_samples)
        values = y.to_numpy()
        parts = dict(zip(ids, np.split(values, np.cumsum(np.bincount(codes))[:-1])))
        return [parts[key] for key in expected]  # in X's order (a store's)
    if isinstance(y, (pd.Series, pd.DataFrame)):
        # one item (a Series' array, a wide frame's row) per sequence: by id
        # where indexed by X's ids, else by position (warned where reordered)
        y = align_to_ids(y, sequences)
        if isinstance(y, pd.DataFrame):  # a 2-D array (n_samples, n_steps)
            y = y.to_numpy()
    else:
        warn_if_reordered(sequences)  # paired by position with X's sorted ids
    if isinstance(y, np.ndarray) and y.dtype != object:
        if y.ndim < 2:
            raise ValueError(
                f"y must hold one target per step: a list of arrays or an array "
                f"(n_samples, n_steps), got an array of shape {y.shape}."
            )
        return list(y)
    if not isinstance(y, (list, tuple, np.ndarray, pd.Series)):
        raise ValueError(
            "y must hold one target per step: a list of arrays (one per "
            f"sequence), got a {type(y).__name__}."
        )
    return [np.asarray(item) for item in y]


def flat_step_targets(y, sequences):
    """Concatenate per-step targets, aligned with the kept steps of ``X``.

    Returns an array ``(total_steps,)`` or ``(total_steps, n_outputs)``.
    """
    items = _items(y, sequences)
    if len(items) != sequences.n_samples:
        raise ValueError(
            "Found input variables with inconsistent numbers of samples: X has "
            f"{sequences.n_samples} sequences but y has {len(items)}."
        )
    lengths = np.array([len(np.atleast_1d(item)) for item in items])
    flat = np.concatenate([np.atleast_1d(item) for item in items])
    if np.array_equal(lengths, sequences.lengths):
        return flat
    if sequences.input_lengths is not None and np.array_equal(
        lengths, sequences.input_lengths
    ):
        return flat[sequences.kept]  # targets of padding steps are left out
    first = int(np.flatnonzero(lengths != sequences.lengths)[0])
    raise ValueError(
        f"y[{first}] has {lengths[first]} targets but sequence {first} of X has "
        f"{sequences.lengths[first]} steps; give one target per step."
    )


def per_sequence(flat, sequences):
    """Per-step values ``(total_steps, ...)`` back in the form of ``X``.

    An array ``(n_samples, n_steps, ...)`` when ``X`` was an array and no step
    was padding, else a list of arrays, one per sequence.
    """
    parts = np.split(flat, np.cumsum(sequences.lengths)[:-1])
    if sequences.layout != "ragged" and sequences.kept is None:
        return np.stack(parts)
    return parts


def _without_auto(constraints):
    """``constraints`` less the option "auto" (a StrOptions of it alone is dropped)."""
    kept = []
    for constraint in constraints:
        if isinstance(constraint, StrOptions) and "auto" in constraint.options:
            options = constraint.options - {"auto"}
            if not options:
                continue
            constraint = StrOptions(options, deprecated=constraint.deprecated)
        kept.append(constraint)
    return kept


class StepEstimator(_BaseSequenceEstimator):
    """Base of the estimators with an output at every step (not for direct use)."""

    # no pooling, and none of the sequence estimators' "auto" choices (they
    # were measured on outputs per sequence), whichever parameters have one
    _parameter_constraints: dict = {
        key: _without_auto(value)
        for key, value in _BaseSequenceEstimator._parameter_constraints.items()
        if key != "pooling"
    }

    # stored numeric X is read a batch at a time; the targets of every step
    # are held in memory (one value per step: small against a store of many
    # features, not against a univariate one)
    _reads_stored = True

    def _reads_every_position(self):
        return False

    def _network_params(self):
        return {
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "bidirectional": self.bidirectional,
            "per_step": True,  # an output at every step: no pooling
            **conv_params(self),
        }
