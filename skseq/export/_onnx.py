"""ONNX export of a fitted estimator, its input scaling and output decoding.

The graph is traced by torch's TorchScript-based ONNX exporter
(``torch.onnx.export(..., dynamo=False)``): it keeps the batch and the length
axes dynamic and writes the recurrent layers as ONNX's RNN, GRU and LSTM
operators. The torch.export-based exporter (``dynamo=True``, torch 2.13)
fixes the number of steps of a GRU or LSTM to the example's (private
decompositions aside) and of an Elman RNN always.
"""

import inspect
import io
import json
import warnings
from numbers import Integral

import numpy as np
import torch
from torch import nn

from .._versions import __version__
from ..modules import valid_mask
from ._common import read_fitted

__all__ = ["export_onnx"]

# the oldest opset that has every operator of skseq's graphs (CumSum for mean
# and attention pooling, ceil-mode max pooling of the convolutional front end)
MIN_OPSET = 11


def _check_opset(opset):
    """Return ``opset`` checked: None, or an int the exporter can write."""
    if opset is None:
        return None
    # the newest opset of the TorchScript-based exporter (private to torch: no
    # upper bound where it moved)
    constants = getattr(torch.onnx, "_constants", None)
    top = getattr(constants, "ONNX_TORCHSCRIPT_EXPORTER_MAX_OPSET", None)
    if (
        not isinstance(opset, Integral)
        or isinstance(opset, bool)
        or opset < MIN_OPSET
        or (top is not None and opset > top)
    ):
        bound = f"[{MIN_OPSET}, {top}]" if top is not None else f">= {MIN_OPSET}"
        raise ValueError(
            f"opset must be None or an int in {bound} (the ONNX opsets that hold "
            f"every operator of skseq's networks and that torch's exporter "
            f"writes); got {opset!r}."
        )
    return int(opset)


class DeployedModel(nn.Module):
    """The fitted network between the estimator's scaling and decoding.

    ``forward(values, lengths)`` takes post-padded input: float64 ``(batch,
    length, n_features)`` raw values (int64 ``(batch, length)`` token ids) and
    the number of valid steps of each row; what lies past a row's length is
    ignored. The values are standardised in float64, as ``predict`` does, and
    only then cast to float32 for the network: a float32 input would lose the
    digits of values far from zero (1e6 + noise) before their mean is taken
    off.

    Parameters
    ----------
    fitted : Fitted
        What the estimator learned (see :func:`read_fitted`).
    """

    def __init__(self, fitted):
        super().__init__()
        self.network = fitted.module
        self.tokens = fitted.tokens
        self.per_sequence = fitted.input.per_sequence
        self.classify = fitted.classes is not None
        self.flat = not self.classify and fitted.target.ndim == 1
        numeric = np.ones(fitted.input.spec.n_channels, dtype=bool)
        numeric[list(fitted.input.categorical)] = False
        self.register_buffer("numeric", torch.as_tensor(numeric))
        for name, values in (
            ("mean", fitted.input.mean),
            ("scale", fitted.input.scale),
            ("target_mean", 0.0 if self.classify else fitted.target.mean),
            ("target_scale", 1.0 if self.classify else fitted.target.scale),
        ):
            self.register_buffer(name, torch.as_tensor(values, dtype=torch.float64))

    def standardised(self, values, valid):
        """Return float64 ``values`` standardised, zero past each row's length."""
        values = values.masked_fill(~valid, 0.0)
        if not self.per_sequence:
            return ((values - self.mean) / self.scale).masked_fill(~valid, 0.0)
        # each sequence by its own mean and deviation over its valid steps, as
        # FittedInput does (categorical columns are left as they are)
        count = valid.sum(dim=1).to(values.dtype)
        mean = values.sum(dim=1) / count
        centred = (values - mean.unsqueeze(1)).masked_fill(~valid, 0.0)
        std = torch.sqrt((centred**2).sum(dim=1) / count)
        # safe_scale: a spread within float64 rounding of the mean is none
        bound = (10 * torch.finfo(values.dtype).eps * mean.abs()).clamp(
            min=torch.finfo(values.dtype).tiny
        )
        scale = torch.where((std > bound) & self.numeric, std, torch.ones_like(std))
        mean = torch.where(self.numeric, mean, torch.zeros_like(mean))
        return ((values - mean.unsqueeze(1)) / scale.unsqueeze(1)).masked_fill(
            ~valid, 0.0
        )

    def forward(self, values, lengths):
        """Return the probabilities and class indices, or the predictions."""
        valid = valid_mask(lengths, values.shape[1])
        if self.tokens:
            X = values.masked_fill(~valid, 0)
        else:
            X = self.standardised(values.double(), valid.unsqueeze(-1)).float()
        out = self.network(X, lengths)
        if self.classify:
            return torch.softmax(out, dim=-1), out.argmax(dim=-1)
        # float64, as predict: float32 would round targets far from zero
        # (1e6 to within 0.06) as the float32 input would have rounded X
        predictions = out.double() * self.target_scale + self.target_mean
        return predictions[..., 0] if self.flat else predictions


