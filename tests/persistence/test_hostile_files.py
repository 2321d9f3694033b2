"""skseq.load on files made to hurt: each is refused with one clear error type.

The checksums of a file can be rewritten by anyone (they detect damage, not
tampering), so these files carry valid checksums: every other check must hold
on its own, and refuse before anything large is allocated.
"""

import hashlib
import io
import json
import os
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import skseq
from skseq import RNNClassifier, SequenceForecaster

from .._helpers import QUICK, make_ragged_classification


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    X, y = make_ragged_classification(n=30)
    path = tmp_path_factory.mktemp("files") / "clf.skseq"
    skseq.save(RNNClassifier(**QUICK).fit(X, y), path)
    return path


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write(path, content, sign=True):
    """Write members (name -> bytes), with the manifest's checksums made valid."""
    content = dict(content)
    if sign and "manifest.json" in content:
        manifest = json.loads(content["manifest.json"])
        manifest["sha256"] = {
            name: hashlib.sha256(data).hexdigest()
            for name, data in content.items()
            if name != "manifest.json"
        }
        content["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return path


def with_config(saved, tmp_path, change):
    content = members(saved)
    config = json.loads(content["config.json"])
    change(config)
    content["config.json"] = json.dumps(config).encode()
    return write(tmp_path / "changed.skseq", content)


def test_a_member_that_inflates_hugely_is_refused_before_it_is_read(saved, tmp_path):
    path = tmp_path / "bomb.skseq"
    content = members(saved)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            if name != "arrays.npz":
                archive.writestr(name, data)
        with archive.open("arrays.npz", "w") as member:  # 300 MB of zeros
            for _ in range(300):
                member.write(bytes(2**20))
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ValueError, match="arrays.npz declares .* refused"):
        skseq.load(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20 and time.perf_counter() - start < 5


def test_an_array_that_inflates_inside_the_npz_is_refused_before_it_is_read(
    saved, tmp_path
):
    # arrays.npz is a zip too: a deflated member of 200 MiB of zeros keeps the
    # npz (and so the file) small, under the outer archive's limits
    content = members(saved)
    npz = io.BytesIO()
    with zipfile.ZipFile(npz, "w", compression=zipfile.ZIP_DEFLATED) as inner:
        with zipfile.ZipFile(io.BytesIO(content["arrays.npz"])) as original:
            for name in original.namelist():
                inner.writestr(name, original.read(name))
        with inner.open("bomb.npy", "w") as member:
            header = {"descr": "<f8", "fortran_order": False, "shape": (25 * 2**20,)}
            np.lib.format.write_array_header_1_0(member, header)
            for _ in range(200):
                member.write(bytes(2**20))
    content["arrays.npz"] = npz.getvalue()
    path = write(tmp_path / "inner-bomb.skseq", content)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ValueError, match="arrays.npz declares .* would inflate"):
        skseq.load(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20 and time.perf_counter() - start < 5


def test_parameters_are_checked_by_the_estimators_constraints(saved, tmp_path):
    def bad_cell(config):
        config["params"]["__items__"] = [
            [k, "xyz" if k == "cell" else v] for k, v in config["params"]["__items__"]
        ]

    with pytest.raises(ValueError, match="changed.skseq: params: .*'cell' parameter"):
        skseq.load(with_config(saved, tmp_path, bad_cell))


def test_more_threads_than_cores_are_capped(saved, tmp_path):
    def many_threads(config):
        config["params"]["__items__"] = [
            [k, 4096 if k == "n_threads" else v]
            for k, v in config["params"]["__items__"]
        ]

    with pytest.warns(UserWarning, match="n_threads=4096; this machine has"):
        loaded = skseq.load(with_config(saved, tmp_path, many_threads))
    assert loaded.n_threads == os.cpu_count()


def test_a_bigger_network_than_the_weights_is_refused_before_allocating(
    saved, tmp_path
):
    def huge(config):
        config["params"]["__items__"] = [
            [k, 200_000 if k == "hidden_size" else v]
            for k, v in config["params"]["__items__"]
        ]

    path = with_config(saved, tmp_path, huge)
    tracemalloc.start()
    with pytest.raises(ValueError, match="weights do not fit the network"):
        skseq.load(path)  # a GRU of 200,000 units would need 480 GB
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 2**20


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("predict", {"__list__": []}, r"unknown attributes \['predict'\]"),
        ("__class__", 1, r"unknown attributes \['__class__'\]"),
        ("n_iter_", "many", "fitted.n_iter_ must be int"),
        ("classes_", {"__items__": []}, "fitted.classes_ must be ndarray"),
    ],
)
def test_only_declared_fitted_attributes_of_their_type(
    saved, tmp_path, name, value, match
):
    def change(config):
        items = [kv for kv in config["fitted"]["__items__"] if kv[0] != name]
        config["fitted"]["__items__"] = items + [[name, value]]

    with pytest.raises(ValueError, match=match):
        skseq.load(with_config(saved, tmp_path, change))


