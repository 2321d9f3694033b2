"""The columns of the series: a frame's names are its columns, a Series' name
is not (a panel of Series has one target, whatever each Series is named)."""

import numpy as np
import pandas as pd
import pytest

from skseq import SequenceForecaster

TINY = dict(
    horizon=3,
    window_length=8,
    max_epochs=2,
    hidden_size=8,
    random_state=0,
    season_inputs=None,
    season_lag=None,
)


def wide(n=60, columns=("s1", "s2", "s3"), seed=0):
    rng = np.random.default_rng(seed)
    index = pd.period_range("2010-01", periods=n, freq="M")
    values = rng.normal(size=(n, len(columns))).cumsum(axis=0) + 20
    return pd.DataFrame(values, index=index, columns=list(columns))


def test_a_panel_of_series_named_by_their_ids_is_one_target():
    frame = wide()
    named = dict(frame.items())  # each Series named by its id
    unnamed = {key: series.rename(None) for key, series in named.items()}
    model = SequenceForecaster(**TINY).fit(named)
    forecast = model.predict()
    assert [forecast[key].name for key in named] == ["s1", "s2", "s3"]
    plain = SequenceForecaster(**TINY).fit(unnamed)
    for key in named:  # the names change nothing
        np.testing.assert_array_equal(forecast[key], plain.predict()[key])
        np.testing.assert_array_equal(plain.predict(y=named)[key], forecast[key])
    assert np.isfinite(plain.score(named))


def test_a_series_model_takes_a_series_of_another_name():
    series = wide()["s1"]
    model = SequenceForecaster(**TINY).fit(series.rename(None))
    renamed = model.predict(y=series.rename("x"))
    np.testing.assert_array_equal(renamed, model.predict(y=series.rename(None)))
    assert renamed.name == "x"
    assert model.score(series.rename("other")[40:]) == model.score(series[40:])
    # with X, the Series is the target beside the columns of X
    X = {key: wide(seed=1)[["s1"]].set_axis(["promo"], axis=1) for key in "ab"}
    panel = {"a": series.rename("a"), "b": wide()["s2"].rename("b")}
    model = SequenceForecaster(**TINY).fit(panel, X=X)
    assert model.predict(y=panel, X=X)["b"].name == "b"


def test_an_array_given_to_a_pandas_model_is_said_to_be_an_array():
    # it said "y has columns [0], but the model was fitted on [None] (missing
    # [None]; not seen at fit [0])"
    series = wide()["s1"]
    # an unnamed Series is said so ("columns [None]" before)
    fitted_on = {None: "an unnamed pandas Series:", "sales": r"\(columns \['sales'\]\)"}
    for name in (None, "sales"):
        model = SequenceForecaster(**TINY).fit(series.rename(name))
        with pytest.raises(ValueError, match="y is an array.*" + fitted_on[name]):
            model.predict(y=series.to_numpy()[-10:])
        with pytest.raises(ValueError, match="y is an array"):
            model.score(series.to_numpy()[-10:])


def test_an_array_model_given_other_columns_is_not_said_pandas_fitted():
    # a model fitted on arrays, given an array of other columns (or an X with
    # a column more), said "y is an array, but the model was fitted on a pandas
    # Series or DataFrame"; the columns tell what differs
    values = wide()["s1"].to_numpy()
    model = SequenceForecaster(**TINY).fit(values)
    with pytest.raises(ValueError, match=r"columns \[0, 1\], but the model was fit"):
        model.predict(y=np.c_[values, values])
    X = pd.DataFrame({"p": np.arange(60.0), "q": np.ones(60)})
    model = SequenceForecaster(**TINY).fit(values, X[["p"]])
    with pytest.raises(ValueError, match=r"not seen at fit \['q'\]"):
        model.predict(y=values, X=X)


def test_frames_of_a_panel_are_read_by_column_name_at_fit_too():
    frames = {key: wide(columns=("v", "p", "q"), seed=i) for i, key in enumerate("ab")}
    shuffled = dict(frames, b=frames["b"][["q", "v", "p"]])
    model = SequenceForecaster(target="v", **TINY).fit(frames)
    again = SequenceForecaster(target="v", **TINY).fit(shuffled)
    for key in frames:
        pd.testing.assert_frame_equal(again.predict()[key], model.predict()[key])
    # a frame's names are its columns: other names are other columns
    other = dict(frames, b=frames["b"].rename(columns={"q": "r"}))
    with pytest.raises(ValueError, match=r"'a' are \['v', 'p', 'q'\] and those of 'b'"):
        SequenceForecaster(target="v", **TINY).fit(other)
    with pytest.raises(ValueError, match=r"missing \['q'\]; not seen at fit \['r'\]"):
        model.predict(y=other)


