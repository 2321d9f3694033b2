"""The loss of skseq's estimators: a per-sample loss, weighted and averaged."""

import torch
from torch import nn

from ._masks import valid_mask

__all__ = [
    "LOSSES",
    "REGRESSION_LOSSES",
    "PinballLoss",
    "SquaredErrorAndEndLoss",
    "WeightedLoss",
]

REGRESSION_LOSSES = {
    "squared_error": nn.MSELoss,
    "absolute_error": nn.L1Loss,
    "huber": nn.HuberLoss,
}
"""The losses of regression targets, by name."""


class PinballLoss(nn.Module):
    """Pinball (quantile) loss of outputs that predict quantiles of each target.

    Level ``tau`` of a target ``y`` predicted as ``q`` costs ``tau * (y - q)``
    when ``y >= q`` and ``(1 - tau) * (q - y)`` otherwise; its expectation is
    smallest when ``q`` is the ``tau`` quantile of ``y``.

    Parameters
    ----------
    quantiles : sequence of float
        The levels, in (0, 1). A sample's outputs hold one output per level
        for each target value, levels last: with ``L`` levels, output
        ``j * L + i`` predicts level ``i`` of target ``j``.
    reduction : {"mean", "none"}, default="mean"
        "mean": the mean over every output of the batch. "none": the loss of
        each output, shaped ``(*target_shape, L)``.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import PinballLoss
    >>> loss = PinballLoss([0.1, 0.9])
    >>> y_pred, y_true = torch.tensor([[0.0, 2.0]]), torch.tensor([[3.0]])
    >>> round(loss(y_pred, y_true).item(), 6)  # (0.1 * 3 + 0.9 * 1) / 2
    0.6
    """

    def __init__(self, quantiles, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "none"):
            raise ValueError(f'reduction must be "mean" or "none", got {reduction!r}.')
        levels = torch.as_tensor(quantiles, dtype=torch.float32).reshape(-1)
        if not len(levels) or not bool(((levels > 0) & (levels < 1)).all()):
            raise ValueError(
                f"quantiles must be floats in (0, 1), e.g. [0.1, 0.5, 0.9]; got "
                f"{quantiles!r}."
            )
        # a buffer: it moves to the device with the loss
        self.register_buffer("quantiles", levels)
        self.reduction = reduction

    def forward(self, y_pred, y_true):
        """Return the loss of outputs ``(..., m * L)`` for targets ``(..., m)``."""
        predicted = y_pred.reshape(*y_true.shape, len(self.quantiles))
        error = y_true.unsqueeze(-1) - predicted
        losses = torch.maximum(self.quantiles * error, (self.quantiles - 1) * error)
        return losses.mean() if self.reduction == "mean" else losses


class SquaredErrorAndEndLoss(nn.Module):
    """Squared error of values, and log loss of a logit that the sequence ends.

    For generated numeric sequences: the last output of a step is the logit
    that the sequence ends there, the last target column 1 where it does.

    Parameters
    ----------
    reduction : {"mean", "none"}, default="mean"
        "none": the loss of each output, shaped like the outputs.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import SquaredErrorAndEndLoss
    >>> loss = SquaredErrorAndEndLoss(reduction="none")
    >>> y_pred, y_true = torch.tensor([[1.0, 0.0]]), torch.tensor([[3.0, 1.0]])
    >>> [round(v, 4) for v in loss(y_pred, y_true)[0].tolist()]  # 2 ** 2, log 2
    [4.0, 0.6931]
    """

    def __init__(self, reduction="mean"):
        super().__init__()
        self.reduction = reduction

    def forward(self, y_pred, y_true):
        """Return the loss of outputs ``(..., k + 1)`` for targets ``(..., k + 1)``."""
        values = (y_pred[..., :-1] - y_true[..., :-1]) ** 2
        end = nn.functional.binary_cross_entropy_with_logits(
            y_pred[..., -1:], y_true[..., -1:], reduction="none"
        )
        losses = torch.cat([values, end], dim=-1)
        return losses.mean() if self.reduction == "mean" else losses


