"""The sequence metrics take lists of sequences, never one string's characters."""

import pytest

from skseq.metrics import bleu_score, sequence_accuracy, token_accuracy


@pytest.mark.parametrize("metric", [sequence_accuracy, token_accuracy, bleu_score])
def test_a_single_string_is_refused_not_read_as_its_characters(metric):
    # sequence_accuracy("abc", "abd") was 2/3: three one-letter "sequences"
    with pytest.raises(ValueError, match="y_true must be a list of sequences"):
        metric("abc", ["abd"])
    with pytest.raises(ValueError, match="y_pred must be a list of sequences"):
        metric(["abc"], "abd")


def test_lists_of_one_string_are_scored():
    assert sequence_accuracy(["abc"], ["abd"]) == 0.0
    assert token_accuracy(["abc"], ["abd"]) == pytest.approx(2 / 3)
