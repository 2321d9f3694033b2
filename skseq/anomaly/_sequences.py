"""SequenceAnomalyDetector: which sequences of a set are unusual.

A recurrent network learns normal sequences: it reconstructs each one, as a
fixed number of evenly spaced values, from its final state (an autoencoder
whose code is the recurrent state, :class:`~skseq.RNNRegressor`), or it
predicts each step from the steps before it (:class:`~skseq.RNNStepRegressor`,
one direction). A sequence's anomaly score is its mean squared error, and its
p-value the share of held-out normal sequences whose error is at least as
large (split conformal).
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..estimators import RNNRegressor, RNNStepRegressor
from ..utils import MASK_VALUE
from ..utils._sklearn_compat import HasMethods, Interval, StrOptions, _fit_context
from ..utils._warnings import warn
from ..utils.validation import check_sequences
from ._base import PValueDetector, flag_offset
from ._conformal import sequential_p_values
from ._fitted import SEQUENCE_DETECTOR_STATE

__all__ = ["SequenceAnomalyDetector"]

# values a sequence is resampled to, as the target of its reconstruction
RECONSTRUCTED_STEPS = 64


def _resampled(steps, n=RECONSTRUCTED_STEPS):
    """``n`` evenly spaced values of each feature of a ``(n_steps, f)`` array."""
    where = np.linspace(0, len(steps) - 1, n)
    return np.column_stack(
        [np.interp(where, np.arange(len(steps)), column) for column in steps.T]
    )


def _chain(estimator):
    """Yield ``estimator`` and the models it wraps, each with its nested prefix.

    Through the last step of a Pipeline (``steps[-1]``) and the
    ``estimator`` of a search, as far as they go: ``(search, "")``,
    ``(pipeline, "estimator__")``, ``(RNNRegressor(),
    "estimator__rnnregressor__")``.
    """
    prefix = ""
    for _ in range(32):  # nested as deep as anyone writes them
        yield estimator, prefix
        steps = getattr(estimator, "steps", None)
        if isinstance(steps, list) and steps and isinstance(steps[-1], tuple):
            name, estimator = steps[-1][:2]
        elif hasattr(getattr(estimator, "estimator", None), "get_params"):
            name, estimator = "estimator", estimator.estimator
        else:
            return
        prefix += f"{name}__"


def _final_regressor(estimator):
    """Return the model at the end of ``estimator`` and its nested name's prefix.

    (:func:`_chain`'s last: ``(RNNRegressor(), "pipeline__rnnregressor__")``;
    another estimator is its own end, prefix "").
    """
    *_, last = _chain(estimator)
    return last


def _set_own_param(estimator, prefix, name, value):
    """Set ``name`` on the final regressor (nested name), else on ``estimator``.

    The regressor first: a search has a ``random_state`` of its own (its
    sampler's), which is not the network's seed.
    """
    params = estimator.get_params()
    for key in (prefix + name, name):
        if key in params:
            estimator.set_params(**{key: value})
            return


def _refuse_tuned_direction(estimator):
    """Refuse a search of ``estimator``'s chain whose candidates set ``bidirectional``.

    ``method="next_step"`` sets the network's ``bidirectional=False`` (a
    backward pass reads the step it predicts); a search's candidates would
    set it again for each fit.
    """
    for model, _ in _chain(estimator):
        grids = (
            getattr(model, "param_grid", None)
            or getattr(model, "param_distributions", None)
            or []
        )
        for grid in [grids] if isinstance(grids, dict) else list(grids):
            for key in grid if isinstance(grid, dict) else []:
                if key.rsplit("__", 1)[-1] == "bidirectional":
                    raise ValueError(
                        f"estimator is a search whose candidates set {key!r}, but "
                        "method='next_step' trains one direction only (a backward "
                        "pass would read the step it predicts). Leave "
                        "bidirectional out of the search."
                    )


class SequenceAnomalyDetector(PValueDetector, BaseEstimator):
    """Flag the sequences of a set that depart from the normal ones.

    ``fit(X)`` trains a recurrent network on the normal sequences ``X``, all
    but a held-out share of them (``calibration_fraction``), to reconstruct
    each sequence or to predict each of its steps (``method``). A sequence's
    error is its mean squared error (in units of each feature's standard
    deviation); its score is the conformal p-value of that error among the
    held-out sequences' errors. A sequence is an outlier (``predict`` gives
    -1) when its p-value is at most ``false_alarm_rate``, which is then the
    share of normal sequences flagged.

    Parameters
    ----------
    method : {"reconstruction", "next_step"}, default="reconstruction"
        "reconstruction": an :class:`~skseq.RNNRegressor` reads the sequence
        and outputs it again, as 64 evenly spaced values per feature, from
        its pooled recurrent state (an autoencoder: the state is the code,
        so shapes unlike the normal ones reconstruct badly). "next_step": an
        :class:`~skseq.RNNStepRegressor` (one direction: a backward pass would
        read the step it predicts) predicts each step from the steps before
        it; it judges how predictable a sequence is step by step, which
        smooth sequences of any shape are. Reconstruction separated the
        classes of ``benchmarks/sequence_anomaly.py`` better.
    estimator : estimator or None, default=None
        The network to train (cloned), of the kind ``method`` needs: an
        RNNRegressor or RNNStepRegressor, or an estimator ending in one (a
        Pipeline, a search such as GridSearchCV). None: that class's
        defaults. An estimator given has its parameters reached as
        ``estimator__<name>``; None has none: give one (e.g.
        ``estimator=RNNRegressor()``) to tune them. Classifiers, and
        regressors of token ids (``embedding_dim`` set), are refused.
    false_alarm_rate : float, default=0.01
        Share of normal sequences to flag, in (0, 0.5]. With ``n`` held-out
        sequences the smallest p-value is ``1 / (n + 1)``.
    calibration_fraction : float, default=0.2
        Share of the sequences held out of training, whose errors calibrate
        the p-values.
    random_state : int, RandomState instance or None, default=None
        Seed of the held-out draw and of the training: when not None, it
        overrides the estimator's own ``random_state``, else that of the
        regressor at the end of a Pipeline or inside a search (an estimator
        with neither keeps its own seeds).

    Attributes
    ----------
    estimator_ : estimator
        The fitted network (the fitted ``estimator``).
    reference_ : ndarray of shape (n_held_out,)
        The held-out sequences' errors, sorted.
    scale_ : ndarray of shape (n_step_features,)
        Standard deviation of each feature over the training steps (1 where
        constant), the unit of the errors.
    offset_ : float
        The next float above ``false_alarm_rate`` (a p-value equal to the
        rate is flagged): ``decision_function = score_samples - offset_``.
    n_features_in_ : int
        As the sequence estimators: steps of a 2-D ``X``, else features per
        step.

    See Also
    --------
    ForecastAnomalyDetector : Unusual points of one series.

    Notes
    -----
    ``X`` takes the forms of the other sequence estimators: an array
    ``(n_sequences, n_steps[, n_features])``, a list of arrays of any lengths,
    or a long DataFrame. Every sequence needs at least 2 steps.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import RNNRegressor
    >>> from skseq.anomaly import SequenceAnomalyDetector
    >>> rng = np.random.default_rng(0)
    >>> t = np.arange(30)
    >>> normal = [np.sin(t / 3 + rng.uniform(0, 6)) for _ in range(200)]
    >>> detector = SequenceAnomalyDetector(
    ...     estimator=RNNRegressor(hidden_size=16, max_epochs=20),
    ...     false_alarm_rate=0.05, random_state=0).fit(normal)
    >>> odd = [rng.standard_normal(30), np.sin(t / 3)]
    >>> detector.predict(odd).tolist()
    [-1, 1]
    """

    _network, _network_example = "estimator", "RNNRegressor(hidden_size=8)"
    # the fitted state, as skseq.save writes it
    _fitted_attributes = SEQUENCE_DETECTOR_STATE
    _parameter_constraints: dict = {
        "method": [StrOptions({"reconstruction", "next_step"})],
        "estimator": [HasMethods(["fit", "predict"]), None],
        "false_alarm_rate": [Interval(Real, 0, 0.5, closed="right")],
        "calibration_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        method="reconstruction",
        estimator=None,
        *,
        false_alarm_rate=0.01,
        calibration_fraction=0.2,
        random_state=None,
    ):
        self.method = method
        self.estimator = estimator
        self.false_alarm_rate = false_alarm_rate
        self.calibration_fraction = calibration_fraction
        self.random_state = random_state

    def _steps(self, X, reset):
        """Return each sequence of ``X`` as a ``(n_steps, n_features)`` array.

        And the validated sequences, whose spec ``fit`` remembers. Steps of
        the network's ``mask_value`` are padding (as the network reads them):
        a padded array is its ragged sequences. The network is the regressor
        at the end of a Pipeline or inside a search (their own have none).
        """
        network = self.estimator if reset else self.estimator_
        mask_value = getattr(_final_regressor(network)[0], "mask_value", MASK_VALUE)
        sequences = check_sequences(
            X, estimator=self, reset=reset, mask_value=mask_value
        )
        too_short = np.flatnonzero(sequences.lengths < 2)
        if len(too_short):
            raise ValueError(
                f"X[{too_short[0]}] has {sequences.lengths[too_short[0]]} step(s); "
                "sequences need at least 2 steps (X has "
                f"{sequences.n_features_in} feature(s); a 2-D array is "
                "(n_sequences, n_steps))."
            )
        steps = sequences.steps.astype(np.float64)
        return np.split(steps, np.cumsum(sequences.lengths)[:-1]), sequences

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Train the network on normal sequences, calibrate on held-out ones.

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Normal sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceAnomalyDetector
            The fitted detector.
        """
        steps, sequences = self._steps(X, reset=True)
        n = len(steps)
        n_held = int(np.ceil(self.calibration_fraction * n))
        if n_held < 1 or n - n_held < 1:
            raise ValueError(
                f"X has {n} sample(s) (sequences): too few to train on some and "
                f"hold out calibration_fraction={self.calibration_fraction} of them."
            )
        rng = check_random_state(self.random_state)
        order = rng.permutation(n)
        held, train = order[:n_held], order[n_held:]
        estimator = self._network_to_train(rng)
        inputs, targets = self._pairs([steps[i] for i in train], estimator)
        estimator.fit(inputs, targets)
        flat = np.concatenate([steps[i] for i in train])
        scale = flat.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        reference = np.sort(self._errors([steps[i] for i in held], estimator, scale))
        if 1 / (n_held + 1) > self.false_alarm_rate:  # as the p-values round
            warn(
                f"With {n_held} held-out sequences the smallest p-value is "
                f"1/{n_held + 1}, above false_alarm_rate={self.false_alarm_rate}: "
                "no sequence can be flagged. Raise calibration_fraction or "
                "false_alarm_rate, or give more normal sequences.",
            )
        state = {
            "estimator_": estimator,
            "scale_": scale,
            "reference_": reference,
            "offset_": flag_offset(self.false_alarm_rate),
            "n_features_in_": sequences.n_features_in,
            "_input_spec": sequences.spec,
        }
        self.__dict__.pop("feature_names_in_", None)
        if sequences.feature_names is not None:
            state["feature_names_in_"] = sequences.feature_names
        self.__dict__.update(state)
        return self

    def _network_to_train(self, rng):
        """Return the estimator to fit: checked, cloned, its seed drawn."""
        kinds = {"reconstruction": RNNRegressor, "next_step": RNNStepRegressor}
        kind = kinds[self.method]
        if self.estimator is None:
            estimator, prefix = kind(), ""
            final = estimator
        else:
            estimator = clone(self.estimator)
            final, prefix = _final_regressor(estimator)
        if not isinstance(final, (RNNRegressor, RNNStepRegressor)):
            what = "a classifier" if is_classifier(final) else "no sequence regressor"
            raise ValueError(
                f"estimator is {what} ({type(final).__name__}), but "
                "SequenceAnomalyDetector regresses the values of each sequence "
                "(its reconstruction or its next steps). Give an RNNRegressor "
                "(method='reconstruction') or an RNNStepRegressor "
                "(method='next_step'), alone or at the end of a Pipeline or a "
                "search."
            )
        other_method, other = next(i for i in kinds.items() if i[1] is not kind)
        if isinstance(final, other):
            raise ValueError(
                f"method={self.method!r} trains an {kind.__name__}, but estimator "
                f"is an {other.__name__}; give an {kind.__name__}, or "
                f"method={other_method!r}."
            )
        embedding_dim = getattr(final, "embedding_dim", None)
        if embedding_dim is not None:
            raise ValueError(
                f"estimator has {prefix}embedding_dim={embedding_dim}: it reads "
                "token ids, but SequenceAnomalyDetector scores a sequence by the "
                "squared error of its values' reconstruction or next-step "
                "forecast, which ids, arbitrary codes, have no distance for. "
                "Give numeric sequences (e.g. one-hot tokens) and embedding_dim=None."
            )
        if self.method == "next_step":
            _refuse_tuned_direction(estimator)
            _set_own_param(estimator, prefix, "bidirectional", False)
        if self.random_state is not None:
            seed = rng.randint(np.iinfo(np.int32).max)
            _set_own_param(estimator, prefix, "random_state", seed)
        return estimator

    def _pairs(self, steps, estimator):
        """Return what ``estimator`` reads and what it outputs, for ``steps``.

        The class of its regressor says the method (not ``method``, which may
        have been set after fit: it takes effect at the next fit).
        """
        if isinstance(_final_regressor(estimator)[0], RNNStepRegressor):
            return [s[:-1] for s in steps], [s[1:] for s in steps]
        return steps, np.stack([_resampled(s).ravel() for s in steps])

    def _errors(self, steps, estimator=None, scale=None):
        """Mean squared error of each sequence, in units of each feature."""
        estimator = self.estimator_ if estimator is None else estimator
        scale = self.scale_ if scale is None else scale
        inputs, targets = self._pairs(steps, estimator)
        predicted = estimator.predict(inputs)
        return np.array(
            [
                np.mean(
                    ((t - np.reshape(p, np.shape(t))).reshape(-1, len(scale)) / scale)
                    ** 2
                )
                for t, p in zip(targets, predicted)
            ]
        )

    def error(self, X):
        """Mean squared error of each sequence of ``X`` (its anomaly score).

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Sequences to score.

        Returns
        -------
        errors : ndarray of shape (n_sequences,)
            Mean squared reconstruction or next-step error, in units of each
            feature's standard deviation (higher is more unusual).
        """
        check_is_fitted(self)
        return self._errors(self._steps(X, reset=False)[0])

    def score_samples(self, X):
        """Conformal p-value of each sequence: low values are anomalous.

        Parameters
        ----------
        X : array-like, list of array-like or long DataFrame
            Sequences to score.

        Returns
        -------
        scores : ndarray of shape (n_sequences,)
            ``(1 + #{held-out errors >= e}) / (n_held_out + 1)`` for a
            sequence whose error is ``e``.
        """
        errors = self.error(X)
        # counting only: exact split-conformal p-values (a tail fitted to a
        # few dozen held-out errors flagged up to 14 times the rate asked for)
        return sequential_p_values(self.reference_, errors, learn=False)[0]
