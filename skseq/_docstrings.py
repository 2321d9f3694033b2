"""Docstring fragments shared by the estimators, and the one way to insert them.

A class docstring names a fragment as ``%(name)s``, indented like the
parameters around it, and the class is decorated
with :func:`fill_doc` (the ``Substitution`` of imbalanced-learn and pandas);
a literal percent sign is written ``%%``. Each parameter is described here
once, in the words every estimator that takes it shows.
"""

__all__ = ["FRAGMENTS", "fill_doc"]

_NETWORK = """\
    cell : {"gru", "lstm", "rnn"}, default="gru"
        Recurrent cell: gated recurrent unit, long short-term memory, or the
        Elman RNN ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``.
    hidden_size : int, default=64
        Size of the hidden state (of each direction).
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=%s
        Also read each sequence backwards, within its own length; the state
        size doubles.
    dropout : float, default=0.0
        Dropout between stacked layers (not on the recurrent connection)."""

_CONVOLUTION = """\
    conv_layers : int%(auto)s, default=%(layers)s
        Convolution blocks (convolution, batch normalisation, ReLU, max
        pooling) before the recurrent layers: local features, and with
        ``conv_pool`` fewer steps for the recurrent layers to read. 0 for
        none.%(auto_text)s
    conv_channels : int, default=64
        Channels of each convolution.
    conv_kernel_size : int, default=5
        Steps each convolution reads.
    conv_pool : int, default=%(pool)s
        Max pooling factor after each block: the recurrent layers read
        ``conv_pool ** conv_layers`` times fewer steps.
    conv_mode : {"features", "branch", "both"}, default="%(mode)s"
        "features": the recurrent layers read the convolutional features.
        "branch": they read the input, and the features' mean over the valid
        steps joins their summary (the LSTM-FCN design). "both": they read the
        features, whose mean joins their summary too."""

_AUTO_CONV = """ "auto": 3 when ``X`` holds numeric
        sequences of 100 steps or more (a quarter of them or more at fit),
        else 0; the number used is ``conv_layers_``. Measured on long UCR
        sets (benchmarks/README.md)."""


def _convolution(layers, pool, mode, auto=False):
    return _CONVOLUTION % {
        "auto": ' or "auto"' if auto else "",
        "layers": f'"{layers}"' if auto else layers,
        "auto_text": _AUTO_CONV if auto else "",
        "pool": pool,
        "mode": mode,
    }


_POOLING = """\
    pooling : {"max", "mean", "last", "attention", "flatten"}, default="%s"
        How the states are summarised for the output head: their maximum or
        mean over the valid steps, the state after the last valid step, an
        attention-weighted sum over the valid steps, or all states flattened
        (sequences of one fixed length only, the Keras
        ``return_sequences=True`` + ``Flatten`` pattern)."""

_TOKENS_AND_SCALING = """\
    embedding_dim : int or None, default=None
        Read ``X`` as integer token ids (id 0 is padding) and feed them to an
        embedding of this size instead of using them as numbers.
    vocab_size : int or None, default=None
        Number of token ids (ids lie in ``[0, vocab_size)``) with
        ``embedding_dim``; learned at fit as the largest id + 1 when None
        (for each categorical feature on its own).
    categorical_features : list of int or str, or None, default=None
        Columns of ``X`` (positions, or names of DataFrame columns) that hold
        integer ids (a word, its suffix, a category; 0 means none), each fed
        to its own embedding of size ``embedding_dim``, next to the other,
        numeric columns: tokens and their features in one input (a tagger can
        then label words it never saw by their suffixes and shapes). None
        with ``embedding_dim`` set: ``X`` holds token ids only.
    standardize : bool%(auto_type)s, default=%(default)s
        True: standardise each input feature with the mean and standard
        deviation of all valid training steps (learned in ``fit``, in float64;
        not for token ids). "sequence": standardise each sequence by its own
        mean and deviation over its valid steps, per numeric feature (as the
        UCR archive's z-normalised series; level and scale then carry no
        information, shapes do).%(auto_text)s False: feed the values as
        they are.
    mask_value : float or None, default=MASK_VALUE
        Steps whose features all equal ``mask_value`` are padding and are
        skipped, wherever they are, as with Keras' ``Masking``. The default,
        ``skseq.MASK_VALUE``, is the value skseq's padders write. None masks
        nothing."""

