"""A 3-D output is named by the features of a step, which the next step reads."""

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline

from skseq.preprocessing import SequencePadder, SequenceScaler, SequenceWindower

RNG = np.random.default_rng(0)
MULTIVARIATE = [RNG.standard_normal((n, 2)) for n in (3, 5, 4)]
ONE_COLUMN = [RNG.standard_normal((n, 1)) for n in (3, 5, 4)]
UNIVARIATE = [RNG.standard_normal(n) for n in (3, 5, 4)]


@pytest.mark.parametrize(
    "X, expected",
    [
        (MULTIVARIATE, ["x0", "x1"]),
        (ONE_COLUMN, ["x0"]),
        (UNIVARIATE, ["step0", "step1", "step2", "step3", "step4"]),
    ],
    ids=["multivariate", "one-column", "univariate"],
)
def test_the_padder_names_the_last_axis_of_its_output(X, expected):
    # a 3-D output was named by its steps (step0..step4), which the next
    # step of a Pipeline read as 5 features where it had seen 2: its
    # get_feature_names_out raised "input_features should have length 2"
    padder = SequencePadder().fit(X)
    out = padder.transform(X)
    names = padder.get_feature_names_out()
    assert list(names) == expected
    assert out.shape[-1] == len(names)
    pipeline = make_pipeline(SequencePadder(), SequenceScaler()).fit(X)
    if out.ndim == 3:
        assert list(pipeline.get_feature_names_out()) == expected


def test_the_padder_keeps_a_long_frame_s_feature_names_in_its_3d_output():
    parts = {
        i: pd.DataFrame(x, columns=["temp", "hum"]) for i, x in enumerate(MULTIVARIATE)
    }
    frame = pd.concat(parts)
    padder = SequencePadder().fit(frame)
    assert padder.transform(frame).shape == (3, 5, 2)
    assert list(padder.get_feature_names_out()) == ["temp", "hum"]


def test_a_padder_pickled_before_the_output_form_was_kept_names_by_channels():
    padder = SequencePadder().fit(MULTIVARIATE)
    del padder._univariate
    assert list(padder.get_feature_names_out()) == ["x0", "x1"]
    univariate = SequencePadder().fit(UNIVARIATE)
    del univariate._univariate
    assert list(univariate.get_feature_names_out())[:2] == ["step0", "step1"]


def test_the_windower_names_the_features_of_its_3d_output():
    # it raised for several features, and so did a Pipeline ending in a
    # transformer after it, though the next step names them
    frame = pd.DataFrame(RNG.standard_normal((6, 2)), columns=["temp", "hum"])
    windower = SequenceWindower(3).fit(frame)
    assert windower.transform(frame).shape == (6, 3, 2)
    assert list(windower.get_feature_names_out()) == ["temp", "hum"]
    pipeline = make_pipeline(SequenceWindower(3), SequenceScaler()).fit(frame)
    assert list(pipeline.get_feature_names_out()) == ["temp", "hum"]
    # one feature: a 2-D output, a column per lag
    one = SequenceWindower(2).fit(frame[["temp"]])
    assert list(one.get_feature_names_out()) == ["temp_lag1", "temp_lag0"]
