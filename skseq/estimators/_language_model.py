"""RNNLanguageModel: learn a stream of tokens, then generate from it."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from scipy.special import log_softmax
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

from .._base import set_fitted
from .._docstrings import fill_doc
from .._engine import TRAINING_CONSTRAINTS, TrainingOptions, resolve_module, train
from .._runtime import torch_threads
from .._versions import VersionStamped
from ..modules import CELLS, LanguageModule
from ..preprocessing import SequenceOrdinalEncoder
from ..preprocessing._encoding import UNKNOWN_ID
from ..preprocessing._tokens import join_tokens
from ..utils._sklearn_compat import Interval, StrOptions, _fit_context
from ._language_parts import InOrder as _InOrder
from ._language_parts import ResetState as _ResetState
from ._language_parts import StreamDataset as _StreamDataset
from ._language_parts import sample_token

__all__ = ["RNNLanguageModel"]

# steps scored at a time, the state carried from one piece to the next
_SCORE_PIECE = 4096
# chunks of bptt_steps each stream holds at least (fewer streams otherwise)
_MIN_CHUNKS = 8


@fill_doc
class RNNLanguageModel(VersionStamped, BaseEstimator):
    """Recurrent language model: learn text (or token streams), generate more.

    Learns to predict the next token of a stream, as min-char-rnn does: the
    training text is cut into ``batch_size`` parallel streams, read in chunks
    of ``bptt_steps`` tokens with the state carried from one chunk to the next
    (truncated backpropagation through time). :meth:`generate` samples new
    text one token at a time, carrying the state (constant work per token).

    Parameters
    ----------
    unit : {"char", "word"}, default="char"
        Tokens of text input: characters or whitespace-separated words.
        Token-id input (sequences of integers >= 2) is used as it is.
    cell : {"lstm", "gru", "rnn"}, default="lstm"
        Recurrent cell.
    hidden_size : int, default=128
        Size of the hidden state.
    num_layers : int, default=1
        Stacked recurrent layers.
    embedding_dim : int, default=32
        Size of the token embeddings.
    dropout : float, default=0.0
        Dropout on embeddings, between layers and before the output head.
    bptt_steps : int, default=64
        Steps of each training chunk: gradients flow back this far.
    min_frequency : int or None, default=None
        Tokens of text seen fewer times share one id of rare tokens.
    max_epochs : int, default=50
        Passes over the training streams.
    batch_size : int, default=16
        Parallel streams (fewer for a short text: each stream is at least 8
        chunks long).
    lr : float, default=0.01
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
    lr_schedule : {"step", "cosine", "plateau"} or None, default=None
        Learning-rate schedule over the epochs.
    %(runtime_no_precision)s

    Attributes
    ----------
    vocab_size_ : int
        Token ids in use: 0 padding, 1 unknown, the tokens, and the last id
        for the end of a document.
    encoder_ : SequenceOrdinalEncoder or None
        Text to ids (None for token-id input).
    %(fitted_network)s

    See Also
    --------
    skseq.preprocessing.SequenceOrdinalEncoder : Text to token ids.

    Notes
    -----
    ``X`` is a string, a list of strings (documents), or a list of token-id
    sequences. Documents are joined into one stream, each followed by an
    end-of-document token. :meth:`score` is the negative mean log loss per
    token (higher is better, so ``GridSearchCV`` can select models);
    :meth:`perplexity` is ``exp(-score)``.

    Examples
    --------
    >>> from skseq import RNNLanguageModel
    >>> from skseq.datasets import load_text
    >>> model = RNNLanguageModel(max_epochs=2, random_state=0).fit(load_text())
    >>> text = model.generate("Four score", n_steps=20, random_state=0)
    >>> len(text)
    30
    """

    _parameter_constraints: dict = {
        "unit": [StrOptions({"char", "word"})],
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "bptt_steps": [Interval(Integral, 1, None, closed="left")],
        "min_frequency": [Interval(Integral, 1, None, closed="left"), None],
        **{
            key: value
            for key, value in TRAINING_CONSTRAINTS.items()
            if key
            not in ("early_stopping", "n_iter_no_change", "tol", "mixed_precision")
        },
    }
    _fitted_attributes = {
        "net_": NeuralNet,
        "history_": History,
        "n_iter_": int,
        "interrupted_": bool,
        "vocab_size_": int,
        "encoder_": SequenceOrdinalEncoder | None,
    }

    def __init__(
        self,
        unit="char",
        *,
        cell="lstm",
        hidden_size=128,
        num_layers=1,
        embedding_dim=32,
        dropout=0.0,
        bptt_steps=64,
        min_frequency=None,
        max_epochs=50,
        batch_size=16,
        lr=0.01,
        optimizer="adam",
        optimizer_kwargs=None,
        weight_decay=0.0,
        clip_grad_norm=1.0,
        lr_schedule=None,
        module=None,
        callbacks=None,
        device="cpu",
        n_threads=1,
        random_state=None,
        verbose=0,
    ):
        self.unit = unit
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.bptt_steps = bptt_steps
        self.min_frequency = min_frequency
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.optimizer_kwargs = optimizer_kwargs
        self.weight_decay = weight_decay
        self.clip_grad_norm = clip_grad_norm
        self.lr_schedule = lr_schedule
        self.module = module
        self.callbacks = callbacks
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose

    # -------------------------------------------------------------- tokens

    def _documents(self, X, encoder=None, reset=False, name="X"):
        """Token-id arrays of the documents of ``X``, and the encoder used.

        ``name`` is the argument's in messages ("prompt": one document).
        """
        if isinstance(X, str):
            X = [X]
        if isinstance(X, pd.Series):  # a column of documents
            X = X.tolist()
        if not isinstance(X, (list, tuple, np.ndarray)) or len(X) == 0:
            raise ValueError(
                "X must be a string, a list of strings (documents) or a list of "
                f"token-id sequences, got {type(X).__name__}."
            )
        if all(isinstance(x, str) for x in X):
            if reset:
                encoder = SequenceOrdinalEncoder(
                    split=self.unit, min_frequency=self.min_frequency
                ).fit(list(X))
            if encoder is None:
                raise ValueError(
                    f"This model was fitted on token ids; give {name} as token ids too."
                )
            return [
                np.asarray(ids, dtype=np.int64) for ids in encoder.transform(list(X))
            ], encoder
        if encoder is not None and not reset:
            raise ValueError(f"This model was fitted on text; give {name} as text too.")
        documents = [np.asarray(x) for x in X]
        for position, ids in enumerate(documents):
            where = name if name == "prompt" else f"{name}[{position}]"
            if ids.ndim == 1 and ids.size == 0:
                raise ValueError(
                    f"{where} is empty; every document needs at least 1 token."
                )
            if ids.ndim != 1 or ids.dtype.kind not in "iu" or ids.min() < 1:
                raise ValueError(
                    f"{where} must be a 1-D sequence of integer token ids "
                    f">= 1 (0 is padding), or {name} text."
                )
            # a fitted model's embedding has no row for a larger id
            if not reset and ids.size and ids.max() >= self.vocab_size_:
                raise ValueError(
                    f"{where} holds the token id {ids.max()}, but this model "
                    f"was fitted on ids up to {self.vocab_size_ - 1} (the last "
                    "one ends a document)."
                )
        return [ids.astype(np.int64) for ids in documents], None

    def _stream(self, documents, end):
        """One stream: every document followed by the end-of-document id."""
        return np.concatenate([np.append(ids, end) for ids in documents])

    # ----------------------------------------------------------------- fit

    def _module_params(self, vocab_size):
        return {
            "vocab_size": vocab_size,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
        }

    def _net_spec(self):
        module, params = resolve_module(
            self.module or LanguageModule, self._module_params(self.vocab_size_)
        )
        return module, params, "cross_entropy"

    def _training_options(self):
        """How the network trains: streams in order, so no held-out share."""
        return TrainingOptions.from_estimator(
            self, early_stopping=False, n_iter_no_change=1, tol=0.0
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn to predict the next token of the documents of ``X``.

        Parameters
        ----------
        X : str, list of str or list of array-like of int
            Text, documents, or token-id sequences (ids from 2; 0 and 1 are
            padding and unknown).
        y : None
            Not used: the text is its own target.

        Returns
        -------
        self : RNNLanguageModel
            The fitted model.
        """
        documents, encoder = self._documents(X, reset=True)
        if encoder is not None:
            vocab_size = encoder.vocab_size_ + 1
        else:
            vocab_size = int(max(ids.max() for ids in documents if ids.size)) + 2
        stream = self._stream(documents, vocab_size - 1)
        # parallel streams, but each at least _MIN_CHUNKS chunks long: a short
        # text is read by fewer streams, in more steps per epoch
        n_streams = len(stream) // (_MIN_CHUNKS * self.bptt_steps)
        n_streams = max(1, min(self.batch_size, n_streams))
        dataset = _StreamDataset(stream, n_streams, self.bptt_steps)
        module, params = resolve_module(
            self.module or LanguageModule, self._module_params(vocab_size)
        )
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        trained = train(
            dataset,
            module,
            params,
            "cross_entropy",
            self._training_options(),
            seed=seed,
            iterator=_InOrder,
            callbacks=[("reset_state", _ResetState())],
        )
        state = {
            "net_": trained.net,
            "history_": trained.net.history,
            "n_iter_": trained.epochs,
            "vocab_size_": vocab_size,
            "encoder_": encoder,
        }
        set_fitted(self, state, interrupted=trained.interrupted)
        return self

    # ------------------------------------------------------------ generate

    def _module(self):
        check_is_fitted(self)
        module = self.net_.module_
        module.train(False)
        return module

    def generate(self, prompt=None, n_steps=100, temperature=1.0, random_state=None):
        """Sample ``n_steps`` tokens after ``prompt``, one at a time.

        Parameters
        ----------
        prompt : str, array-like of int or None, default=None
            The start of a document (text or token ids), to continue; None
            or an empty one starts a new document. Like every document of ``fit`` and
            :meth:`score`, it is read after an end-of-document token.
        n_steps : int, default=100
            Tokens to generate.
        temperature : float, default=1.0
            Divides the logits: below 1 picks likely tokens more often, above 1
            less often.
        random_state : int, RandomState instance or None, default=None
            Seeds the sampling (the global torch random state is untouched).

        Returns
        -------
        str or ndarray
            The prompt followed by the generated text (words joined by
            spaces), or token ids for a model fitted on token ids. Generation
            stops early at an end-of-document token. Padding (id 0) is never
            generated, nor, by a model fitted on text, the unknown or the rare
            tokens' id (no token of its own).
        """
        if not isinstance(temperature, Real) or not temperature > 0:  # NaN too
            raise ValueError(f"temperature must be a number > 0, got {temperature!r}.")
        if not isinstance(n_steps, Integral) or n_steps < 0:
            raise ValueError(f"n_steps must be an int >= 0, got {n_steps!r}.")
        module = self._module()
        end = self.vocab_size_ - 1
        empty = isinstance(prompt, str) or np.ndim(prompt) == 1  # [] is float64
        if prompt is None or (empty and len(prompt) == 0):
            ids, shown = np.array([], dtype=np.int64), []
        elif isinstance(prompt, str):
            ids = self._documents([prompt], self.encoder_, name="prompt")[0][0]
            shown = [prompt]
        else:
            given, prompt = type(prompt).__name__, [np.asarray(prompt)]
            if prompt[0].dtype.kind in "OUS" and self.encoder_ is not None:
                raise ValueError(
                    "prompt must be one string (the start of one document), or "
                    f"None; got a {given} of strings."
                )
            ids = self._documents(prompt, self.encoder_, name="prompt")[0][0]
            shown = list(ids)
        # a document starts after an end token, as fit and score read it
        prompt_ids = np.concatenate([[end], ids])
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.default_rng(seed)
        # never padding, nor (text) the unknown id or the rare tokens' shared one
        encoder = self.encoder_
        never = [0] if encoder is None else [0, UNKNOWN_ID]
        if encoder is not None and encoder.infrequent_categories_ is not None:
            never.append(encoder.vocab_size_ - 1)  # "infrequent_sklearn"
        generated, device = [], self.net_.device
        with torch_threads(self.n_threads), torch.inference_mode():
            prompt_ids = torch.as_tensor(prompt_ids, device=device)[None]
            logits, state = module.step(prompt_ids)
            advance = module.stepper(state)
            logits = logits[0, -1].cpu().numpy()
            for _ in range(n_steps):
                token = sample_token(logits, temperature, never, rng)
                if token == end:
                    break
                generated.append(token)
                logits = advance(token).cpu().numpy()
        if encoder is None:
            return np.array(shown + generated, dtype=np.int64)
        tokens = encoder.inverse_transform([np.asarray(generated, np.int64)])[0]
        unit = encoder.split  # as fitted, whatever unit says now
        text = join_tokens(tokens, unit)
        if not shown:
            return text
        # a word prompt ending in a space is not given a second one
        space = unit == "word" and text and not shown[0][-1:].isspace()
        return shown[0] + (" " if space else "") + text

    # --------------------------------------------------------------- score

    def _log_loss(self, X):
        """Mean negative log-likelihood per token of the documents of ``X``."""
        module = self._module()
        documents, _ = self._documents(X, self.encoder_)
        end, device = self.vocab_size_ - 1, self.net_.device
        total, count = 0.0, 0
        with torch_threads(self.n_threads), torch.inference_mode():
            for ids in documents:
                # from the start of a document: after an end-of-document token
                tokens = np.concatenate([[end], ids, [end]])
                state = None
                for start in range(0, len(tokens) - 1, _SCORE_PIECE):
                    piece = tokens[start : start + _SCORE_PIECE + 1]
                    logits, state = module.step(
                        torch.as_tensor(piece[:-1], device=device)[None], state
                    )
                    log_p = log_softmax(logits[0].double().cpu().numpy(), axis=1)
                    total -= log_p[np.arange(len(piece) - 1), piece[1:]].sum()
                    count += len(piece) - 1
        return total / count

    def score(self, X, y=None):
        """Negative mean log loss per token of ``X`` (higher is better).

        Parameters
        ----------
        X : str, list of str or list of array-like of int
            Text in the form given to ``fit``.
        y : None
            Not used.

        Returns
        -------
        score : float
            ``-mean(log p(token | tokens before it))`` over every token of
            every document, and the end of each document.
        """
        return -self._log_loss(X)

    def perplexity(self, X):
        """Perplexity of ``X``: ``exp`` of the mean log loss per token.

        Parameters
        ----------
        X : str, list of str or list of array-like of int
            Text in the form given to ``fit``.

        Returns
        -------
        float
            1 for a model that is always sure and right; the vocabulary size
            for one that guesses uniformly.
        """
        return float(np.exp(self._log_loss(X)))
