"""skseq.save / skseq.load: round trips that lost information; files refused late."""

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch

import skseq
from skseq import RNNClassifier, RNNSeq2Seq, SequenceForecaster

from .._helpers import QUICK, make_ragged_classification
from .test_hostile_files import members, with_config, write

TINY = dict(window_length=6, horizon=3, hidden_size=4, max_epochs=2, random_state=0)


@pytest.mark.parametrize("unit", ["ns", "ms", "s"])
@pytest.mark.parametrize("tz", [None, "US/Eastern"])
def test_a_forecaster_keeps_the_resolution_of_its_time_stamps(tmp_path, unit, tz):
    # the stamps were read back in pandas' default resolution (us): the
    # forecasts of a loaded model had another index dtype than the saved one's
    index = pd.date_range("2020-03-01", periods=40, freq="h", unit=unit, tz=tz)
    y = pd.Series(10 + np.sin(np.arange(40) / 3), index=index, name="load")
    model = SequenceForecaster(**TINY).fit(y)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    expected = model.predict()
    assert expected.index.dtype == index.dtype
    pd.testing.assert_series_equal(loaded.predict(), expected)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = make_ragged_classification(n=20)
    frame = pd.DataFrame(np.stack([x[:5, 0] for x in X]), columns=list("abcde"))
    path = tmp_path_factory.mktemp("files") / "clf.skseq"
    skseq.save(RNNClassifier(**QUICK).fit(frame, y), path)
    return path


def _npy(descr, shape):
    """The bytes of a .npy member that declares ``shape`` and holds no values."""
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


@pytest.mark.parametrize(
    ("descr", "shape"), [("<U0", (10**12,)), ("<U0", (3,)), ("<f8", (10**9, 0))]
)
def test_arrays_that_declare_more_values_than_their_bytes_are_refused(
    saved, tmp_path, descr, shape
):
    # an array of no bytes loaded with any length: feature_names_in_ of 10**12
    # strings of length 0 raised MemoryError (7 TiB), of 3 * 10**8 took 2.8 GB
    content = members(saved)
    config = json.loads(content["config.json"])
    key = dict(config["fitted"]["__items__"])["feature_names_in_"]["__array__"]
    with zipfile.ZipFile(io.BytesIO(content["arrays.npz"])) as npz:
        arrays = {name: npz.read(name) for name in npz.namelist()}
    arrays[f"{key}.npy"] = _npy(descr, shape)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as npz:
        for name, data in arrays.items():
            npz.writestr(name, data)
    content["arrays.npz"] = buffer.getvalue()
    path = write(tmp_path / "bad.skseq", content)
    with pytest.raises(ValueError, match=rf"bad.skseq: arrays.npz array {key} "):
        skseq.load(path)


@pytest.mark.parametrize(
    ("part", "name"), [("params", "num_layers"), ("fitted", "conv_layers_")]
)
def test_more_layers_than_the_weights_hold_are_refused_before_building(
    saved, tmp_path, part, name
):
    # the network was built (on the meta device) first: 10**8 layers ran for
    # minutes, taking gigabytes, before the weights' shapes were compared
    def change(config):
        entries = config[part]["__items__"]
        entries[[key for key, _ in entries].index(name)][1] = 10**8

    path = with_config(saved, tmp_path, change)
    with pytest.raises(ValueError, match=f"{name.rstrip('_')}=100000000, more layers"):
        skseq.load(path)


class TiedLayers(torch.nn.Module):
    """One GRU applied ``num_layers`` times: layers that share their weights."""

    def __init__(self, input_size, output_size, hidden_size=4, num_layers=1):
        super().__init__()
        self.cell = torch.nn.GRU(input_size, hidden_size, batch_first=True)
        self.back = torch.nn.Linear(hidden_size, input_size)
        self.head = torch.nn.Linear(hidden_size, output_size)
        self.num_layers = num_layers

    def forward(self, X, lengths):
        for _ in range(self.num_layers):
            out, _ = self.cell(X)
            X = self.back(out)
        return self.head(out[torch.arange(len(X)), lengths - 1])


