"""Which format save writes, and what load reads of a file before its config.

A file whose estimator format 4 holds is written in format 4, which skseq
before format 5 reads. Whatever the number of members, a file's members
together inflate to a bounded size, a weights member is inflated only when a
config names it, and an estimator is nested only where a detector holds one.
Save refuses what it could not read back, saying why.
"""

import hashlib
import io
import json
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tracemalloc
import zipfile

import numpy as np
import pandas as pd
import pytest

import skseq
from skseq import RNNClassifier, RNNLanguageModel, RNNRegressor, SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector, SequenceAnomalyDetector

from .._helpers import QUICK, make_ragged_classification

ROOT = pathlib.Path(__file__).resolve().parents[2]
# the last commit that wrote and read format 4 only
BEFORE_FORMAT_5 = "5b69e45"


def members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write(path, content, version=None, compresslevel=None):
    """Write members (name -> bytes) with the manifest's checksums made valid."""
    content = dict(content)
    manifest = json.loads(content["manifest.json"])
    manifest["sha256"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in content.items()
        if name != "manifest.json"
    }
    if version is not None:
        manifest["format_version"] = version
    content["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as archive:
        for name, data in content.items():
            archive.writestr(name, data)
    return path


def format_of(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))["format_version"]


@pytest.fixture(scope="module")
def data():
    return make_ragged_classification(n=20)


@pytest.fixture(scope="module")
def classifier(data):
    return RNNClassifier(**QUICK).fit(*data)


@pytest.fixture(scope="module")
def saved(classifier, tmp_path_factory):
    path = tmp_path_factory.mktemp("clf") / "clf.skseq"
    skseq.save(classifier, path)
    return path


def as_format5(saved, extra=None):
    """The classifier's file as format 5 writes it, with ``extra`` members."""
    content = members(saved)
    config = json.loads(content["config.json"])
    config["weights"] = "weights.safetensors"
    content["config.json"] = json.dumps(config).encode()
    content.update(extra or {})
    return content


# ------------------------------------------------------------------- formats


def test_save_writes_format_5_only_where_it_is_needed(saved, tmp_path):
    assert format_of(saved) == 4
    assert "weights" not in json.loads(members(saved)["config.json"])
    model = RNNLanguageModel(hidden_size=4, embedding_dim=2, max_epochs=1)
    skseq.save(model.fit("a tiny text, a tiny model"), tmp_path / "lm.skseq")
    assert format_of(tmp_path / "lm.skseq") == 5
    # and a format-5 file of a classifier (as skseq wrote it) still loads
    write(tmp_path / "v5.skseq", as_format5(saved), version=5)
    skseq.load(tmp_path / "v5.skseq")


def _skseq_before_format_5(tmp_path):
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git history of skseq")
    archive = subprocess.run(
        [git, "-C", str(ROOT), "archive", "--format=tar", BEFORE_FORMAT_5],
        capture_output=True,
        check=False,
    )
    if archive.returncode:
        pytest.skip(f"commit {BEFORE_FORMAT_5} is not in this checkout")
    old = tmp_path / "old"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(old, filter="data")
    return old


