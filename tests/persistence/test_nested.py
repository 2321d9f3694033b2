"""skseq.save / skseq.load of the language model and the anomaly detectors.

The language model's text encoder is saved as its vocabulary; a detector's
fitted models as nested estimators, each with its own weights member. Both
round trip exactly, and tampered files are refused naming file and field.
"""

import io
import json
import subprocess
import sys

import numpy as np
import pytest

import skseq
from skseq import RNNLanguageModel, RNNRegressor, RNNStepRegressor, SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector, SequenceAnomalyDetector
from skseq.datasets import load_text

from .test_hostile_files import members, write

TEXT = load_text()[:700]
OTHER = "Four score and seven years, a new nation qzx!"
TINY = dict(hidden_size=8, embedding_dim=4, max_epochs=2, random_state=0)


def tampered(path, out, change_config=None, change_arrays=None, drop=()):
    """Rewrite ``path`` into ``out`` changed, with valid checksums."""
    content = members(path)
    config = json.loads(content["config.json"])
    with np.load(io.BytesIO(content["arrays.npz"])) as npz:
        arrays = {name: npz[name] for name in npz.files}
    if change_config is not None:
        change_config(config)
    if change_arrays is not None:
        change_arrays(config, arrays)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    content["arrays.npz"] = buffer.getvalue()
    content["config.json"] = json.dumps(config).encode()
    for name in drop:
        del content[name]
    write(out, content)
    return out


def item(node, key):
    """The value of ``key`` in an encoded dict (``{"__items__": [[k, v], ...]}``)."""
    return next(v for k, v in node["__items__"] if k == key)


def set_item(node, key, value):
    node["__items__"] = [[k, v] for k, v in node["__items__"] if k != key]
    if value is not None:
        node["__items__"].append([key, value])


def refused(path, match):
    with pytest.raises(ValueError, match=match) as caught:
        skseq.load(path)
    assert type(caught.value) is ValueError


# ------------------------------------------------------------ language model


@pytest.mark.parametrize("unit", ["char", "word"])
@pytest.mark.parametrize("min_frequency", [None, 2])
def test_language_model_round_trip(tmp_path, unit, min_frequency):
    model = RNNLanguageModel(unit, min_frequency=min_frequency, **TINY).fit(TEXT)
    if min_frequency:
        assert model.encoder_.infrequent_categories_ is not None
    skseq.save(model, tmp_path / "lm.skseq")
    loaded = skseq.load(tmp_path / "lm.skseq")
    for text in (TEXT, OTHER):  # seen, rare and unknown tokens
        assert loaded.score(text) == model.score(text)
    for prompt in (None, "Four score"):
        assert loaded.generate(prompt, 30, random_state=3) == model.generate(
            prompt, 30, random_state=3
        )
    assert loaded.vocab_size_ == model.vocab_size_
    assert loaded.encoder_.split == unit
    np.testing.assert_array_equal(
        loaded.encoder_.categories_, model.encoder_.categories_
    )


def test_language_model_of_token_ids_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    documents = [rng.integers(2, 9, size=40) for _ in range(3)]
    model = RNNLanguageModel(**TINY).fit(documents)
    skseq.save(model, tmp_path / "ids.skseq")
    loaded = skseq.load(tmp_path / "ids.skseq")
    assert loaded.encoder_ is None
    assert loaded.score(documents) == model.score(documents)
    np.testing.assert_array_equal(
        loaded.generate([3, 4], 20, random_state=0),
        model.generate([3, 4], 20, random_state=0),
    )


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("lm") / "lm.skseq"
    skseq.save(RNNLanguageModel("word", min_frequency=2, **TINY).fit(TEXT), path)
    return path


def _vocabulary(config):
    return item(config["fitted"], "encoder_")["__token_encoder__"]["fields"]


def _fewer_tokens(config, arrays):  # one frequent token less
    key = _vocabulary(config)["tokens"]["__array__"]
    rare = arrays[_vocabulary(config)["infrequent"]["__array__"]]
    first = np.flatnonzero(~np.isin(arrays[key], rare))[0]
    arrays[key] = np.delete(arrays[key], first)


