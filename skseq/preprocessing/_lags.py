"""Flat rows of lags (darts, sktime) as ``(n_steps, n_features)`` sequences.

A reduction forecaster's row holds the target's lags, then each covariate's;
skseq would read it as one univariate sequence mixing the variables.
"""

import re
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_feature_names_in,
    _fit_context,
    validate_params,
)
from ._output import SequenceOutputMixin

__all__ = ["LagsToSequences", "darts_lags_to_sequences"]

# a lag column's name: "<variable>_lag<k>" (SequenceWindower's "y_lag2",
# darts' "0_target_lag-2")
_LAG_NAME = re.compile(r"(.+)_lag[-+]?\d+")


def _grid(n_steps, n_features, order):
    """(feature, step) of each column of a full grid of lags."""
    shape = (n_features, n_steps) if order == "variable" else (n_steps, n_features)
    grid = np.indices(shape).reshape(2, -1)
    return tuple(grid) if order == "variable" else tuple(grid[::-1])


def _pairs(columns):
    """(feature, lag) of each column from ``columns``, checked."""
    pairs = np.asarray(columns)
    if pairs.ndim != 2 or pairs.shape[1:] != (2,) or pairs.dtype.kind not in "iu":
        raise ValueError(
            "columns must list one (feature, lag) pair of integers per column of "
            f"X, got an array of shape {pairs.shape} and dtype {pairs.dtype}."
        )
    features = pairs[:, 0]
    if len(pairs) and set(features.tolist()) != set(range(features.max() + 1)):
        raise ValueError(
            "The features of columns must be numbered 0 to n_features - 1, each "
            f"with at least one column; got {sorted(set(features.tolist()))}."
        )
    if len(np.unique(pairs, axis=0)) < len(pairs):
        raise ValueError("columns names the same (feature, lag) pair twice.")
    return features, pairs[:, 1]


