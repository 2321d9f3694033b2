"""RNNSeq2Seq and its network: learning, decoding, invariance, forms, errors."""

from numbers import Integral

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import Interval

import skseq
from skseq import RNNSeq2Seq
from skseq.datasets import make_reversal
from skseq.estimators._pairs import decoding_limits
from skseq.metrics import token_accuracy
from skseq.modules import Seq2SeqModule, beam_search
from skseq.preprocessing import SequencePadder
from skseq.utils import to_long_format

QUICK = dict(hidden_size=32, embedding_dim=16, batch_size=32, lr=0.01, random_state=0)


@pytest.fixture(scope="module")
def reversal():
    X, y = make_reversal(
        600, min_length=3, max_length=6, alphabet="abcde", random_state=0
    )
    model = RNNSeq2Seq(max_epochs=12, **QUICK).fit(X, y)
    return model, X, y


def test_learns_to_reverse(reversal):
    model, X, y = reversal
    X_new, y_new = make_reversal(
        200, min_length=3, max_length=6, alphabet="abcde", random_state=1
    )
    # chance is far below: 5 letters, 3-6 positions
    assert model.score(X_new, y_new) > 0.6
    assert token_accuracy(y_new, model.predict(X_new)) > 0.85
    assert all(isinstance(p, str) for p in model.predict(X_new[:5]))


def test_attention_weights_are_distributions_over_the_source(reversal):
    model, X, _ = reversal
    y_pred, weights = model.predict_attention(X[:20])
    for source, output, w in zip(X[:20], y_pred, weights, strict=True):
        assert w.shape == (len(output) + 1, len(source))  # + the end token
        np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=1e-5)
    # reversing: output step t looks at source step length - 1 - t
    source, w = X[0], weights[0]
    looked_at = w[: len(source)].argmax(axis=1)
    assert (looked_at == np.arange(len(source))[::-1]).mean() >= 0.5


def test_prediction_does_not_depend_on_the_batch(reversal):
    model, X, _ = reversal
    together, weights = model.predict_attention(X[:30])
    for i in (0, 7, 29):
        alone, alone_weights = model.predict_attention([X[i]])
        # decoding picks the largest logit: equal unless two are within float
        # rounding of each other, which a trained model's margins rule out
        assert alone[0] == together[i]
        np.testing.assert_allclose(alone_weights[0], weights[i], atol=1e-5)


def _sequence_log_prob(module, source, lengths, target_ids, start, end):
    """Mean log-probability per token of ``target_ids`` (end token included)."""
    y_in = torch.tensor([[start, *target_ids]])
    y_out = torch.tensor([*target_ids, end])
    with torch.no_grad():
        logits = module(source, lengths, y_in, None)[0]
    return torch.log_softmax(logits, -1)[torch.arange(len(y_out)), y_out].mean()


def _ending_module(seed):
    """An untrained network biased to end within a few tokens."""
    torch.manual_seed(seed)
    module = Seq2SeqModule(9, 12, hidden_size=16).eval()
    with torch.no_grad():
        module.head.weight.mul_(3.0)  # peaked, varied choices
        module.head.bias[11] += 3.0
    return module


@pytest.mark.slow
def test_beam_search_finds_likelier_outputs_than_greedy():
    # a briefly trained model: it ends its outputs, but is often unsure
    X, y = make_reversal(
        300, min_length=3, max_length=8, alphabet="abcde", random_state=0
    )
    model = RNNSeq2Seq(max_epochs=2, **QUICK).fit(X, y)
    module = model.net_.module_.eval()
    start, end = model._special_ids()
    ids = [
        torch.as_tensor(model.source_.encode(np.array(list(x), dtype=object), "X"))
        for x in X[:40]
    ]
    lengths = torch.tensor([len(i) for i in ids])
    source = torch.nn.utils.rnn.pad_sequence(ids, batch_first=True)
    with torch.no_grad():
        greedy, _ = beam_search(
            module, source, lengths, start=start, end=end, max_length=20
        )
        beam, _ = beam_search(
            module,
            source,
            lengths,
            start=start,
            end=end,
            max_length=20,
            beam_width=5,
        )
    compared = better = 0
    for row in range(len(ids)):
        if len(greedy[row]) == 20 or len(beam[row]) == 20:
            continue  # unfinished: not scored the same way
        x, n = source[row : row + 1, : lengths[row]], lengths[row : row + 1]
        scores = [
            _sequence_log_prob(module, x, n, out.tolist(), start, end)
            for out in (greedy[row], beam[row])
        ]
        assert scores[1] >= scores[0] - 1e-5
        compared += 1
        better += bool(scores[1] > scores[0] + 1e-5)
    assert compared >= 20  # the comparison is not vacuous
    assert better >= 3  # and the beam does find likelier outputs


