"""Scores of the steps of a series from its forecast errors, and of normal steps.

A step's score is the size of the mean of its last ``smoothing`` normalised
errors (:func:`step_scores`); the scores of normal steps, which p-values
compare it with, come from the held-out errors (:func:`reference_scores`).
:class:`Scoring` holds the settings a fitted detector scores with.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._conformal import sequential_p_values

__all__ = ["DRAWS", "Scoring", "reference_scores", "step_scores"]


def _smooth(errors, steps):
    """Mean of each error and the ``steps - 1`` before it (NaN stays NaN).

    ``errors`` is ``(n,)`` or ``(n, k)``: each column on its own.
    """
    if steps == 1:
        return errors
    means = pd.DataFrame(errors).rolling(steps, min_periods=1).mean().to_numpy()
    return np.where(np.isnan(errors), np.nan, means.reshape(np.shape(errors)))


def step_scores(errors, average, steps):
    """Each step's score from signed normalised errors ``(n, k)``, ``(n,)``.

    "signed": the largest over the columns of the absolute mean of the
    ``steps`` last errors; "absolute": the mean over the ``steps`` last steps
    of the largest absolute error over the columns.
    """
    if average == "signed":
        return np.abs(_smooth(errors, steps)).max(axis=1)
    return _smooth(np.abs(errors).max(axis=1), steps)


# signed means of smoothing errors drawn from the held-out ones (a reference
# of this many, whose tail the Pareto fit reads)
DRAWS = 1000


def reference_scores(errors, average, steps):
    """Return the scores of normal steps, from the held-out ``errors``.

    Signed means of ``steps`` of the held-out errors ``(n, k)`` drawn at
    random (with replacement, :data:`DRAWS` times, fixed seed): the
    distribution of the mean of ``steps`` new errors drawn as the held-out
    ones were, the assumption conformal p-values make of single ones
    (without replacement, few held-out errors would narrow it: from 60
    Gaussian errors, 2.6 times the false alarms asked for at 0.001). The
    means of consecutive errors instead
    overlap: ``n`` errors give about ``n / steps`` independent ones, too few
    for a tail at 0.001 (3 to 5 times the false alarms asked for there).
    The absolute average, whose sizes of errors
    cluster in time, and ``steps=1`` keep the scores of the consecutive
    held-out steps, each with ``steps`` errors behind it.
    """
    if average == "signed" and steps > 1:
        rng = np.random.default_rng(0)
        drawn = rng.integers(len(errors), size=(DRAWS, steps))
        return np.sort(np.abs(errors[drawn].mean(axis=1)).max(axis=1))
    scores = step_scores(errors, average, steps)
    # the first ones have fewer than steps errors behind them (a series too
    # short for any complete mean keeps them)
    if len(scores) >= steps:
        scores = scores[steps - 1 :]
    return np.sort(scores)


@dataclass(frozen=True)
class Scoring:
    """How a fitted detector scores: its parameters at fit.

    Its reference and tail bound were made with them, so that a parameter
    set after fit takes effect at the next fit (scikit-learn's rule).

    Attributes
    ----------
    smoothing : int
        Errors averaged into a step's score.
    average : {"signed", "absolute"}
        How they are averaged (:func:`step_scores`).
    learn : bool
        Whether scored steps join the reference.
    tail : bool
        Whether the largest scores' p-values come from a fitted tail.
    """

    smoothing: int
    average: str
    learn: bool
    tail: bool

    @classmethod
    def of(cls, params):
        """Return the settings of ``params``, a detector's parameters."""
        return cls(
            int(params["smoothing"]),
            params["average"],
            bool(params["learn"]),
            bool(params["tail"]),
        )

    def steps(self, errors):
        """Return each step's score from normalised ``errors`` (:func:`step_scores`)."""
        return step_scores(errors, self.average, self.smoothing)

    def reference(self, errors):
        """Return the scores of normal steps from held-out ``errors``."""
        return reference_scores(errors, self.average, self.smoothing)

    def recent(self, errors):
        """Return the last ``smoothing - 1`` of ``errors``: the next mean's others."""
        return errors[max(len(errors) - self.smoothing + 1, 0) :]

    def p_values(self, reference, scores, max_shape):
        """Return :func:`~._conformal.sequential_p_values` with these settings."""
        return sequential_p_values(
            reference, scores, learn=self.learn, tail=self.tail, max_shape=max_shape
        )
