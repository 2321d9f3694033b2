"""Shared machinery of the skseq estimators: parameters, input, training.

:class:`_BaseSequenceNet` holds what RNNClassifier, RNNRegressor and
SequenceForecaster have in common: the constructor parameters of the network
and of training, the conversion of ``X`` into tensors, and a skorch
``NeuralNet`` that does the training. skorch is wrapped, not subclassed: the
estimator builds a fresh net in every ``fit`` and keeps it as ``net_``.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import GradientNormClipping

from ._data import BatchIterator, SequenceDataset, sort_by_length
from ._runtime import resolve_device, seeded, torch_threads
from .modules import RNNModule, WeightedLoss
from .utils._sklearn_compat import Interval, StrOptions
from .utils.validation import check_sequences, valid_steps

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}

# predict in batches at least this big: inference needs no small batches
_MIN_PREDICT_BATCH = 256


class _BaseSequenceNet(BaseEstimator):
    """Base class of the recurrent estimators (not for direct use)."""

    _parameter_constraints: dict = {
        "cell": [StrOptions({"rnn", "gru", "lstm"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"last", "mean", "max"})],
        "standardize": ["boolean"],
        "mask_value": [Real, None],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # ------------------------------------------------------------------ input

    def _check_X(self, X, *, reset, spec=None):
        return check_sequences(
            X,
            estimator=self,
            reset=reset,
            spec=spec,
            tokens=False,
            mask_value=self.mask_value,
        )

    def _check_y_given(self, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )

    def _input_scaling(self, sequences):
        """Per-feature mean and scale over all valid steps (float64)."""
        n_features = sequences.n_channels
        if not self.standardize:
            return np.zeros(n_features), np.ones(n_features)
        if sequences.fixed_length:
            steps = sequences.values.reshape(-1, n_features)
        else:
            mask = valid_steps(sequences.lengths, sequences.max_length)
            steps = sequences.values[mask]
        mean = steps.mean(axis=0, dtype=np.float64)
        scale = steps.std(axis=0, dtype=np.float64)
        scale[scale < 10 * np.finfo(np.float32).eps] = 1.0
        return mean, scale

    @staticmethod
    def _scaled_values(sequences, mean, scale):
        values = (sequences.values - mean.astype(np.float32)) / scale.astype(np.float32)
        if not sequences.fixed_length:
            # keep padding at zero, whatever the shift
            values[~valid_steps(sequences.lengths, sequences.max_length)] = 0.0
        return values.astype(np.float32, copy=False)

    # --------------------------------------------------------------- training

    def _module_params(self, sequences, output_size):
        return {
            "input_size": sequences.n_channels,
            "output_size": output_size,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "pooling": self.pooling,
        }

    def _callbacks(self):
        callbacks = []
        if self.clip_grad_norm is not None:
            callbacks.append(
                ("clip_grad_norm", GradientNormClipping(self.clip_grad_norm))
            )
        return callbacks

    def _build_net(self, module_params, loss):
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = OPTIMIZERS[optimizer]
        return NeuralNet(
            module=RNNModule,
            **{f"module__{key}": value for key, value in module_params.items()},
            criterion=WeightedLoss,
            criterion__loss=loss,
            optimizer=optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            iterator_train=BatchIterator,
            iterator_train__shuffle=True,
            iterator_valid=BatchIterator,
            iterator_valid__batch_size=max(self.batch_size, _MIN_PREDICT_BATCH),
            train_split=None,
            callbacks=self._callbacks(),
            device=resolve_device("cpu"),
            verbose=self.verbose,
        )

    def _fit_network(self, sequences, target, sample_weight, output_size, loss):
        """Train a new net on validated input; return the fitted state.

        Nothing is assigned to ``self`` here: the caller assigns the returned
        state at the end of ``fit``, so a model being refit keeps answering
        ``predict`` from its previous fit until then.
        """
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        mean, scale = self._input_scaling(sequences)
        dataset = SequenceDataset(
            self._scaled_values(sequences, mean, scale),
            sequences.lengths,
            target,
            sample_weight,
        )
        net = self._build_net(self._module_params(sequences, output_size), loss)
        with torch_threads(self.n_threads), seeded(seed, net.device):
            net.fit(dataset, None)
        return {
            "net_": net,
            "history_": net.history,
            "n_iter_": len(net.history),
            "n_features_in_": sequences.n_features_in,
            "_input_spec": sequences.spec,
            "_x_mean": mean,
            "_x_scale": scale,
        }

    def _set_fitted(self, state, feature_names):
        """Assign the fitted state in one step, at the end of ``fit``."""
        if feature_names is None:
            self.__dict__.pop("feature_names_in_", None)
        else:
            state["feature_names_in_"] = feature_names
        self.__dict__.update(state)

    # ------------------------------------------------------------- prediction

    def _forward(self, X):
        """Network outputs for ``X`` and the fitted state they come from.

        Returns a float32 array ``(n_samples, output_size)`` and the dict of
        fitted attributes read once at the start, which the caller uses for
        anything else it needs (``classes_``, target scaling).
        """
        check_is_fitted(self)
        # one read of the fitted state, so a concurrent refit cannot mix models
        state = dict(self.__dict__)
        sequences = self._check_X(X, reset=False, spec=state["_input_spec"])
        values = self._scaled_values(sequences, state["_x_mean"], state["_x_scale"])
        if sequences.fixed_length:
            dataset, inverse = SequenceDataset(values, sequences.lengths), None
        else:
            # batches of similar lengths waste no work on padding
            order, inverse = sort_by_length(sequences.lengths)
            dataset = SequenceDataset(values[order], sequences.lengths[order])
        with torch_threads(self.n_threads), torch.inference_mode():
            outputs = state["net_"].forward(dataset, training=False).numpy()
        return (outputs if inverse is None else outputs[inverse]), state
