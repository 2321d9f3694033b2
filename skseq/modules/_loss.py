"""The loss of skseq's estimators: a per-sample loss, weighted and averaged."""

from torch import nn

from ._masks import valid_mask

__all__ = ["LOSSES", "REGRESSION_LOSSES", "WeightedLoss"]

REGRESSION_LOSSES = {
    "squared_error": nn.MSELoss,
    "absolute_error": nn.L1Loss,
    "huber": nn.HuberLoss,
}
"""The losses of regression targets, by name."""
LOSSES = {"cross_entropy": nn.CrossEntropyLoss, **REGRESSION_LOSSES}
"""Every loss :class:`WeightedLoss` computes, by name."""


class WeightedLoss(nn.Module):
    """Mean of a per-sample loss over a batch, optionally weighted.

    Parameters
    ----------
    loss : {"cross_entropy", "squared_error", "absolute_error", "huber"}
        The per-sample loss. For multi-output regression the loss of a sample
        is the mean over its outputs.
    **loss_params : dict
        Passed to the torch loss (e.g. ``delta`` for "huber").

    Notes
    -----
    The target may be a pair ``(target, weight)``: the loss is then
    ``mean(weight * loss)``. With weights normalised to mean 1 over the data
    set, their scale does not change the learning rate, and weights of ones
    give exactly the unweighted loss.

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
        self.loss = LOSSES[loss](reduction="none", **loss_params)

    def forward(self, y_pred, y_true):
        """Return the (weighted) mean loss of the batch."""
        weight = None
        if isinstance(y_true, dict):  # one target per step
            valid = valid_mask(y_true["lengths"], y_pred.shape[1])
            y_pred, weight = y_pred[valid], y_true["weight"]
            y_true = y_true["target"][valid]
            weight = None if weight is None else weight[valid]
        elif isinstance(y_true, (list, tuple)):
            y_true, weight = y_true
        losses = self.loss(y_pred, y_true)
        if weight is None:
            return losses.mean()
        if losses.ndim > 1:  # a sample's loss: the mean over its outputs
            losses = losses.mean(dim=tuple(range(1, losses.ndim)))
        return (losses * weight).mean()
