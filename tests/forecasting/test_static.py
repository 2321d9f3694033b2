"""fit(y, static=...): attributes of each series of a panel."""

import numpy as np
import pandas as pd
import pytest

import skseq
from skseq import SequenceForecaster

FAST = dict(horizon=2, window_length=4, max_epochs=3, hidden_size=8, random_state=0)


def _panel(n_series=4, n=40, seed=0):
    rng = np.random.default_rng(seed)
    index = pd.period_range("2020-01", periods=n, freq="M")
    series = {
        f"s{i}": pd.Series(rng.normal(size=n), index=index) for i in range(n_series)
    }
    static = pd.DataFrame(
        {"size": rng.random(n_series), "kind": ["up", "down"] * (n_series // 2)},
        index=list(series),
    )
    return series, static


def test_series_with_one_history_are_told_apart_by_their_static_rows():
    series, static = _panel()
    model = SequenceForecaster(**FAST).fit(series, static=static)
    assert model._fitted.static.columns == ("size", "kind=down", "kind=up")
    assert model.n_features_in_ == 4  # the series' column and three static ones
    history = series["s0"][:-5]
    same = {"s0": history, "s1": history, "s2": history}
    forecast = model.predict(y=same)
    assert list(forecast) == ["s0", "s1", "s2"]
    assert forecast["s0"].index.equals(series["s0"].index[-5:-3])
    # s0 and s1 differ in both columns, s0 and s2 only in size
    assert not np.allclose(forecast["s0"], forecast["s1"])
    assert not np.allclose(forecast["s0"], forecast["s2"])
    # without them, nothing tells the history of two new series apart (the
    # fitted ones differ by their units: _units)
    unseen = {"new": history, "other": history}
    without = SequenceForecaster(**FAST).fit(series).predict(y=unseen)
    np.testing.assert_allclose(without["new"], without["other"])


def test_static_covariates_are_read_in_every_form_and_method():
    series, static = _panel()
    long = pd.concat(series, names=["id", "time"])
    model = SequenceForecaster(**FAST).fit(
        long[long.index.get_level_values(1) < "2022-12"], static=static
    )
    forecast = model.predict()
    assert isinstance(forecast, pd.Series) and len(forecast) == 4 * 2
    bounds = model.predict_interval(coverage=0.8)
    assert np.isfinite(bounds.to_numpy()).all()
    assert (bounds["lower"] <= bounds["upper"]).all()
    # a test fold continues every series: one forecast per origin
    assert np.isfinite(model.score(long[long.index.get_level_values(1) >= "2022-12"]))


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda s: s.drop(index="s1"),
            "no row for the series \\['s1'\\]; give their rows",
        ),
        (lambda s: s.assign(size=np.nan), "missing values"),
        (lambda s: s.rename(columns={"size": 0}).iloc[:, :0], "no columns"),
        (lambda s: pd.concat([s, s.iloc[:1]]), "several rows for the series"),
        (lambda s: s.to_numpy(), "DataFrame indexed by the series ids"),
        # before: the imaginary part dropped with a numpy warning only
        (lambda s: s.assign(size=s["size"] + 1j), "complex columns \\['size'\\]"),
        # before: pandas' "Buffer has wrong number of dimensions"
        (
            lambda s: s.set_axis(["size", "size"], axis=1),
            "duplicate column names \\['size'\\]",
        ),
    ],
)
def test_bad_static_tables_are_refused(change, message):
    series, static = _panel()
    with pytest.raises(ValueError, match=message):
        SequenceForecaster(**FAST).fit(series, static=change(static))


def test_static_needs_a_panel_and_known_ids():
    series, static = _panel()
    with pytest.raises(ValueError, match="static describes each series of a panel"):
        SequenceForecaster(**FAST).fit(series["s0"], static=static)
    clash = {key: one.to_frame("size") for key, one in series.items()}
    with pytest.raises(ValueError, match="share the column names \\['size'\\]"):
        SequenceForecaster(**FAST).fit(clash, static=static)
    # the same ids as another type are shown beside them
    numbered = {str(i): one for i, one in enumerate(series.values())}
    message = "series \\['0', '1', '2', '3'\\], though its index holds \\[0, 1, 2, 3\\]"
    with pytest.raises(ValueError, match=message):
        SequenceForecaster(**FAST).fit(numbered, static=static.set_axis(range(4)))
    model = SequenceForecaster(**FAST).fit(series, static=static)
    with pytest.raises(
        ValueError, match="no row for the series \\[.new.\\]; give their rows"
    ):
        model.predict(y={"new": series["s0"]})
    with pytest.raises(ValueError, match="fitted with static covariates of a panel"):
        model.predict(y=series["s0"])


