"""The torch network on its own, without the estimators."""

import warnings

import numpy as np
import pytest
import torch
from torch.nn.utils.rnn import pad_sequence

from skseq.modules import RNNModule, WeightedLoss, reverse_padded

CELLS = ["rnn", "gru", "lstm"]
POOLINGS = ["last", "mean", "max", "attention"]


def test_rnn_cell_reproduces_the_hand_computed_example():
    # DESIGN.md use case 7: h_t = tanh(h_{t-1} W + x_t u + b), o_t = h_t v + c
    W = torch.tensor([[0.1, 0.2], [0.3, 0.4]])
    u = torch.tensor([0.5, 0.6])
    b = torch.tensor([0.1, -0.1])
    v = torch.tensor([1.0, 2.0])
    c = 0.1
    module = RNNModule(1, 1, cell="rnn", hidden_size=2, pooling="last")
    with torch.no_grad():
        module.rnn.weight_ih_l0.copy_(u.reshape(2, 1))
        module.rnn.weight_hh_l0.copy_(W.T)  # torch computes h @ weight_hh.T
        module.rnn.bias_ih_l0.copy_(b)
        module.rnn.bias_hh_l0.zero_()
        module.head.weight.copy_(v.reshape(1, 2))
        module.head.bias.fill_(c)
    X = torch.tensor([[[1.0], [2.0]]])
    lengths = torch.tensor([2])
    with torch.no_grad():
        states = module.encode(X, lengths)[0].double().numpy()
        outputs = module.head(module.encode(X, lengths))[0, :, 0].double().numpy()
        last = module(X, lengths)[0, 0].item()
    np.testing.assert_allclose(states[0], np.tanh([0.6, 0.5]), atol=1e-6)
    np.testing.assert_allclose(states[1], np.tanh([1.2923401, 1.39225678]), atol=1e-6)
    np.testing.assert_allclose(outputs, [1.56128388, 2.72707101], atol=1e-6)
    assert last == pytest.approx(2.72707101, abs=1e-6)


def test_reverse_padded_reverses_within_each_length():
    x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]]).unsqueeze(-1)
    lengths = torch.tensor([3, 2])
    reversed_x = reverse_padded(x, lengths)
    assert reversed_x[..., 0].tolist() == [[3, 2, 1, 0], [5, 4, 0, 0]]
    assert torch.equal(reverse_padded(reversed_x, lengths), x)


def _ragged_batch(n_features=3, lengths=(7, 2, 5, 1, 9), seed=0):
    generator = torch.Generator().manual_seed(seed)
    sequences = [torch.randn(n, n_features, generator=generator) for n in lengths]
    return sequences, pad_sequence(sequences, batch_first=True), torch.tensor(lengths)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("pooling", POOLINGS)
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_output_does_not_depend_on_padding(cell, pooling, num_layers, bidirectional):
    torch.manual_seed(0)
    module = RNNModule(
        3,
        2,
        cell=cell,
        hidden_size=8,
        num_layers=num_layers,
        pooling=pooling,
        bidirectional=bidirectional,
    )
    module.eval()
    sequences, padded, lengths = _ragged_batch()
    with torch.no_grad():
        batched = module(padded, lengths)
        alone = torch.cat([module(s[None], torch.tensor([len(s)])) for s in sequences])
        # more padding than any sequence needs changes nothing either
        extra = torch.cat([padded, torch.full((len(lengths), 4, 3), 99.0)], dim=1)
        over_padded = module(extra, lengths)
    torch.testing.assert_close(batched, alone, atol=1e-5, rtol=0)
    torch.testing.assert_close(over_padded, alone, atol=1e-5, rtol=0)


def test_bidirectional_doubles_the_state_and_reads_backwards_within_length():
    torch.manual_seed(0)
    module = RNNModule(3, 1, cell="gru", hidden_size=8, bidirectional=True)
    sequences, padded, lengths = _ragged_batch()
    with torch.no_grad():
        states = module.encode(padded, lengths)
        assert states.shape == (5, 9, 16)
        assert module.head.in_features == 16
        # the backward half at step 0 has read the whole sequence, in reverse,
        # so it equals the backward GRU run on the reversed sequence alone
        for sequence, state in zip(sequences, states, strict=True):
            alone = module.backward_layers[0](sequence.flip(0)[None])[0][0]
            torch.testing.assert_close(state[0, 8:], alone[-1], atol=1e-6, rtol=0)


def test_flatten_pooling_uses_every_state():
    torch.manual_seed(0)
    module = RNNModule(2, 3, hidden_size=4, pooling="flatten", max_length=6)
    assert module.head.in_features == 24
    assert module(torch.randn(5, 6, 2), torch.full((5,), 6)).shape == (5, 3)
    with pytest.raises(ValueError, match="exactly 6 steps"):
        module(torch.randn(5, 7, 2), torch.full((5,), 7))


def test_embedding_reads_token_ids_with_zero_as_padding():
    torch.manual_seed(0)
    module = RNNModule(1, 2, num_embeddings=10, embedding_dim=4, pooling="mean")
    module.eval()
    ids = torch.tensor([[3, 4, 5, 0, 0], [6, 7, 0, 0, 0]])
    lengths = torch.tensor([3, 2])
    with torch.no_grad():
        batched = module(ids, lengths)
        alone = module(ids[:1, :3], lengths[:1])
    torch.testing.assert_close(batched[:1], alone, atol=1e-6, rtol=0)
    assert module.embedding.padding_idx == 0


