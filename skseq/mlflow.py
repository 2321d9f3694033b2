"""MLflow models of skseq estimators, and their training in MLflow runs.

An MLflow model of a skseq estimator holds its :func:`skseq.save` file (no
code, no pickle) and two flavours: ``skseq``, which :func:`load_model` reads
back into the estimator, and ``python_function``: ``mlflow.pyfunc.load_model``
and MLflow's serving call the estimator's ``predict``, or another of its
prediction methods with ``params={"method": "predict_proba"}``. MLflow is an
optional dependency (``pip install skseq[mlflow]``), imported when needed.
"""

import os
import sys
import tempfile
import time

import numpy as np

from . import _persistence
from ._versions import __version__

__all__ = ["load_model", "log_model", "log_training", "save_model"]


def _import_mlflow():
    """Return the mlflow package, or say how to install it."""
    try:
        import mlflow
        import mlflow.pyfunc
    except ImportError as exc:
        raise ImportError("Install MLflow: pip install skseq[mlflow]") from exc
    return mlflow


class _PyfuncModel:
    """What ``mlflow.pyfunc.load_model`` wraps: the estimator, by method."""

    def __init__(self, estimator):
        self.estimator = estimator

    def get_raw_model(self):
        return self.estimator

    def predict(self, model_input, params=None):
        method = (params or {}).get("method") or "predict"
        methods = [name for name in dir(self.estimator) if name.startswith("predict")]
        # a detector's scores as well
        methods += [m for m in _SCORES if hasattr(self.estimator, m)]
        if method not in methods:
            raise ValueError(
                f"params method={method!r} is no method of "
                f"{type(self.estimator).__name__}; use one of {methods}."
            )
        return getattr(self.estimator, method)(model_input)


_SCORES = ("score_samples", "decision_function")


def _check_servable(estimator):
    """Refuse an estimator that MLflow's ``python_function`` could not serve."""
    if not hasattr(estimator, "predict"):
        raise TypeError(
            f"{type(estimator).__name__} has no predict for MLflow's "
            "python_function flavour to serve; save it with skseq.save and log "
            "the file with mlflow.log_artifact."
        )


def _load_pyfunc(path, model_config=None):
    """Load the pyfunc flavour from the ``.skseq`` file (MLflow calls this)."""
    return _PyfuncModel(_persistence.load(path))


def _checked_example(input_example):
    """Return ``input_example`` as MLflow can save and serve it, or refuse it.

    MLflow writes an input example as JSON, an array's values or a frame's
    columns: a list of sequences of different lengths has no such form, and
    a long DataFrame would lose the index that tells its sequences apart.
    """
    import pandas as pd

    if isinstance(input_example, pd.DataFrame) and isinstance(
        input_example.index, pd.MultiIndex
    ):
        raise ValueError(
            "input_example is a long DataFrame (indexed by sequence and step): "
            "MLflow saves and serves its columns without that index, so served "
            "requests could not tell its sequences apart. For serving, give a "
            "3-D array (n_sequences, n_steps, n_features) padded with "
            "skseq.MASK_VALUE (SequencePadder(dtype='float64') makes one), whose "
            "padding predict drops. mlflow.pyfunc.load_model(...).predict still "
            "takes long DataFrames."
        )
    if isinstance(input_example, list | tuple) and any(
        hasattr(item, "__len__") and not isinstance(item, str) for item in input_example
    ):
        lengths = {len(i) if hasattr(i, "__len__") else 0 for i in input_example}
        lengths = sorted(lengths)
        if len(lengths) > 1:
            shown = ", ".join(map(str, lengths[:5])) + (", ..." * (len(lengths) > 5))
            raise ValueError(
                f"input_example holds sequences of different lengths ({shown}): "
                "MLflow saves and serves rectangular arrays only. For serving, "
                "give a 3-D array (n_sequences, n_steps, n_features) padded with "
                "skseq.MASK_VALUE (SequencePadder(dtype='float64') makes one), "
                "whose padding predict drops. mlflow.pyfunc.load_model(...)."
                "predict still takes lists of sequences of different lengths."
            )
        return np.asarray(input_example)  # sequences of one length: one array
    return input_example


def _any_length(schema):
    """Return ``schema`` with the length axis of an array input left free."""
    from mlflow.types import Schema, TensorSpec

    if schema is None or not schema.is_tensor_spec() or len(schema.inputs) != 1:
        return schema
    spec = schema.inputs[0]
    if len(spec.shape) < 2:
        return schema
    shape = (spec.shape[0], -1, *spec.shape[2:])
    return Schema([TensorSpec(spec.type, shape, spec.name)])


