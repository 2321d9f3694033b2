"""Shared machinery of the skseq estimators: parameters, input, training.

:class:`_BaseSequenceNet` holds what RNNClassifier, RNNRegressor and
SequenceForecaster have in common: the parameter constraints of the network
and of training, the conversion of ``X`` into tensors, and a skorch
``NeuralNet`` that does the training. skorch is wrapped, not subclassed: the
estimator builds a fresh net in every ``fit`` and keeps it as ``net_``.

``fit`` computes everything in locals (:meth:`_fit_network` returns a dict)
and assigns it in one step at the end (:meth:`_set_fitted`), so a model being
refit keeps answering ``predict`` from its previous fit until then.
"""

import copy
import inspect
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    GradientNormClipping,
    LRScheduler,
    ProgressBar,
)

from ._data import BatchIterator, FixedSplit, SequenceDataset, sort_by_length
from ._engine import predict_outputs
from ._persistence import _versions, warn_on_version_mismatch
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


class _DivergenceGuard(Callback):
    """Stop training with a clear error once the epoch loss is not finite."""

    def __init__(self, estimator_name, lr):
        self.estimator_name = estimator_name
        self.lr = lr

    def on_epoch_end(self, net, **kwargs):
        """Raise when the mean training loss of the epoch is nan or inf."""
        loss = net.history[-1, "train_loss"]
        if not np.isfinite(loss):
            raise ValueError(
                f"Training of {self.estimator_name} diverged: the training loss is "
                f"{loss} at epoch {len(net.history)}. Lower lr (now {self.lr}), keep "
                "clip_grad_norm set, and check that the inputs are scaled."
            )


def safe_scale(std, mean=0.0):
    """Return ``std`` with the scales of constant values set to 1.

    A value is constant when its spread is zero up to float64 rounding of its
    mean; tiny but real spreads (1e-7) are kept and scaled.
    """
    std = np.asarray(std, dtype=np.float64)
    bound = 10 * np.finfo(np.float64).eps * np.abs(np.asarray(mean, dtype=np.float64))
    return np.where(std > np.maximum(bound, np.finfo(np.float64).tiny), std, 1.0)


# fitted state the estimators keep in private attributes
_PRIVATE_FITTED = {
    "_input_spec",
    "_x_mean",
    "_x_scale",
    "_max_length",
    "_y_mean",
    "_y_scale",
    "_y_ndim",
    "_state",
}


def _is_fitted_key(key):
    """Whether an attribute name holds fitted state (``name_`` or a private one).

    Other private attributes (scikit-learn's metadata requests) are kept.
    """
    return (key.endswith("_") and not key.startswith("_")) or key in _PRIVATE_FITTED


def _check_warm_input(warm, sequences):
    """With warm_start, new sequences must fit the network being continued."""
    spec = warm["_input_spec"]
    if sequences.is_tokens != ("vocab_size_" in warm):
        kind = "token ids" if sequences.is_tokens else "numbers"
        raise ValueError(
            f"warm_start=True continues a network fitted on "
            f"{'numbers' if sequences.is_tokens else 'token ids'}, but X holds "
            f"{kind}; set warm_start=False to start over."
        )
    if sequences.n_channels != spec.n_channels:
        raise ValueError(
            f"warm_start=True continues a network fitted on {spec.n_channels} "
            f"features per step, but X has {sequences.n_channels}; set "
            "warm_start=False to start over."
        )


def _continue_from(net, warm):
    """Give a freshly initialised ``net`` the weights and history of ``warm``."""
    changed = {
        name: (value, net.get_params_for("module").get(name))
        for name, value in warm.get_params_for("module").items()
        if net.get_params_for("module").get(name) != value
    }
    if changed or type(net.module_) is not type(warm.module_):
        details = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in changed.items())
        raise ValueError(
            "warm_start=True continues the fitted network, but its structure "
            f"changed ({details or 'module class'}); set warm_start=False to start "
            "over."
        )
    net.module_.load_state_dict(warm.module_.state_dict())
    if type(net.optimizer_) is type(warm.optimizer_):
        state = copy.deepcopy(warm.optimizer_.state_dict())
        state["param_groups"] = net.optimizer_.state_dict()["param_groups"]
        net.optimizer_.load_state_dict(state)  # moments kept, new lr kept
    net.history = copy.deepcopy(warm.history)


