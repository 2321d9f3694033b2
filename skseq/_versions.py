"""skseq's version, the versions a model depends on, and warnings on mismatch.

Near the bottom of the import tree: every other module may import it; it
imports only ``skseq.utils`` (its warnings).
"""

import numpy as np
import sklearn
import skorch
import torch

from .utils._warnings import warn

__all__ = [
    "VersionMismatchWarning",
    "VersionStamped",
    "__version__",
    "versions",
    "warn_on_version_mismatch",
]

__version__ = "0.1.0.dev0"

# the libraries whose versions can change what a saved model predicts
_CHECKED = ("skseq", "torch", "scikit-learn", "skorch", "numpy")


class VersionMismatchWarning(UserWarning):
    """Warn that a model was saved by other versions of skseq or its libraries.

    Raised by :func:`skseq.load` and by unpickling a fitted estimator when the
    versions of skseq, torch, scikit-learn, skorch or numpy differ.

    Examples
    --------
    >>> import warnings
    >>> import skseq
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", skseq.VersionMismatchWarning)
    ...     # skseq.load(path) would now raise instead of warning
    """


def versions():
    """Return the versions of skseq and of the libraries a model depends on."""
    return {
        "skseq": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "numpy": np.__version__,
    }


def warn_on_version_mismatch(written, what):
    """Warn when the ``written`` versions differ from the running ones."""
    current = versions()
    if not isinstance(written, dict):
        written = {}
    differ = [
        f"{name} {written.get(name)} (now {current[name]})"
        for name in _CHECKED
        if written.get(name) != current[name]
    ]
    if differ:
        warn(
            f"{what} with {', '.join(differ)}; predictions may differ. Refit the "
            "model with the current versions to be sure.",
            VersionMismatchWarning,
        )


class VersionStamped:
    """Mixin: a fitted estimator's pickle records versions, and warns on load."""

    def __getstate__(self):
        # a copy: on Python 3.11+ object.__getstate__ returns __dict__ itself
        state = dict(super().__getstate__())
        if any(key.endswith("_") for key in state if not key.startswith("__")):
            state["_skseq_versions"] = versions()
        return state

    def __setstate__(self, state):
        written = state.pop("_skseq_versions", None)
        if written is not None:
            warn_on_version_mismatch(written, f"This {type(self).__name__} was pickled")
        super().__setstate__(state)
