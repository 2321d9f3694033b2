"""SequenceAnomalyDetector flags the sequences unlike the normal ones."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline

from skseq import RNNClassifier, RNNRegressor, RNNStepRegressor
from skseq.anomaly import SequenceAnomalyDetector
from skseq.preprocessing import SequenceScaler


def _normal(n, rng, length=30):
    t = np.arange(length)
    return [np.sin(t / 3 + rng.uniform(0, 6)) for _ in range(n)]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    normal = _normal(300, rng)
    test_normal = _normal(200, rng)
    odd = [np.sign(s) for s in _normal(20, rng)]  # square waves
    return normal, test_normal, odd


@pytest.mark.parametrize(
    "method, estimator",
    [
        ("reconstruction", RNNRegressor(hidden_size=16, max_epochs=15)),
        ("next_step", RNNStepRegressor(hidden_size=16, max_epochs=15)),
    ],
)
def test_odd_shapes_score_higher_and_normal_ones_pass(data, method, estimator):
    normal, test_normal, odd = data
    detector = SequenceAnomalyDetector(
        method, estimator, false_alarm_rate=0.05, random_state=0
    ).fit(normal)
    assert detector.error(odd).min() > np.median(detector.error(test_normal))
    assert np.mean(detector.predict(odd) == -1) >= 0.8
    # 5% asked; 200 normal sequences (binomial sd 1.5%), 60 held out (0.09
    # was seen)
    assert np.mean(detector.predict(test_normal) == -1) < 0.16
    scores = detector.score_samples(test_normal)
    assert np.all((scores >= 0) & (scores <= 1))  # the fitted tail can give 0
    np.testing.assert_array_equal(
        detector.decision_function(test_normal), scores - detector.offset_
    )


def test_ragged_sequences_and_several_features():
    rng = np.random.default_rng(1)
    normal = [
        np.column_stack([np.sin(np.arange(n) / 3), np.cos(np.arange(n) / 3)])
        + 0.05 * rng.standard_normal((n, 2))
        for n in rng.integers(20, 40, size=200)
    ]
    detector = SequenceAnomalyDetector(
        estimator=RNNRegressor(hidden_size=16, max_epochs=15),
        false_alarm_rate=0.05,
        random_state=0,
    ).fit(normal)
    swapped = [s[:, ::-1] for s in normal[:20]]  # cos where sin was
    assert np.median(detector.error(swapped)) > 3 * np.median(
        detector.error(normal[:20])
    )
    with pytest.raises(ValueError, match="2 steps"):
        detector.predict([np.zeros((1, 2))])
    with pytest.raises(ValueError, match="features"):
        detector.predict([np.zeros((5, 3))])


@pytest.mark.parametrize("method", ["reconstruction", "next_step"])
def test_a_padded_array_is_its_ragged_sequences(method):
    # the padding steps (MASK_VALUE) were read as values: a scale of 4e8
    # where the ragged sequences gave 0.7, and every padded sequence an error
    # of about 1e17
    from skseq.preprocessing import SequencePadder

    rng = np.random.default_rng(0)
    lengths = rng.integers(20, 31, 60)
    ragged = [np.sin(np.arange(n) / 3 + rng.uniform(0, 6)) for n in lengths]
    padded = SequencePadder(padding="post").fit_transform(ragged)
    options = dict(method=method, false_alarm_rate=0.1, random_state=0)
    net = dict(hidden_size=8, max_epochs=2)
    kind = RNNRegressor if method == "reconstruction" else RNNStepRegressor
    one = SequenceAnomalyDetector(estimator=kind(**net), **options).fit(ragged)
    two = SequenceAnomalyDetector(estimator=kind(**net), **options).fit(padded)
    np.testing.assert_allclose(two.scale_, one.scale_)
    np.testing.assert_allclose(two.error(padded[:5]), one.error(ragged[:5]), rtol=1e-5)


def test_next_step_model_reads_one_direction_only(data):
    normal, _, _ = data
    detector = SequenceAnomalyDetector(
        "next_step",
        RNNStepRegressor(hidden_size=8, max_epochs=1, bidirectional=True),
        false_alarm_rate=0.1,
        random_state=0,
    ).fit(normal[:50])
    assert detector.estimator_.bidirectional is False


def test_a_rate_below_the_smallest_p_value_warns():
    rng = np.random.default_rng(2)
    with pytest.warns(UserWarning, match="no sequence can be flagged"):
        SequenceAnomalyDetector(
            estimator=RNNRegressor(hidden_size=8, max_epochs=1),
            false_alarm_rate=0.01,
            random_state=0,
        ).fit(_normal(30, rng))


def test_too_few_sequences_get_a_clear_error():
    with pytest.raises(ValueError, match="too few to train on some and hold out"):
        SequenceAnomalyDetector().fit([np.arange(5.0)])


def test_a_p_value_equal_to_the_false_alarm_rate_is_flagged(recwarn):
    # 9 held out: the smallest p-value is 1/10, the rate asked for
    detector = SequenceAnomalyDetector(
        estimator=RNNRegressor(hidden_size=4, max_epochs=2),
        false_alarm_rate=0.1,
        calibration_fraction=0.5,
        random_state=0,
    ).fit(_normal(18, np.random.default_rng(0), length=10))
    assert len(detector.reference_) == 9 and not recwarn.list
    odd = [np.full(10, 1e3)]
    assert detector.score_samples(odd).tolist() == [0.1]
    # was 0.0 and labelled 1: no sequence could ever be flagged
    assert detector.decision_function(odd)[0] < 0
    assert detector.predict(odd).tolist() == [-1]


@pytest.mark.parametrize(
    "method, estimator, message",
    [
        ("next_step", RNNRegressor(), "trains an RNNStepRegressor, but estimator"),
        ("reconstruction", RNNStepRegressor(), "trains an RNNRegressor, but"),
    ],
)
def test_an_estimator_of_the_other_method_is_refused(method, estimator, message):
    # they failed in numpy ('inhomogeneous shape') or in the network's y check
    normal = _normal(10, np.random.default_rng(0), length=6)
    with pytest.raises(ValueError, match=message):
        SequenceAnomalyDetector(method, estimator).fit(normal)


@pytest.mark.parametrize(
    "method, estimator",
    [
        ("reconstruction", RNNRegressor(hidden_size=4, max_epochs=2)),
        ("next_step", RNNStepRegressor(hidden_size=4, max_epochs=2)),
    ],
)
def test_a_method_set_after_fit_takes_effect_at_the_next_fit(method, estimator):
    # score_samples paired the sequences by the method set after fit ('cannot
    # reshape array of size 8 into shape (64,)' and the like)
    normal = _normal(12, np.random.default_rng(0), length=8)
    detector = SequenceAnomalyDetector(method, estimator, random_state=0).fit(normal)
    scores = detector.score_samples(normal)
    other = "next_step" if method == "reconstruction" else "reconstruction"
    detector.set_params(method=other)
    np.testing.assert_array_equal(detector.score_samples(normal), scores)


@pytest.mark.parametrize("method", ["reconstruction", "next_step"])
@pytest.mark.parametrize(
    "estimator",
    [
        RNNClassifier(max_epochs=1),
        LogisticRegression(),
        make_pipeline(SequenceScaler(), RNNClassifier(max_epochs=1)),
        GridSearchCV(RNNClassifier(max_epochs=1), {"hidden_size": [2, 4]}),
        Ridge(),
        make_pipeline(Ridge()),
    ],
)
def test_a_model_that_is_no_sequence_regressor_is_refused_by_name(method, estimator):
    # any estimator with fit and predict passed, and failed deep in its fit
    # ('y should be a 1d array, got an array of shape (32, 64)'), naming no
    # parameter
    normal = _normal(10, np.random.default_rng(0), length=6)
    match = "^estimator is (a classifier|no sequence regressor) .*RNNRegressor"
    with pytest.raises(ValueError, match=match):
        SequenceAnomalyDetector(method, estimator).fit(normal)


def test_the_seed_reaches_the_network_inside_a_randomized_search():
    # the search's own random_state (its sampler's) took the seed
    from sklearn.model_selection import RandomizedSearchCV

    normal = _normal(12, np.random.default_rng(0), length=6)
    search = RandomizedSearchCV(
        RNNRegressor(hidden_size=4, max_epochs=2), {"lr": [0.01]}, n_iter=1, cv=2
    )
    errors = [
        SequenceAnomalyDetector(estimator=search, random_state=0)
        .fit(normal)
        .error(normal)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*errors)


@pytest.mark.parametrize("seed", [None, 0])
@pytest.mark.parametrize(
    "wrap, param",
    [
        (lambda net: make_pipeline(SequenceScaler(), net), "rnnregressor__"),
        (lambda net: GridSearchCV(net, {"hidden_size": [2, 3]}, cv=2), "estimator__"),
    ],
)
def test_a_pipeline_or_a_search_ending_in_a_network_is_trained(wrap, param, seed):
    # only RNNRegressor and RNNStepRegressor were taken, which refused the
    # Pipeline and the search that had worked; random_state was set on the
    # estimator itself, which a Pipeline does not have: it goes to the network
    normal = _normal(20, np.random.default_rng(0), length=6)
    network = RNNRegressor(hidden_size=2, max_epochs=1, random_state=5)
    detector = SequenceAnomalyDetector(
        estimator=wrap(network), false_alarm_rate=0.25, random_state=seed
    )
    detector.fit(normal)
    assert detector.error(normal[:3]).shape == (3,)
    drawn = detector.estimator_.get_params()[param + "random_state"]
    assert drawn == 5 if seed is None else drawn != 5
    if seed is not None:  # the seed drawn makes a refit the same
        again = SequenceAnomalyDetector(
            estimator=wrap(network), false_alarm_rate=0.25, random_state=seed
        )
        np.testing.assert_array_equal(
            again.fit(normal).error(normal[:3]), detector.error(normal[:3])
        )


def test_a_pipeline_ending_in_a_step_regressor_predicts_next_steps():
    # the Pipeline has no bidirectional parameter: it is set on its network,
    # which reads the steps before the one it predicts
    normal = _normal(20, np.random.default_rng(0), length=6)
    network = RNNStepRegressor(hidden_size=2, max_epochs=1, bidirectional=True)
    pipeline = make_pipeline(SequenceScaler(), network)
    detector = SequenceAnomalyDetector(
        "next_step", pipeline, false_alarm_rate=0.25, random_state=0
    )
    detector.fit(normal)
    assert detector.estimator_[-1].bidirectional is False
    assert detector.error(normal[:3]).shape == (3,)
    with pytest.raises(ValueError, match="trains an RNNRegressor, but estimator"):
        SequenceAnomalyDetector("reconstruction", pipeline).fit(normal)


def test_a_wrapped_regressor_of_token_ids_is_refused_by_its_nested_name():
    tokens = [np.arange(1, 7) for _ in range(10)]
    network = RNNRegressor(embedding_dim=4, hidden_size=2, max_epochs=1)
    search = GridSearchCV(make_pipeline(network), {"rnnregressor__hidden_size": [2]})
    match = "^estimator has estimator__rnnregressor__embedding_dim=4: it reads"
    with pytest.raises(ValueError, match=match):
        SequenceAnomalyDetector(estimator=search).fit(tokens)


@pytest.mark.parametrize(
    "method, Network",
    [("reconstruction", RNNRegressor), ("next_step", RNNStepRegressor)],
)
def test_token_ids_are_refused_as_values_to_reconstruct(method, Network):
    # ids were regressed as numbers (interpolated between, forecast as the
    # mean id), and the squared distance of arbitrary codes scored silently
    rng = np.random.default_rng(0)
    tokens = [rng.integers(1, 9, size=8) for _ in range(20)]
    network = Network(embedding_dim=4, hidden_size=4, max_epochs=1)
    with pytest.raises(ValueError, match="^estimator has embedding_dim=4: it reads"):
        SequenceAnomalyDetector(method, network, random_state=0).fit(tokens)


@pytest.mark.parametrize("grid_kind", ["grid", "list of grids", "distributions"])
def test_next_step_refuses_a_search_that_tunes_the_direction(grid_kind):
    normal = _normal(20, np.random.default_rng(0), length=6)
    network = make_pipeline(RNNStepRegressor(hidden_size=2, max_epochs=1))
    grid = {"rnnstepregressor__bidirectional": [True, False]}
    if grid_kind == "distributions":
        search = RandomizedSearchCV(network, grid, n_iter=2)
    else:
        search = GridSearchCV(network, [grid] if grid_kind == "list of grids" else grid)
    match = "candidates set 'rnnstepregressor__bidirectional', but method='next_step'"
    with pytest.raises(ValueError, match=match):
        SequenceAnomalyDetector("next_step", search).fit(normal)
    # reconstruction reads whole sequences: both directions are allowed there
    search = GridSearchCV(
        make_pipeline(RNNRegressor(hidden_size=2, max_epochs=1)),
        {"rnnregressor__bidirectional": [True]},
        cv=2,
    )
    SequenceAnomalyDetector(estimator=search, false_alarm_rate=0.25).fit(normal)