def test_beam_search_attention_belongs_to_the_output():
    module = _ending_module(0)
    source = torch.randint(2, 9, (6, 5), generator=torch.Generator().manual_seed(1))
    lengths = torch.tensor([5, 4, 5, 3, 2, 5])
    with torch.no_grad():
        tokens, weights = beam_search(
            module, source, lengths, start=10, end=11, max_length=12, beam_width=4
        )
        for row in range(len(source)):
            ids = tokens[row].tolist()
            y_in = torch.tensor([[10, *ids]])[:, : len(weights[row])]
            encoded = module.encode(source[row : row + 1], lengths[row : row + 1])
            _, _, expected = module.decode(y_in, encoded[3], encoded)
            torch.testing.assert_close(
                weights[row], expected[0, :, : int(lengths[row])], atol=1e-5, rtol=0
            )


def test_greedy_decoding_takes_the_largest_logit_at_each_step():
    torch.manual_seed(1)
    module = Seq2SeqModule(7, 10, hidden_size=8, attention="dot").eval()
    source, lengths = torch.randint(2, 7, (1, 4)), torch.tensor([4])
    with torch.no_grad():
        tokens, _ = beam_search(module, source, lengths, start=8, end=9, max_length=6)
        ids = [8]
        for _ in range(6):
            logits = module(source, lengths, torch.tensor([ids]), None)[0, -1]
            logits[[0, 8]] = float("-inf")
            ids.append(int(logits.argmax()))
            if ids[-1] == 9:
                break
    expected = [i for i in ids[1:] if i != 9]
    assert tokens[0].tolist() == expected


@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
@pytest.mark.parametrize("attention", ["additive", "dot", None])
def test_stepwise_decoding_equals_the_teacher_forced_pass(cell, attention):
    torch.manual_seed(0)
    module = Seq2SeqModule(
        8, 9, cell=cell, attention=attention, hidden_size=8, num_layers=2
    ).eval()
    source = torch.randint(2, 8, (3, 6))
    lengths = torch.tensor([6, 2, 4])
    y_in = torch.randint(2, 9, (3, 5))
    with torch.no_grad():
        together = module(source, lengths, y_in, None)
        encoded = module.encode(source, lengths)
        state, steps = encoded[3], []
        for t in range(5):
            out, state, _ = module.decode(y_in[:, t : t + 1], state, encoded)
            steps.append(out)
    torch.testing.assert_close(torch.cat(steps, 1), together, atol=1e-5, rtol=1e-5)


def test_padding_of_the_source_is_never_read():
    torch.manual_seed(0)
    module = Seq2SeqModule(8, 9, hidden_size=8).eval()
    source = torch.randint(2, 8, (1, 4))
    padded = torch.cat([source, torch.randint(2, 8, (1, 3))], dim=1)  # junk
    y_in = torch.randint(2, 9, (1, 3))
    with torch.no_grad():
        alone = module(source, torch.tensor([4]), y_in, None)
        in_padding = module(padded, torch.tensor([4]), y_in, None)
    torch.testing.assert_close(alone, in_padding, atol=1e-6, rtol=1e-6)


def test_scheduled_sampling_trains():
    X, y = make_reversal(200, max_length=4, alphabet="abc", random_state=0)
    model = RNNSeq2Seq(max_epochs=4, teacher_forcing=0.5, **QUICK).fit(X, y)
    losses = model.history_[:, "train_loss"]
    assert losses[-1] < 0.8 * losses[0]


def test_numeric_sequences_of_learned_lengths():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(n), 2)) for n in rng.integers(2, 7, size=400)]
    # the output: the first feature of the source, reversed, one value a step
    y = [x[::-1, 0] for x in X]
    model = RNNSeq2Seq(max_epochs=25, **QUICK).fit(X, y)
    predicted = model.predict(X[:100])
    assert all(p.ndim == 1 for p in predicted)
    same_length = np.mean([len(p) == len(t) for p, t in zip(predicted, y[:100])])
    assert same_length > 0.8
    errors = [
        np.abs(p - t).mean() for p, t in zip(predicted, y[:100]) if len(p) == len(t)
    ]
    # the values spread with std 1: a network that ignored X would err by ~0.8
    assert np.median(errors) < 0.4