def test_inconsistent_fitted_state_is_refused(saved, tmp_path):
    def shorter_mean(config):
        for key, value in config["fitted"]["__items__"]:
            if key == "_input":
                value["fields"]["spec"]["fields"]["n_channels"] = 5

    with pytest.raises(ValueError, match="fitted._input is inconsistent"):
        skseq.load(with_config(saved, tmp_path, shorter_mean))


def test_fitted_state_that_describes_no_network_is_refused(saved, tmp_path):
    def no_vocabulary(config):  # numbers read through an embedding of 0 ids
        for key, value in config["fitted"]["__items__"]:
            if key == "_input":
                value["fields"]["vocab_size"] = 0

    with pytest.raises(ValueError, match="changed.skseq: .* describe no network"):
        skseq.load(with_config(saved, tmp_path, no_vocabulary))


MALFORMED = {
    "manifest not JSON": ({"manifest.json": b"{nope"}, "manifest.json is not valid"),
    "no checksums": (
        {"manifest.json": json.dumps({"format": "skseq", "format_version": 2})},
        "field sha256 is malformed",
    ),
    "version not a number": (
        {"manifest.json": json.dumps({"format": "skseq", "format_version": "2"})},
        "field format_version is malformed",
    ),
    "config nested deeply": (
        {"config.json": "[" * 100_000 + "]" * 100_000},
        "config.json is not valid JSON",
    ),
    "config a list": ({"config.json": "[]"}, "config.json is not an object"),
    "unknown class": (
        {"config.json": json.dumps({"class": "os.system", "params": {}, "fitted": {}})},
        "field class names no skseq estimator",
    ),
    "class not a string": (
        {"config.json": json.dumps({"class": [1, 2], "params": {}, "fitted": {}})},
        "field class names no skseq estimator",
    ),
    "unknown tag": (
        {
            "config.json": json.dumps(
                {"class": "RNNClassifier", "params": {"__eval__": "1"}, "fitted": {}}
            )
        },
        "unknown type tag '__eval__'",
    ),
    "weights garbage": (
        {"weights.safetensors": b"\x10\x00\x00\x00\x00\x00\x00\x00{garbage}"},
        "weights.safetensors has a malformed header",
    ),
    "arrays garbage": ({"arrays.npz": b"not a zip"}, "arrays.npz is malformed"),
    "member missing": ({"weights.safetensors": None}, "member weights.safetensors"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_files_give_one_error_naming_file_and_field(saved, tmp_path, case):
    changes, match = MALFORMED[case]
    content = members(saved)
    for name, data in changes.items():
        if data is None:
            del content[name]
        else:
            content[name] = data.encode() if isinstance(data, str) else data
    path = write(tmp_path / "bad.skseq", content, sign="manifest.json" not in changes)
    with pytest.raises(ValueError, match=f"bad.skseq.*{match}") as caught:
        skseq.load(path)
    assert type(caught.value) is ValueError


def test_a_valid_file_still_loads(saved):
    loaded = skseq.load(saved)
    X, _ = make_ragged_classification(n=5)
    assert loaded.predict_proba(X).shape == (5, 2)
    assert np.isfinite(loaded.predict_proba(X)).all()


@pytest.fixture(scope="module")
def saved_panel(tmp_path_factory):
    rng = np.random.default_rng(0)
    panel = {key: 10 + rng.normal(size=60).cumsum() for key in ("a", "b")}
    model = SequenceForecaster(window_length=6, horizon=2, **QUICK).fit(panel)
    path = tmp_path_factory.mktemp("files") / "panel.skseq"
    skseq.save(model, path)
    return path


def _state(config):
    return dict(config["fitted"]["__items__"])["_fitted"]["fields"]


def _tuple(name):
    """Change the tuple of field ``name`` of the fitted state by ``how``."""
    return lambda how: lambda config, arrays: how(_state(config)[name]["__tuple__"])


def _array(name, value):
    """Put ``value`` in place of the array of field ``name`` (dotted)."""

    def change(config, arrays):
        spec = _state(config)
        *owners, field = name.split(".")
        for owner in owners:
            spec = spec[owner]["fields"]
        arrays[spec[field]["__array__"]] = value

    return change


def _set(name, value):
    return lambda config, arrays: _state(config).__setitem__(name, value)


def _naive_errors(shape):
    """Give the state naive errors (:mod:`._calibrating`) of ``shape``."""

    def change(config, arrays):
        state = _state(config)
        spec = json.loads(json.dumps(state["calibration"]))
        name = spec["fields"]["residuals"]["__array__"] + "_naive"
        spec["fields"]["residuals"]["__array__"] = name
        arrays[name] = np.zeros(shape, np.float32)
        state["naive_calibration"] = spec

    return change


# tampered fitted states of a forecaster that loaded, then failed at predict
# (IndexError, "zip() argument 2 is longer than argument 1", "'int' object
# has no attribute 'outputs'", broadcast errors) or forecast from a wrong state
TAMPERED_FORECASTERS = {
    "a series' tail dropped": (
        _tuple("tails")(lambda tails: tails.pop()),
        "tails holds 1 elements, but keys names 2 series",
    ),
    "an id added": (
        _tuple("keys")(lambda keys: keys.append("c")),
        "tails holds 2 elements, but keys names 3 series",
    ),
    "an id repeated": (
        _tuple("keys")(lambda keys: keys.__setitem__(1, "a")),
        "keys names an element more than once",
    ),
    "no ids for a dict": (
        _set("keys", None),
        "keys is None, but the series came as a dict",
    ),
    "a ridge that is a number": (
        _tuple("ridges")(lambda ridges: ridges.__setitem__(0, 3)),
        r"ridges\[0\] must be a RidgeForecast, got int",
    ),
    "a ridge reading more than the window": (
        _tuple("ridges")(lambda ridges: ridges[0]["fields"].update(window_length=99)),
        r"ridges\[0\].window_length must be in \[1, 6\]",
    ),
    "units of 3 series": (
        _array("units", np.ones((3, 1))),
        r"units must have shape \(2, 1\), got \(3, 1\)",
    ),
    "still as numbers": (
        _array("still", np.zeros((2, 1))),
        "still must be an array of booleans",
    ),
    "errors of 3 targets": (
        _array("calibration.residuals", np.zeros((4, 2, 3), np.float32)),
        r"calibration.residuals must have shape \(n, 2, 1\), got \(4, 2, 3\)",
    ),
    "naive errors of 3 targets": (
        _naive_errors((9, 2, 3)),
        r"naive_calibration.residuals must have shape \(n, 2, 1\), got \(9, 2, 3\)",
    ),
    "a smoothing weight beyond one": (
        _set("smoothing_weight", 1.5),
        r"smoothing_weight must lie in \[0, 1\]",
    ),
    "a negative share of the seasonal naive forecast": (
        _set("rule_weight", -0.5),
        r"rule_weight must lie in \[0, 1\]",
    ),
    "a scaler's shape": (
        _array("windows.target_mean", np.ones((1, 2))),
        r"windows.target_mean must have shape \(1,\), got \(1, 2\)",
    ),
}


@pytest.mark.parametrize("case", TAMPERED_FORECASTERS)
def test_a_forecasters_tampered_state_is_refused_at_load(saved_panel, tmp_path, case):
    change, match = TAMPERED_FORECASTERS[case]
    content = members(saved_panel)
    config = json.loads(content["config.json"])
    with np.load(io.BytesIO(content["arrays.npz"])) as npz:
        arrays = {name: npz[name] for name in npz.files}
    change(config, arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    content["arrays.npz"] = buffer.getvalue()
    content["config.json"] = json.dumps(config).encode()
    path = write(tmp_path / "forecaster.skseq", content)
    inconsistent = "forecaster.skseq: field fitted._fitted is inconsistent: "
    with pytest.raises(ValueError, match=inconsistent + match) as caught:
        skseq.load(path)
    assert type(caught.value) is ValueError


def test_a_valid_panel_forecaster_file_still_loads(saved_panel):
    loaded = skseq.load(saved_panel)
    forecast = loaded.predict()
    assert list(forecast) == ["a", "b"]
    assert all(np.isfinite(one).all() for one in forecast.values())