def test_a_user_module_whose_layers_share_weights_loads(tmp_path):
    # the layer bound is of skseq's own modules: a user's may share weights
    X, y = make_ragged_classification(n=20)
    model = RNNClassifier(module=TiedLayers, num_layers=12, **QUICK).fit(X, y)
    skseq.save(model, tmp_path / "tied.skseq")
    loaded = skseq.load(tmp_path / "tied.skseq", module=TiedLayers)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_model_of_a_torch_device_round_trips(tmp_path):
    # device takes a torch.device as well as its name: save refused it
    # ("Cannot save a value of type device")
    X, y = make_ragged_classification(n=20)
    model = RNNClassifier(device=torch.device("cpu"), **QUICK).fit(X, y)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    assert loaded.device == torch.device("cpu")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_device_no_torch_device_names_is_refused(saved, tmp_path):
    def change(config):
        entries = config["params"]["__items__"]
        entries[[key for key, _ in entries].index("device")][1] = {
            "__torch_device__": "warp-drive:9"
        }

    change_device = with_config(saved, tmp_path, change)
    with pytest.raises(ValueError, match="params.device names no torch device") as e:
        skseq.load(change_device)
    assert type(e.value) is ValueError


def _fitted(config, name):
    return dict(config["fitted"]["__items__"])[name]


def _set_input(field, value):
    def change(config):
        _fitted(config, "_input")["fields"][field] = value

    return change


def _set_names(config):
    # feature_names_in_ names the 5 columns; give it the array of the classes
    entries = config["fitted"]["__items__"]
    names = [key for key, _ in entries].index("feature_names_in_")
    entries[names][1] = _fitted(config, "classes_")


INCONSISTENT_NETWORKS = {
    "features named otherwise": (
        _set_names,
        r"feature_names_in_ must name 5 features, not \(2,\)",
    ),
    "sequences of no steps": (
        _set_input("max_length", 0),
        "_input.max_length must be >= 1",
    ),
}


@pytest.mark.parametrize("case", INCONSISTENT_NETWORKS)
def test_an_inconsistent_network_state_is_refused_at_load(saved, tmp_path, case):
    # these loaded, and predict then failed ("needs sequences of exactly 0
    # steps") or checked X's column names against other names
    change, match = INCONSISTENT_NETWORKS[case]
    with pytest.raises(ValueError, match=f"changed.skseq: field fitted.{match}") as e:
        skseq.load(with_config(saved, tmp_path, change))
    assert type(e.value) is ValueError


@pytest.fixture(scope="module")
def saved_panel(tmp_path_factory):
    rng = np.random.default_rng(0)
    panel = {key: 10 + rng.normal(size=40).cumsum() for key in ("a", "b")}
    path = tmp_path_factory.mktemp("files") / "panel.skseq"
    skseq.save(SequenceForecaster(**TINY).fit(panel), path)
    return path


def _set_tail(field, value):
    def change(config):
        tail = _fitted(config, "_fitted")["fields"]["tails"]["__tuple__"][1]
        if field == "tz":
            tail["fields"]["index"]["__index__"].update(type="datetime", tz=value)
        else:
            tail["fields"][field] = value

    return change


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (_set_tail("freq", None), r"tails\[1\].freq must be a nonzero integer"),
        (_set_tail("freq", 0), r"tails\[1\].freq must be a nonzero integer"),
        (_set_tail("freq", "D"), r"tails\[1\].freq must be a nonzero integer"),
        (_set_tail("tz", 0), "the time zone 0 is no name"),
    ],
)
def test_a_forecasters_tampered_time_steps_are_refused(
    saved_panel, tmp_path, change, match
):
    # these loaded, and predict then failed: "unsupported operand type(s) for
    # *: 'int' and 'NoneType'", "Step must not be zero"
    with pytest.raises(ValueError, match=f"changed.skseq: .*{match}") as e:
        skseq.load(with_config(saved_panel, tmp_path, change))
    assert type(e.value) is ValueError


def test_a_seq2seq_model_of_no_output_steps_is_refused(tmp_path):
    pairs = [list("abc"), list("bca"), list("cab")] * 3
    model = RNNSeq2Seq(hidden_size=4, embedding_dim=4, max_epochs=1, random_state=0)
    path = tmp_path / "s2s.skseq"
    skseq.save(model.fit(pairs, pairs[::-1]), path)

    def change(config):
        entries = config["fitted"]["__items__"]
        entries[[key for key, _ in entries].index("max_output_length_")][1] = 0

    with pytest.raises(ValueError, match="max_output_length_ must be >= 1"):
        skseq.load(with_config(path, tmp_path, change))


def test_an_aware_index_of_fractions_of_a_second_loads(tmp_path):
    # its stamps written in ISO 8601 hold a fraction only where it is not 0,
    # and the format pandas guessed from the first refused the second
    index = pd.date_range("2024-01-01", periods=60, freq="500ms", tz="UTC")
    y = pd.Series(np.sin(np.arange(60) / 3), index=index)
    model = SequenceForecaster(horizon=2, **QUICK).fit(y)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    pd.testing.assert_series_equal(loaded.predict(), model.predict())