def test_mask_value_padding_ends_numeric_sequences():
    # steps padded with MASK_VALUE are padding on either side, as elsewhere
    rng = np.random.default_rng(0)
    X = [rng.normal(size=int(n)) for n in rng.integers(3, 7, size=40)]
    y = [x[::-1].copy() for x in X]
    tiny = dict(hidden_size=8, max_epochs=2, random_state=0)
    model = RNNSeq2Seq(**tiny).fit(X, y)
    padder = SequencePadder(maxlen=8, dtype="float64")
    for a, b in zip(
        model.predict(padder.fit_transform(X)), model.predict(X), strict=True
    ):
        np.testing.assert_array_equal(a, b)
    on_padded = RNNSeq2Seq(**tiny).fit(X, padder.fit_transform(y))
    learned, expected = on_padded.target_.scaling, model.target_.scaling
    np.testing.assert_allclose(learned.mean, expected.mean)
    np.testing.assert_allclose(learned.scale, expected.scale)


def test_token_lists_in_token_arrays_out():
    X = [["the", "cat"], ["a", "dog", "ran"], ["the", "dog"]] * 20
    y = [list(reversed(x)) for x in X]
    model = RNNSeq2Seq(max_epochs=2, **QUICK).fit(X, y)
    out = model.predict([["the", "bird"]])
    assert isinstance(out[0], np.ndarray) and out[0].dtype == object
    assert set(out[0].tolist()) <= {"the", "cat", "a", "dog", "ran", None}


def test_words_of_strings():
    X = ["one two", "two three one", "three"] * 20
    y = [" ".join(reversed(x.split())) for x in X]
    model = RNNSeq2Seq(unit="word", max_epochs=2, **QUICK).fit(X, y)
    assert model.source_.tokens.tolist() == ["one", "three", "two"]
    out = model.predict(["one one"])[0]
    assert isinstance(out, str)
    assert set(out.split()) <= {"one", "two", "three"}


def test_save_and_load_predict_the_same(reversal, tmp_path):
    model, X, _ = reversal
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded.predict(X[:50]) == model.predict(X[:50])


def test_grid_search_selects_by_exact_match():
    X, y = make_reversal(120, max_length=4, alphabet="abc", random_state=0)
    search = GridSearchCV(
        RNNSeq2Seq(max_epochs=2, **QUICK), {"attention": ["dot", None]}, cv=2
    ).fit(X, y)
    assert search.best_params_["attention"] in ("dot", None)
    assert 0.0 <= search.best_score_ <= 1.0


@pytest.mark.parametrize(
    "X, y, match",
    [
        ("abc", ["cba"], "X is a single string"),
        (["abc", "de"], ["cba"], "as many sequences"),
        (["abc", ""], ["cba", "x"], "Sequence 1 of X has length 0"),
        ([object(), object()], ["a", "b"], "Sequence 0 of X is not a 1-D"),
        (["abc"], None, "requires y to be passed, but the target y is None"),
    ],
)
def test_bad_input_is_named(X, y, match):
    with pytest.raises(ValueError, match=match):
        RNNSeq2Seq(max_epochs=1, **QUICK).fit(X, y)


def test_predict_refuses_another_kind_of_input(reversal):
    model, _, _ = reversal
    with pytest.raises(ValueError, match="X holds numbers, but the model was"):
        model.predict([np.ones(3)])


def test_predict_attention_needs_attention():
    X, y = make_reversal(40, max_length=3, random_state=0)
    model = RNNSeq2Seq(attention=None, max_epochs=1, **QUICK).fit(X, y)
    with pytest.raises(ValueError, match="without attention"):
        model.predict_attention(X)


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="teacher_forcing"):
        RNNSeq2Seq(teacher_forcing=1.5).fit(["ab"], ["ba"])


def test_wide_beam_through_the_estimator(reversal):
    model, X, y = reversal
    wide = RNNSeq2Seq(**{**model.get_params(), "beam_width": 3})
    wide.__dict__.update({k: v for k, v in model.__dict__.items() if k.endswith("_")})
    outputs, weights = wide.predict_attention(X[:20])
    assert wide.score(X[:20], y[:20]) >= model.score(X[:20], y[:20]) - 0.1
    for source, output, w in zip(X[:20], outputs, weights, strict=True):
        assert w.shape == (len(output) + 1, len(source))


