"""RNNSeq2Seq: an input sequence in, an output sequence of another length out."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

from .._base import set_fitted, validation_index
from .._docstrings import fill_doc
from .._engine import (
    PROCESSES_CONSTRAINT,
    TRAINING_CONSTRAINTS,
    SequenceDataset,
    TrainingOptions,
    resolve_module,
    sort_by_length,
    train,
)
from .._runtime import torch_threads
from .._targets import align_to_ids, check_y_given
from .._versions import VersionStamped
from ..metrics import sequence_accuracy
from ..modules import ATTENTIONS, CELLS, Seq2SeqModule, beam_search, generate_values
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ._pairs import (
    PairDataset,
    SideForm,
    decoding_limits,
    read_pairs,
    read_side,
    scored_targets,
    teacher_pairs,
)

__all__ = ["RNNSeq2Seq"]

# sources decoded together at predict time
_PREDICT_BATCH = 256


@fill_doc
class RNNSeq2Seq(VersionStamped, BaseEstimator):
    """Encoder-decoder recurrent network with attention (sequence to sequence).

    Maps each input sequence to an output sequence of its own length:
    translation, normalising dates or addresses, transliteration, reversing
    or sorting, multi-step forecasting of any length. An encoder RNN reads
    the source (both ways by default); a decoder RNN writes the target one
    token at a time, starting from the encoder's final state, and at every
    step attention looks back at the encoder's states. Training feeds the
    decoder the true previous token (teacher forcing); prediction feeds it
    its own, greedily or with beam search, until it writes the end token.

    Parameters
    ----------
    cell : {"gru", "lstm", "rnn"}, default="gru"
        Recurrent cell of encoder and decoder.
    hidden_size : int, default=128
        State size of the decoder and of each encoder direction.
    num_layers : int, default=1
        Stacked layers of encoder and decoder.
    bidirectional : bool, default=True
        The encoder also reads the source backwards.
    embedding_dim : int, default=32
        Size of the token embeddings of each side.
    attention : {"additive", "dot"} or None, default="additive"
        How a decoder step scores the encoder's states: Bahdanau's additive
        score or Luong's (scaled) dot product. None: no attention; the
        decoder sees the source through its initial state only.
    dropout : float, default=0.0
        Dropout on embeddings (numeric steps are not dropped), between layers
        and before the output head.
    teacher_forcing : float, default=1.0
        Share of training steps whose decoder input is the true previous
        token; the others get the model's own previous prediction
        (scheduled sampling, slower: the steps then run one at a time).
    unit : {"char", "word"}, default="char"
        How strings are cut into tokens, on both sides (at fit; the fitted
        sides keep it).
    min_frequency : int or None, default=None
        Tokens seen fewer times at fit become the unknown token.
    beam_width : int, default=1
        Candidates kept by beam search when predicting tokens; 1 is greedy
        decoding. Numeric outputs are always generated greedily.
    max_output_length : int or None, default=None
        Most steps written per output (a token output's end token included);
        read at predict time. None: ``max_output_length_``.
    max_epochs : int, default=10
        Passes over the training pairs (fewer with early stopping). With the
        cosine schedule, 10 passes over 2,000 pairs learn dates in 12 formats
        (exact match 0.99 or more, see ``benchmarks/seq2seq.py``); raise it
        for harder tasks or fewer pairs.
    batch_size : int, default=64
        Pairs per training step.
    lr : float, default=0.005
        Learning rate.
    optimizer : {"adam", "adamw", "rmsprop", "adagrad", "sgd"} or class, \
default="adam"
        Optimizer, by name or as a ``torch.optim.Optimizer`` subclass.
    optimizer_kwargs : dict or None, default=None
        Further options of the optimizer.
    weight_decay : float, default=0.0
        L2 penalty.
    clip_grad_norm : float or None, default=1.0
        Clip the gradient norm to this value at each step.
    lr_schedule : {"step", "cosine", "plateau"} or None, default="cosine"
        Learning-rate schedule over the epochs.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the pairs, stop when their loss
        has not improved by ``tol`` for ``n_iter_no_change`` epochs, and keep
        the best epoch's weights.
    validation_fraction : float, default=0.1
        Share of the pairs held out with ``early_stopping``.
    n_iter_no_change : int, default=5
        Epochs without improvement before early stopping.
    tol : float, default=1e-4
        Smallest decrease of the validation loss that counts.
    module : class or None, default=None
        Your own network instead of :class:`skseq.modules.Seq2SeqModule`,
        with its ``encode``, ``decode``, ``start`` and ``next_input``
        methods; built with the parameters of that class its signature takes.
    callbacks : list or None, default=None
        skorch callbacks (or ``(name, callback)`` pairs) added to training.
    device : str or torch.device, default="cpu"
        "cpu", "cuda" (or "cuda:1", ...), or "auto" for CUDA when available.
    n_threads : int or None, default=1
        torch intra-op threads inside ``fit`` and ``predict``.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, the validation split, shuffling and dropout.
    verbose : int, default=0
        0 silent, 1 the epoch table, 2 also a progress bar.
    %(processes)s

    Attributes
    ----------
    source_ : SideForm
        How ``X`` is read: its kind ("text", "tokens" or "values") and its
        vocabulary (or scaling).
    target_ : SideForm
        The same for ``y``; predictions take its form.
    max_output_length_ : int
        The limit of output steps when ``max_output_length`` is None: twice
        the longest target seen at fit (its end token included), plus 5.
    net_ : skorch.NeuralNet
        The trained network.
    history_ : skorch.history.History
        Losses per epoch.
    n_iter_ : int
        Epochs trained.
    interrupted_ : bool
        Whether Ctrl-C ended training.

    See Also
    --------
    RNNTagger : One output per input step (same lengths).
    RNNLanguageModel : Generate text that continues a prompt.
    skseq.metrics.bleu_score : BLEU of predicted sequences.

    Notes
    -----
    ``X`` and ``y`` are each a list of strings (cut by ``unit``), a list of
    token sequences (lists or arrays of strings), or numeric sequences (a
    list of ``(n_steps,)`` or ``(n_steps, n_features)`` arrays, a 2-D or 3-D
    array, or a long DataFrame indexed by ``(sequence id, time)``: one
    sequence per id, in sorted id order, which the predictions keep). A
    ``y`` Series indexed by the ids of ``X`` is lined up with them by id;
    another ``y`` is taken in that order (a long-frame ``y`` needs the ids
    of ``X``). ``predict`` returns ``y``'s form: strings, arrays of tokens
    (None for the unknown token), or arrays of values. Token ids: 0 is
    padding, 1 unknown, then the tokens; the target side adds a start and an
    end id. A numeric output ends at the first step whose end logit is
    positive (the network learns it), or at ``max_output_length``.
    :meth:`score` is the share of outputs that are exactly right; for other
    metrics see :mod:`skseq.metrics`.

    Examples
    --------
    >>> from skseq import RNNSeq2Seq
    >>> from skseq.datasets import make_reversal
    >>> X, y = make_reversal(300, max_length=5, random_state=0)
    >>> model = RNNSeq2Seq(hidden_size=32, max_epochs=3, random_state=0).fit(X, y)
    >>> len(model.predict(X[:2]))
    2
    """

    _parameter_constraints: dict = {
        "processes": PROCESSES_CONSTRAINT,
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean"],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "attention": [StrOptions(set(ATTENTIONS)), None],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "teacher_forcing": [Interval(Real, 0, 1, closed="both")],
        "unit": [StrOptions({"char", "word"})],
        "min_frequency": [Interval(Integral, 1, None, closed="left"), None],
        "beam_width": [Interval(Integral, 1, None, closed="left")],
        "max_output_length": [Interval(Integral, 1, None, closed="left"), None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        **{k: v for k, v in TRAINING_CONSTRAINTS.items() if k != "mixed_precision"},
    }
    _fitted_attributes = {
        "net_": NeuralNet,
        "history_": History,
        "n_iter_": int,
        "interrupted_": bool,
        "source_": SideForm,
        "target_": SideForm,
        "max_output_length_": int,
    }

    def __init__(
        self,
        cell="gru",
        hidden_size=128,
        *,
        num_layers=1,
        bidirectional=True,
        embedding_dim=32,
        attention="additive",
        dropout=0.0,
        teacher_forcing=1.0,
        unit="char",
        min_frequency=None,
        beam_width=1,
        max_output_length=None,
        max_epochs=10,
        batch_size=64,
        lr=0.005,
        optimizer="adam",
        optimizer_kwargs=None,
        weight_decay=0.0,
        clip_grad_norm=1.0,
        lr_schedule="cosine",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=5,
        tol=1e-4,
        module=None,
        callbacks=None,
        device="cpu",
        n_threads=1,
        random_state=None,
        verbose=0,
        processes=1,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.embedding_dim = embedding_dim
        self.attention = attention
        self.dropout = dropout
        self.teacher_forcing = teacher_forcing
        self.unit = unit
        self.min_frequency = min_frequency
        self.beam_width = beam_width
        self.max_output_length = max_output_length
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_kwargs = optimizer_kwargs
        self.weight_decay = weight_decay
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.processes = processes

    # ------------------------------------------------------------- network

    def _module_params(self, source, target):
        # the target side's ids: padding, unknown, tokens, start, end
        target_size = target.size + 2 if target.is_tokens else target.size
        return {
            "source_size": source.size,
            "target_size": target_size,
            "source_tokens": source.is_tokens,
            "target_tokens": target.is_tokens,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "attention": self.attention,
            "dropout": self.dropout,
            "teacher_forcing": self.teacher_forcing,
        }

    def _net_spec(self):
        module, params = resolve_module(
            self.module or Seq2SeqModule,
            self._module_params(self.source_, self.target_),
        )
        return module, params, self._loss(self.target_)

    @staticmethod
    def _loss(target):
        return "cross_entropy" if target.is_tokens else "squared_error_and_end"

    def _special_ids(self, target=None):
        """Ids of the start and end tokens of the target side."""
        size = (target or self.target_).size
        return size, size + 1

    # ----------------------------------------------------------------- fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Learn to write ``y[i]`` after reading ``X[i]``.

        Parameters
        ----------
        X : list of str, list of token sequences, or numeric sequences
            Source sequences.
        y : list of str, list of token sequences, or numeric sequences
            Target sequences, one per source, of any lengths; a Series
            indexed by the ids of a long-frame ``X`` is lined up with it by
            id (see Notes of the class).

        Returns
        -------
        self : RNNSeq2Seq
            The fitted model.
        """
        check_y_given(self, y)
        read_x, read_y = read_pairs(self, X, y)
        source = SideForm.fit(read_x, self.unit, self.min_frequency, "X")
        target = SideForm.fit(read_y, self.unit, self.min_frequency, "y")
        start, end = self._special_ids(target)
        lengths_x, lengths_y = read_x.lengths, read_y.lengths
        dataset = PairDataset(
            SequenceDataset(source.encode(read_x.steps, "X"), lengths_x),
            teacher_pairs(
                target, target.encode(read_y.steps, "y"), lengths_y, start, end
            ),
        )
        rng = check_random_state(self.random_state)
        seed = rng.randint(np.iinfo(np.int32).max)
        valid_index = None
        if self.early_stopping:
            valid_index = validation_index(
                len(lengths_x), self.validation_fraction, rng.randint(2**31 - 1)
            )
        module, params = resolve_module(
            self.module or Seq2SeqModule, self._module_params(source, target)
        )
        trained = train(
            dataset,
            module,
            params,
            self._loss(target),
            TrainingOptions.from_estimator(self),
            seed=seed,
            valid_index=valid_index,
        )
        longest = int(lengths_y.max()) + (1 if target.is_tokens else 0)
        state = {
            "net_": trained.net,
            "history_": trained.net.history,
            "n_iter_": trained.epochs,
            "source_": source,
            "target_": target,
            "max_output_length_": 2 * longest + 5,
        }
        set_fitted(self, state, interrupted=trained.interrupted)
        return self

    # ------------------------------------------------------------- predict

    def _generate(self, X):
        """Each source's output (``y``'s form), attention, and ``X`` as read."""
        check_is_fitted(self)
        read = read_side(X, "X", self, self.source_)
        lengths = read.lengths
        source = SequenceDataset(self.source_.encode(read.steps, "X"), lengths)
        beam_width, max_length = decoding_limits(self)
        module = self.net_.module_
        module.train(False)
        device = self.net_.device
        start, end = self._special_ids()
        order, inverse = sort_by_length(lengths)
        outputs, weights = [], []
        with torch_threads(self.n_threads), torch.inference_mode():
            for batch in np.array_split(order, -(-len(order) // _PREDICT_BATCH)):
                index = torch.as_tensor(batch)
                padded = source.padded(index).to(device)
                batch_lengths = source.lengths[index].to(device)
                if self.target_.is_tokens:
                    out, attention = beam_search(
                        module,
                        padded,
                        batch_lengths,
                        start=start,
                        end=end,
                        max_length=max_length,
                        beam_width=beam_width,
                        unknown=self.target_.rare,
                    )
                else:
                    out, attention = generate_values(
                        module,
                        padded,
                        batch_lengths,
                        max_length=max_length,
                    )
                outputs.extend(o.cpu().numpy() for o in out)
                weights.extend(
                    [None] * len(out)
                    if attention is None
                    else (w.float().cpu().numpy() for w in attention)
                )
        decoded = [self.target_.decode(outputs[i]) for i in inverse]
        return decoded, [weights[i] for i in inverse], read

    def predict(self, X):
        """Write the output sequence of each source in ``X``.

        Parameters
        ----------
        X : list of str, list of token sequences, or numeric sequences
            Sources, in the form given to ``fit``.

        Returns
        -------
        list
            One output per source, in the form of ``fit``'s ``y``: strings,
            object arrays of tokens, or arrays of values.
        """
        return self._generate(X)[0]

    def predict_attention(self, X):
        """Predict, and return the attention weights behind each output.

        Parameters
        ----------
        X : list of str, list of token sequences, or numeric sequences
            Sources, in the form given to ``fit``.

        Returns
        -------
        y_pred : list
            As :meth:`predict` returns it.
        weights : list of ndarray
            For each output, ``(output steps, source steps)``: row ``t`` is
            how much output step ``t`` attended to each source step (rows sum
            to 1). Token outputs have a last row for the end token.
        """
        check_is_fitted(self)
        if getattr(self.net_.module_, "attention", None) is None:
            raise ValueError(
                "This model was fitted without attention (attention=None); it has "
                "no attention weights."
            )
        return self._generate(X)[:2]

    def score(self, X, y, sample_weight=None):
        """Share of outputs that equal their target exactly.

        As in ``fit``, a ``y`` (and ``sample_weight``) indexed by the ids of
        a long-frame ``X``, or a long-frame ``y``, is lined up with it by id.

        Parameters
        ----------
        X : list of str, list of token sequences, or numeric sequences
            Sources.
        y : list or long DataFrame
            The true output of each source (numeric outputs count as equal
            when they have the same length and values within 1e-6: for
            numeric outputs pass another ``scoring`` to a search).
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each output.

        Returns
        -------
        score : float
            Exact-match accuracy.
        """
        check_y_given(self, y)  # before decoding every sequence
        outputs, _, read = self._generate(X)
        weight = align_to_ids(sample_weight, read)
        truth = scored_targets(self, y, read)
        return sequence_accuracy(truth, outputs, sample_weight=weight)