_TRAINING = """\
    max_epochs : int%(auto_opt)s, default=%(epochs)s
        Passes over the training data (fewer with early stopping).%(epochs_text)s
    batch_size : int, default=32
        Sequences per training step.
    lr : float%(lr_auto)s, default=%(lr)s
        Learning rate.%(lr_text)s
    optimizer : {"adam", "adamw", "rmsprop", "adagrad", "sgd"%(optimizer_auto)s} or \
class, default=%(optimizer)s
        Optimizer, by name or as a ``torch.optim.Optimizer`` subclass.%(optimizer_text)s
    optimizer_kwargs : dict or None, default=None
        Further options of the optimizer, e.g. ``{"momentum": 0.9}`` for SGD
        (``lr`` and ``weight_decay`` are parameters of their own).
    weight_decay : float%(auto_opt)s, default=%(decay)s
        The optimizer's ``weight_decay`` (decoupled in AdamW).%(decay_text)s
    clip_grad_norm : float or None, default=1.0
        Clip the gradient norm to this value at each step; None turns it off.
    lr_schedule : {"step", "cosine", "plateau"%(schedule_auto)s} or None, \
default=%(schedule)s
        Learning-rate schedule: divide by 10 every third of ``max_epochs``,
        cosine annealing to 0 over ``max_epochs``, or halve it when the
        monitored loss (validation loss with early stopping, else training
        loss) has not improved for ``n_iter_no_change // 2`` epochs. For other
        schedules pass a ``skorch.callbacks.LRScheduler`` in ``callbacks``.\
%(schedule_text)s"""


def _training(auto=False, lr="0.01", lr_text=""):
    fixed = {
        "lr": lr,
        "schedule": "None",
        "epochs": "100",
        "optimizer": '"adam"',
        "decay": "0.0",
    }
    if not auto:
        return _TRAINING % {
            **fixed,
            "lr_text": lr_text,
            **dict.fromkeys(
                (
                    "lr_auto",
                    "schedule_auto",
                    "schedule_text",
                    "auto_opt",
                    "epochs_text",
                    "optimizer_auto",
                    "optimizer_text",
                    "decay_text",
                ),
                "",
            ),
        }
    front = "with a front end (``conv_layers_ > 0``)"
    return _TRAINING % {
        "auto_opt": ' or "auto"',
        "epochs": '"auto"',
        "epochs_text": f'\n        "auto": 150 {front}, 100 without.',
        "optimizer_auto": ', "auto"',
        "optimizer": '"auto"',
        "optimizer_text": f'\n        "auto": "adamw" {front}, "adam" without.',
        "decay": '"auto"',
        "decay_text": f'\n        "auto": 0.01 {front}, 0 without.',
        "lr_auto": ' or "auto"',
        "lr": '"auto"',
        "lr_text": ' "auto": 0.003 with a convolutional front end\n'
        "        (``conv_layers_ > 0``), 0.01 without.",
        "schedule_auto": ', "auto"',
        "schedule": '"auto"',
        "schedule_text": '\n        "auto": "cosine" with a convolutional front end, '
        "None without.",
    }


_EARLY_STOPPING = """\
    early_stopping : bool%(auto)s, default=%(default)s
        Hold out ``validation_fraction`` of the training data%(stratified)s, stop
        when its loss has not improved by ``tol`` for ``n_iter_no_change``
        epochs, and restore the weights of the best epoch.%(auto_text)s
    validation_fraction : float, default=0.1
        Share of the training data held out with ``early_stopping``."""


def _early_stopping(stratified, auto=False, default_auto=False):
    return _EARLY_STOPPING % {
        "stratified": stratified,
        "auto": ' or "auto"' if auto else "",
        "default": '"auto"' if default_auto else "False",
        "auto_text": ' "auto": on with 1,000\n        training sequences or more.'
        if auto
        else "",
    }


_STOPPING_RULE = """\
    n_iter_no_change : int, default=10
        Epochs without improvement before early stopping.
    tol : float, default=1e-4
        Smallest decrease of the validation loss that counts as improvement."""

_WARM_START = """\
    warm_start : bool, default=False
        When fitted already, ``fit`` continues training the network for
        ``max_epochs`` more epochs (keeping its input and target scaling and
        classes, and reading ``X`` as at its first fit: a changed
        ``embedding_dim``, ``mask_value`` or structure is refused) instead of
        starting over; ``history_`` holds all epochs.
        With ``max_epochs`` as the resource of HalvingGridSearchCV there is no
        need for it: each round refits from scratch."""

_REGRESSION_LOSS = """\
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Loss on the scaled targets; "huber" is quadratic within one unit of
        the scaled target and linear beyond."""

