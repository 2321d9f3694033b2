"""The network of an estimator in a file: built from its parameters and weights.

A file holds an estimator's parameters, from which ``load`` builds its
network, and the weights, which must fit that network: ``save`` refuses
parameters set after fit that no longer describe it.
"""

import copy
from numbers import Integral

import numpy as np
import safetensors
import safetensors.torch
import torch

from .._engine import TrainingOptions
from .._engine._net import build_net
from ._archive import FileError, tensor_shapes

__all__ = ["check_network_described", "network_of"]


def check_network_described(estimator):
    """Refuse parameters that no longer describe the network (load builds it so)."""
    module, params, _ = estimator._net_spec()
    built = estimator.net_.get_params_for("module")
    changed = sorted(
        name
        for name in params.keys() | built.keys()
        if name not in params
        or name not in built
        or not np.array_equal(params[name], built[name])
    )
    if changed or estimator.net_.module is not module:
        raise ValueError(
            f"The parameters of this {type(estimator).__name__} were set after fit "
            f"and no longer describe its network ({', '.join(changed) or 'module'} "
            "differ), which a file rebuilds from them: fit it again, or set them "
            "back, before saving."
        )


def _check_layers(member, found, module, module_params):
    """Refuse more layers than the weights hold, before building the network.

    Building a network, even on the meta device, takes time and memory in
    its number of layers (10**8 of them, minutes and gigabytes): each layer
    of skseq's own modules holds a tensor of the weights at least (a user's
    module may share one among its layers, and is not checked).
    """
    if not getattr(module, "__module__", "").startswith("skseq."):
        return
    for name in ("num_layers", "conv_layers"):
        value = module_params.get(name)
        if isinstance(value, Integral) and value > len(found):
            raise FileError(
                f"{member}: the parameters and fitted state describe a network of "
                f"{name}={value}, more layers than its weights hold"
            )


def network_of(estimator, member, data):
    """Build the net of a loaded estimator from its weights member ``member``.

    The weights' shapes and types are checked (from the header) against the
    network the estimator's parameters describe before any tensor is made.
    """
    found = tensor_shapes(member, data)
    try:
        module, module_params, loss = estimator._net_spec()
        _check_layers(member, found, module, module_params)
        with torch.device("meta"):
            expected = {
                name: tuple(tensor.shape)
                for name, tensor in module(**module_params).state_dict().items()
            }
    except FileError:
        raise
    except (TypeError, ValueError, RuntimeError, KeyError, AttributeError) as exc:
        raise FileError(
            f"the parameters and fitted state describe no network ({exc})"
        ) from exc
    if {name: shape for name, (_, shape) in found.items()} != expected:
        differ = sorted(
            name
            for name in set(found) | set(expected)
            if found.get(name, (None, None))[1] != expected.get(name)
        )
        raise FileError(
            f"{member}: the weights do not fit the network the parameters "
            f"describe (tensors {differ[:5]} differ)"
        )
    if any(
        dtype not in ("F32", "F16", "BF16", "F64")
        # batch normalisation counts its batches in an integer
        and not (name.endswith(".num_batches_tracked") and dtype == "I64")
        for name, (dtype, _) in found.items()
    ):
        raise FileError(f"{member}: the weights hold tensors that are not floats")
    try:
        weights = safetensors.torch.load(data)
    except (safetensors.SafetensorError, ValueError) as exc:
        raise FileError(f"{member} is malformed ({exc})") from exc
    # the net is made on the CPU, whatever device the model was fitted on: a
    # model fitted on a GPU loads on a machine without one
    on_cpu = copy.copy(estimator)
    on_cpu.device = "cpu"
    extra = getattr(estimator, "optimizer_kwargs", None) or {}
    if {"lr", "weight_decay"} & extra.keys():  # saved before fit refused them
        on_cpu.optimizer_kwargs = {
            k: v for k, v in extra.items() if k not in ("lr", "weight_decay")
        }
    training_options = getattr(on_cpu, "_training_options", None)
    options = (
        training_options()
        if training_options
        else TrainingOptions.from_estimator(on_cpu)
    )
    net_outputs = getattr(estimator, "_net_outputs", None)
    net = build_net(
        module,
        module_params,
        loss,
        options,
        outputs=net_outputs() if net_outputs else None,
    )
    net.initialize()
    net.module_.load_state_dict(weights)
    return net
