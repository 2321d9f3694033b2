"""ForecastAnomalyDetector flags what its forecast did not expect, at the rate asked."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skseq import RNNRegressor, SequenceForecaster
from skseq.anomaly import ForecastAnomalyDetector, SequenceAnomalyDetector
from skseq.anomaly._conformal import sequential_p_values, tail_shape
from skseq.anomaly._scores import DRAWS


def _forecaster(**params):
    return SequenceForecaster(window_length=20, hidden_size=16, max_epochs=5, **params)


def _noisy_sine(n, seed=0, noise=0.1):
    rng = np.random.default_rng(seed)
    return np.sin(np.arange(n) / 5) + noise * rng.standard_normal(n)


@pytest.fixture(scope="module")
def series():
    index = pd.date_range("2024-01-01", periods=1200, freq="h")
    return pd.Series(_noisy_sine(1200), index=index, name="load")


@pytest.fixture(scope="module")
def detector(series):
    # each step's own error: isolated spikes stand out
    return ForecastAnomalyDetector(
        _forecaster(), false_alarm_rate=0.01, smoothing=1, random_state=0
    ).fit(series[:600])


def test_spikes_are_flagged_and_little_else(series, detector):
    test = series[600:].copy()
    spikes = [100, 300, 500]
    test.iloc[spikes] += 2.0  # 20 noise standard deviations
    flagged = np.flatnonzero(detector.predict(test) == -1)
    assert set(spikes) <= set(flagged)
    # the steps right after a spike read it in their window; elsewhere, about
    # the 1% false alarms asked for (6 of 600 expected)
    far = [f for f in flagged if min(abs(f - s) for s in spikes) > 20]
    assert len(far) <= 15


def test_sustained_shift_is_flagged_with_the_default_smoothing(series):
    detector = ForecastAnomalyDetector(
        _forecaster(), false_alarm_rate=0.01, random_state=0
    ).fit(series[:600])
    assert detector.smoothing == 20
    test = series[600:].copy()
    test.iloc[200:260] += 0.4  # 4 noise standard deviations, for 60 steps
    flagged = np.flatnonzero(detector.predict(test) == -1)
    assert np.any((flagged >= 200) & (flagged < 280))
    assert np.mean((flagged >= 200) & (flagged < 280)) > 0.5


def test_signed_average_finds_a_small_shift_that_absolute_errors_miss(series):
    test = series[600:].copy()
    test.iloc[200:300] += 0.1  # one noise standard deviation, for 100 steps
    inside = {}
    for average in ("signed", "absolute"):
        detector = ForecastAnomalyDetector(
            _forecaster(),
            false_alarm_rate=0.01,
            average=average,
            n_forecasters=1,
            random_state=0,
        ).fit(series[:600])
        flagged = np.flatnonzero(detector.predict(test) == -1)
        inside[average] = np.sum((flagged >= 200) & (flagged < 320))
    # errors of one sign add up in their mean, noise cancels (13 against 0)
    assert inside["signed"] >= 5
    assert inside["absolute"] <= inside["signed"] - 5


def test_the_errors_are_those_of_the_members_mean_forecast(series):
    params = dict(smoothing=1, random_state=3)
    both = ForecastAnomalyDetector(_forecaster(), n_forecasters=2, **params)
    both.fit(series[:600])
    seeds = [f.random_state for f in both.forecasters_]
    # the first is random_state, the next drawn from it: not 4, which is the
    # first seed of random_state=4
    assert seeds[0] == 3 and seeds[1] not in (3, 4)
    assert both.forecaster_ is both.forecasters_[0]
    singles = [
        ForecastAnomalyDetector(
            _forecaster(), n_forecasters=1, smoothing=1, random_state=seed
        ).fit(series[:600])
        for seed in seeds
    ]
    test = series[600:700]

    def in_units(detector):  # errors / the forecaster's unit
        return detector._errors(test)[1] * detector.error_unit_

    # the members share the unit, so the mean of their errors is the error of
    # their mean forecast
    expected = np.mean([in_units(single) for single in singles], axis=0)
    np.testing.assert_allclose(in_units(both), expected, rtol=1e-5, atol=1e-6)


def test_false_alarm_rate_is_calibrated_on_normal_data(series, detector):
    # normal continuation: about 1% flagged (binomial sd 0.4% over 600 steps)
    share = np.mean(detector.predict(series[600:]) == -1)
    assert 0.0 < share < 0.035
    loose = detector.set_params(false_alarm_rate=0.1).fit(series[:600])
    share = np.mean(loose.predict(series[600:]) == -1)
    assert 0.05 < share < 0.17


def test_scores_are_p_values_and_decision_is_their_translation(series, detector):
    scores = detector.score_samples(series[600:])
    n = len(detector.reference_)
    # counted p-values are multiples of 1 / (n + 1) for n = 116 .. 716; the
    # fitted tail's (below 30 / (n + 1)) can be anything down to 0
    assert scores.min() >= 0 and scores.max() <= 1
    counted = scores[scores > 30 / (n + 1)]
    sizes = np.arange(n + 1, n + len(scores) + 2)
    assert all(np.isclose(p * sizes, np.round(p * sizes)).any() for p in counted)
    np.testing.assert_array_equal(
        detector.decision_function(series[600:]), scores - detector.offset_
    )


def test_a_series_that_does_not_continue_is_its_own_context(series, detector):
    later = series[700:900]  # a gap after the training series
    scores = detector.score_samples(later)
    w = detector.forecaster_.window_length_
    np.testing.assert_array_equal(scores[:w], 1.0)
    assert (scores[w:] < 1).any()


def test_only_complete_means_are_scored_and_referenced(series):
    detector = ForecastAnomalyDetector(
        _forecaster(), n_forecasters=1, average="absolute", random_state=0
    ).fit(series[:600])
    w, smoothing = detector.forecaster_.window_length_, detector.smoothing
    n_held = len(detector.forecaster_._fitted.calibration.residuals)
    # the first held-out errors have fewer than smoothing before them
    assert len(detector.reference_) == n_held - smoothing + 1
    # scored on its own, the window of the first forecast and the errors of
    # the first mean are context
    scores = detector.score_samples(series[700:900])
    np.testing.assert_array_equal(scores[: w + smoothing - 1], 1.0)
    assert (scores[w + smoothing - 1 :] < 1).any()


def test_signed_reference_holds_means_of_drawn_held_out_errors(series):
    detector = ForecastAnomalyDetector(
        _forecaster(), n_forecasters=1, random_state=0
    ).fit(series[:600])
    assert detector.average == "signed"
    assert len(detector.reference_) == DRAWS
    # held-out errors in their unit, drawn in sets of smoothing with
    # replacement: the mean square of such means is known
    residuals = detector.forecaster_._fitted.calibration.residuals[:, 0, 0]
    errors = residuals.astype(np.float64) / detector.error_unit_[0]
    expected = errors.mean() ** 2 + errors.var() / detector.smoothing
    # 1,000 draws: about 5% of sampling error on the mean square
    np.testing.assert_allclose(np.mean(detector.reference_**2), expected, rtol=0.2)
    # the draws have their own seed: the same fit, the same reference
    again = ForecastAnomalyDetector(_forecaster(), n_forecasters=1, random_state=0).fit(
        series[:600]
    )
    np.testing.assert_array_equal(again.reference_, detector.reference_)


def test_without_learning_a_score_depends_on_its_window_only(series):
    detector = ForecastAnomalyDetector(
        _forecaster(), learn=False, smoothing=1, random_state=0
    ).fit(series[:600])
    w = detector.forecaster_.window_length_
    whole = detector.score_samples(series[700:900])
    part = detector.score_samples(series[750:900])
    # the same windows, forecast in other batches: one rank of tolerance
    step = 1 / (len(detector.reference_) + 1)
    np.testing.assert_allclose(whole[50 + w :], part[w:], atol=step + 1e-12)


@pytest.mark.parametrize("smoothing", [1, 20])
def test_streaming_with_update_scores_as_one_call(series, smoothing):
    detector = ForecastAnomalyDetector(
        _forecaster(), smoothing=smoothing, random_state=0
    ).fit(series[:600])
    whole = detector.score_samples(series[600:800])
    first = detector.score_samples(series[600:700])
    detector.update(series[600:700])
    second = detector.score_samples(series[700:800])
    streamed = np.concatenate([first, second])
    # the same windows and references; forecasts in other batches may differ
    # in the last bits, so allow one rank
    step = 1 / (len(detector.reference_) + 1)
    np.testing.assert_allclose(streamed, whole, atol=step + 1e-12)
    assert len(detector.reference_) > 100  # the normal steps joined
    with pytest.raises(ValueError, match="must continue the known series"):
        detector.update(series[900:950])


@pytest.mark.parametrize(
    "name, value",
    [("smoothing", 1), ("average", "absolute"), ("tail", True), ("learn", True)],
)
def test_a_parameter_set_after_fit_takes_effect_at_the_next_fit(series, name, value):
    # scoring read smoothing, average, tail and learn as set after fit,
    # against the reference made with the fitted ones (smoothing=1 moved
    # p-values by up to 0.97)
    detector = ForecastAnomalyDetector(
        _forecaster().set_params(max_epochs=1),
        smoothing=3,
        tail=False,
        learn=False,
        random_state=0,
    ).fit(series[:300])
    test = series[300:400].copy()
    test.iloc[50] += 2.0  # a score beyond the reference: the tail's p-value
    scores = detector.score_samples(test)
    reference, recent = detector.reference_, detector.recent_errors_
    detector.set_params(**{name: value})
    np.testing.assert_array_equal(detector.score_samples(test), scores)
    detector.update(test)
    np.testing.assert_array_equal(detector.reference_, reference)  # learn=False
    assert len(detector.recent_errors_) == len(recent)  # smoothing - 1
    refitted = clone(detector).fit(series[:300]).score_samples(test)
    assert not np.array_equal(refitted, scores)


def test_a_detector_pickled_before_its_scoring_settings_scores_as_then(series):
    detector = ForecastAnomalyDetector(
        _forecaster().set_params(max_epochs=1),
        smoothing=3,
        average="absolute",
        random_state=0,
    ).fit(series[:300])
    scores = detector.score_samples(series[300:400])
    state = detector.__getstate__()
    del state["_scoring"]  # as pickled then: the parameters were read
    old = ForecastAnomalyDetector.__new__(ForecastAnomalyDetector)
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    np.testing.assert_array_equal(old.score_samples(series[300:400]), scores)


def test_one_step_at_a_time(series):
    detector = ForecastAnomalyDetector(_forecaster(), random_state=0).fit(series[:600])
    for t in range(600, 605):
        score = detector.score_samples(series[t : t + 1])
        assert score.shape == (1,) and 0 < score[0] <= 1
        detector.update(series[t : t + 1])
    assert detector.known_.index[-1] == series.index[604]


def test_several_columns_are_scored_together():
    X = np.column_stack([_noisy_sine(900, 1), 10 * _noisy_sine(900, 2)])
    detector = ForecastAnomalyDetector(
        _forecaster(), false_alarm_rate=0.01, random_state=0
    ).fit(X[:600])
    test = X[600:].copy()
    test[150, 1] += 20.0  # one column only, in its own units
    flagged = np.flatnonzero(detector.predict(test) == -1)
    assert 150 in flagged
    with pytest.raises(ValueError, match="expecting 2 features"):
        detector.predict(X[:, :1])


def test_fit_predict_scores_an_array_on_its_own(series):
    values = series[:600].to_numpy()
    detector = ForecastAnomalyDetector(
        _forecaster(), false_alarm_rate=0.05, smoothing=1, random_state=0
    )
    labels = detector.fit_predict(values)
    w = detector.forecaster_.window_length_
    np.testing.assert_array_equal(labels[:w], 1)  # context only
    # a frame placed at the start of the known series by its index is scored
    # on its own too
    np.testing.assert_array_equal(labels, detector.predict(pd.DataFrame(values)))


def test_log_forecaster_refuses_non_positive_values(series):
    detector = ForecastAnomalyDetector(
        _forecaster(transform="log"), random_state=0
    ).fit(series[:600] + 3)
    with pytest.raises(ValueError, match="log"):
        detector.predict(series[600:] - 5)


def test_bad_input_gets_clear_errors(series):
    detector = ForecastAnomalyDetector(_forecaster(validation_fraction=0))
    with pytest.raises(ValueError, match="validation_fraction"):
        detector.fit(series[:300])
    fitted = ForecastAnomalyDetector(_forecaster(), random_state=0).fit(series[:300])
    with pytest.raises(ValueError, match=r"^X has columns \['other'\]"):
        fitted.predict(series[300:400].to_frame("other"))
    # a Series' name is no column (a model of one target): read as the target
    renamed = fitted.predict(series[300:400].rename("other"))
    np.testing.assert_array_equal(renamed, fitted.predict(series[300:400]))
    with pytest.raises(ValueError, match="false_alarm_rate"):
        ForecastAnomalyDetector(false_alarm_rate=0.9).fit(series[:300])
    gap = series[:300].copy()
    gap.iloc[5] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        ForecastAnomalyDetector(_forecaster()).fit(gap)
    # arrays too (sklearn said "Input contains NaN", naming no argument)
    with pytest.raises(ValueError, match="X contains NaN: 1 values, the first at 5"):
        ForecastAnomalyDetector(_forecaster()).fit(gap.to_numpy())
    ahead = np.r_[series[300:310].to_numpy(), np.inf]
    with pytest.raises(ValueError, match="X contains infinite values"):
        fitted.predict(ahead)
    with pytest.raises(ValueError, match="required by ForecastAnomalyDetector"):
        fitted.predict(np.array([]))


def test_forecaster_parameters_are_tunable(series):
    detector = ForecastAnomalyDetector(_forecaster(), random_state=0)
    assert detector.get_params()["forecaster__hidden_size"] == 16
    search = GridSearchCV(
        detector,
        {"forecaster__hidden_size": [8, 16]},
        scoring=lambda est, X, y=None: float(np.mean(est.score_samples(X))),
        cv=[(np.arange(400), np.arange(400, 600))],
    ).fit(series[:600].to_numpy())
    assert search.best_params_["forecaster__hidden_size"] in (8, 16)


@pytest.mark.parametrize("learn", [True, False])
def test_p_values_are_valid_for_exchangeable_scores(learn):
    rng = np.random.default_rng(0)
    reference = np.sort(rng.standard_normal(200))
    p, after = sequential_p_values(reference, rng.standard_normal(5000), learn)
    assert 0.035 < np.mean(p <= 0.05) <= 0.06  # binomial sd 0.003
    assert np.all(np.diff(after) >= 0)
    assert len(after) == (5200 if learn else 200)


def test_p_value_counts_ties_as_at_least_as_large():
    p, _ = sequential_p_values(np.array([1.0, 2.0, 2.0, 3.0]), [2.0, 4.0, 0.0])
    np.testing.assert_allclose(p[:1], [4 / 5])  # 1 + three >= 2, over 5
    assert p[1] == pytest.approx(1 / 6)  # after 2.0 joined: 1 / (5 + 1)


def test_an_anomaly_in_the_reference_does_not_hide_a_later_one():
    # ten scores of an earlier anomaly joined 1,000 normal ones; the tail
    # fitted to the largest 10% is no heavier than the normal scores' own,
    # so that a later, larger score gets a p-value several times smaller than
    # under a free fit (which reads the anomaly as a heavy tail)
    rng = np.random.default_rng(0)
    normal = np.sort(np.abs(rng.standard_normal(1000)))
    reference = np.sort(np.concatenate([normal, 4 + rng.random(10)]))
    bound = tail_shape(normal)
    p, _ = sequential_p_values(reference, [6.0], False, tail=True, max_shape=bound)
    free, _ = sequential_p_values(reference, [6.0], False, tail=True)
    assert bound < 0.1  # a light tail's: exponential, or about
    assert p[0] < 0.0005 < 11 / 1011  # counting alone: 11 as large
    assert free[0] > 2 * p[0]  # the free fit: 0.001 here


def test_a_heavy_tailed_reference_keeps_its_tail():
    rng = np.random.default_rng(0)
    normal = np.sort(np.abs(rng.standard_t(3, 2000)))
    bound = tail_shape(normal)
    assert 0.05 < bound < 0.7  # Student-t(3): 1/3
    p, _ = sequential_p_values(normal, [40.0], False, tail=True, max_shape=bound)
    exponential, _ = sequential_p_values(normal, [40.0], False, tail=True, max_shape=0)
    assert exponential[0] < p[0] / 10  # an exponential tail would flag it


def test_a_forecaster_with_season_phases_scores_and_streams():
    # days with a weekly pattern: the forecaster reads the weekday as an input
    rng = np.random.default_rng(0)
    week = np.array([5.0, 6, 6, 7, 9, 3, 1])
    days = pd.date_range("2022-01-03", periods=700, freq="D")
    y = pd.Series(week[np.arange(700) % 7] + 0.3 * rng.standard_normal(700), days)
    y.iloc[650] += 5.0  # 17 noise standard deviations
    detector = ForecastAnomalyDetector(
        _forecaster(), smoothing=1, false_alarm_rate=0.01, random_state=0
    ).fit(y[:600])
    assert detector.forecaster_._fitted.phases.season == 7
    assert detector.n_features_in_ == 1
    assert detector.predict(y[600:])[50] == -1
    whole = detector.score_samples(y[600:700])
    detector.update(y[600:640])
    np.testing.assert_allclose(
        detector.score_samples(y[640:700]), whole[40:], atol=1 / len(whole) + 0.01
    )


@pytest.mark.parametrize(
    "Detector, name, Network",
    [
        (ForecastAnomalyDetector, "forecaster", SequenceForecaster),
        (SequenceAnomalyDetector, "estimator", RNNRegressor),
    ],
)
def test_the_default_network_has_no_parameters_to_set(Detector, name, Network):
    # set_params(forecaster__hidden_size=8) raised AttributeError on NoneType
    with pytest.raises(
        ValueError, match=rf"Invalid parameter '{name}__hidden_size' .* {name} is None"
    ):
        Detector().set_params(**{f"{name}__hidden_size": 8})
    detector = Detector().set_params(**{name: Network(), f"{name}__hidden_size": 8})
    assert detector.get_params()[f"{name}__hidden_size"] == 8
    assert Detector(**{name: Network()}).set_params(**{f"{name}__hidden_size": 4})
