"""Checks of a user's network against what the estimator trains it for.

A ``module`` of the user's that builds something other than a torch module,
whose ``forward`` does not take the batch's inputs, or whose outputs have
another shape than the loss needs, failed deep inside skorch or torch
("optimizer got an empty parameter list", "Expected target size [8, 2], got
[8]"), or, worse, trained silently: a regression output of shape ``(batch,)``
against targets ``(batch, 1)`` broadcasts to a ``(batch, batch)`` loss, and a
classifier with a column too many predicted classes it never had. These
checks run once per fit, on the built module and on the first training
batch, and name ``module`` and the shape expected.
"""

import inspect

import torch

from ..modules._loss import REGRESSION_LOSSES, PinballLoss

__all__ = [
    "check_built_module",
    "check_callback_names",
    "check_forward_inputs",
    "check_outputs",
]


def _name(module):
    """How the user passed ``module`` (a class or a function), for messages."""
    return getattr(module, "__name__", None) or repr(module)


def check_built_module(module, built):
    """Refuse what ``module`` built when it is not a trainable torch module.

    Parameters
    ----------
    module : class or callable
        The estimator's ``module`` (what skorch called).
    built : object
        What it returned.
    """
    if not isinstance(built, torch.nn.Module):
        raise ValueError(
            f"module={_name(module)} must build a torch.nn.Module (a subclass of "
            f"it, or a function that returns one), but it built a "
            f"{type(built).__name__}."
        )
    if next(built.parameters(), None) is None:
        raise ValueError(
            f"module={_name(module)} builds a network without parameters, so "
            "there is nothing to train; give it layers (torch.nn.Linear, "
            "torch.nn.GRU, ...) that its forward uses."
        )


def check_forward_inputs(module, built, inputs):
    """Refuse a ``forward`` that does not take the batch's keyword arguments."""
    try:
        signature = inspect.signature(built.forward)
    except (TypeError, ValueError):  # a builtin or C forward: let it run
        return
    try:
        signature.bind(**inputs)
    except TypeError as error:
        raise ValueError(
            f"module={_name(module)}: its forward must take the keyword arguments "
            f"{', '.join(inputs)} (the padded batch and the number of valid "
            f"steps of each row), but it is forward{signature} ({error})."
        ) from None


def _target_of(target):
    if isinstance(target, dict):
        return target["target"]
    if isinstance(target, (tuple, list)):
        return target[0]
    return target


def _expected(y_pred, target, loss, n_classes):
    """Return the shape the loss needs of ``y_pred`` (None: any), and why."""
    per_step = isinstance(target, dict)
    true = _target_of(target)
    lead = tuple(true.shape[:2]) if per_step else tuple(true.shape[:1])
    rows = "one row per step: (batch, max_length, " if per_step else "(batch, "
    if not true.is_floating_point():  # class indices: one logit per class
        if n_classes is None:
            if y_pred.ndim != len(lead) + 1 or tuple(y_pred.shape[:-1]) != lead:
                return lead + (None,), f"{rows}n_classes)"
            return None, None
        return lead + (n_classes,), f"{rows}n_classes), a column per class"
    if not isinstance(loss, (*REGRESSION_LOSSES.values(), PinballLoss)):
        return None, None  # a loss of its own shapes (generated sequences)
    columns = true.shape[len(lead) :]
    if isinstance(loss, PinballLoss):
        columns = (*columns[:-1], columns[-1] * len(loss.quantiles))
        return lead + tuple(columns), f"{rows}output_size), a column per quantile"
    return lead + tuple(columns), f"{rows}output_size), a column per target"


def check_outputs(module, y_pred, target, loss, n_classes=None):
    """Refuse outputs whose shape the loss would misread or fail on.

    Parameters
    ----------
    module : class or callable
        The estimator's ``module``, for the message.
    y_pred : object
        What the module's forward returned for a training batch.
    target : tensor, tuple or dict
        The batch's target as the loss reads it (``(target, weight)``, or
        ``{"target", "weight", "lengths"}`` for outputs at every step).
    loss : torch.nn.Module
        The per-sample loss (``WeightedLoss.loss``).
    n_classes : int or None, default=None
        Number of classes, where the outputs are class logits.
    """
    if not isinstance(y_pred, torch.Tensor):
        raise ValueError(
            f"module={_name(module)}: its forward must return one tensor of "
            f"outputs, but it returned a {type(y_pred).__name__}."
        )
    if target is None:
        return
    shape, form = _expected(y_pred, target, loss, n_classes)
    if shape is None:
        return
    got = tuple(y_pred.shape)
    if len(got) == len(shape) and all(
        want is None or want == have for want, have in zip(shape, got, strict=True)
    ):
        return
    want = tuple("n" if n is None else n for n in shape)
    raise ValueError(
        f"module={_name(module)} must return {form}, here {want} for a batch "
        f"of {shape[0]} sequences, but it returned outputs of shape {got}."
    )


# the callbacks every skorch net has, by name
_SKORCH_DEFAULTS = ("epoch_timer", "train_loss", "valid_loss", "print_log")


def check_callback_names(given, taken):
    """Refuse a user's callback named as one that skseq or skorch adds."""
    taken = [*_SKORCH_DEFAULTS, *taken]
    for position, (name, _) in enumerate(given):
        if name in taken:
            raise ValueError(
                f"callbacks[{position}] is named {name!r}, the name of a callback "
                f"that training has already ({', '.join(map(repr, taken))}); "
                "give it another name."
            )
