"""The per-step estimators take the parameter values their docstrings list."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skseq import RNNStepRegressor, RNNTagger


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