class LagsToSequences(SequenceOutputMixin, TransformerMixin, BaseEstimator):
    """Reshape flat rows of lagged values into ``(n_steps, n_features)`` sequences.

    darts' ``SKLearnModel`` and sktime's ``make_reduction`` pass one flat row
    of lags per sample, which skseq would read as one univariate sequence. In
    a Pipeline in front of an estimator, this gives it multivariate sequences.

    Parameters
    ----------
    n_steps : int or None, default=None
        Lags per variable; None: the columns of ``X`` over ``n_features``.
    n_features : int or None, default=None
        Variables per row (the target and each covariate); None is 1.
    order : {"variable", "step"}, default="variable"
        "variable": all lags of variable 0 (oldest first), then of variable 1,
        ... (sktime's layout; darts' with univariate series). "step": all
        variables at the oldest lag, then at the next (darts' layout within
        one multivariate series).
    columns : array-like of shape (n_columns, 2) or None, default=None
        Any other layout, instead of the three above: the ``(feature, lag)``
        of each column, features numbered from 0. The steps are the distinct
        lags, oldest first (lags ``[-24, -12, -1]`` make three steps). It
        replaces ``n_steps``, ``n_features`` and ``order``: giving it with
        any of them (``order`` other than "variable") is refused.
    fill_value : float, default=0.0
        With ``columns``, the value of a variable at a step where it has no
        lag; the network cannot tell it from a measured value. NaN marks it
        missing for models that take missing values (HistGradientBoosting);
        skseq's own estimators do not mask NaN (they refuse it): give them a
        finite value. Infinite values are refused.

    Attributes
    ----------
    steps_ : ndarray of shape (n_steps,)
        The lag of each output step with ``columns``, else its position.
    n_features_in_ : int
        Number of columns of ``X``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame.

    See Also
    --------
    darts_lags_to_sequences : This transformer from darts' lag settings.

    Notes
    -----
    The output's features are the variables: :meth:`get_feature_names_out`
    names them, and names the columns of the pandas output
    (``set_output(transform="pandas")``, a long frame with one row per step).
    Input columns named ``<variable>_lag<k>`` (darts' ``0_target_lag-2``,
    :class:`SequenceWindower`'s ``y_lag2``) give their variable's name.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq.preprocessing import LagsToSequences
    >>> X = np.array([[1.0, 2.0, 3.0, 10.0, 20.0, 30.0]])  # y lags, then x lags
    >>> LagsToSequences(n_steps=3, n_features=2).fit_transform(X)[0]
    array([[ 1., 10.],
           [ 2., 20.],
           [ 3., 30.]])
    """

    _parameter_constraints: dict = {
        "n_steps": [Interval(Integral, 1, None, closed="left"), None],
        "n_features": [Interval(Integral, 1, None, closed="left"), None],
        "order": [StrOptions({"variable", "step"})],
        "columns": ["array-like", None],
        "fill_value": [Interval(Real, None, None, closed="neither"), "nan"],
    }

    def __init__(
        self,
        n_steps=None,
        n_features=None,
        *,
        order="variable",
        columns=None,
        fill_value=0.0,
    ):
        self.n_steps = n_steps
        self.n_features = n_features
        self.order = order
        self.columns = columns
        self.fill_value = fill_value

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the number of columns of ``X`` against the layout.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_columns)
            One row of lags per sample.
        y : None
            Ignored.

        Returns
        -------
        self : LagsToSequences
            The fitted transformer.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        width = X.shape[1]
        conflicting = [
            f"{name}={value!r}"
            for name, value, default in (
                ("n_steps", self.n_steps, None),
                ("n_features", self.n_features, None),
                ("order", self.order, "variable"),
            )
            if value != default
        ]
        if self.columns is not None and conflicting:
            raise ValueError(
                f"columns gives the (feature, lag) of each column; it cannot be "
                f"combined with {', '.join(conflicting)}, which describe a full "
                "grid of lags instead. Give one layout or the other."
            )
        if self.columns is not None:
            features, lags = _pairs(self.columns)
            expected = f"columns lists {len(lags)}"
        else:
            n_features = self.n_features or 1
            n_steps = self.n_steps or -(-width // n_features)
            features, lags = _grid(n_steps, n_features, self.order)
            expected = f"n_features={n_features} needs a multiple of {n_features}"
            if self.n_steps is not None:
                expected = (
                    f"n_steps={n_steps} by n_features={n_features} need {len(lags)}"
                )
        if width != len(lags):
            raise ValueError(
                f"X has {width} columns, but {expected} columns: give the layout "
                "of the lag table that X comes from."
            )
        self.steps_, self._step_index = np.unique(lags, return_inverse=True)
        self._feature_index = features
        return self

    def transform(self, X):
        """Place each column of ``X`` at its step and feature.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_columns)
            One flat row of lagged values per sample.

        Returns
        -------
        ndarray of shape (n_samples, n_steps, n_features)
            The sequences, oldest step first.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        shape = (len(X), len(self.steps_), self._feature_index.max() + 1)
        out = np.full(shape, self.fill_value, dtype=X.dtype)
        out[:, self._step_index, self._feature_index] = X
        return self._sequence_output(out)

    def _step_names(self, input_features=None):
        """Name the variables: ``<name>`` of columns ``<name>_lag<k>``, or ``x<j>``.

        When every column of a variable is named ``<name>_lag<k>``, with one
        ``<name>`` per variable, the variables are those ``<name>``;
        otherwise ``x0, x1, ...``. They name the output however it is given.
        """
        names = _check_feature_names_in(self, input_features)
        n_features = self._feature_index.max() + 1
        variables = [set() for _ in range(n_features)]
        for feature, name in zip(self._feature_index, names, strict=True):
            match = _LAG_NAME.fullmatch(str(name))
            variables[feature].add(match.group(1) if match else None)
        found = [next(iter(v)) if len(v) == 1 else None for v in variables]
        if None in found or len(set(found)) < n_features:
            found = [f"x{j}" for j in range(n_features)]
        return np.asarray(found, dtype=object)


_FORMS = {
    "lags": "an int >= 1 or a non-empty list of ints < 0",
    "lags_past_covariates": "an int >= 1 or a non-empty list of ints < 0",
    "lags_future_covariates": (
        "a tuple (past, future) of two ints >= 0, not (0, 0), or a non-empty "
        "list of ints"
    ),
}


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _block_lags(lags, name):
    """Lags of one darts argument as a sorted list, checked as darts checks them."""
    given = lags
    if isinstance(lags, dict):
        if list(lags) != ["default_lags"]:
            raise ValueError(
                f"The '{name}' parameter of darts_lags_to_sequences gives lags per "
                f"component (keys {sorted(map(str, lags))}); only "
                "{'default_lags': lags}, the same lags for every component, is "
                "read. For lags per component, give LagsToSequences(columns=...) "
                "the (feature, lag) of each column, in darts' order (by lag, then "
                "by component)."
            )
        lags = lags["default_lags"]
    future = name == "lags_future_covariates"
    if future and isinstance(lags, tuple):
        if len(lags) == 2 and all(_is_int(n) and n >= 0 for n in lags) and any(lags):
            return list(range(-lags[0], lags[1]))
    elif not future and _is_int(lags):
        if lags >= 1:
            return list(range(-lags, 0))
    elif isinstance(lags, list) and lags:
        if all(_is_int(lag) and (future or lag < 0) for lag in lags):
            repeated = sorted({lag for lag in lags if lags.count(lag) > 1})
            if repeated:
                raise ValueError(
                    f"The '{name}' parameter of darts_lags_to_sequences must list "
                    f"each lag once; got {given!r}, with {repeated[0]} repeated."
                )
            return sorted(int(lag) for lag in lags)
    raise ValueError(
        f"The '{name}' parameter of darts_lags_to_sequences must be "
        f"{_FORMS[name]} (as in darts), such lags as {{'default_lags': lags}}, "
        f"or None. Got {given!r} instead."
    )


def _check_n_components(n_components):
    """Return the three numbers of components, checked."""
    counts = None if isinstance(n_components, str) else np.asarray(n_components)
    if (
        counts is None
        or counts.shape != (3,)
        or counts.dtype.kind not in "iu"
        or (counts < 1).any()
    ):
        raise ValueError(
            "The 'n_components' parameter of darts_lags_to_sequences must be 3 "
            "ints >= 1 (the components of the target, the past covariates and "
            f"the future covariates). Got {n_components!r} instead."
        )
    return [int(n) for n in counts]


@validate_params(
    {
        "lags": [Interval(Integral, 1, None, closed="left"), list, dict, None],
        "lags_past_covariates": [
            Interval(Integral, 1, None, closed="left"),
            list,
            dict,
            None,
        ],
        "lags_future_covariates": [tuple, list, dict, None],
        "n_components": ["array-like"],
        "output_chunk_shift": [Interval(Integral, 0, None, closed="left")],
        "fill_value": [Interval(Real, None, None, closed="neither"), "nan"],
    },
    prefer_skip_nested_validation=True,
)
def darts_lags_to_sequences(
    lags=None,
    lags_past_covariates=None,
    lags_future_covariates=None,
    *,
    n_components=(1, 1, 1),
    output_chunk_shift=0,
    fill_value=0.0,
):
    """Build a :class:`LagsToSequences` for the lag table of a darts model.

    darts writes the target's lags, then the past covariates', then the future
    covariates' (each block by lag, then by component). The features are the
    components in that order; the steps, all the lags that appear.

    Parameters
    ----------
    lags, lags_past_covariates : int, list of int, dict or None, default=None
        As in darts: ``n`` is the lags ``-n`` to ``-1``; a list holds lags
        below 0; ``{"default_lags": lags}`` is ``lags`` for every component.
        Lags per component (other keys) are refused: give
        ``LagsToSequences(columns=...)`` instead.
    lags_future_covariates : tuple of 2 int, list of int, dict or None, \
default=None
        As in darts: ``(past, future)`` is the lags ``-past`` to
        ``future - 1``; a list holds any lags; ``{"default_lags": lags}``
        as above.
    n_components : tuple of 3 int, default=(1, 1, 1)
        Components of the target, past covariates and future covariates.
    output_chunk_shift : int, default=0
        The darts model's, which shifts the future covariates' lags by as
        many steps. The sequence then skips times: with ``lags=2``,
        ``lags_future_covariates=[0]`` and a shift of 2, its steps are the
        lags -2, -1 and 2 (the times 0 and 1 have no step), and the network
        reads them as consecutive steps all the same.
    fill_value : float, default=0.0
        Value of a variable at a step where it has no lag. NaN marks it
        missing for models that take missing values (HistGradientBoosting);
        skseq's own estimators do not mask NaN (they refuse it): give them a
        finite value. Infinite values are refused.

    Returns
    -------
    LagsToSequences
        The transformer, with its ``columns`` set.

    Raises
    ------
    ValueError
        For lags darts refuses (``0``, a tuple outside
        ``lags_future_covariates``, a lag >= 0 of the target or past
        covariates, floats), a lag given twice, lags per component, or
        ``n_components`` that are not 3 ints >= 1.

    Examples
    --------
    >>> from skseq.preprocessing import darts_lags_to_sequences
    >>> lags = darts_lags_to_sequences(lags=2, lags_future_covariates=[0])
    >>> lags.columns
    [(0, -2), (0, -1), (1, 0)]
    >>> lags.fit_transform([[1.0, 2.0, 30.0]])[0]  # y(t-2), y(t-1), x(t)
    array([[ 1.,  0.],
           [ 2.,  0.],
           [ 0., 30.]])
    """
    n_components = _check_n_components(n_components)
    names = ("lags", "lags_past_covariates", "lags_future_covariates")
    blocks, columns, first = (lags, lags_past_covariates, lags_future_covariates), [], 0
    for name, block, n in zip(names, blocks, n_components, strict=True):
        if block is not None:
            shift = output_chunk_shift if name == "lags_future_covariates" else 0
            columns += [
                (first + component, lag + shift)
                for lag in _block_lags(block, name)
                for component in range(n)
            ]
            first += n
    if not columns:
        raise ValueError("Give the lags of at least one of the three blocks.")
    return LagsToSequences(columns=columns, fill_value=fill_value)