def test_max_output_length_is_read_at_predict(reversal):
    model, X, _ = reversal
    short = RNNSeq2Seq(**{**model.get_params(), "max_output_length": 2})
    short.__dict__.update({k: v for k, v in model.__dict__.items() if k.endswith("_")})
    assert max(len(p) for p in short.predict(X[:20])) <= 2


def test_long_dataframes_and_ragged_object_arrays_are_numbers():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(n), 2)) for n in rng.integers(2, 6, size=40)]
    y = [x[:, 0].copy() for x in X]
    frame = to_long_format(X)
    model = RNNSeq2Seq(max_epochs=1, **QUICK).fit(frame, y)
    assert model.source_.kind == "values" and model.target_.scaling.ndim == 1
    ragged = np.empty(len(X), dtype=object)
    ragged[:] = X
    assert RNNSeq2Seq(max_epochs=1, **QUICK).fit(ragged, y).source_.kind == "values"
    predicted = model.predict(frame)
    assert len(predicted) == 40 and predicted[0].ndim == 1


def test_a_long_X_pairs_with_a_y_indexed_by_its_ids():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=int(n)) for n in rng.integers(2, 5, size=12)]
    y = [np.cumsum(x) for x in X]
    ids = pd.Index(np.arange(12)[::-1], name="id")  # the frame's rows run backwards
    frame = to_long_format(X, ids=ids)
    params = dict(hidden_size=8, embedding_dim=4, max_epochs=2, random_state=0)
    model = RNNSeq2Seq(**params).fit(frame, pd.Series(y, index=ids))
    paired = RNNSeq2Seq(**params).fit(X[::-1], y[::-1])  # in sorted id order
    for a, b in zip(model.predict(X), paired.predict(X), strict=True):
        np.testing.assert_array_equal(a, b)
    # score lines y up by id too: the predictions in reverse order match
    predicted = pd.Series(model.predict(frame), index=ids.sort_values())
    assert model.score(frame, predicted.iloc[::-1]) == 1.0
    with pytest.raises(ValueError, match="so y.s ids must be"):
        RNNSeq2Seq(**params).fit(frame, to_long_format(y, ids=ids + 100))
    # score takes the long-frame y that fit takes (it compared rows of it)
    long_y = to_long_format(list(predicted.iloc[::-1]), ids=ids)
    assert model.score(frame, long_y) == 1.0
    assert model.score(X, to_long_format(model.predict(X))) == 1.0
    with pytest.raises(ValueError, match="so y.s ids must be"):
        model.score(frame, to_long_format(y, ids=ids + 100))


def test_early_stopping_holds_out_pairs():
    X, y = make_reversal(200, max_length=4, alphabet="abc", random_state=0)
    model = RNNSeq2Seq(
        max_epochs=30, early_stopping=True, n_iter_no_change=2, **QUICK
    ).fit(X, y)
    assert "valid_loss" in model.history_[-1]
    assert model.n_iter_ <= 30


def test_rare_tokens_become_the_unknown_token():
    X = ["ab", "ba", "abz"] * 10
    y = ["x", "y", "xq"] * 10
    model = RNNSeq2Seq(min_frequency=11, max_epochs=1, **QUICK).fit(X, y)
    assert model.source_.tokens.tolist() == ["a", "b"]
    assert model.target_.rare and "q" not in model.target_.tokens.tolist()
    with pytest.raises(ValueError, match="No token of y"):
        RNNSeq2Seq(min_frequency=25, max_epochs=1, **QUICK).fit(X, y)


def test_strings_are_refused_by_a_token_list_model():
    X = [["the", "cat"], ["a", "dog"]] * 10
    model = RNNSeq2Seq(max_epochs=1, **QUICK).fit(X, [list(reversed(x)) for x in X])
    with pytest.raises(ValueError, match="X holds strings, but the model was fitted"):
        model.predict(["the cat"])


def test_a_token_target_that_starts_with_an_empty_sequence_is_tokens():
    # the kind was read from y[0] alone: an empty list read as float64, and
    # score refused "y holds numbers, but the model was fitted on token
    # sequences"
    X = [["the", "cat"], ["a", "dog"]] * 10
    y = [list(reversed(x)) for x in X]
    model = RNNSeq2Seq(max_epochs=1, **QUICK).fit(X, y)
    expected = model.score(X[:4], [["x"]] + y[1:4])
    assert model.score(X[:4], [[]] + y[1:4]) == expected
    with pytest.raises(ValueError, match="y holds numbers, but the model"):
        model.score(X[:4], [[], [1.0], [2.0], [3.0]])