def _unsorted_tokens(config, arrays):
    key = _vocabulary(config)["tokens"]["__array__"]
    arrays[key] = arrays[key][::-1]


def _repeated_infrequent(config, arrays):
    # twice in infrequent, a token is refitted as frequent: one frequent token
    # less keeps the size, and the ids after it shift
    _fewer_tokens(config, arrays)
    key = _vocabulary(config)["infrequent"]["__array__"]
    arrays[key] = np.sort(np.append(arrays[key], arrays[key][0]))


LANGUAGE_MODEL_TAMPERED = {
    "a vocabulary of another size": (
        dict(change_arrays=_fewer_tokens),
        r"field fitted.vocab_size_ must be \d+",
    ),
    "unsorted tokens": (
        dict(change_arrays=_unsorted_tokens),
        "field fitted.encoder_ is inconsistent: tokens must be sorted",
    ),
    "a repeated infrequent token": (
        dict(change_arrays=_repeated_infrequent),
        "field fitted.encoder_ is inconsistent: infrequent must be sorted and distinct",
    ),
    "a wrong type": (
        dict(change_config=lambda c: set_item(c["fitted"], "vocab_size_", "many")),
        "field fitted.vocab_size_ must be int",
    ),
    "an encoder of another class": (
        dict(
            change_config=lambda c: set_item(
                c["fitted"], "encoder_", {"__dataclass__": "Smoothing", "fields": {}}
            )
        ),
        "field fitted.encoder_",
    ),
    "no encoder": (
        dict(change_config=lambda c: set_item(c["fitted"], "encoder_", None)),
        "fitted attribute encoder_ is missing",
    ),
    "no weights": (dict(drop=["weights.safetensors"]), "member weights.safetensors"),
}


@pytest.mark.parametrize("case", LANGUAGE_MODEL_TAMPERED)
def test_a_tampered_language_model_is_refused(saved_model, tmp_path, case):
    change, match = LANGUAGE_MODEL_TAMPERED[case]
    refused(
        tampered(saved_model, tmp_path / "lm.skseq", **change), f"lm.skseq: {match}"
    )


# -------------------------------------------------------- forecast detector


def _series(n=320):
    rng = np.random.default_rng(0)
    return np.sin(np.arange(n) / 5) + 0.05 * rng.standard_normal(n)


def _forecast_detector():
    forecaster = SequenceForecaster(window_length=10, hidden_size=4, max_epochs=2)
    return ForecastAnomalyDetector(
        forecaster, n_forecasters=2, smoothing=3, false_alarm_rate=0.05, random_state=0
    ).fit(_series()[:250])


def test_forecast_detector_round_trip(tmp_path):
    detector = _forecast_detector()
    skseq.save(detector, tmp_path / "detector.skseq")
    assert {"weights.safetensors", "weights-1.safetensors"} <= set(
        members(tmp_path / "detector.skseq")
    )
    loaded = skseq.load(tmp_path / "detector.skseq")
    assert loaded.forecaster_ is loaded.forecasters_[0]
    assert loaded.get_params()["forecaster"].get_params() == (
        detector.forecaster.get_params()
    )
    new, later = _series()[250:290], _series()[290:]
    new[10] += 2.0
    for method in ("score_samples", "predict", "decision_function"):
        np.testing.assert_array_equal(
            getattr(loaded, method)(new), getattr(detector, method)(new)
        )
    loaded.update(new)
    detector.update(new)
    np.testing.assert_array_equal(loaded.reference_, detector.reference_)
    np.testing.assert_array_equal(
        loaded.score_samples(later), detector.score_samples(later)
    )


