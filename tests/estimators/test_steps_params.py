"""The per-step estimators take the parameter values their docstrings list."""

from numbers import Integral

import numpy as np
import pytest
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    make_constraint,
)

from skseq import RNNRegressor, RNNStepRegressor, RNNTagger
from skseq.estimators._steps import _without_auto


@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
@pytest.mark.parametrize("name", ["max_epochs", "optimizer", "weight_decay"])
def test_auto_is_refused_where_the_docstring_lists_no_auto(Estimator, name):
    # "auto" passed and meant the sequence estimators' choices, measured on
    # one output per sequence (100 epochs, or 150 with AdamW and weight decay
    # behind convolutions), undocumented here
    assert '"auto"' not in Estimator.__doc__.split(f"    {name} :")[1].split("\n")[0]
    rng = np.random.default_rng(0)
    X = [rng.normal(size=5) for _ in range(8)]
    y = [x > 0 for x in X] if Estimator is RNNTagger else X
    model = Estimator(**{"hidden_size": 4, "max_epochs": 1, name: "auto"})
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter of"):
        model.fit(X, y)


@pytest.mark.parametrize("Estimator", [RNNTagger, RNNStepRegressor])
def test_no_parameter_of_a_per_step_estimator_takes_auto(Estimator):
    # the "auto" options were listed a second time by name, so one added to
    # the sequence estimators would have reached the per-step ones unchecked
    # (device takes any string: it is no option of a list)
    for name, constraints in Estimator._parameter_constraints.items():
        options = [c.options for c in constraints if isinstance(c, StrOptions)]
        assert not any("auto" in o for o in options), name


def test_auto_is_taken_out_of_any_constraint_that_lists_it():
    interval = Interval(Integral, 1, None, closed="left")
    kept = _without_auto(
        [interval, StrOptions({"auto"}), StrOptions({"auto", "sequence"}), None]
    )
    assert kept[0] is interval and kept[2] is None and len(kept) == 3
    assert kept[1].options == {"sequence"}
    # the sequence estimators still take it
    assert any(
        make_constraint(c).is_satisfied_by("auto")
        for c in RNNRegressor._parameter_constraints["max_epochs"]
    )
