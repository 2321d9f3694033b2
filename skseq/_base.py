"""The base of the estimators whose ``X`` is sequences: input in, outputs out.

:class:`_BaseSequenceEstimator` converts ``X`` (one function,
:func:`skseq.utils.check_sequences`), scales it, hands a dataset to the
training engine (:mod:`skseq._engine`) and, at prediction time, returns the
network's outputs for the subclass to turn into labels or values. Training
options are one typed object (:class:`~skseq._engine.TrainingOptions`); the
fitted state is assigned in one step at the end of ``fit``.
"""

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

from ._auto import AUTO_EARLY_STOPPING, auto_conv_layers, auto_training
from ._engine import (
    NETWORK_CONSTRAINTS,
    TRAINING_CONSTRAINTS,
    TrainingOptions,
    input_dataset,
    predict_outputs,
    resolve_module,
    train,
)
from ._input import FittedInput, check_token_ids, refuse_masked_steps
from ._versions import VersionStamped
from .exceptions import TrainingInterrupted
from .utils._sklearn_compat import Interval, StrOptions
from .utils.validation import check_sequences

__all__ = ["conv_params", "set_fitted", "validation_index"]

# predict in batches at least this big: inference needs no small batches
_MIN_PREDICT_BATCH = 256


def conv_params(estimator):
    """Return the front end's parameters, with "auto" resolved at fit."""
    params = {
        name: getattr(estimator, name)
        for name in ("conv_channels", "conv_kernel_size", "conv_pool", "conv_mode")
    }
    layers = estimator.__dict__.get("conv_layers_")
    return {
        "conv_layers": estimator.conv_layers if layers is None else layers,
        **params,
    }


def validation_index(n_samples, fraction, seed, stratify=None):
    """Return the sorted indices of the samples held out for early stopping.

    ``ceil(fraction * n_samples)`` samples, stratified by the integer labels
    ``stratify`` where every class has members on both sides.
    """
    n_valid = int(np.ceil(fraction * n_samples))
    if n_valid < 1 or n_samples - n_valid < 1:
        raise ValueError(
            f"early_stopping needs a validation set, but validation_fraction="
            f"{fraction} of {n_samples} samples leaves none for validation or "
            "training. Use more samples or turn early_stopping off."
        )
    if stratify is not None:
        counts = np.bincount(stratify)
        if counts.min() < 2 or min(n_valid, n_samples - n_valid) < len(counts):
            stratify = None  # too few members to stratify; split at random
    _, valid = train_test_split(
        np.arange(n_samples), test_size=n_valid, random_state=seed, stratify=stratify
    )
    return np.sort(valid)


def _is_fitted_key(key):
    """Whether an attribute name holds fitted state (``name_`` or ``_input``).

    Other private attributes (scikit-learn's metadata requests) are kept.
    """
    return (key.endswith("_") and not key.startswith("_")) or key in (
        "_input",
        "_target",
    )