def _prepared(estimator, signature, input_example):
    """Return the signature (None for none) and the input example to save.

    The given or inferred signature gets a ``method`` parameter; an inferred
    one takes sequences of any length (the example's is no limit).
    """
    from mlflow.models import ModelSignature, infer_signature
    from mlflow.types import ParamSchema, ParamSpec

    _check_servable(estimator)
    data, example_params = input_example, None
    if (  # MLflow's (input, params) form
        isinstance(input_example, tuple)
        and len(input_example) == 2
        and isinstance(input_example[1], dict)
    ):
        data, example_params = input_example
    data = _checked_example(data)
    input_example = data if example_params is None else (data, example_params)
    if signature is False:  # MLflow's opt-out: no signature at all
        return None, input_example
    if signature is None and data is not None:
        signature = infer_signature(data, estimator.predict(data), example_params)
        signature = ModelSignature(
            _any_length(signature.inputs), signature.outputs, signature.params
        )
    if signature is not None and signature.params is not None:
        return signature, input_example
    params = ParamSchema([ParamSpec("method", "string", "predict")])
    if signature is None:
        return ModelSignature(params=params), input_example
    return ModelSignature(signature.inputs, signature.outputs, params), input_example


def save_model(
    estimator, path, mlflow_model=None, *, signature=None, input_example=None, **kwargs
):
    """Save a fitted skseq estimator as an MLflow model in a local directory.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator that :func:`skseq.save` takes.
    path : str or path-like
        Directory to create (it must not exist).
    mlflow_model : mlflow.models.Model, default=None
        Metadata to add the flavours to (:func:`log_model` gives it).
    signature : mlflow.models.ModelSignature or False, default=None
        None: inferred from ``input_example`` if given, with any sequence
        length. A ``method`` parameter (default ``"predict"``) is added
        unless it has parameters. False: no signature (MLflow then drops
        ``params``, so the served method is ``predict``).
    input_example : array-like or DataFrame, default=None
        Sample input, saved with the model, which serving takes: an array,
        e.g. a 3-D one padded with :data:`skseq.MASK_VALUE` (steps that
        ``predict`` drops) for sequences of different lengths. A list of
        sequences of different lengths, or a long DataFrame, which MLflow
        cannot save or serve as they are, is refused (a list of sequences
        of one length is saved as an array).
    **kwargs
        Passed to :func:`mlflow.pyfunc.save_model` (``pip_requirements``,
        by default this version of skseq; ``extra_pip_requirements``, ...).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import mlflow
    >>> import skseq.mlflow
    >>> from skseq import RNNClassifier
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint()
    >>> clf = RNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model"
    >>> skseq.mlflow.save_model(clf, path)
    >>> model = mlflow.pyfunc.load_model(str(path))
    >>> bool((model.predict(X) == clf.predict(X)).all())
    True
    """
    mlflow = _import_mlflow()
    from mlflow.models import Model

    mlflow_model = Model() if mlflow_model is None else mlflow_model
    saved = kwargs.pop("_skseq_file", None)  # log_model's, already written
    if kwargs.get("pip_requirements") is None and kwargs.get("conda_env") is None:
        extra = kwargs.pop("extra_pip_requirements", None) or []
        kwargs["pip_requirements"] = [f"skseq=={__version__}", *extra]
    with tempfile.TemporaryDirectory() as tmp:
        if saved is None:
            saved = os.path.join(tmp, "model.skseq")
            _persistence.save(estimator, saved)
        # set here, not passed: MLflow would ask for an input example
        mlflow_model.signature, input_example = _prepared(
            estimator, signature, input_example
        )
        mlflow.pyfunc.save_model(
            os.fspath(path),
            loader_module=__name__,
            data_path=saved,
            mlflow_model=mlflow_model,
            input_example=input_example,
            **kwargs,
        )
    data = mlflow_model.flavors[mlflow.pyfunc.FLAVOR_NAME]["data"]
    mlflow_model.add_flavor("skseq", data=data, skseq_version=__version__)
    mlflow_model.save(os.path.join(path, "MLmodel"))


