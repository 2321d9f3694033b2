"""RNNLanguageModel: truncated backpropagation through time, generation, scores."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from skseq import RNNLanguageModel
from skseq.datasets import load_text
from skseq.estimators._language_model import _StreamDataset
from skseq.estimators._language_parts import sample_token

QUICK = dict(hidden_size=32, max_epochs=8, random_state=0)


@pytest.fixture(scope="module")
def fitted():
    return RNNLanguageModel(**{**QUICK, "max_epochs": 25}).fit(load_text())


def test_streams_are_read_in_consecutive_chunks():
    stream = np.arange(1, 42)
    data = _StreamDataset(stream, n_streams=4, bptt_steps=3)
    assert len(data) == 4  # 4 streams of 10 steps, chunks of 3
    first, target = data.batch([0])
    second, _ = data.batch([1])
    assert first["X"][:, -1].tolist() == (second["X"][:, 0] - 1).tolist()
    assert torch.equal(target["target"], first["X"] + 1)  # the next token


def test_learns_the_text_and_scores_it(fitted):
    text, other = load_text("gettysburg"), load_text("declaration")
    losses = fitted.history_[:, "train_loss"]
    assert losses[-1] < 0.6 * losses[0]
    shuffled = "".join(np.random.default_rng(0).permutation(list(text)))
    assert fitted.score(text) > fitted.score(other) > fitted.score(shuffled)
    assert fitted.perplexity(text) == pytest.approx(np.exp(-fitted.score(text)))
    assert fitted.perplexity(text) < 8 < fitted.vocab_size_


def test_generation_carries_the_state_and_is_repeatable(fitted):
    text = fitted.generate("Four score", n_steps=200, random_state=1)
    assert text.startswith("Four score") and len(text) <= len("Four score") + 200
    assert text == fitted.generate("Four score", n_steps=200, random_state=1)
    assert text != fitted.generate("Four score", n_steps=200, random_state=2)
    words = set(load_text().lower().split())
    # a cold sample sticks to the text's words
    cold = fitted.generate("", n_steps=300, temperature=0.3, random_state=0).split()
    assert np.mean([w.strip(".,-") in words for w in cold]) > 0.5
    with pytest.raises(ValueError, match="temperature must be a number > 0"):
        fitted.generate("x", temperature=0)


def test_word_units_and_token_ids():
    words = RNNLanguageModel(unit="word", **QUICK).fit(load_text())
    assert words.generate("we", n_steps=5, random_state=0).startswith("we ")
    rng = np.random.default_rng(0)
    ids = [np.tile([2, 3, 4, 5], 30) for _ in range(3)]
    model = RNNLanguageModel(**QUICK).fit(ids)
    generated = model.generate([2, 3], n_steps=8, random_state=0)
    assert generated.dtype == np.int64 and generated[:2].tolist() == [2, 3]
    assert model.score(ids) > model.score([rng.integers(2, 6, size=120)])
    with pytest.raises(ValueError, match="fitted on token ids; give X as token ids"):
        model.score("text")


def test_grid_search_selects_by_score_and_pickles(fitted):
    texts = [load_text("gettysburg"), load_text("declaration")] * 2
    grid = GridSearchCV(
        RNNLanguageModel(max_epochs=3, random_state=0),
        {"hidden_size": [8, 32]},
        cv=2,
    ).fit(texts)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    loaded = pickle.loads(pickle.dumps(fitted))
    assert loaded.generate("We", n_steps=20, random_state=0) == fitted.generate(
        "We", n_steps=20, random_state=0
    )


def test_a_prompt_is_read_as_the_start_of_a_document():
    # 2 starts a document only before 3; inside one (after 4) it precedes 5
    rng = np.random.default_rng(0)
    docs = [[2, 3] if rng.random() < 0.5 else [4, 2, 5] for _ in range(300)]
    model = RNNLanguageModel(
        hidden_size=16, embedding_dim=8, max_epochs=30, bptt_steps=8, random_state=0
    ).fit(docs)
    assert model.score([[2, 3]]) > model.score([[2, 5]]) + 1
    # read from an empty state instead, 2 was followed by 5 (0.59 against 0.40)
    nexts = [model.generate([2], 1, 0.1, seed)[-1] for seed in range(10)]
    assert nexts == [3] * 10


def test_generate_refuses_ids_and_settings_it_cannot_read():
    model = RNNLanguageModel(**{**QUICK, "max_epochs": 1}).fit([np.arange(2, 7)] * 4)
    assert model.vocab_size_ == 8  # 2 to 6, then the end-of-document id 7
    with pytest.raises(ValueError, match="prompt holds the token id 9, but this"):
        model.generate([2, 9])
    with pytest.raises(ValueError, match=r"X\[1\] holds the token id 8, but"):
        model.score([[2, 3], [8]])
    with pytest.raises(ValueError, match="give prompt as token ids"):
        model.generate("ab")
    with pytest.raises(ValueError, match="temperature must be a number > 0"):
        model.generate([2], temperature=float("nan"))
    with pytest.raises(ValueError, match="n_steps must be an int >= 0, got 2.5"):
        model.generate([2], n_steps=2.5)
    assert model.generate([2, 3], n_steps=0).tolist() == [2, 3]


def test_an_empty_prompt_starts_a_new_document_in_any_form():
    # [] (float64 to numpy) was refused as no integer ids, where "" and an
    # empty int array started a new document
    model = RNNLanguageModel(**{**QUICK, "max_epochs": 1}).fit([np.arange(2, 7)] * 4)
    new = model.generate(None, n_steps=5, random_state=0)
    for empty in ([], (), np.array([], dtype=np.int64), ""):
        np.testing.assert_array_equal(model.generate(empty, 5, random_state=0), new)


def test_a_text_model_never_writes_the_unknown_token():
    # no token of the text has the unknown id, but an untrained network may
    # give it weight: sampling must never pick it
    documents = ["the cat sat on the mat", "a dog ran far away"] * 5
    model = RNNLanguageModel(unit="word", hidden_size=8, max_epochs=2, random_state=0)
    model.fit(documents)
    samples = [model.generate("the", 100, random_state=seed) for seed in range(20)]
    assert not any("?" in sample for sample in samples)
    # an unknown id far above the rest: it was zeroed after the exponential,
    # whose other terms underflowed, and padding was drawn (the prompt alone)
    with torch.no_grad():
        model.net_.module_.head.bias[1] += 5.0
    cold = model.generate("the", 8, temperature=0.001, random_state=0)
    assert len(cold.split()) > 1 and "?" not in cold


def test_a_text_model_never_writes_the_rare_tokens_id():
    # words seen once share the last id, which has no text of its own: it
    # was generated as "infrequent_sklearn"
    documents = ["the cat sat on the mat", "the cat ran", "a dog sat far away"] * 2
    documents.append("zebra quokka")
    model = RNNLanguageModel(
        unit="word", hidden_size=8, max_epochs=2, min_frequency=2, random_state=0
    ).fit(documents)
    rare = model.encoder_.vocab_size_ - 1
    assert model.encoder_.transform(["zebra"])[0].tolist() == [rare]
    with torch.no_grad():
        model.net_.module_.head.bias[rare] += 20.0
    text = model.generate("the", 8, temperature=0.001, random_state=0)
    assert len(text.split()) > 1 and "infrequent" not in text


def test_a_tiny_temperature_picks_the_likeliest_token():
    # logits / 1e-320 overflowed to inf, inf - inf is NaN: tokens were drawn
    # from NaN weights (not the likeliest) with RuntimeWarnings
    model = RNNLanguageModel(hidden_size=8, max_epochs=1, random_state=0)
    model.fit("the cat sat on the mat. " * 20)
    module = model.net_.module_
    end, ids = model.vocab_size_ - 1, model.encoder_.transform(["the c"])[0]
    greedy = list(ids)
    with torch.no_grad():
        for _ in range(6):
            logits, _ = module.step(torch.as_tensor([[end, *greedy]]))
            scores = logits[0, -1].double().numpy()
            scores[[0, 1]] = -np.inf  # padding, unknown: never written
            greedy.append(int(scores.argmax()))
    expected = model.encoder_.inverse_transform([np.array(greedy)])[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for temperature in (1e-320, 1e-308, 1e-12):
            for seed in range(3):
                text = model.generate("the c", 6, temperature, random_state=seed)
                assert text == "".join(expected)


def test_sample_token_over_the_whole_range_of_temperatures():
    rng = np.random.default_rng(0)
    logits = np.array([30.0, 1.0, 5.0, 2.0])  # id 0 is never drawn
    for temperature in (1e-320, 1e-3, 1.0):
        assert sample_token(logits, temperature, [0], rng) == 2
    draws = [sample_token(logits, np.inf, [0], rng) for _ in range(600)]
    counts = np.bincount(draws, minlength=4)
    assert counts[0] == 0 and counts[1:].min() > 150  # uniform: 200 each


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_generates_and_scores_on_cuda():
    # the prompt and the scored text stayed on the CPU, and .numpy() was called
    # on the network's CUDA logits
    model = RNNLanguageModel(hidden_size=8, max_epochs=1, device="cuda")
    model.fit("the cat sat on the mat. " * 20)
    assert len(model.generate("the", 10, random_state=0)) >= 3
    assert np.isfinite(model.score("the cat"))


def test_a_word_prompt_is_continued_with_one_space():
    # a prompt ending in a space got a second one: "a  b b c"
    model = RNNLanguageModel(unit="word", hidden_size=4, max_epochs=1, random_state=0)
    model.fit(["a b c a b c"] * 3)
    with_space = model.generate("a ", 5, random_state=0)
    assert with_space.startswith("a ") and "  " not in with_space
    assert with_space == model.generate("a", 5, random_state=0)


def test_a_prompt_of_several_strings_is_refused_as_such():
    # the message said "fitted on text; give prompt as text too"
    model = RNNLanguageModel(hidden_size=4, max_epochs=1, random_state=0)
    model.fit("hello world hello")
    with pytest.raises(ValueError, match="prompt must be one string .* list of str"):
        model.generate(["he"], 3)


def test_a_series_of_documents_is_read_and_an_empty_document_named():
    # a Series was refused ("got Series") where an array of strings is read;
    # an empty document of ids was called "no integer token ids"
    documents = ["ab ab ba", "ba ab"]
    from_series = RNNLanguageModel(**{**QUICK, "max_epochs": 1}).fit(
        pd.Series(documents)
    )
    from_list = RNNLanguageModel(**{**QUICK, "max_epochs": 1}).fit(documents)
    assert from_series.generate("a", 8, random_state=0) == from_list.generate(
        "a", 8, random_state=0
    )
    with pytest.raises(ValueError, match=r"X\[0\] is empty; every document needs"):
        RNNLanguageModel(**QUICK).fit([[], [2, 3]])
