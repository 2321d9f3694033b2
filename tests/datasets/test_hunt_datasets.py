"""read_ts refuses what it would misread; loaders and generators check arguments."""

import io

import numpy as np
import pytest

from skseq.datasets import (
    load_gunpoint,
    make_alphabet_sequences,
    make_sentences,
    make_sine,
    read_ts,
)


def _ts(*lines):
    return io.StringIO("\n".join(lines) + "\n")


def test_read_ts_refuses_an_empty_label():
    # "1,2,3:" read the label "" as a class of its own
    with pytest.raises(ValueError, match="line 3: the label after the values is empty"):
        read_ts(_ts("@classLabel true a b", "@data", "1,2,3:", "4,5,6:b"))


def test_read_ts_refuses_labels_the_header_does_not_declare():
    # a multivariate case without its label read its last dimension as one
    lines = ["@classLabel true a b", "@data", "1,2:3,4", "5,6:7,8:b"]
    with pytest.raises(ValueError, match="line 3: the label '3,4' is not one of"):
        read_ts(_ts(*lines))
    with pytest.raises(ValueError, match=r"line 4: the label '1.0' .* \(1 2\)"):
        read_ts(_ts("@classLabel true 1 2", "@data", "1,2:2", "3,4:1.0"))
    # no classes declared: any label
    _, y = read_ts(_ts("@classLabel true", "@data", "1,2:x", "3,4:y"))
    assert y.tolist() == ["x", "y"]


def test_read_ts_names_the_line_of_the_first_case():
    lines = ["@classLabel false", "@data", "1,2", "3,4:5,6"]
    with pytest.raises(ValueError, match=r"line 4: .* the first case \(line 3\) has 1"):
        read_ts(_ts(*lines))


def test_read_ts_refuses_time_stamps_in_the_header():
    lines = ["@timeStamps true", "@classLabel true a", "@data", "(2007-01-01,1.5):a"]
    with pytest.raises(ValueError, match="time stamps"):
        read_ts(_ts(*lines))
    X, _ = read_ts(_ts("@timeStamps false", "@classLabel true a", "@data", "1,2:a"))
    assert X.tolist() == [[1.0, 2.0]]


def test_read_ts_reads_a_binary_file(tmp_path):
    path = tmp_path / "x.ts"
    path.write_text("@classLabel true a b\n@data\n1,2,3:a\n4,5,6:b\n", "utf-8")
    with open(path, "rb") as handle:  # as gzip.open(path) opens a file
        X, y = read_ts(handle)
    np.testing.assert_array_equal(X, [[1, 2, 3], [4, 5, 6]])
    assert y.tolist() == ["a", "b"]


def test_ucr_loader_returns_a_bunch():
    data = load_gunpoint(split="test", return_X_y=False)
    assert data.data.shape == (150, 150) and data.target.shape == (150,)
    assert data["data"] is data.data and "GunPoint" in data.DESCR


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: make_sine(-1), "n_samples must be an int in \\[1, inf\\)"),
        (lambda: make_sine(2.5), "n_samples must be an int"),
        (lambda: make_sine(5, noise=-1.0), "noise must be a finite real number >= 0"),
        (lambda: make_sine(5, noise=np.nan), "noise must be a finite real number"),
        (lambda: make_sine(5, start=np.inf), "start must be a finite real number"),
        (lambda: make_sentences(-1), "n_samples must be an int in \\[1, inf\\)"),
        (lambda: make_alphabet_sequences(0), "max_length must be an int"),
        (lambda: make_alphabet_sequences(2, alphabet="A"), "alphabet must be a str"),
    ],
)
def test_generators_check_their_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_make_sine_noise_is_seeded():
    a = make_sine(5, noise=0.1, random_state=0)
    b = make_sine(5, noise=0.1, random_state=0)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, make_sine(5), atol=1e-3)


def test_an_alphabet_of_tokens_gives_token_lists():
    X, y = make_alphabet_sequences(2, alphabet=["the", "cat", "sat"])
    assert X == [["the"], ["cat"], ["the", "cat"]]
    assert list(y) == ["cat", "sat", "sat"]