def test_dropout_sits_between_stacked_layers_only():
    module = RNNModule(2, 1, num_layers=2, dropout=0.5)
    assert module.rnn.dropout == 0.5
    with pytest.warns(UserWarning, match="dropout=0.5 acts between stacked"):
        single = RNNModule(2, 1, num_layers=1, dropout=0.5)
    assert single.rnn.dropout == 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"cell": "transformer"}, "cell must be one of"),
        ({"pooling": "median"}, "pooling must be one of"),
        ({"pooling": "flatten"}, "needs max_length"),
    ],
)
def test_module_rejects_unknown_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RNNModule(1, 1, **kwargs)


def test_weighted_loss_with_unit_weights_equals_plain_mean():
    loss = WeightedLoss("cross_entropy")
    logits = torch.randn(6, 3)
    target = torch.tensor([0, 1, 2, 0, 1, 2])
    plain = loss(logits, target)
    weighted = loss(logits, (target, torch.ones(6)))
    assert torch.equal(plain, weighted)
    expected = torch.nn.functional.cross_entropy(logits, target)
    torch.testing.assert_close(plain, expected)


def test_a_module_of_one_row_per_sequence_is_refused_where_steps_are_predicted():
    # the module= docstring said (batch, output_size) for every estimator; a
    # tagger's module that followed it failed in the loss's masking (IndexError)
    from skseq import RNNTagger

    class LastStep(torch.nn.Module):
        def __init__(self, input_size, output_size):
            super().__init__()
            self.out = torch.nn.Linear(input_size, output_size)

        def forward(self, X, lengths):
            return self.out(X[torch.arange(len(X)), lengths - 1])

    X = [np.random.default_rng(i).normal(size=(5 + i % 3, 2)) for i in range(12)]
    y = [np.arange(len(x)) % 2 for x in X]
    with pytest.raises(ValueError, match=r"one row per step.*shape \(\d+, 2\)"):
        RNNTagger(module=LastStep, max_epochs=1, random_state=0).fit(X, y)


def test_weighted_loss_weights_each_sample():
    loss = WeightedLoss("squared_error")
    y_pred = torch.tensor([[1.0], [3.0]])
    y_true = torch.tensor([[0.0], [0.0]])
    weights = torch.tensor([2.0, 0.0])
    # (2 * 1 + 0 * 9) / 2 samples
    assert loss(y_pred, (y_true, weights)).item() == pytest.approx(1.0)


def test_a_traced_conv_network_serves_padded_batches():
    # unpadded batches skip the masks at run time; a trace must keep them, or
    # a graph traced on equal lengths would read padding
    torch.manual_seed(0)
    module = RNNModule(
        input_size=1,
        output_size=2,
        hidden_size=8,
        conv_layers=2,
        conv_channels=4,
        conv_pool=2,
        conv_mode="both",
    ).eval()
    example = (torch.randn(2, 20, 1), torch.tensor([20, 20]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings on Python branches
        traced = torch.jit.trace(module, example)
    X, lengths = torch.randn(3, 16, 1), torch.tensor([16, 9, 4])
    with torch.no_grad():
        torch.testing.assert_close(traced(X, lengths), module(X, lengths))


def test_batch_norm_takes_a_batch_of_one_value_per_channel():
    # one sequence one step long (the last batch of 33 such sequences):
    # torch's own batch normalisation raised "Expected more than 1 value per
    # channel when training" from inside the conv front end
    from skseq import RNNClassifier
    from skseq.modules import MaskedBatchNorm1d

    norm = MaskedBatchNorm1d(2).train()
    with torch.no_grad():
        norm.bias.copy_(torch.tensor([0.5, -1.0]))
    out = norm(torch.tensor([[[3.0], [7.0]]]), None)
    torch.testing.assert_close(out, torch.tensor([[[0.5], [-1.0]]]))
    X = np.random.default_rng(0).normal(size=(33, 1, 1))
    clf = RNNClassifier(conv_layers=1, conv_channels=4, max_epochs=2, hidden_size=4)
    assert clf.fit(X, np.arange(33) % 2).predict(X).shape == (33,)


def test_seq2seq_dropout_leaves_numeric_inputs_and_the_start_flag_alone():
    # dropout zeroed raw values and the decoder's start flag in training (the
    # estimator's docstring promised dropout on embeddings only)
    from skseq.modules import Seq2SeqModule

    torch.manual_seed(0)
    module = Seq2SeqModule(
        3, 2, source_tokens=False, target_tokens=False, hidden_size=8, dropout=0.9
    )
    module.train()
    X, lengths = torch.randn(4, 6, 3), torch.tensor([6, 5, 4, 3])
    first = module.encode(X, lengths)[0]
    again = module.encode(X, lengths)[0]
    torch.testing.assert_close(first, again)  # one layer: nothing dropped
    start = module.start(4)
    assert torch.equal(module._decoder_input(start), start)
    tokens = Seq2SeqModule(12, 9, hidden_size=8, dropout=0.9).train()
    ids = torch.randint(2, 12, (4, 6))
    assert not torch.equal(
        tokens.encode(ids, lengths)[0], tokens.encode(ids, lengths)[0]
    )
