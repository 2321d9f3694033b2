"""What "auto" means for the options of the sequence estimators, as measured.

Long numeric sequences (:func:`skseq._input.is_long`) get a convolutional
front end, and with it a training recipe of their own: a lower learning rate
annealed on a cosine, AdamW with weight decay, and more epochs. The figures
behind each choice are in ``benchmarks/README.md`` (classification and
regression accuracy).
"""

from ._input import is_long

__all__ = ["AUTO_EARLY_STOPPING", "auto_conv_layers", "auto_training"]

# conv_layers="auto": this many blocks for long numeric sequences
AUTO_CONV_LAYERS = 3
# early_stopping="auto": on from this many training sequences
AUTO_EARLY_STOPPING = 1000
# the training options "auto" stands for: (with a front end, without)
_TRAINING = {
    "lr": (0.003, 0.01),
    "lr_schedule": ("cosine", None),
    "optimizer": ("adamw", "adam"),
    "weight_decay": (0.01, 0.0),
    "max_epochs": (150, 100),
}


def auto_conv_layers(conv_layers, sequences):
    """Return the number of convolution blocks ``conv_layers="auto"`` means."""
    if conv_layers != "auto":
        return conv_layers
    return AUTO_CONV_LAYERS if is_long(sequences) else 0


def auto_training(estimator, conv_layers):
    """Return the training options that ``estimator`` leaves at "auto"."""
    return {
        name: choice[0] if conv_layers else choice[1]
        for name, choice in _TRAINING.items()
        if isinstance(getattr(estimator, name), str)
        and getattr(estimator, name) == "auto"
    }