_FORECAST_QUANTILES = """\
    quantiles : array-like of float or None, default=None
        Levels in (0, 1) of quantile heads: the network forecasts each
        horizon step at these levels and at the median (added if missing),
        trained with the pinball loss, which replaces ``loss`` (leave it at
        its default). The median head is the network's forecast for
        ``predict`` and ``method``; the heads, sorted so that they never cross
        (rearrangement) and centred on the forecast, give
        :meth:`predict_quantiles` and :meth:`predict_interval` after a
        conformal correction on the held-out windows (CQR). With
        ``linear_path``, every head starts as the ridge. Needs
        ``strategy="direct"``. None: one output per step, and quantiles from
        the forecast's errors only."""

_RUNTIME = """\
    module : class or callable or None, default=None
        Your own ``torch.nn.Module`` class instead of skseq's network. Its
        ``forward(X, lengths)`` takes a post-padded batch ``(batch,
        max_length, n_features)`` (or token ids ``(batch, max_length)``) and
        the number of valid steps of each row, and returns ``(batch,
        output_size)``, or ``(batch, max_length, output_size)`` where each
        step is predicted (:class:`~skseq.RNNTagger`,
        :class:`~skseq.RNNStepRegressor`). It is built with those of
        ``input_size, output_size, cell, hidden_size, num_layers, dropout,
        bidirectional, pooling, num_embeddings, embedding_dim, max_length``
        and the ``conv_*`` parameters that its signature takes.
    callbacks : list or None, default=None
        skorch callbacks (or ``(name, callback)`` pairs) added to training,
        e.g. ``skorch.callbacks.EpochScoring`` or ``Checkpoint``. A callback
        that raises KeyboardInterrupt ends training normally, as in skorch.
        For :class:`~skseq.RNNClassifier`, :class:`~skseq.RNNRegressor`,
        :class:`~skseq.RNNTagger` and :class:`~skseq.RNNStepRegressor`,
        ``EpochScoring("accuracy")`` (any scikit-learn scorer name, e.g.
        ``"roc_auc"``, ``"neg_log_loss"``, ``"r2"``) scores the net's
        predictions, unweighted, of the validation split (``on_train=True``:
        the training batches): class indices and probabilities, regression
        values in the target's units; for the per-step estimators, of every
        valid step (none of the padding), as their ``score``. A scorer (name,
        object or metric function) with ``use_caching=False``, or for the
        forecaster, sequence-to-sequence and language models, is refused at
        fit, as is a callback that reads the validation split (``on_train=
        False``, ``monitor="valid_loss"``) where there is none (the error
        says how to hold one out). See the user guide for the rest.
    device : str or torch.device, default="cpu"
        "cpu", "cuda" (or "cuda:1", ...), or "auto" for CUDA when available.
    mixed_precision : bool, default=False
        Run skseq's network under ``torch.autocast`` in bfloat16 (faster on
        recent GPUs; bfloat16 needs no loss scaling). On a CPU the recurrent
        layers of an LSTM stay in float32 (oneDNN has no bfloat16 LSTM on
        most CPUs). Not applied to your own ``module``, which can use
        ``torch.autocast`` itself. In bfloat16 a sequence's prediction may
        depend on the other sequences of the ``predict`` call (by up to about
        1e-3 in probabilities, measured on a CPU): the float32 guarantee that
        it does not is off.
    n_threads : int or None, default=1
        torch intra-op threads used inside ``fit`` and ``predict``, restored
        afterwards. One thread is fastest for small recurrent networks on a
        CPU; None keeps torch's process-wide setting.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the validation split, shuffling and
        dropout. An int gives bit-identical models on the same machine and
        versions; the global torch random state is left untouched.
    verbose : int, default=0
        1 prints a table of the losses of each epoch, 2 adds a progress bar."""

_PROCESSES = """\
    processes : int or "torchrun", default=1
        Data-parallel training: every process trains the same model on its
        share of each epoch's batches, and the gradients are averaged over
        the processes after each batch (torch.distributed; gloo on CPUs, NCCL
        on GPUs), so a step reads ``processes * batch_size`` sequences. An
        int > 1 forks that many processes on this machine (CPU training,
        each with ``n_threads`` threads; the forked ones share the caller's
        data and exit when training ends). "torchrun" joins the processes of
        a ``torchrun`` launch, on one or several machines (one process per
        GPU). See "Out of core and data-parallel training" in the user
        guide."""

_FITTED_NETWORK = """\
    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch module.
    history_ : skorch.History
        Per-epoch records of the training that made ``net_``:
        ``history_[:, "train_loss"]``, and ``"valid_loss"`` with early
        stopping (not in a forecaster's refit on every window).
    n_iter_ : int
        Number of epochs run by that training.
    interrupted_ : bool
        Whether training was stopped by Ctrl-C. See Notes of
        :class:`skseq.TrainingInterrupted` for which model is kept."""

