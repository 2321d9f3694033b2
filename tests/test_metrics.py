"""skseq.metrics: scores of sequences of any length."""

import numpy as np
import pytest

from skseq.metrics import bleu_score, sequence_accuracy, token_accuracy


def test_sequence_accuracy_counts_whole_sequences():
    assert sequence_accuracy(["ab", "cd", "ef"], ["ab", "cx", "ef"]) == 2 / 3
    weighted = sequence_accuracy(["ab", "cd"], ["ab", "cx"], sample_weight=[3, 1])
    assert weighted == 0.75
    numbers = [np.array([1.0, 2.0]), np.array([3.0])]
    assert sequence_accuracy(numbers, [np.array([1.0, 2.0 + 1e-9]), np.array([3.1])])
    assert sequence_accuracy(numbers, [np.array([1.0]), np.array([3.0])]) == 0.5


def test_sequence_accuracy_refuses_what_it_cannot_compare():
    # a string beside a token list (chars or words?) scored 0.0, scalars
    # were read as sequences, weights summing to zero divided by zero
    with pytest.raises(ValueError, match=r"y_true\[0\] is a str and y_pred\[0\] a"):
        sequence_accuracy(["ab"], [["a", "b"]])
    with pytest.raises(ValueError, match=r"y_pred must hold sequences.*y_pred\[0\]"):
        sequence_accuracy([[1]], [1])
    # an unknown token (None) is wrong, not a TypeError
    unknown = [np.array([1.0, None], dtype=object)]
    assert sequence_accuracy([np.array([1.0, 2.0])], unknown) == 0.0
    assert token_accuracy([np.array([1.0, 2.0])], unknown) == 0.5


def test_token_accuracy_by_position_with_missing_tokens_wrong():
    assert token_accuracy(["abcd", "xy"], ["abxd", "xyz"]) == (3 + 2) / (4 + 3)
    assert token_accuracy(["the cat sat"], ["the cat sad"], unit="word") == 2 / 3
    tokens = [np.array(["a", "b"], dtype=object)]
    assert token_accuracy(tokens, [np.array(["a", None], dtype=object)]) == 0.5
    with pytest.raises(ValueError, match="unit must be"):
        token_accuracy(["a"], ["a"], unit="letter")


def test_numeric_steps_are_equal_when_every_feature_is_within_1e_6():
    true = [np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([[0.0, 0.0]])]
    pred = [
        np.array([[1.0, 2.0 + 1e-9], [3.0, 4.1]]),  # one missing step, one wrong
        np.array([[0.0, 0.0], [1.0, 1.0]]),  # one extra step
    ]
    assert token_accuracy(true, pred) == (1 + 1) / (3 + 2)
    assert token_accuracy([np.array([np.inf, np.nan])], [[np.inf, np.nan]]) == 0.5
    assert token_accuracy([np.array([1, 2])], [np.array(["1", "2"])]) == 0.0
    # rows of another width are no match
    assert token_accuracy([np.ones((2, 2))], [np.ones(2)]) == 0.0


def test_an_empty_pair_predicted_empty_has_no_tokens_to_count():
    assert token_accuracy([""], [""]) == 1.0
    assert token_accuracy(["ab", ""], ["ab", ""]) == 1.0
    assert token_accuracy(["ab", ""], ["ax", ""]) == 0.5
    # an empty prediction of a true token, or a token predicted for none, is wrong
    assert token_accuracy(["ab", "c"], ["ab", ""]) == 2 / 3
    assert token_accuracy(["ab", ""], ["ab", "c"]) == 2 / 3
    assert token_accuracy([[], []], [[], []], unit="word") == 1.0


@pytest.mark.parametrize("weights", [[0, 0], [1, -1]])
def test_sample_weights_summing_to_zero_are_refused(weights):
    # all zero (newer scikit-learn's _check_sample_weight refuses those in
    # its own words) or cancelling out: a share of nothing
    message = "Sample weights must contain at least one non-zero|sums to zero"
    with pytest.raises(ValueError, match=message):
        sequence_accuracy(["ab", "cd"], ["ab", "cx"], sample_weight=weights)
    with pytest.raises(ValueError, match="sample_weight"):
        sequence_accuracy(["ab", "cd"], ["ab", "cx"], sample_weight=[1])
    assert sequence_accuracy(["ab", "cd"], ["ab", "cx"], sample_weight=[0, 2]) == 0


def test_lengths_must_match():
    with pytest.raises(ValueError, match="as many sequences"):
        sequence_accuracy(["a", "b"], ["a"])


def test_bleu():
    pytest.importorskip("sacrebleu")
    perfect = bleu_score(["the cat sat on the mat"], ["the cat sat on the mat"])
    assert perfect == pytest.approx(100.0)
    assert bleu_score(["the cat sat on the mat"], ["a dog ran"]) < 5
    words = [["the", "cat", "sat", "on", "the", "mat"]]
    assert bleu_score(words, words) == pytest.approx(100.0)
    with pytest.raises(ValueError, match="mix the two"):
        bleu_score(["the cat sat on the mat"], words)
    with pytest.raises(ValueError, match="tokenize applies to strings"):
        bleu_score(words, words, tokenize="char")


@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        ([1, 2], [1, 3], r"y_true must hold sequences .* y_true\[0\] is 1"),
        (["ab"], [None], r"y_pred must hold sequences .* y_pred\[0\] is None"),
        ([[1, 2], "ab"], [[1, 2], 5], r"y_pred\[1\] is 5"),
    ],
)
def test_token_accuracy_items_must_be_sequences(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        token_accuracy(y_true, y_pred)


def test_bleu_unknown_tokenize():
    pytest.importorskip("sacrebleu")
    with pytest.raises(ValueError, match=r"tokenize must be None or one of .*'13a'"):
        bleu_score(["the cat"], ["the cat"], tokenize="xx")
    same = ["the cat sat on the mat"]
    assert bleu_score(same, same, tokenize="char") == pytest.approx(100.0)
