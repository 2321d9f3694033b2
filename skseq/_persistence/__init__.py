"""A file format for fitted estimators that holds no code: ``save`` / ``load``.

Pickle and joblib files, and skops files of skseq models (skops lists
skorch's ``NeuralNet``, whose state holds a pickle), run code when they are
loaded: load them only from sources you trust. An ``.skseq`` file is a zip
archive of

- ``config.json``: the estimator class (one of skseq's), its parameters and
  its fitted state, as JSON (arrays referenced); the estimators a detector
  holds are configs of their own, nested where they are held;
- ``arrays.npz``: the fitted numpy arrays, read with ``allow_pickle=False``;
- ``weights.safetensors`` (and ``weights-1.safetensors``, ... for a detector
  of several networks): the network weights (safetensors holds tensors
  only), each named by the config of its estimator;
- ``manifest.json``: the format version, the versions of skseq, torch,
  scikit-learn, skorch and numpy that wrote it, and a SHA-256 checksum of
  every other member.

The estimators file format 4 holds (the networks and the forecaster) are
written in format 4, which skseq before format 5 reads too; the language
model and the detectors, in format 5.

Loading reads only what the estimator's declared fitted state holds, checks
every parameter with the estimator's own constraints and every field's type
and shape (of every estimator a detector holds, alike), and compares the
weights' shapes with the network the parameters describe before any tensor
is made. The checksums detect damage, not
tampering: anyone can rewrite a file and its checksums. They are not a
signature; a file from an untrusted source is safe to load (it runs no code
and its sizes are bounded) but its model is whatever its author made.
"""

import io
import json

import numpy as np

from .._versions import VersionMismatchWarning, warn_on_version_mismatch
from ._archive import Archive, FileError, write_archive
from ._estimators import Reader, Writer

__all__ = ["VersionMismatchWarning", "load", "save"]


def save(estimator, path):
    """Save a fitted skseq estimator to a file that holds no code.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNStepRegressor, RNNTagger, \
RNNSeq2Seq, SequenceForecaster, RNNLanguageModel, ForecastAnomalyDetector or \
SequenceAnomalyDetector
        A fitted estimator. A detector's fitted models are saved with it,
        each as the estimator it is; a language model's text encoder by its
        vocabulary (refitted at load, mapping tokens as it did).
    path : str or path-like
        File to write (by convention ending in ``.skseq``).

    Raises
    ------
    ValueError
        If parameters of the network (or of a network a detector holds) were
        set after fit (``set_params``): the file holds the parameters, from
        which ``load`` builds the network. If a detector holds more networks
        than a file does (``n_forecasters`` over 10,000).
    TypeError
        If the estimator is not one of those (a subclass neither), holds one
        that is not (a detector of a Pipeline or a search), or holds a value
        the format cannot write (e.g. a frequency with holidays).

    See Also
    --------
    load : Read the file back.

    Notes
    -----
    The optimizer's internal state is not saved: a loaded model predicts
    exactly as the saved one; training it again starts a fresh optimizer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import skseq
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint()
    >>> clf = skseq.RNNClassifier(max_epochs=2, random_state=0).fit(X, y)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.skseq"
    >>> skseq.save(clf, path)
    >>> loaded = skseq.load(path)
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    writer = Writer()
    config = writer.config(estimator)
    version = writer.format_version
    if version < 5:  # as format 4 wrote it: its one network's, by name
        del config["weights"]
    members = {"config.json": json.dumps(config).encode()}
    buffer = io.BytesIO()
    np.savez(buffer, **writer.arrays)
    members["arrays.npz"] = buffer.getvalue()
    members.update(writer.weights)
    write_archive(path, members, version)


def _config(path, data):
    """Return the JSON object of ``config.json`` (the reader checks its fields)."""
    try:
        config = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: config.json is not valid JSON ({exc}).") from exc
    if not isinstance(config, dict):
        raise ValueError(f"{path}: config.json is not an object.")
    return config


def load(path, *, module=None, optimizer=None, callbacks=None):
    """Load an estimator written by :func:`save`, without running code from it.

    Parameters
    ----------
    path : str or path-like
        The file.
    module : class or None, default=None
        Your own network class, when the estimator was fitted with one (a
        file cannot safely hold code, so you provide the class).
    optimizer : class or None, default=None
        Your own optimizer class, likewise (torch's are rebuilt by name).
    callbacks : list or None, default=None
        Your own callbacks, likewise (skorch's are rebuilt by name).

    Returns
    -------
    estimator : estimator
        The fitted estimator (one of those :func:`save` takes), predicting
        as the saved one did.

    Raises
    ------
    ValueError
        If the file is not an intact skseq file (damaged, a checksum that
        does not match, a malformed or unknown field, oversized members,
        weights that do not fit the network), or needs a class you did not
        pass. The message names the file and the field.
    FileNotFoundError
        If there is no file at ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import skseq
    >>> from skseq.datasets import load_airline
    >>> model = skseq.SequenceForecaster(window_length=12, max_epochs=2,
    ...                                  random_state=0).fit(load_airline())
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "forecaster.skseq"
    >>> skseq.save(model, path)
    >>> skseq.load(path).predict().equals(model.predict())
    True
    """
    with Archive(path) as archive:
        versions = archive.manifest.get("versions", {})
        warn_on_version_mismatch(versions, f"{path} was saved")
        config = _config(path, archive.read("config.json"))
        given = {"module": module, "optimizer": optimizer, "callbacks": callbacks}
        reader = Reader(archive, given)
        try:
            estimator = reader.fitted(config)
        except FileError as exc:
            raise ValueError(f"{path}: {str(exc).rstrip('.')}.") from exc
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: the fitted state is malformed ({exc}).") from exc
    if reader.unread:  # listed, never inflated
        raise ValueError(
            f"{path}: members {sorted(reader.unread)[:5]} hold weights of no estimator."
        )
    return estimator
