"""Regressions of the plain torch modules used directly (skseq.modules)."""

import pytest
import torch
from torch import nn

from skseq.modules import (
    MaskedBatchNorm1d,
    RNNModule,
    Seq2SeqModule,
    WeightedLoss,
    beam_search,
    generate_values,
)


@pytest.mark.parametrize(
    "kwargs",
    [{"momentum": None}, {"affine": False}, {"track_running_stats": False}],
)
def test_masked_batch_norm_takes_torch_batch_norm_options(kwargs):
    # "**kwargs: as for torch.nn.BatchNorm1d": each of these crashed in the
    # masked path (lerp_ with None, None weight, None running statistics)
    torch.manual_seed(0)
    masked, plain = MaskedBatchNorm1d(2, **kwargs), nn.BatchNorm1d(2, **kwargs)
    lengths = torch.tensor([5, 3, 4])
    mask = (torch.arange(5) < lengths[:, None]).unsqueeze(1)
    for _ in range(3):  # momentum=None averages every batch seen
        x = torch.randn(3, 2, 5)
        out = masked(x, mask)
        valid = torch.cat([x[i, :, :n] for i, n in enumerate(lengths.tolist())], 1)
        expected = plain(valid.unsqueeze(0))[0]
        got = torch.cat([out[i, :, :n] for i, n in enumerate(lengths.tolist())], 1)
        torch.testing.assert_close(got, expected)  # float32 sums in other orders
    if plain.running_mean is not None:
        torch.testing.assert_close(masked.running_mean, plain.running_mean)
        torch.testing.assert_close(masked.running_var, plain.running_var)
    masked.eval(), plain.eval()
    x = torch.randn(1, 2, 3)
    torch.testing.assert_close(masked(x, mask[:1, :, :3]), plain(x))


def test_cross_entropy_leaves_ignored_ids_out_of_the_mean():
    # torch's CrossEntropyLoss averages over the targets not ignored; the
    # weighted mean counted them as zeros, so padding (ignore_index) shrank
    # the loss by the share of ignored targets
    torch.manual_seed(0)
    y_pred = torch.randn(6, 4)
    y_true = torch.tensor([0, 3, -100, 2, -100, 1])
    expected = nn.functional.cross_entropy(y_pred, y_true)
    loss = WeightedLoss("cross_entropy", ignore_index=-100)
    torch.testing.assert_close(loss(y_pred, y_true), expected)
    torch.testing.assert_close(loss(y_pred, (y_true, torch.ones(6))), expected)
    padded = WeightedLoss("cross_entropy", ignore_index=0)
    ids = torch.tensor([0, 3, 0, 2, 1, 1])
    torch.testing.assert_close(
        padded(y_pred, ids), nn.functional.cross_entropy(y_pred, ids, ignore_index=0)
    )
    # nothing ignored: the plain mean, as before
    plain = torch.tensor([0, 3, 2, 2, 1, 1])
    torch.testing.assert_close(loss(y_pred, plain), loss.loss(y_pred, plain).mean())
    # every target ignored: 0, not nan
    assert loss(y_pred, torch.full((6,), -100)).item() == 0.0


@pytest.mark.parametrize("lengths", [[0, 3], [4, 2]])
@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
def test_rnn_module_refuses_lengths_outside_the_padded_length(lengths, pooling):
    # a length of 0 read padding only (nan, or the last padded state for
    # pooling="last") without an error
    module = RNNModule(2, 1, hidden_size=3, pooling=pooling).eval()
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, 3\]"):
        module(torch.randn(2, 3, 2), torch.tensor(lengths))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"autocast": "bf16"}, "autocast must be"),
        ({"autocast": "float32"}, "autocast must be"),
        ({"num_embeddings": 5}, "need embedding_dim"),
        ({"categorical_features": [1], "categorical_sizes": [3]}, "embedding_dim"),
        (
            {
                "categorical_features": [0, 1],
                "categorical_sizes": [3],
                "embedding_dim": 2,
            },
            "one vocabulary size per column",
        ),
    ],
)
def test_rnn_module_refuses_inconsistent_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RNNModule(2, 1, hidden_size=3, **kwargs)


def test_decoders_refuse_a_limit_below_one():
    torch.manual_seed(0)
    tokens = Seq2SeqModule(source_size=6, target_size=6, hidden_size=4).eval()
    X, lengths = torch.randint(2, 6, (2, 3)), torch.tensor([3, 2])
    with pytest.raises(ValueError, match="max_length == 0, must be >= 1"):
        beam_search(tokens, X, lengths, start=4, end=5, max_length=0)
    with pytest.raises(ValueError, match="beam_width == 0, must be >= 1"):
        beam_search(tokens, X, lengths, start=4, end=5, max_length=3, beam_width=0)
    values = Seq2SeqModule(
        source_size=2,
        target_size=1,
        source_tokens=False,
        target_tokens=False,
        hidden_size=4,
    ).eval()
    with pytest.raises(ValueError, match="max_length == 0, must be >= 1"):
        generate_values(values, torch.randn(2, 3, 2), lengths, max_length=0)


def test_seq2seq_refuses_source_lengths_beyond_the_padded_length():
    # pack_padded_sequence failed with "shape '[...]' is invalid for input"
    module = Seq2SeqModule(source_size=6, target_size=6, hidden_size=4).eval()
    X = torch.randint(2, 6, (2, 3))
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, 3\]"):
        module.encode(X, torch.tensor([5, 2]))