def test_a_missing_column_of_y_is_not_said_to_come_as_x():
    frame = wide(columns=("sales", "promo", "temp"))
    model = SequenceForecaster(target="sales", **TINY).fit(frame)
    # it said "(missing ['temp']: columns that came as X need X again)"
    message = r"missing \['temp'\]\); covariates come again as they came at fit"
    with pytest.raises(ValueError, match=message + r" \(columns of y, or X\)\.$"):
        model.predict(y=frame[["sales", "promo"]])


def test_a_series_beside_frames_or_static_is_the_target_whatever_its_name():
    frames = {key: wide(columns=("v",), seed=i) for i, key in enumerate("ab")}
    mixed = dict(frames, b=frames["b"]["v"].rename("b"))  # a Series beside a frame
    model = SequenceForecaster(**TINY).fit(frames)
    again = SequenceForecaster(**TINY).fit(mixed)
    np.testing.assert_array_equal(again.predict()["b"], model.predict()["b"]["v"])
    # named like a static column (which is added before the columns are
    # matched): it was refused as "y has columns ['size', 'size']"
    series = {key: one["v"].rename(key) for key, one in frames.items()}
    static = pd.DataFrame({"size": [1.0, 2.0]}, index=["a", "b"])
    model = SequenceForecaster(**TINY).fit(series, static=static)
    renamed = dict(series, b=series["b"].rename("size"))
    np.testing.assert_array_equal(model.predict(y=renamed)["b"], model.predict()["b"])


def test_columns_of_x_that_differ_between_series_are_named_as_given():
    # the message named the Series' renamed columns and blamed y alone
    panel = {key: wide()[f"s{i + 1}"].rename(key) for i, key in enumerate("ab")}
    promo = wide(seed=1)["s1"]
    X = {"a": promo.to_frame("promo"), "b": promo.to_frame("price")}
    message = r"'a' are \['a', 'promo'\] and those of 'b' \['b', 'price'\]"
    with pytest.raises(ValueError, match=r"with X's appended.*" + message):
        SequenceForecaster(**TINY).fit(panel, X=X)


def test_long_forecasts_keep_the_name_of_the_id_level(tmp_path):
    # they came back as [None, 't']
    import skseq

    frame = wide(columns=("a", "b"))
    long = pd.concat(dict(frame.items()), names=["id", "t"])
    model = SequenceForecaster(**TINY).fit(long)
    assert model.predict().index.names == ["id", "t"]
    assert model.predict_interval(coverage=0.8).index.names == ["id", "t"]
    assert model.predict_quantiles().index.names == ["id", "t"]
    # a history given names its own
    renamed = long.rename_axis(["series", "month"])
    assert model.predict(y=renamed).index.names == ["series", "month"]
    skseq.save(model, tmp_path / "model.skseq")
    assert skseq.load(tmp_path / "model.skseq").predict().index.names == ["id", "t"]


def test_a_flat_long_frame_is_told_to_set_its_id_and_time_as_index():
    # a long table straight from a CSV: id and week as columns, not the index
    frame = wide(columns=("a", "b"))
    long = pd.concat(dict(frame.items()), names=["store", "week"]).rename("sales")
    flat = long.reset_index()
    with pytest.raises(TypeError, match=r"'store'.*y\.set_index\(\[id_column"):
        SequenceForecaster(**TINY).fit(flat)
    # indexed as the message says, it fits
    indexed = flat.set_index(["store", "week"])
    assert SequenceForecaster(**TINY).fit(indexed).predict().index.names == [
        "store",
        "week",
    ]


def test_a_date_column_is_told_to_go_in_the_index():
    dates = pd.date_range("2020-01-01", periods=30, freq="D")
    frame = pd.DataFrame({"date": dates, "sales": np.arange(30.0)})
    with pytest.raises(TypeError, match=r"\['date'\].*y\.set_index\(time_column\)"):
        SequenceForecaster(**TINY).fit(frame)
    model = SequenceForecaster(**TINY).fit(frame.set_index("date"))
    assert model.predict().index[0] == pd.Timestamp("2020-01-31")


@pytest.mark.parametrize("form", [list, tuple])
def test_a_list_of_series_is_told_to_be_a_dict_or_a_long_frame(form):
    # np.asarray read 20 series of 12 days as one series of 12 columns
    index = pd.date_range("2020-01-01", periods=12, freq="D")
    stores = form(pd.Series(np.arange(12.0) + k, index=index) for k in range(20))
    with pytest.raises(ValueError, match=r"y is a \w+ of series.*dict\(enumerate"):
        SequenceForecaster(**TINY).fit(stores)
    arrays = form(np.arange(12.0) + k for k in range(20))
    with pytest.raises(ValueError, match="of series"):
        SequenceForecaster(**TINY).fit(arrays)
    # as a dict, a panel of 20 series
    model = SequenceForecaster(**TINY).fit(dict(enumerate(stores)))
    assert len(model.predict()) == 20