def _example(fitted):
    """Return an example ``(values, lengths)`` to trace the model on.

    One row is shorter than the other (unless ``pooling="flatten"`` fixes the
    length), so that the trace records the path of a padded batch, masks
    included: code that skips them for a batch without padding would
    otherwise be traced without them.
    """
    fixed = fitted.input.max_length
    length = fixed or 3
    if fitted.tokens:
        values = torch.ones((2, length), dtype=torch.int64)
    else:
        shape = (2, length, fitted.input.spec.n_channels)
        values = torch.ones(shape, dtype=torch.float64)  # the graph's input type
    return values, torch.tensor([length, length if fixed else length - 1])


def _metadata(fitted):
    """Return the ``metadata_props`` of the exported model."""
    metadata = {"estimator": fitted.name, "skseq_version": __version__}
    if fitted.classes is not None:
        metadata["classes"] = json.dumps(fitted.classes.tolist(), default=str)
    return metadata


def export_onnx(estimator, path, *, opset=None):
    """Write a fitted estimator, with its preprocessing, as an ONNX model.

    The model takes two inputs, with dynamic batch and length axes:

    - ``values``: float64 ``(batch, length, n_features)`` post-padded
      sequences (int64 ``(batch, length)`` for token ids), raw, as given to
      ``predict``: the fitted standardisation (global or per sequence) is in
      the graph, computed in float64 as ``predict`` does, then cast to
      float32 for the network;
    - ``lengths``: int64 ``(batch,)``, the valid steps of each row, each at
      least 1. Padding may only follow them (what lies past a row's length is
      ignored): drop any ``mask_value`` step inside a sequence first.

    Its outputs are, for a classifier, ``probabilities`` (float32, ``(batch,
    n_classes)``, ``predict_proba``) and ``class_index`` (int64, ``(batch,)``,
    the column of the predicted class); the labels are in the model's
    metadata, ``classes``, as a JSON list (labels JSON cannot hold are written
    as strings). For a regressor, ``predictions`` (float64, in the targets'
    units and shape, as ``predict``). :class:`~skseq.RNNTagger` and
    :class:`~skseq.RNNStepRegressor` have a ``length`` axis after the batch
    one; their outputs past a row's length are not meaningful.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor, RNNTagger or RNNStepRegressor
        A fitted estimator with skseq's own network (not a ``module`` of
        your own). Mixed-precision networks are exported in float32.
    path : str or path-like
        The file to write.
    opset : int, default=None
        ONNX opset version, 11 or later (up to the newest that torch's
        TorchScript-based exporter writes); None for torch's default.

    Raises
    ------
    ImportError
        When the ``onnx`` package is missing (``pip install skseq[onnx]``).
    TypeError
        For another estimator, a network of your own, or one with a linear
        path.
    ValueError
        For an ``opset`` that is not an int the exporter can write for
        skseq's networks.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import onnxruntime
    >>> from skseq import RNNClassifier
    >>> from skseq.export import export_onnx
    >>> from skseq.utils import pad_ragged
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=(n, 2)) for n in rng.integers(3, 8, size=20)]
    >>> y = np.array(["up" if x[0, 0] > 0 else "down" for x in X])
    >>> clf = RNNClassifier(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "classifier.onnx")
    >>> export_onnx(clf, path)
    >>> session = onnxruntime.InferenceSession(path)
    >>> values, lengths = pad_ragged(X[:4], dtype=np.float64)  # and int64
    >>> proba, index = session.run(None, {"values": values, "lengths": lengths})
    >>> np.allclose(proba, clf.predict_proba(X[:4]), atol=1e-5)
    True
    >>> session.get_modelmeta().custom_metadata_map["classes"]
    '["down", "up"]'
    """
    fitted = read_fitted(estimator, "export_onnx")
    opset = _check_opset(opset)
    try:
        import onnx
    except ImportError as error:
        raise ImportError(
            "export_onnx needs the onnx package: pip install skseq[onnx]."
        ) from error
    model = DeployedModel(fitted).eval()
    outputs = ["probabilities", "class_index"] if model.classify else ["predictions"]
    per_step = {0: "batch", 1: "length"} if model.network.per_step else {0: "batch"}
    axes = {"values": {0: "batch", 1: "length"}, "lengths": {0: "batch"}}
    axes.update(dict.fromkeys(outputs, per_step))
    # torch >= 2.5 takes dynamo=: the TorchScript-based exporter is the one
    # that keeps a GRU's or LSTM's steps dynamic (see the module's docstring)
    legacy = (
        {"dynamo": False}
        if "dynamo" in inspect.signature(torch.onnx.export).parameters
        else {}
    )
    buffer = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        # the exporter's deprecation notice, tracing notes on Python values
        # (constants of the graph by design) and its notes on the operators it
        # writes (an LSTM's initial state, built from the batch size, not an
        # input; indexing, whose indices here are never negative)
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module="torch.onnx")
        torch.onnx.export(
            model,
            _example(fitted),
            buffer,
            input_names=["values", "lengths"],
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=opset,
            **legacy,
        )
    proto = onnx.load_model_from_string(buffer.getvalue())
    for key, value in _metadata(fitted).items():
        proto.metadata_props.add(key=key, value=value)
    onnx.save(proto, path)