LOSSES = {
    "cross_entropy": nn.CrossEntropyLoss,
    **REGRESSION_LOSSES,
    "pinball": PinballLoss,
    "squared_error_and_end": SquaredErrorAndEndLoss,
}
"""Every loss :class:`WeightedLoss` computes, by name."""


class WeightedLoss(nn.Module):
    """Mean of a per-sample loss over a batch, optionally weighted.

    Parameters
    ----------
    loss : {"cross_entropy", "squared_error", "absolute_error", "huber", \
            "pinball", "squared_error_and_end"}
        The per-sample loss. For multi-output regression the loss of a sample
        is the mean over its outputs. "pinball" is :class:`PinballLoss`, whose
        outputs are quantiles of the targets (it needs ``quantiles``).
        "squared_error_and_end" is :class:`SquaredErrorAndEndLoss` (generated
        numeric sequences).
    **loss_params : dict
        Passed to the torch loss (e.g. ``delta`` for "huber", ``quantiles``
        for "pinball").

    Notes
    -----
    The target may be a pair ``(target, weight)``: the loss is then
    ``mean(weight * loss)``. Class ids equal to an ``ignore_index`` given
    to the cross-entropy are left out of the mean, as torch's
    ``CrossEntropyLoss`` leaves them out. A cross-entropy ``weight`` per
    class scales each sample's loss and the mean stays over the samples (as
    scikit-learn's ``class_weight``), not over the weights as torch's. With
    weights normalised to mean 1 over the data set, their scale does not
    change the learning rate, and weights of ones give exactly the
    unweighted loss.

    For outputs at every step, ``y_pred`` is ``(batch, steps, n_outputs)``
    and the target a dict ``{"target": (batch, steps[, k]), "weight":
    (batch, steps) or None, "lengths": (batch,)}``: the loss is the mean over
    the valid steps only, each step weighted by its weight.

    Examples
    --------
    >>> import torch
    >>> from skseq.modules import WeightedLoss
    >>> loss = WeightedLoss("squared_error")
    >>> y_pred, y_true = torch.tensor([[1.0], [3.0]]), torch.zeros(2, 1)
    >>> loss(y_pred, y_true).item()
    5.0
    >>> loss(y_pred, (y_true, torch.tensor([2.0, 0.0]))).item()
    1.0
    """

    def __init__(self, loss="cross_entropy", **loss_params):
        super().__init__()
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}.")
        if loss == "pinball" and "quantiles" not in loss_params:
            raise ValueError(
                'loss="pinball" needs quantiles, the levels its outputs predict, '
                'e.g. WeightedLoss("pinball", quantiles=[0.1, 0.5, 0.9]).'
            )
        self.loss = LOSSES[loss](reduction="none", **loss_params)
        # the ids left out of the mean: only where given (skseq's labels are
        # never -100, torch's default, and the mask costs a pass per batch)
        self.ignore_index = loss_params.get("ignore_index")

    def forward(self, y_pred, y_true):
        """Return the (weighted) mean loss of the batch."""
        weight = None
        if isinstance(y_true, dict):  # one target per step
            if y_pred.ndim < 3:  # a custom module's output of one row per sequence
                raise ValueError(
                    "The module must output one row per step, (batch, "
                    "max_length, output_size), for an estimator that predicts "
                    f"each step; it output shape {tuple(y_pred.shape)}."
                )
            valid = valid_mask(y_true["lengths"], y_pred.shape[1])
            y_pred, weight = y_pred[valid], y_true["weight"]
            y_true = y_true["target"][valid]
            weight = None if weight is None else weight[valid]
        elif isinstance(y_true, (list, tuple)):
            y_true, weight = y_true
        losses = self.loss(y_pred, y_true)
        if weight is not None:
            if losses.ndim > 1:  # a sample's loss: the mean over its outputs
                losses = losses.mean(dim=tuple(range(1, losses.ndim)))
            losses = losses * weight
        if self.ignore_index is None or losses.shape != y_true.shape:
            return losses.mean()
        # class ids equal to ignore_index have a loss of 0, which does not
        # count in the mean, as in torch's own mean
        return losses.sum() / (y_true != self.ignore_index).sum().clamp(min=1)