def test_forecast_detector_round_trip_in_a_fresh_process(tmp_path):
    detector = _forecast_detector()
    path = tmp_path / "detector.skseq"
    skseq.save(detector, path)
    new = _series()[250:]
    np.save(tmp_path / "new.npy", new)
    out = tmp_path / "scores.npy"
    script = (
        "import numpy as np, skseq\n"
        f"detector = skseq.load({str(path)!r})\n"
        f"new = np.load({str(tmp_path / 'new.npy')!r})\n"
        "scores = [detector.score_samples(new), detector.decision_function(new)]\n"
        f"np.save({str(out)!r}, np.array(scores))\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    expected = [detector.score_samples(new), detector.decision_function(new)]
    np.testing.assert_array_equal(np.load(out), np.array(expected))


@pytest.fixture(scope="module")
def saved_detector(tmp_path_factory):
    path = tmp_path_factory.mktemp("detector") / "detector.skseq"
    skseq.save(_forecast_detector(), path)
    return path


def _member(config, i):
    return item(config["fitted"], "forecasters_")["__list__"][i]["__estimator__"]


def _resize(name, shape):
    def change(config, arrays):
        key = item(config["fitted"], name)["__array__"]
        arrays[key] = np.ones(shape)

    return change


def _member_hidden_size(config):
    set_item(_member(config, 1)["params"], "hidden_size", 5)


FORECAST_DETECTOR_TAMPERED = {
    "an error unit of another shape": (
        dict(change_arrays=_resize("error_unit_", (2,))),
        r"field fitted.error_unit_ must have shape \(1,\), got \(2,\)",
    ),
    "a reference of another shape": (
        dict(change_arrays=_resize("reference_", (3, 2))),
        "field fitted.reference_ must be a 1-D array of floats",
    ),
    "a wrong type": (
        dict(change_config=lambda c: set_item(c["fitted"], "tail_shape_", "x")),
        "field fitted.tail_shape_ must be float",
    ),
    "a member that is no forecaster": (
        dict(
            change_config=lambda c: item(c["fitted"], "forecasters_")[
                "__list__"
            ].append(3)
        ),
        r"field fitted.forecasters_\[2\] must be SequenceForecaster",
    ),
    "a member's weights of another network": (
        dict(change_config=_member_hidden_size),
        "weights-1.safetensors: the weights do not fit the network",
    ),
    "a member's unknown parameter": (
        dict(
            change_config=lambda c: set_item(_member(c, 0)["params"], "evil", 1),
        ),
        r"fitted.forecasters_\[0\].params holds unknown parameters \['evil'\]",
    ),
    "a member's parameter out of its constraints": (
        dict(
            change_config=lambda c: set_item(_member(c, 0)["params"], "cell", "x"),
        ),
        r"fitted.forecasters_\[0\].params: .*'cell' parameter",
    ),
    "a member's missing weights": (
        dict(drop=["weights-1.safetensors"]),
        "member weights-1.safetensors is missing",
    ),
    "two members of one weights member": (
        dict(
            change_config=lambda c: _member(c, 1).update(weights="weights.safetensors")
        ),
        "member weights.safetensors holds the weights of two networks",
    ),
    "missing state": (
        dict(change_config=lambda c: set_item(c["fitted"], "known_", None)),
        "fitted attribute known_ is missing",
    ),
    "a detector as its forecaster": (
        dict(
            change_config=lambda c: set_item(
                c["params"],
                "forecaster",
                {
                    "__estimator__": {
                        "class": "ForecastAnomalyDetector",
                        "params": {"__items__": []},
                    }
                },
            )
        ),
        "field params.forecaster holds ForecastAnomalyDetector, not SequenceForecaster",
    ),
    "a member in a list in the list": (
        dict(
            change_config=lambda c: item(c["fitted"], "forecasters_")[
                "__list__"
            ].append({"__list__": [{"__estimator__": _member(c, 0)}]})
        ),
        r"field fitted.forecasters_\[2\]\[0\] holds an estimator, which it may not",
    ),
    "a fitted estimator as a parameter": (
        dict(
            change_config=lambda c: set_item(
                c["params"], "forecaster", {"__estimator__": _member(c, 0)}
            )
        ),
        "field params.forecaster holds a fitted estimator",
    ),
}


@pytest.mark.parametrize("case", FORECAST_DETECTOR_TAMPERED)
def test_a_tampered_forecast_detector_is_refused(saved_detector, tmp_path, case):
    change, match = FORECAST_DETECTOR_TAMPERED[case]
    path = tampered(saved_detector, tmp_path / "bad.skseq", **change)
    refused(path, f"bad.skseq: {match}")


def test_weights_no_estimator_names_are_refused(saved_detector, tmp_path):
    path = tampered(
        saved_detector,
        tmp_path / "bad.skseq",
        change_config=lambda c: item(c["fitted"], "forecasters_")["__list__"].pop(),
    )
    refused(path, r"members \['weights-1.safetensors'\] hold weights of no estimator")


# -------------------------------------------------------- sequence detector


def _sequences(n=30):
    rng = np.random.default_rng(0)
    t = np.arange(16)
    return [np.sin(t / 3 + rng.uniform(0, 6)) for _ in range(n)]


@pytest.mark.parametrize(
    "method, network",
    [("reconstruction", RNNRegressor), ("next_step", RNNStepRegressor)],
)
def test_sequence_detector_round_trip(tmp_path, method, network):
    detector = SequenceAnomalyDetector(
        method,
        network(hidden_size=4, max_epochs=2),
        false_alarm_rate=0.2,
        random_state=0,
    ).fit(_sequences())
    skseq.save(detector, tmp_path / "detector.skseq")
    loaded = skseq.load(tmp_path / "detector.skseq")
    assert type(loaded.estimator_) is network
    rng = np.random.default_rng(1)
    X = _sequences(6) + [rng.standard_normal(16)]
    for method in ("score_samples", "predict", "decision_function", "error"):
        np.testing.assert_array_equal(
            getattr(loaded, method)(X), getattr(detector, method)(X)
        )


@pytest.fixture(scope="module")
def saved_sequence_detector(tmp_path_factory):
    path = tmp_path_factory.mktemp("sequences") / "detector.skseq"
    detector = SequenceAnomalyDetector(
        estimator=RNNRegressor(hidden_size=4, max_epochs=1), random_state=0
    )
    with pytest.warns(UserWarning, match="smallest p-value"):
        detector.fit(_sequences())
    skseq.save(detector, path)
    return path


def _reversed(name):
    def change(config, arrays):
        key = item(config["fitted"], name)["__array__"]
        arrays[key] = arrays[key].copy()
        arrays[key][0] = arrays[key][-1] + 1.0

    return change


def _network(config):
    return item(config["fitted"], "estimator_")["__estimator__"]


SEQUENCE_DETECTOR_TAMPERED = {
    "a scale of another shape": (
        dict(change_arrays=_resize("scale_", (3,))),
        r"field fitted.scale_ must have shape \(1,\), got \(3,\)",
    ),
    "an unsorted reference": (
        dict(change_arrays=_reversed("reference_")),
        "field fitted.reference_ must hold finite values, sorted",
    ),
    "a wrong type": (
        dict(change_config=lambda c: set_item(c["fitted"], "n_features_in_", 1.5)),
        "field fitted.n_features_in_ must be int",
    ),
    "a network of another class": (
        dict(change_config=lambda c: _network(c).update({"class": "RNNTagger"})),
        "field fitted.estimator_ holds RNNTagger, not RNNRegressor or RNNStepRegressor",
    ),
    "a network's state of another shape": (
        dict(
            change_config=lambda c: set_item(_network(c)["fitted"], "n_features_in_", 2)
        ),
        "field fitted.estimator_ reads 2 features, not 1",
    ),
    "missing network": (
        dict(change_config=lambda c: set_item(c["fitted"], "estimator_", None)),
        "fitted attribute estimator_ is missing",
    ),
    "missing weights": (
        dict(drop=["weights.safetensors"]),
        "member weights.safetensors is missing",
    ),
}


@pytest.mark.parametrize("case", SEQUENCE_DETECTOR_TAMPERED)
def test_a_tampered_sequence_detector_is_refused(
    saved_sequence_detector, tmp_path, case
):
    change, match = SEQUENCE_DETECTOR_TAMPERED[case]
    path = tampered(saved_sequence_detector, tmp_path / "bad.skseq", **change)
    refused(path, f"bad.skseq: {match}")


def test_a_detector_of_a_network_set_after_fit_is_not_saved(tmp_path):
    detector = SequenceAnomalyDetector(
        estimator=RNNRegressor(hidden_size=4, max_epochs=1),
        false_alarm_rate=0.2,
        random_state=0,
    ).fit(_sequences())
    detector.estimator_.set_params(hidden_size=6)
    with pytest.raises(ValueError, match=r"set after fit.*\(hidden_size differ\)"):
        skseq.save(detector, tmp_path / "detector.skseq")
