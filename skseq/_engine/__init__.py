"""The training engine that every skseq estimator uses by composition.

An estimator validates its input, makes a dataset of tensors and hands it to
:func:`train` with its :class:`TrainingOptions`; at prediction time it gets
the network's outputs from :func:`predict_outputs`. skorch is the engine
underneath (:mod:`._net`).
"""

from ._data import BatchIterator, FixedSplit, SequenceDataset, sort_by_length
from ._net import TrainingDiverged
from ._options import (
    LR_SCHEDULES,
    NETWORK_CONSTRAINTS,
    OPTIMIZERS,
    PROCESSES_CONSTRAINT,
    TRAINING_CONSTRAINTS,
    TrainingOptions,
)
from ._outputs import NetOutputs, without_validation_readers
from ._predict import MIN_ROWS, predict_outputs
from ._stored import StoredDataset, input_dataset
from ._train import Trained, continue_from, resolve_module, train

__all__ = [
    "LR_SCHEDULES",
    "MIN_ROWS",
    "NETWORK_CONSTRAINTS",
    "OPTIMIZERS",
    "PROCESSES_CONSTRAINT",
    "TRAINING_CONSTRAINTS",
    "BatchIterator",
    "FixedSplit",
    "NetOutputs",
    "SequenceDataset",
    "StoredDataset",
    "Trained",
    "TrainingDiverged",
    "TrainingOptions",
    "continue_from",
    "input_dataset",
    "predict_outputs",
    "resolve_module",
    "sort_by_length",
    "train",
    "without_validation_readers",
]