def test_decoding_limits_read_any_scikit_learn_constraint():
    # the check was rewritten by hand and called is_satisfied_by on each
    # constraint: a type (Integral) or a string ("boolean") raised an
    # AttributeError, whatever the value
    class Decoder:
        _parameter_constraints = {
            "beam_width": [Integral],
            "max_output_length": [Interval(Integral, 1, None, closed="left"), None],
        }
        beam_width, max_output_length, max_output_length_ = 2, None, 7

    assert decoding_limits(Decoder()) == (2, 7)
    Decoder.beam_width = 2.5
    message = "^The 'beam_width' parameter of Decoder must be an instance of"
    with pytest.raises(ValueError, match=message):
        decoding_limits(Decoder())


def test_feature_count_is_checked_and_named():
    X = [np.ones((3, 2)), np.ones((4, 2))] * 5
    model = RNNSeq2Seq(max_epochs=1, **QUICK).fit(X, ["ab", "ba"] * 5)
    with pytest.raises(ValueError, match="X has 3 features per step"):
        model.predict([np.ones((3, 3))])


def test_a_text_model_scored_on_a_long_frame_says_what_it_was_fitted_on():
    # scored_targets read the frame's scaling, which text targets lack
    X, y = make_reversal(30, max_length=4, alphabet="abc", random_state=0)
    model = RNNSeq2Seq(max_epochs=1, **QUICK).fit(X, y)
    numbers = to_long_format([np.arange(3.0)] * 30)
    with pytest.raises(ValueError, match="y holds numbers, but the model was fitted"):
        model.score(X, numbers)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"beam_width": 0}, "'beam_width' parameter of RNNSeq2Seq must be an int"),
        ({"max_output_length": 0}, "'max_output_length' parameter of RNNSeq2Seq"),
        ({"max_output_length": 2.0}, "'max_output_length' parameter of RNNSeq2Seq"),
    ],
)
def test_decoding_settings_changed_after_fit_are_checked_at_predict(
    reversal, params, match
):
    # beam_width and max_output_length are read at predict: set_params after
    # fit reached beam search unchecked (an IndexError, a TypeError, or 0
    # silently read as None)
    model, X, y = reversal
    changed = RNNSeq2Seq(**{**model.get_params(), **params})
    changed.__dict__.update(
        {k: v for k, v in model.__dict__.items() if k.endswith("_")}
    )
    for method in (changed.predict, changed.predict_attention):
        with pytest.raises(ValueError, match=match):
            method(X[:3])
    with pytest.raises(ValueError, match=match):
        changed.score(X[:3], y[:3])


def test_score_drops_the_padding_of_numeric_targets(monkeypatch):
    # y padded with MASK_VALUE is read as fit reads it: the padding is no
    # step of the true output, which right predictions do not write
    rng = np.random.default_rng(0)
    X = [rng.normal(size=int(n)) for n in rng.integers(2, 5, size=12)]
    y = [x[::-1].copy() for x in X]
    padded = SequencePadder(dtype="float64").fit_transform(y)
    model = RNNSeq2Seq(hidden_size=8, max_epochs=1, random_state=0).fit(X, padded)
    generate = model._generate

    def right(X_new):  # the network's reading of X, the true outputs
        _, weights, read = generate(X_new)
        return [t.copy() for t in y], weights, read

    monkeypatch.setattr(model, "_generate", right)
    assert model.score(X, y) == 1.0
    assert model.score(X, padded) == 1.0
    assert model.score(X, to_long_format(y)) == 1.0


def test_score_refuses_targets_of_another_kind(reversal):
    # a string is never equal to a list of its characters: the score was 0
    model, X, y = reversal
    with pytest.raises(ValueError, match="y holds token sequences, but the model"):
        model.score(X[:5], [list(t) for t in y[:5]])
    with pytest.raises(ValueError, match="y holds numbers, but the model"):
        model.score(X[:5], [np.ones(3)] * 5)
    with pytest.raises(ValueError, match="requires y to be passed"):
        model.score(X[:5], None)
    assert model.score(pd.Series(X[:5]), np.array(y[:5])) == model.score(X[:5], y[:5])
