"""skseq's warnings point at the user's call, whatever path reaches them."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster
from skseq.model_selection import backtest


def _short(n):
    values = np.arange(n) % 12 + 0.1 * np.arange(n)
    return pd.Series(values, index=pd.period_range("2020-01", periods=n, freq="M"))


def test_a_warning_points_at_the_users_call_directly_or_through_backtest():
    # 20 months at horizon 12 leave no training window beside the held-out
    # one; backtest fits its folds from inside skseq (before, the fixed
    # stacklevel pointed at skseq/model_selection/_backtest.py)
    model = SequenceForecaster(horizon=12, max_epochs=1, random_state=0)
    with pytest.warns(UserWarning, match="leaves no training window") as direct:
        model.fit(_short(20))
    cv = [(np.arange(20), np.arange(20, 32))]
    with pytest.warns(UserWarning, match="leaves no training window") as wrapped:
        backtest(model, _short(32), cv=cv)
    for record in (direct, wrapped):
        found = [w for w in record if "leaves no training window" in str(w.message)]
        assert found and all(w.filename == __file__ for w in found), [
            (w.filename, w.lineno) for w in found
        ]


def test_a_transformers_warning_points_at_the_users_call_through_set_output():
    # scikit-learn wraps transform and fit_transform (set_output); before,
    # the warning pointed at sklearn/utils/_set_output.py
    from skseq.preprocessing import SequencePadder

    index = pd.MultiIndex.from_tuples([("b", 0), ("b", 1), ("a", 0)])
    X = pd.DataFrame({"v": [1.0, 2.0, 3.0]}, index=index)
    with pytest.warns(UserWarning, match="sorted id order") as record:
        SequencePadder().fit_transform(X)
        SequencePadder().fit(X).transform(X)
    found = [w for w in record if "sorted id order" in str(w.message)]
    assert len(found) >= 2 and all(w.filename == __file__ for w in found), [
        (w.filename, w.lineno) for w in found
    ]


def test_a_warning_points_at_the_users_call_when_skseq_is_imported_by_a_symlink(
    tmp_path,
):
    # frames are skipped by module name: through a symlink the file names
    # differ from the package's resolved path (before, the warning pointed
    # at skseq/forecasting/_windows.py)
    import subprocess
    import sys
    from pathlib import Path

    import skseq

    link = tmp_path / "link"
    link.symlink_to(Path(skseq.__file__).resolve().parents[1])
    script = tmp_path / "user.py"
    script.write_text(
        "import warnings\n"
        "import numpy as np, pandas as pd\n"
        "import skseq\n"
        "from skseq import SequenceForecaster\n"
        "assert skseq.__file__.startswith(" + repr(str(link)) + ")\n"
        "n = 20\n"
        "y = pd.Series(np.arange(n) % 12 + 0.1 * np.arange(n),\n"
        "              index=pd.period_range('2020-01', periods=n, freq='M'))\n"
        "with warnings.catch_warnings(record=True) as caught:\n"
        "    warnings.simplefilter('always')\n"
        "    SequenceForecaster(horizon=12, max_epochs=1).fit(y)\n"
        "print([w.filename for w in caught if 'training window' in str(w.message)])\n"
    )
    env = {"PYTHONPATH": str(link), "PATH": ""}
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == repr([str(script)])