def test_a_saved_model_keeps_its_static_covariates(tmp_path):
    series, static = _panel()
    static.index = [f"s{i}" for i in range(4)]
    model = SequenceForecaster(**FAST).fit(series, static=static)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    for key, forecast in model.predict().items():
        np.testing.assert_array_equal(loaded.predict()[key], forecast)
    with pytest.raises(
        ValueError, match="no row for the series \\[.new.\\]; give their rows"
    ):
        loaded.predict(y={"new": series["s0"]})
    row = static.loc[["s1"]].set_axis(["new"])  # the categories kept too
    pd.testing.assert_series_equal(
        loaded.predict(y={"new": series["s0"]}, static=row)["new"],
        model.predict(y={"new": series["s0"]}, static=row)["new"],
    )


def test_static_columns_are_not_targets_nor_given_covariates():
    series, static = _panel()
    for params in (dict(future_covariates=["size"]), dict(target="size")):
        with pytest.raises(ValueError, match="\\['size'\\] are static covariates"):
            SequenceForecaster(**FAST, **params).fit(series, static=static)
    twice = static.assign(**{"kind=up": 1.0})
    with pytest.raises(ValueError, match="column names \\['kind=up'\\] twice"):
        SequenceForecaster(**FAST).fit(series, static=twice)


@pytest.mark.parametrize("ids", [[1, 2, 3, 4], [("a", 1), ("a", 2), ("b", 1), 7]])
def test_ids_of_any_kind_are_saved(tmp_path, ids):
    series, static = _panel()
    series = dict(zip(ids, series.values(), strict=True))
    static.index = pd.Index(ids, tupleize_cols=False)
    model = SequenceForecaster(**FAST).fit(series, static=static)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    for key, forecast in model.predict().items():
        np.testing.assert_array_equal(loaded.predict()[key], forecast)


def test_the_order_of_the_static_rows_does_not_change_the_model():
    # the indicators of a category come in sorted order, not in the order
    # the table's rows first name them
    series, static = _panel()
    model = SequenceForecaster(**FAST).fit(series, static=static)
    reversed_rows = SequenceForecaster(**FAST).fit(series, static=static[::-1])
    assert reversed_rows._fitted.static.columns == model._fitted.static.columns
    forecast, other = model.predict(), reversed_rows.predict()
    for name in series:
        np.testing.assert_array_equal(other[name], forecast[name])


def test_a_new_series_takes_its_static_row_at_predict():
    # it was refused ("refit with their rows"): a global model could not
    # forecast a new store from its attributes
    series, static = _panel()
    model = SequenceForecaster(**FAST).fit(series, static=static)
    history = series["s0"][:-5]
    rows = static.loc[["s0", "s1"]].set_axis(["new", "other"])
    given = model.predict(y={"new": history, "other": history}, static=rows)
    assert not np.allclose(given["new"], given["other"])  # their rows differ
    alike = model.predict(
        y={"new": history, "other": history},
        static=rows.iloc[[0, 0]].set_axis(["new", "other"]),
    )
    np.testing.assert_allclose(alike["new"], alike["other"])
    row = rows.loc[["new"]]
    interval = model.predict_interval(y={"new": history}, static=row, coverage=0.8)
    assert (interval["new"]["lower"] <= given["new"]).all()
    quantiles = model.predict_quantiles(y={"new": history}, static=row)
    assert list(quantiles["new"].columns) == [0.1, 0.5, 0.9]
    assert np.isfinite(model.score({"new": series["s0"]}, static=row))
    # rows of no series of y (an id read as another type) are refused
    with pytest.raises(ValueError, match=r"rows for \['other'\], which are not"):
        model.predict(y={"new": history}, static=rows)
    with pytest.raises(ValueError, match=r"static\['size'\] was numeric at fit"):
        model.predict(y={"new": history}, static=row.astype(str))
    # a fitted series' row given anew replaces its own
    moved = static.loc[["s0"]].assign(size=10.0)
    own = {"s0": history}
    assert not np.allclose(
        model.predict(y=own, static=moved)["s0"], model.predict(y=own)["s0"]
    )
    with pytest.raises(ValueError, match="static gives the rows of the series of y"):
        model.predict(static=moved)
    with pytest.raises(
        ValueError, match=r"static\['kind'\] holds the categories \['flat'\]"
    ):
        model.predict(y={"new": history}, static=row.assign(kind="flat"))
    with pytest.raises(ValueError, match=r"static lacks the columns \['size'\]"):
        model.predict(y={"new": history}, static=row[["kind"]])
    with pytest.raises(ValueError, match="fitted without static covariates"):
        SequenceForecaster(**FAST).fit(series).predict(y=own, static=rows)


def test_categories_of_dates_are_saved_and_read_back(tmp_path):
    # the categories kept for predict's rows were numpy dates, which
    # skseq.save could not write (and nanosecond ones came back as integers)
    series, static = _panel()
    static["opened"] = pd.to_datetime(["2019-01-01", "2019-06-01"] * 2)
    model = SequenceForecaster(**FAST).fit(series, static=static)
    skseq.save(model, tmp_path / "model.skseq")
    loaded = skseq.load(tmp_path / "model.skseq")
    row = static.loc[["s1"]].set_axis(["new"])
    history = {"new": series["s0"]}
    pd.testing.assert_series_equal(
        loaded.predict(y=history, static=row)["new"],
        model.predict(y=history, static=row)["new"],
    )