class _BaseSequenceEstimator(VersionStamped, BaseEstimator):
    """Base class of RNNClassifier and RNNRegressor (not for direct use)."""

    _parameter_constraints: dict = {
        **NETWORK_CONSTRAINTS,
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "vocab_size": [Interval(Integral, 2, None, closed="left"), None],
        "categorical_features": [list, None],
        "conv_layers": [*NETWORK_CONSTRAINTS["conv_layers"], StrOptions({"auto"})],
        "standardize": ["boolean", StrOptions({"sequence", "auto"})],
        "mask_value": [Interval(Real, None, None, closed="neither"), None],
        **TRAINING_CONSTRAINTS,
        **{
            name: [*TRAINING_CONSTRAINTS[name], StrOptions({"auto"})]
            for name in ("lr", "lr_schedule", "optimizer", "weight_decay", "max_epochs")
        },
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "warm_start": ["boolean"],
    }

    # the fitted state, as skseq.save writes it: name -> type (None: optional)
    _fitted_attributes = {
        "net_": NeuralNet,
        "history_": History,
        "n_iter_": int,
        "n_features_in_": int,
        "interrupted_": bool,
        "feature_names_in_": np.ndarray | None,
        "vocab_size_": int | None,
        "conv_layers_": int | None,  # None: saved before conv_layers="auto"
        "_input": FittedInput,
    }

    # whether fit and predict read stored X (skseq.io) out of core
    _reads_stored = False

    def __setstate__(self, state):
        if "_input" in state:  # pickled before it held mask_value: the parameter's
            state["_input"] = state["_input"].upgraded(state.get("mask_value"))
        super().__setstate__(state)

    # ------------------------------------------------------------------ input

    def _reads_every_position(self):
        """Whether the network reads padding too (``pooling="flatten"``)."""
        return self.pooling == "flatten"

    def _network_params(self):
        """Return the network's structural parameters (those of RNNModule)."""
        return {
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "bidirectional": self.bidirectional,
            "pooling": self.pooling,
            "per_step": False,
            **conv_params(self),
        }

    def _reading(self, fitted=None):
        """``check_sequences`` options: from the parameters, or as ``fitted`` read X.

        A parameter set after fit takes effect at the next fit (scikit-learn's rule).
        """
        if fitted is None:
            embedded = self.embedding_dim is not None
            tokens = embedded and not self.categorical_features
            mask_value, flatten = self.mask_value, self._reads_every_position()
        else:
            tokens = fitted.vocab_size is not None
            embedded = tokens or bool(fitted.categorical)
            mask_value, flatten = fitted.mask_value, fitted.max_length is not None
        return {
            "tokens": tokens,
            "mask_value": mask_value,
            # flatten reads every position: padding stays (token id 0 becomes
            # the embedding's zero vector, as with Keras' Embedding + Flatten)
            "drop_padding": not flatten,
            # stored numbers stay in their store (see skseq.io)
            "out_of_core": self._reads_stored and not embedded,
        }

    def _check_X(self, X, *, reset, fitted=None):
        warm = self._warm_state() if reset else None
        if warm is not None:  # X must fit the network that training continues
            fitted, now = warm["_input"], self._reading()
            try:
                changed = [
                    f"{key}: {value!r} -> {now[key]!r}"
                    for key, value in self._reading(fitted).items()
                    if now[key] != value
                ]
                if changed:
                    raise ValueError(
                        "embedding_dim, categorical_features, mask_value or pooling "
                        f"changed how X is read ({', '.join(changed)})"
                    )
                return self._check_X(X, reset=False, fitted=fitted)
            except ValueError as error:
                raise ValueError(
                    f"{error} (warm_start=True continues the network fitted "
                    "before; set warm_start=False to start over.)"
                ) from error
        return check_sequences(
            X,
            estimator=self,
            reset=reset,
            spec=None if fitted is None else fitted.spec,
            **self._reading(fitted),
        )

    def _check_fit_input(self, sequences, fitted=None):
        """Check what ``X`` must satisfy for the network (``fitted``: continued)."""
        reading = self._reading(fitted)
        flatten = not reading["drop_padding"]
        if flatten and not sequences.fixed_length:
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
        if flatten:
            refuse_masked_steps(sequences, reading["mask_value"])
        if sequences.is_tokens and self.vocab_size is not None:
            check_token_ids(sequences.steps, self.vocab_size, "vocab_size")

    def _fit_input(self, sequences, sample_weight=None):
        """Standardisation and vocabularies learned from the training sequences."""
        return FittedInput.fit(
            sequences,
            sample_weight=sample_weight,
            standardize=self.standardize,
            vocab_size=self.vocab_size,
            categorical=self._categorical_columns(sequences),
            keep_length=self._reads_every_position(),
            mask_value=self.mask_value,
        )

    def _categorical_columns(self, sequences):
        """Positions of the ``categorical_features`` among X's features."""
        columns = self.categorical_features or []
        if columns and self.embedding_dim is None:
            raise ValueError(
                "categorical_features are embedded: set embedding_dim too."
            )
        if self.vocab_size is not None and self.embedding_dim is None:
            raise ValueError(  # it was silently ignored: X read as numbers
                "vocab_size sizes the embedding of token ids: set embedding_dim too."
            )
        if columns and sequences.is_tokens:
            raise ValueError(
                "categorical_features name columns of X, but X holds token ids only "
                "(1-D sequences); give X its numeric columns too, or leave "
                "categorical_features out."
            )
        names = list(
            sequences.feature_names if sequences.feature_names is not None else []
        )
        positions = []
        for column in columns:
            if isinstance(column, str):
                if column not in names:
                    raise ValueError(
                        f"categorical_features names {column!r}, which is not a "
                        f"column of X (columns: {names})."
                    )
                column = names.index(column)
            if not 0 <= column < sequences.n_channels:
                raise ValueError(
                    f"categorical_features holds {column}, but X has "
                    f"{sequences.n_channels} features per step."
                )
            positions.append(int(column))
        if len(set(positions)) < len(positions):
            raise ValueError(f"categorical_features repeats a column: {columns}.")
        return tuple(sorted(positions))

    def _module_params(self, fitted_input, output_size):
        """Everything skseq's network may need; a user's module gets what it takes."""
        return {
            **fitted_input.module_params(),
            "output_size": output_size,
            **self._network_params(),
            "embedding_dim": self.embedding_dim,
            "max_length": fitted_input.max_length,
            "autocast": "bfloat16" if self.mixed_precision else None,
        }

    def _sequence_net_spec(self, output_size, loss):
        """Return the network class, its parameters and the fitted model's loss."""
        module, params = resolve_module(
            self.module, self._module_params(self._input, output_size)
        )
        return module, params, loss

    def _stops_early(self, n_samples):
        """Whether training stops early; "auto": with enough samples to hold out."""
        if self.early_stopping == "auto":
            return n_samples is not None and n_samples >= AUTO_EARLY_STOPPING
        return self.early_stopping

    def _validation_split(self, n_samples, seed, stratify):
        """Return the indices held out for early stopping (None without it)."""
        if not self._stops_early(n_samples):
            return None
        return validation_index(n_samples, self.validation_fraction, seed, stratify)

    def _training_options(self, conv_layers=None, n_samples=None):
        """Training options, with what "auto" means for this net and data."""
        if conv_layers is None:
            conv_layers = conv_params(self)["conv_layers"]
        auto = auto_training(self, conv_layers)
        auto["early_stopping"] = self._stops_early(n_samples)
        return TrainingOptions.from_estimator(self, **auto)

    def _warm_state(self):
        """Return the fitted state to continue with ``warm_start``, or None."""
        if self.warm_start and hasattr(self, "net_"):
            return dict(self.__dict__)
        return None

    def _fit_network(
        self,
        sequences,
        target,
        sample_weight,
        input_weight,
        output_size,
        loss,
        stratify=None,
        per_step=False,
        outputs=None,
    ):
        """Train a net on validated sequences; return the fitted state.

        With ``warm_start`` and a previous fit, training continues from it
        (how it reads its input kept: scaling, vocabularies, padding). Nothing
        is assigned to ``self`` here (see :meth:`_set_fitted`). Returns the
        state dict and the :class:`~skseq._engine.Trained` result.
        ``input_weight``: the user's weights of the input scaling, or None.
        """
        warm = self._warm_state()
        self._check_fit_input(sequences, None if warm is None else warm["_input"])
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        # a warm start keeps what "auto" chose; a number given is checked
        # against the fitted network by continue_from
        auto_kept = warm is not None and self.conv_layers == "auto"
        conv_layers = auto_conv_layers(
            conv_params(self)["conv_layers"] if auto_kept else self.conv_layers,
            sequences,
        )
        options = self._training_options(conv_layers, sequences.n_samples)
        if warm is None:
            fitted_input = self._fit_input(sequences, input_weight)
        else:
            fitted_input = warm["_input"]
            fitted_input.check(sequences)
        dataset = input_dataset(
            fitted_input, sequences, target, sample_weight, per_step=per_step
        )
        module_params = self._module_params(fitted_input, output_size)
        module_params["conv_layers"] = conv_layers
        module, module_params = resolve_module(self.module, module_params)
        trained = train(
            dataset,
            module,
            module_params,
            loss,
            options,
            seed=seed,
            valid_index=self._validation_split(len(dataset), seed, stratify),
            warm=None if warm is None else warm["net_"],
            outputs=outputs,
        )
        state = {
            "net_": trained.net,
            "history_": trained.net.history,
            "n_iter_": trained.epochs,
            # the input of the first fit, which a warm start continues
            "n_features_in_": fitted_input.spec.n_features_in,
            "conv_layers_": conv_layers,
            "_input": fitted_input,
        }
        if fitted_input.vocab_size is not None:
            state["vocab_size_"] = fitted_input.vocab_size
        names = warm.get("feature_names_in_") if warm else sequences.feature_names
        if names is not None:
            state["feature_names_in_"] = names
        return state, trained

    def _set_fitted(self, state, trained):
        """Assign the fitted state in one step, at the end of ``fit``.

        After Ctrl-C, the model trained so far is kept (see
        :class:`skseq.exceptions.TrainingInterrupted`) and the interrupt is
        raised again so that a search or script stops instead of using a
        truncated fit.
        """
        set_fitted(self, state, interrupted=trained.interrupted)

    def _forward(self, X):
        """Network outputs for ``X`` and the fitted state they come from.

        Returns a float32 array ``(n_samples, output_size)`` (``(total_steps,
        output_size)`` for outputs at every step), the dict of fitted
        attributes read once at the start, which the caller uses for anything
        else it needs (``classes_``, target scaling), and the validated input.
        """
        check_is_fitted(self)
        # one read of the fitted state, so a concurrent refit cannot mix models
        state = dict(self.__dict__)
        fitted_input = state["_input"]
        sequences = self._check_X(X, reset=False, fitted=fitted_input)
        fitted_input.check(sequences)
        max_length = fitted_input.max_length
        if max_length is not None and not (
            sequences.fixed_length and sequences.max_length == max_length
        ):
            raise ValueError(
                f"pooling='flatten' needs sequences of exactly {max_length} steps, "
                f"as at fit; X has lengths {sequences.lengths.min()} to "
                f"{sequences.lengths.max()}."
            )
        if max_length is not None:  # it read them as values of -1e9
            refuse_masked_steps(sequences, fitted_input.mask_value)
        dataset = input_dataset(fitted_input, sequences)
        outputs = predict_outputs(
            state["net_"],
            dataset,
            batch_size=max(self.batch_size, _MIN_PREDICT_BATCH),
            n_threads=self.n_threads,
            # batches of similar lengths waste no work on padding
            order=np.argsort(sequences.lengths, kind="stable"),
        ).numpy()
        return outputs, state, sequences


def set_fitted(estimator, state, *, interrupted):
    """Give ``estimator`` the fitted ``state`` at once; on Ctrl-C, raise.

    One new ``__dict__``, assigned at once: no attribute of an earlier fit
    survives, and a concurrent ``predict`` sees the old state or the new one.
    An estimator that was fitted before keeps its model when training was
    interrupted; the partial model goes to a copy, in the exception.
    """
    state = {**state, "interrupted_": interrupted}
    params = {k: v for k, v in estimator.__dict__.items() if not _is_fitted_key(k)}
    if not interrupted:
        estimator.__dict__ = {**params, **state}
        return
    was_fitted = any(_is_fitted_key(key) for key in estimator.__dict__)
    partial = copy.copy(estimator) if was_fitted else estimator
    partial.__dict__ = {**params, **state}
    kept = (
        "it keeps its earlier model; the partial one is the exception's .estimator"
        if was_fitted
        else "the model trained so far is kept"
    )
    raise TrainingInterrupted(
        f"Training of {type(estimator).__name__} was interrupted (Ctrl-C) after "
        f"{state['n_iter_']} epochs (n_iter_, which counts the epochs of a warm "
        f"start's earlier fits too); {kept}.",
        partial,
    )