def _stopped_early(net):
    """Whether an EarlyStopping callback ended the training of ``net``."""
    return any(
        isinstance(callback, EarlyStopping) and callback.misses_ >= callback.patience
        for _, callback in net.callbacks_
    )


class _BaseSequenceNet(BaseEstimator):
    """Base class of the recurrent estimators (not for direct use)."""

    _parameter_constraints: dict = {
        "cell": [StrOptions({"rnn", "gru", "lstm"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions({"last", "mean", "max", "attention", "flatten"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "vocab_size": [Interval(Integral, 2, None, closed="left"), None],
        "standardize": ["boolean"],
        "mask_value": [Real, None],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), callable],
        "optimizer_kwargs": [dict, None],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "lr_schedule": [StrOptions({"step", "cosine", "plateau"}), None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "module": [callable, None],
        "callbacks": [list, None],
        "device": [str, torch.device],
        "warm_start": ["boolean"],
        "mixed_precision": ["boolean"],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # ------------------------------------------------------------ pickling

    def __getstate__(self):
        state = super().__getstate__()
        if any(key.endswith("_") for key in state if not key.startswith("__")):
            state["_skseq_versions"] = _versions()
        return state

    def __setstate__(self, state):
        written = state.pop("_skseq_versions", None)
        if written is not None:
            warn_on_version_mismatch(written, f"This {type(self).__name__} was pickled")
        super().__setstate__(state)

    # ------------------------------------------------------------------ input

    @property
    def _uses_tokens(self):
        return self.embedding_dim is not None

    def _check_X(self, X, *, reset, spec=None):
        return check_sequences(
            X,
            estimator=self,
            reset=reset,
            spec=spec,
            tokens=self._uses_tokens,
            mask_value=self.mask_value,
            # flatten reads every position: padding stays (token id 0 becomes
            # the embedding's zero vector, as with Keras' Embedding + Flatten)
            drop_padding=self.pooling != "flatten",
        )

    def _check_y_given(self, y):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )

    def _check_fit_input(self, sequences):
        """Check what ``X`` must satisfy for the chosen network options."""
        if self.pooling == "flatten" and not sequences.fixed_length:
            pad = (
                "SequencePadder(dtype='int64'), which pads with id 0"
                if sequences.is_tokens
                else "SequencePadder(value=0.0)"
            )
            raise ValueError(
                "pooling='flatten' needs sequences of one length, but X has lengths "
                f"{sequences.lengths.min()} to {sequences.lengths.max()}. Pad them "
                f"to one length ({pad}) or choose pooling='max'."
            )
        if (
            self.pooling == "flatten"
            and not sequences.is_tokens
            and self.mask_value is not None
            and np.any(np.all(sequences.values == np.float32(self.mask_value), axis=2))
        ):
            raise ValueError(
                f"pooling='flatten' reads every step, padding included, but X has "
                f"steps padded with mask_value={self.mask_value}. Pad with a neutral "
                "value instead (SequencePadder(value=0.0)) or choose pooling='max'."
            )
        if sequences.is_tokens and self.vocab_size is not None:
            self._check_token_ids(sequences, self.vocab_size, "vocab_size")

    def _check_token_ids(self, sequences, vocab_size, name):
        too_big = np.unique(sequences.values[sequences.values >= vocab_size])
        if len(too_big):
            shown = ", ".join(str(i) for i in too_big[:5])
            more = f" and {len(too_big) - 5} more" if len(too_big) > 5 else ""
            raise ValueError(
                f"X holds token ids {shown}{more} that are not below "
                f"{name}={vocab_size}. Token ids must lie in [0, {vocab_size - 1}]; "
                "map unseen tokens to the unknown id (1) with "
                "skseq.preprocessing.SequenceOrdinalEncoder, or set a larger "
                "vocab_size."
            )

    def _input_scaling(self, sequences):
        """Per-feature mean and scale over all valid steps (float64)."""
        n_features = sequences.n_channels
        if not self.standardize or sequences.is_tokens:
            return np.zeros(n_features), np.ones(n_features)
        if sequences.fixed_length:
            steps = sequences.values.reshape(-1, n_features)
        else:
            steps = sequences.values[
                valid_steps(sequences.lengths, sequences.max_length)
            ]
        mean = steps.mean(axis=0, dtype=np.float64)
        return mean, safe_scale(steps.std(axis=0, dtype=np.float64), mean)

    @staticmethod
    def _scaled_values(sequences, mean, scale, order=None):
        """Standardised values (rows in ``order``), with at most one copy."""
        values, lengths = sequences.values, sequences.lengths
        if order is not None:
            values, lengths = values[order], lengths[order]
        if sequences.is_tokens or (not mean.any() and np.all(scale == 1.0)):
            return values
        if order is None:
            values = values - mean.astype(np.float32)
        else:
            values -= mean.astype(np.float32)  # a copy already
        values /= scale.astype(np.float32)
        if not sequences.fixed_length:
            # keep padding at zero, whatever the shift
            padding = ~valid_steps(lengths, sequences.max_length)[..., None]
            np.copyto(values, 0.0, where=padding)  # no index arrays, unlike masking
        return values

    # --------------------------------------------------------------- training

    def _module_params(self, input_size, output_size, max_length, vocab_size=None):
        """Everything the network may need; a user's module gets what it takes."""
        params = {
            "input_size": input_size,
            "output_size": output_size,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "bidirectional": self.bidirectional,
            "pooling": self.pooling,
            "num_embeddings": vocab_size,
            "embedding_dim": getattr(self, "embedding_dim", None),
            "max_length": max_length if self.pooling == "flatten" else None,
            "autocast": "bfloat16" if getattr(self, "mixed_precision", False) else None,
        }
        return params

    def _resolve_module(self, params):
        """Return the module class and the parameters of ``params`` it takes."""
        if self.module is None:
            return RNNModule, params
        signature = inspect.signature(self.module)
        takes_any = any(
            p.kind is inspect.Parameter.VAR_KEYWORD
            for p in signature.parameters.values()
        )
        if not takes_any:
            params = {k: v for k, v in params.items() if k in signature.parameters}
        return self.module, params

    def _callbacks(self, monitor, early_stopping=None):
        callbacks = [
            ("divergence_guard", _DivergenceGuard(type(self).__name__, self.lr))
        ]
        if self.clip_grad_norm is not None:
            callbacks.append(
                ("clip_grad_norm", GradientNormClipping(self.clip_grad_norm))
            )
        if self.lr_schedule == "step":
            step_size = max(1, self.max_epochs // 3)
            scheduler = LRScheduler("StepLR", step_size=step_size, gamma=0.1)
        elif self.lr_schedule == "cosine":
            scheduler = LRScheduler("CosineAnnealingLR", T_max=self.max_epochs)
        elif self.lr_schedule == "plateau":
            scheduler = LRScheduler(
                "ReduceLROnPlateau",
                monitor=monitor,
                factor=0.5,
                patience=max(1, self.n_iter_no_change // 2),
            )
        else:
            scheduler = None
        if scheduler is not None:
            callbacks.append(("lr_schedule", scheduler))
        if self.early_stopping if early_stopping is None else early_stopping:
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=self.n_iter_no_change,
                        threshold=self.tol,
                        threshold_mode="abs",
                        load_best=True,
                    ),
                )
            )
        if self.verbose >= 2:
            callbacks.append(("progress_bar", ProgressBar()))
        for position, callback in enumerate(copy.deepcopy(self.callbacks or [])):
            if not isinstance(callback, tuple):
                callback = (f"user_callback_{position}", callback)
            callbacks.append(callback)
        return callbacks

    def _build_net(
        self,
        module,
        module_params,
        loss,
        device,
        train_split,
        max_epochs=None,
        early_stopping=None,
    ):
        """Build the skorch net; ``max_epochs``/``early_stopping`` override."""
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = OPTIMIZERS[optimizer]
        optimizer_params = {"weight_decay": self.weight_decay}
        optimizer_params.update(self.optimizer_kwargs or {})
        monitor = "valid_loss" if train_split is not None else "train_loss"
        return NeuralNet(
            module=module,
            **{f"module__{key}": value for key, value in module_params.items()},
            criterion=WeightedLoss,
            criterion__loss=loss,
            optimizer=optimizer,
            **{f"optimizer__{key}": value for key, value in optimizer_params.items()},
            lr=self.lr,
            max_epochs=self.max_epochs if max_epochs is None else max_epochs,
            batch_size=self.batch_size,
            iterator_train=BatchIterator,
            iterator_train__shuffle=True,
            iterator_valid=BatchIterator,
            iterator_valid__batch_size=max(self.batch_size, _MIN_PREDICT_BATCH),
            train_split=train_split,
            callbacks=self._callbacks(monitor, early_stopping),
            device=device,
            verbose=self.verbose,
        )

    def _validation_split(self, n_samples, seed, stratify):
        """Return the indices held out for early stopping (None without it)."""
        if not self.early_stopping:
            return None
        n_valid = int(np.ceil(self.validation_fraction * n_samples))
        if n_valid < 1 or n_samples - n_valid < 1:
            raise ValueError(
                f"early_stopping needs a validation set, but validation_fraction="
                f"{self.validation_fraction} of {n_samples} samples leaves none for "
                "validation or training. Use more samples or turn early_stopping off."
            )
        if stratify is not None:
            counts = np.bincount(stratify)
            if counts.min() < 2 or min(n_valid, n_samples - n_valid) < len(counts):
                stratify = None  # too few members to stratify; split at random
        _, valid = train_test_split(
            np.arange(n_samples),
            test_size=n_valid,
            random_state=seed,
            stratify=stratify,
        )
        return np.sort(valid)

    def _train(
        self,
        dataset,
        module_params,
        loss,
        valid_index=None,
        seed=None,
        warm=None,
        max_epochs=None,
        early_stopping=None,
    ):
        """Train a new skorch net on ``dataset``, or continue the ``warm`` one.

        The net is always built from the current parameters (learning rate,
        batch size, callbacks, ...); to continue, it takes the weights,
        optimizer state and history of ``warm``, which stays untouched, so
        the fitted model keeps serving ``predict`` until the new one replaces
        it. Returns the net and the KeyboardInterrupt that stopped the
        training, if one did (the caller keeps the partial model, then
        raises it).
        """
        train_split = None if valid_index is None else FixedSplit(valid_index)
        module, module_params = self._resolve_module(module_params)
        device = resolve_device(self.device)
        net = self._build_net(
            module,
            module_params,
            loss,
            device,
            train_split,
            max_epochs,
            early_stopping,
        )
        interrupt = None
        with torch_threads(self.n_threads), seeded(seed, device):
            net.initialize()
            if warm is not None:
                _continue_from(net, warm)
            net.notify("on_train_begin", X=dataset, y=None)
            try:
                net.fit_loop(dataset)
            except KeyboardInterrupt as exc:
                # skorch's EarlyStopping stops training with KeyboardInterrupt
                if not _stopped_early(net):
                    interrupt = exc
            net.notify("on_train_end", X=dataset, y=None)
        return net, interrupt

    def _seed(self):
        """One int seed per fit, drawn from ``random_state``."""
        return check_random_state(self.random_state).randint(np.iinfo(np.int32).max)

    def _warm_state(self):
        """Return the fitted state to continue from with ``warm_start``, or None."""
        if getattr(self, "warm_start", False) and hasattr(self, "net_"):
            return dict(self.__dict__)
        return None

    def _fit_network(
        self, sequences, target, sample_weight, output_size, loss, stratify=None
    ):
        """Train a new net on validated sequences; return the fitted state.

        With ``warm_start`` and a previous fit, training continues from it
        (its input scaling and vocabulary kept). Nothing is assigned to
        ``self`` here (see :meth:`_set_fitted`). Returns the state dict and
        the KeyboardInterrupt that stopped the training, if one did.
        """
        self._check_fit_input(sequences)
        seed = self._seed()
        warm = self._warm_state()
        if warm is not None:
            _check_warm_input(warm, sequences)
        vocab_size = None
        if sequences.is_tokens:
            vocab_size = self.vocab_size or int(sequences.values.max()) + 1
            vocab_size = max(vocab_size, 2)
            if warm is not None:
                vocab_size = warm["vocab_size_"]
                self._check_token_ids(sequences, vocab_size, "vocab_size_")
        if warm is None:
            mean, scale = self._input_scaling(sequences)
        else:
            mean, scale = warm["_x_mean"], warm["_x_scale"]
        dataset = SequenceDataset(
            self._scaled_values(sequences, mean, scale),
            sequences.lengths,
            target,
            sample_weight,
        )
        valid_index = self._validation_split(len(dataset), seed, stratify)
        module_params = self._module_params(
            sequences.n_channels, output_size, sequences.max_length, vocab_size
        )
        net, interrupt = self._train(
            dataset,
            module_params,
            loss,
            valid_index,
            seed,
            warm=None if warm is None else warm["net_"],
        )
        state = {
            "net_": net,
            "history_": net.history,
            "n_iter_": len(net.history),
            "n_features_in_": sequences.n_features_in,
            "_input_spec": sequences.spec,
            "_x_mean": mean,
            "_x_scale": scale,
            "_max_length": module_params.get("max_length"),
        }
        if vocab_size is not None:
            state["vocab_size_"] = vocab_size
        return state, interrupt

    def _set_fitted(self, state, feature_names, interrupt=None):
        """Assign the fitted state in one step, at the end of ``fit``.

        After an interrupted training (Ctrl-C), the model trained so far is
        kept and usable, a warning says so, and the interrupt is raised again
        so that a search or script stops instead of using a truncated fit.
        """
        if feature_names is not None:
            state["feature_names_in_"] = feature_names
        state["interrupted_"] = interrupt is not None
        # one new __dict__, assigned at once: no attribute of an earlier fit
        # survives, and a concurrent predict sees the old state or the new
        params = {k: v for k, v in self.__dict__.items() if not _is_fitted_key(k)}
        self.__dict__ = {**params, **state}
        if interrupt is not None:
            warnings.warn(
                f"Training of {type(self).__name__} was interrupted after "
                f"{self.n_iter_} of {self.max_epochs} epochs; the model trained so "
                "far is kept.",
                UserWarning,
                stacklevel=3,
            )
            raise interrupt

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
        if sequences.is_tokens:
            self._check_token_ids(sequences, state["vocab_size_"], "vocab_size_")
        max_length = state["_max_length"]
        if max_length is not None and not (
            sequences.fixed_length and sequences.max_length == max_length
        ):
            raise ValueError(
                f"pooling='flatten' needs sequences of exactly {max_length} steps, "
                f"as at fit; X has lengths {sequences.lengths.min()} to "
                f"{sequences.lengths.max()}."
            )
        mean, scale = state["_x_mean"], state["_x_scale"]
        if sequences.fixed_length:
            values = self._scaled_values(sequences, mean, scale)
            dataset, inverse = SequenceDataset(values, sequences.lengths), None
        else:
            # batches of similar lengths waste no work on padding
            order, inverse = sort_by_length(sequences.lengths)
            values = self._scaled_values(sequences, mean, scale, order)
            dataset = SequenceDataset(values, sequences.lengths[order])
        with torch_threads(self.n_threads), torch.inference_mode():
            outputs = predict_outputs(
                state["net_"], dataset, max(self.batch_size, _MIN_PREDICT_BATCH)
            ).numpy()
        return (outputs if inverse is None else outputs[inverse]), state
