"""Step-by-step prediction on streams: one time step in, the output after it out.

A unidirectional recurrent network reads a sequence one step at a time, so
its output after step ``t`` needs only its state after step ``t - 1`` and the
step itself. :class:`StreamingPredictor` carries that state (and the running
mean or maximum that pooling needs) between calls; bidirectional networks,
convolutional front ends, attention and flattening need steps yet to come
and are refused.
"""

import numpy as np
import torch

from .._input import categorical_ids, check_token_ids
from ..utils._sklearn_compat import _check_feature_names
from ._common import read_fitted

__all__ = ["StreamingPredictor"]


def _blend(new, old, keep):
    """Return ``new`` where ``keep`` (a stream mask), else ``old``."""
    if old is None:
        return new
    return torch.where(keep, new, old)


class StreamingPredictor:
    """Predict on streams one time step at a time, carrying the network's state.

    After each :meth:`step`, the outputs are those ``predict`` gives on every
    stream's steps so far (up to float32 rounding): for a classifier or
    regressor, the prediction of the prefix; for a tagger or step regressor,
    the output at the step just read. Several streams run side by side, one
    row each. A step whose features all equal the estimator's
    ``mask_value`` (token id 0 for token ids) is padding, as in ``predict``:
    it leaves its stream's state and output as they were, which is how a
    stream that has ended, or skips this time, is fed. Every stream starts
    at the first step after :meth:`reset`, with a valid step (a stream has no
    output before its first step): run a stream that starts later in a
    predictor of its own, or :meth:`reset` when it starts.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNTagger or RNNStepRegressor
        A fitted estimator with skseq's own unidirectional network, without
        a convolutional front end, pooling "last", "mean" or "max" (any for
        outputs at every step), standardised globally (not per sequence).
        A mixed-precision network runs in float32.

    Attributes
    ----------
    n_steps_ : ndarray of shape (n_streams,) or None
        The valid steps each stream has read since the last :meth:`reset`
        (None before the first step).
    feature_names_in_ : ndarray of shape (n_features,)
        The estimator's, when it was fitted on named features: a step given
        as a DataFrame must have these columns, in this order, as in
        ``predict``. Not set for a 2-D ``X``, whose columns are time steps: a
        step of one feature is read whatever its column's name.

    Raises
    ------
    ValueError
        For a network that needs the steps to come (see above).

    See Also
    --------
    skseq.export.export_onnx : Export a fitted estimator to ONNX.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RNNRegressor
    >>> from skseq.export import StreamingPredictor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(32, 6, 2))
    >>> model = RNNRegressor(hidden_size=4, max_epochs=2, random_state=0)
    >>> model = model.fit(X, X[:, :, 0].sum(axis=1))
    >>> stream = StreamingPredictor(model)
    >>> for t in range(6):
    ...     y_t = stream.step(X[:3, t])  # one step of 3 streams
    >>> np.allclose(y_t, model.predict(X[:3]), atol=1e-5)
    True
    >>> stream.n_steps_.tolist()
    [6, 6, 6]
    """

    def __init__(self, estimator):
        fitted = read_fitted(estimator, "StreamingPredictor")
        network = fitted.module
        if network.bidirectional or network.conv is not None:
            part = "bidirectional" if network.bidirectional else "convolutional"
            raise ValueError(
                f"StreamingPredictor needs a network whose output at a step "
                f"depends on the steps so far only; this {fitted.name}'s is "
                f"{part}, which reads steps yet to come. Fit it with "
                "bidirectional=False and conv_layers=0 to stream."
            )
        if not network.per_step and network.pooling not in ("last", "mean", "max"):
            raise ValueError(
                f"StreamingPredictor keeps a running pooling of the states: "
                f"pooling 'last', 'mean' or 'max'; this {fitted.name} pools with "
                f"{network.pooling!r}, which weighs or places every step of the "
                "whole sequence."
            )
        if fitted.input.per_sequence:
            raise ValueError(
                "StreamingPredictor cannot standardise each sequence by its own "
                "mean and deviation (standardize='sequence'): they need the whole "
                "sequence. Fit with standardize=True to stream."
            )
        self._fitted = fitted
        # the columns of a 2-D X name its time steps, not a step's features
        self._named_steps = fitted.input.spec.layout != "tabular"
        if fitted.feature_names is not None and self._named_steps:
            self.feature_names_in_ = fitted.feature_names
        self.reset()

    def reset(self):
        """Forget every stream: the next :meth:`step` starts new ones.

        Returns
        -------
        self : StreamingPredictor
            This predictor, with no state.
        """
        self._state = None  # the recurrent state: h, or (h, c) for an LSTM
        self._pooled = None  # the top layer's last state, running sum or max
        self._proba = None
        self.n_steps_ = None
        return self

    def _check_step(self, x):
        """Return the network's input for step ``x`` and which rows are steps."""
        fitted = self._fitted
        n_channels = fitted.input.spec.n_channels
        if fitted.tokens:
            ids = np.asarray(x)
            if (
                ids.ndim != 1
                or not np.issubdtype(ids.dtype, np.integer)
                or (ids < 0).any()
            ):
                raise ValueError(
                    f"A step of token ids is an array (n_streams,) of integers >= 0; "
                    f"got {ids.dtype} of shape {ids.shape}."
                )
            check_token_ids(ids, fitted.input.vocab_size, "vocab_size_", "x")
            return torch.as_tensor(ids, dtype=torch.int64)[:, None], ids != 0
        if hasattr(x, "columns") and self._named_steps:  # names, in order
            _check_feature_names(self, x, reset=False)
        values = np.asarray(x, dtype=np.float64)
        if values.ndim == 1 and n_channels == 1:
            values = values[:, None]
        if values.ndim != 2 or values.shape[1] != n_channels:
            raise ValueError(
                f"A step is an array (n_streams, n_features) with {n_channels} "
                f"features (x[None] for one stream); got shape {values.shape}."
            )
        if not np.isfinite(values).all():
            raise ValueError("x holds NaN or infinite values.")
        valid = np.ones(len(values), dtype=bool)
        if fitted.input.mask_value is not None:
            valid = ~np.all(values == fitted.input.mask_value, axis=1)
        for column, size in zip(
            fitted.input.categorical, fitted.input.categorical_sizes, strict=True
        ):
            ids = categorical_ids(values[valid], column)
            check_token_ids(ids, size, f"the vocabulary of column {column}", "x")
        # padding is read as zeros (as ids 0, not -1e9), then forgotten
        scaled = np.zeros(values.shape, dtype=np.float32)
        scaled[valid] = fitted.input.scaled_steps(values[valid])  # as predict does
        return torch.as_tensor(scaled)[:, None], valid

    def step(self, x):
        """Read one time step of every stream; return the outputs after it.

        Parameters
        ----------
        x : array-like of shape (n_streams, n_features)
            The next step of each stream (``(n_streams,)`` for one feature or
            token ids), raw, as given to ``predict``. The number of streams
            is set by the first step after :meth:`reset`.

        Returns
        -------
        ndarray
            What ``predict`` returns for every stream's steps so far: labels
            ``(n_streams,)`` for a classifier, values ``(n_streams,)`` or
            ``(n_streams, n_outputs)`` for a regressor; for a tagger or step
            regressor, those of the step just read.

        Raises
        ------
        ValueError
            For a step of another shape or number of streams, a DataFrame
            whose columns are not the fitted features in order, a stream whose
            first step is padding, or values that ``predict`` refuses (NaN,
            unknown ids, beyond float32 once standardised).
        """
        X, valid = self._check_step(x)
        steps = np.zeros(len(valid), dtype=np.int64)
        if self.n_steps_ is not None:
            steps = self.n_steps_
            if len(valid) != len(steps):
                raise ValueError(
                    f"This step holds {len(valid)} streams, the earlier ones "
                    f"{len(steps)}; call reset() to start other streams."
                )
        steps = steps + valid
        if not steps.all():
            raise ValueError(
                f"Stream {np.flatnonzero(steps == 0)[0]} has no valid step yet (its "
                "first step is padding); every stream starts with a valid step."
            )
        network, keep = self._fitted.module, torch.as_tensor(valid)[:, None]
        with torch.inference_mode():
            states, state = network.rnn(network.embed(X), self._state)
            if isinstance(state, tuple):  # an LSTM's (h, c)
                old = (None, None) if self._state is None else self._state
                state = tuple(_blend(n, o, keep) for n, o in zip(state, old))
            else:
                state = _blend(state, self._state, keep)
            top, pooled = states[:, 0], self._pooled
            if network.per_step or network.pooling == "last":
                pooled = _blend(top, pooled, keep)
            elif network.pooling == "mean":  # a running sum, read as a mean
                pooled = top if pooled is None else pooled + top * keep
            else:  # a running maximum
                grown = top if pooled is None else pooled.maximum(top)
                pooled = _blend(grown, pooled, keep)
            summary = pooled
            if network.pooling == "mean" and not network.per_step:
                summary = pooled / torch.as_tensor(steps, dtype=pooled.dtype)[:, None]
            outputs = network.head(summary).numpy()
        self._state, self._pooled, self.n_steps_ = state, pooled, steps
        predictions, self._proba = self._fitted.decode(outputs)
        return predictions

    def predict_proba(self):
        """Return the class probabilities after the last step (classifiers).

        Returns
        -------
        ndarray of shape (n_streams, n_classes)
            What ``predict_proba`` returns for every stream's steps so far
            (for a tagger, at the step just read).
        """
        if self._fitted.classes is None:
            raise TypeError(f"A {self._fitted.name} has no class probabilities.")
        if self._proba is None:
            raise ValueError("No step has been read since reset(); call step().")
        return self._proba