def log_model(
    estimator,
    name,
    *,
    input_example=None,
    signature=None,
    registered_model_name=None,
    log_training=True,
    prefix=None,
    **kwargs,
):
    """Log a fitted skseq estimator as an MLflow model of the active run.

    The estimator is saved, and its input example checked, first: an
    estimator that :func:`skseq.save` refuses logs nothing.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator that :func:`skseq.save` takes.
    name : str
        The model's name.
    input_example, signature
        See :func:`save_model`.
    registered_model_name : str, default=None
        Also register the model under this name.
    log_training : bool, default=True
        Also record the parameters and per-epoch losses in the run
        (:func:`log_training`).
    prefix : str, default=None
        What :func:`log_training` puts before their names; None is
        ``f"{name}."`` (``model.hidden_size``, ``model.train_loss``), so that
        several models logged in one run do not collide (MLflow refuses to
        change a parameter's value). ``""`` for none.
    **kwargs
        Passed to :meth:`mlflow.models.Model.log` (``pip_requirements``,
        ``metadata``, ``tags``, ...).

    Returns
    -------
    mlflow.models.model.ModelInfo
        The logged model; ``model_info.model_uri`` loads it.

    See Also
    --------
    load_model : Read the estimator back.

    Examples
    --------
    >>> import tempfile
    >>> import mlflow
    >>> import skseq.mlflow
    >>> from skseq import RNNClassifier
    >>> from skseq.datasets import load_gunpoint
    >>> folder = tempfile.mkdtemp()
    >>> previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    >>> mlflow.set_tracking_uri(f"sqlite:///{folder}/mlflow.db")
    >>> experiment = mlflow.create_experiment("gunpoint", artifact_location=folder)
    >>> X, y = load_gunpoint()
    >>> clf = RNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    >>> with mlflow.start_run(experiment_id=experiment):
    ...     info = skseq.mlflow.log_model(clf, "model")
    >>> model = mlflow.pyfunc.load_model(info.model_uri)
    >>> model.predict(X[:2], params={"method": "predict_proba"}).shape
    (2, 2)
    >>> skseq.mlflow.load_model(info.model_uri).hidden_size
    8
    >>> mlflow.get_run(info.run_id).data.params["model.hidden_size"]
    '8'
    >>> mlflow.set_tracking_uri(previous)  # leave the tracking URI as it was
    """
    _import_mlflow()
    from mlflow.models import Model

    with tempfile.TemporaryDirectory() as tmp:
        # what can fail first (skseq.save, the input example), then the run
        saved = os.path.join(tmp, "model.skseq")
        _persistence.save(estimator, saved)
        signature, input_example = _prepared(estimator, signature, input_example)
        if log_training:
            _log_training(estimator, prefix=f"{name}." if prefix is None else prefix)
        return Model.log(
            artifact_path=None,
            name=name,
            flavor=sys.modules[__name__],
            registered_model_name=registered_model_name,
            estimator=estimator,
            input_example=input_example,
            signature=False if signature is None else signature,
            _skseq_file=saved,
            **kwargs,
        )


def load_model(model_uri, dst_path=None):
    """Load the skseq estimator of an MLflow model.

    Parameters
    ----------
    model_uri : str
        The model's URI (``models:/<model_id>``, ``runs:/<run_id>/<name>``,
        ``models:/<name>/<version>``, ...) or local directory.
    dst_path : str, default=None
        Local directory to download the model to; by default a temporary one.

    Returns
    -------
    estimator
        The estimator that :func:`skseq.load` reads from the model's file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import skseq.mlflow
    >>> from skseq import RNNClassifier
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint()
    >>> clf = RNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model"
    >>> skseq.mlflow.save_model(clf, path)
    >>> loaded = skseq.mlflow.load_model(str(path))
    >>> bool((loaded.predict_proba(X) == clf.predict_proba(X)).all())
    True
    """
    mlflow = _import_mlflow()
    from mlflow.models import Model

    local = mlflow.artifacts.download_artifacts(model_uri, dst_path=dst_path)
    flavors = Model.load(local).flavors
    if "skseq" not in flavors:
        raise ValueError(
            f"{model_uri} is not a skseq model (its flavours: {sorted(flavors)}); "
            "load it with mlflow.pyfunc.load_model."
        )
    return _persistence.load(os.path.join(local, flavors["skseq"]["data"]))


def log_training(estimator, *, prefix=""):
    """Record a fitted estimator's parameters and per-epoch losses in MLflow.

    Logs ``estimator.get_params(deep=False)`` as parameters of the active
    run (MLflow starts one if none is active), as strings, and the
    ``train_loss`` and ``valid_loss`` of each epoch of ``history_`` as
    metrics, with the epoch as their step.

    Parameters
    ----------
    estimator : estimator
        A fitted skseq estimator; one without ``history_`` (an anomaly
        detector) logs its parameters alone.
    prefix : str, default=""
        Put before the names of the parameters and metrics, to tell several
        models of one run apart.

    Examples
    --------
    >>> import tempfile
    >>> import mlflow
    >>> import skseq.mlflow
    >>> from skseq import RNNClassifier
    >>> from skseq.datasets import load_gunpoint
    >>> previous = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    >>> mlflow.set_tracking_uri(f"sqlite:///{tempfile.mkdtemp()}/mlflow.db")
    >>> X, y = load_gunpoint()
    >>> clf = RNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, y)
    >>> with mlflow.start_run() as run:
    ...     skseq.mlflow.log_training(clf)
    >>> mlflow.get_run(run.info.run_id).data.params["hidden_size"]
    '8'
    >>> mlflow.set_tracking_uri(previous)  # leave the tracking URI as it was
    """
    mlflow = _import_mlflow()
    from mlflow.entities import Metric

    params = estimator.get_params(deep=False)
    mlflow.log_params({prefix + key: str(value) for key, value in params.items()})
    now = int(time.time() * 1000)
    metrics = [
        Metric(prefix + key, float(record[key]), now, record["epoch"])
        for record in getattr(estimator, "history_", ())  # detectors hold none
        for key in ("train_loss", "valid_loss")
        if record.get(key) is not None
    ]
    run_id = mlflow.active_run().info.run_id
    for start in range(0, len(metrics), 1000):  # the most MLflow takes at once
        mlflow.MlflowClient().log_batch(run_id, metrics=metrics[start : start + 1000])


_log_training = log_training  # log_model's parameter of that name hides it