_FITTED_INPUT = """\
    conv_layers_ : int
        Number of convolution blocks of the network (what
        ``conv_layers="auto"`` chose, else ``conv_layers``).
    vocab_size_ : int
        Number of token ids the embedding holds (with ``embedding_dim``).
    n_features_in_ : int
        Number of features seen during fit: the number of time steps for a
        2-D ``X`` (as scikit-learn reads its columns), else the number of
        features per time step.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during fit, when ``X`` was a DataFrame."""

_INPUT_NOTES = """\
    ``X`` is one of: a 3-D array ``(n_samples, n_timesteps, n_features)``; a
    2-D array ``(n_samples, n_timesteps)`` of univariate sequences, whose
    length must be the same at predict time since scikit-learn reads its
    columns as features; a list of ``(n_steps,)`` or ``(n_steps, n_features)``
    arrays of different lengths. Sequences of different lengths give the same
    output as each one run alone: padding is never seen by the network, and a
    sequence's prediction does not depend on the other sequences of the call.
    Values are computed in float32, after centring and scaling in float64. A
    long DataFrame indexed by ``(sequence id, time)`` gives one sample per id,
    in sorted id order; a ``y`` Series or DataFrame indexed by the ids is
    aligned to them (its rows by id), a ``y`` without ids is paired in that
    order (with a warning where the ids first appear in another). A
    DataFrame with a sequence in each cell (a row per sample, a column per
    feature) is read as the list of its rows.
    Cross-validation splitters need the list form: see
    :func:`skseq.utils.from_long_format`."""

_FRAGMENTS = {
    "network": _NETWORK % "False",
    "network_tagger": _NETWORK % "True",
    "convolution": _convolution(0, 1, "features"),
    "convolution_auto": _convolution("auto", 4, "both", auto=True),
    "convolution_steps": _convolution(0, 1, "features").replace(
        "Max pooling factor after each block",
        "Max pooling factor after each block (1 only: an output at every step "
        "needs every step)",
    ),
    "pooling_max": _POOLING % "max",
    "pooling_last": _POOLING % "last",
    "tokens_and_scaling": _TOKENS_AND_SCALING
    % {"auto_type": ' or "sequence"', "default": "True", "auto_text": ""},
    "tokens_and_scaling_auto": _TOKENS_AND_SCALING
    % {
        "auto_type": ', "sequence" or "auto"',
        "default": '"auto"',
        "auto_text": ' "auto": "sequence" when ``X`` holds\n        numeric '
        "sequences of 100 steps or more (a quarter of them or more\n"
        "        at fit), else True.",
    },
    "training": _training(),
    "training_auto": _training(auto=True),
    # the forecaster's network is one part of a mean, trained on many
    # overlapping windows (benchmarks/README.md: "The forecaster's learning rate")
    "training_forecast": _training(
        lr="0.003",
        lr_text=" The forecaster's network, trained on many\n"
        "        overlapping windows, varies less with the seed at 0.003 than at\n"
        "        0.01.",
    ),
    "early_stopping_stratified": _early_stopping(", stratified", auto=True),
    "early_stopping": _early_stopping(""),
    "early_stopping_auto": _early_stopping("", auto=True, default_auto=True),
    "stopping_rule": _STOPPING_RULE,
    "warm_start": _WARM_START,
    "regression_loss": _REGRESSION_LOSS,
    "forecast_quantiles": _FORECAST_QUANTILES,
    "runtime": _RUNTIME,
    "runtime_no_precision": _RUNTIME[: _RUNTIME.index("    mixed_precision :")]
    + _RUNTIME[_RUNTIME.index("    n_threads :") :],
    "processes": _PROCESSES,
    "fitted_network": _FITTED_NETWORK,
    "fitted_input": _FITTED_INPUT,
    "input_notes": _INPUT_NOTES,
}
# a placeholder stands indented in the docstring: the first line brings its own
FRAGMENTS = {name: text.removeprefix("    ") for name, text in _FRAGMENTS.items()}


def fill_doc(obj):
    """Insert the shared fragments into ``obj.__doc__`` (a class or function).

    Examples
    --------
    >>> from skseq._docstrings import fill_doc
    >>> @fill_doc
    ... class Example:
    ...     '''Parameters
    ...     ----------
    ...     %(warm_start)s
    ...     '''
    >>> Example.__doc__.splitlines()[2]
    '    warm_start : bool, default=False'
    """
    obj.__doc__ = obj.__doc__ % FRAGMENTS
    return obj