def test_a_classifier_saved_now_loads_with_skseq_before_format_5(
    saved, classifier, data, tmp_path
):
    old = _skseq_before_format_5(tmp_path)
    X, _ = data
    np.save(tmp_path / "X.npy", np.concatenate(X))
    np.save(tmp_path / "lengths.npy", [len(x) for x in X])
    script = (
        "import numpy as np, skseq\n"
        f"assert skseq.__file__.startswith({str(old)!r}), skseq.__file__\n"
        f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
        f"lengths = np.load({str(tmp_path / 'lengths.npy')!r})\n"
        "X = np.split(X, np.cumsum(lengths)[:-1])\n"
        f"model = skseq.load({str(saved)!r})\n"
        f"np.save({str(tmp_path / 'proba.npy')!r}, model.predict_proba(X))\n"
    )
    env = {"PYTHONPATH": str(old), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"}
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=old, env=env, capture_output=True
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    np.testing.assert_array_equal(
        np.load(tmp_path / "proba.npy"), classifier.predict_proba(X)
    )


# -------------------------------------------------------------------- limits


def test_many_members_may_not_together_inflate_past_the_bound(saved, tmp_path):
    # 50 members of 1 MiB of zeros, each under the 1 MiB a member could once
    # inflate to whatever its compressed size: 50 MiB from a few kilobytes
    zeros = bytes(2**20)
    extra = {f"weights-{i}.safetensors": zeros for i in range(1, 51)}
    path = write(tmp_path / "bomb.skseq", as_format5(saved, extra), 5, 9)
    assert path.stat().st_size < 2**20
    tracemalloc.start()
    with pytest.raises(ValueError, match=r"bomb.skseq: its 53 members declare .*"):
        skseq.load(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20


def test_a_weights_member_no_config_names_is_never_inflated(
    saved, tmp_path, monkeypatch
):
    extra = {"weights-1.safetensors": np.ones(1000).tobytes()}
    path = write(tmp_path / "extra.skseq", as_format5(saved, extra), 5)
    opened = []
    original = zipfile.ZipFile.open

    def recorded(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return original(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", recorded)
    with pytest.raises(
        ValueError,
        match=r"extra.skseq: members \['weights-1.safetensors'\] hold weights of no",
    ):
        skseq.load(path)
    assert "weights.safetensors" in opened
    assert "weights-1.safetensors" not in opened


def test_more_members_than_a_file_holds_are_refused_at_once(tmp_path):
    path = tmp_path / "many.skseq"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(20_000):
            archive.writestr(f"x{i}", b"")
    with pytest.raises(
        ValueError, match="many.skseq holds 20000 members; a skseq file holds at most"
    ):
        skseq.load(path)


def test_an_estimator_outside_the_fields_that_hold_one_is_refused(saved, tmp_path):
    # a forecaster's state holding a fitted classifier, with its weights: the
    # field is typed object, so only the place it is in can refuse it
    y = pd.Series(np.sin(np.arange(80) / 3), pd.date_range("2024", periods=80))
    forecaster = SequenceForecaster(window_length=8, **QUICK).fit(y)
    skseq.save(forecaster, tmp_path / "forecaster.skseq")
    content = members(tmp_path / "forecaster.skseq")
    inner = members(saved)
    config = json.loads(content["config.json"])
    with np.load(io.BytesIO(content["arrays.npz"])) as npz:
        arrays = {name: npz[name] for name in npz.files}
    with np.load(io.BytesIO(inner["arrays.npz"])) as npz:
        arrays.update({f"inner_{name}": npz[name] for name in npz.files})
    held = json.loads(
        inner["config.json"].decode().replace('"__array__": "', '"__array__": "inner_')
    )
    held["weights"] = "weights-1.safetensors"
    state = dict(config["fitted"]["__items__"])["_fitted"]["fields"]
    state["key_name"] = {"__estimator__": held}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    content.update(
        {
            "config.json": json.dumps(config).encode(),
            "arrays.npz": buffer.getvalue(),
            "weights-1.safetensors": inner["weights.safetensors"],
        }
    )
    path = write(tmp_path / "bad.skseq", content, version=5)
    with pytest.raises(
        ValueError,
        match=r"bad.skseq: field fitted._fitted.key_name holds an estimator, which "
        "it may not",
    ):
        skseq.load(path)


# ------------------------------------------------------ what save refuses


def test_a_detector_of_more_networks_than_a_file_names_is_not_saved(tmp_path):
    forecaster = SequenceForecaster(window_length=5, hidden_size=2, max_epochs=1)
    detector = ForecastAnomalyDetector(forecaster, random_state=0)
    detector.fit(np.sin(np.arange(150) / 3))
    # as fitted with n_forecasters=10_001 (which takes too long to fit here)
    detector.set_params(n_forecasters=10_001)
    detector.forecasters_ = detector.forecasters_ * 10_001
    with pytest.raises(
        ValueError, match=r"at most 10000 networks.*n_forecasters=10001"
    ):
        skseq.save(detector, tmp_path / "detector.skseq")
    assert not (tmp_path / "detector.skseq").exists()


def _sequences():
    return [np.sin(np.arange(16) / 3 + i) for i in range(20)]


def test_subclasses_are_refused_naming_their_base_and_where_they_are_held(
    data, tmp_path
):
    class RNNClassifier(skseq.RNNClassifier):  # the same name as skseq's
        pass

    class Mine(RNNRegressor):
        pass

    model = RNNClassifier(**QUICK).fit(*data)
    with pytest.raises(
        TypeError, match=r"got a subclass of skseq.RNNClassifier \(module tests\."
    ):
        skseq.save(model, tmp_path / "model.skseq")
    detector = SequenceAnomalyDetector(
        estimator=Mine(hidden_size=4, max_epochs=1),
        false_alarm_rate=0.2,
        random_state=0,
    ).fit(_sequences())
    with pytest.raises(
        TypeError,
        match=r"the SequenceAnomalyDetector's estimator is a Mine, a subclass of "
        r"skseq.RNNRegressor \(module tests\.",
    ):
        skseq.save(detector, tmp_path / "detector.skseq")


def test_a_detector_of_a_pipeline_pickles_only(tmp_path):
    from sklearn.pipeline import make_pipeline

    from skseq.preprocessing import SequenceScaler

    pipeline = make_pipeline(
        SequenceScaler(), RNNRegressor(hidden_size=4, max_epochs=1)
    )
    detector = SequenceAnomalyDetector(
        estimator=pipeline, false_alarm_rate=0.2, random_state=0
    ).fit(_sequences())
    with pytest.raises(
        TypeError,
        match="the SequenceAnomalyDetector's estimator is a Pipeline. A detector that "
        r"holds another estimator \(a Pipeline, a search, a subclass\) is saved with "
        "joblib or pickle only",
    ):
        skseq.save(detector, tmp_path / "detector.skseq")


def test_members_that_compress_past_the_bound_are_stored_so_the_file_loads(tmp_path):
    # a forecaster of hundreds of all-zero series wrote a file (347 to 1) that
    # load refused; the most compressible members are now stored as they are

    from skseq._persistence._archive import _check_sizes, write_archive

    path = tmp_path / "zeros.skseq"
    members = {"config.json": b"{}" + bytes(3_000_000), "arrays.npz": bytes(2_000_000)}
    write_archive(path, members)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        _check_sizes(path, infos, set(members))
        assert all(archive.read(name) == data for name, data in members.items())
