"""Record what a fixed list of fitted models predicts; compare later runs with it.

A guard for refactoring: record before a change that must not alter behaviour,
compare after it, on the same machine (floats differ between CPUs, so the
file is not committed and is no test fixture):

    .venv/bin/python scripts/snapshot.py record /tmp/before.npz
    .venv/bin/python scripts/snapshot.py compare /tmp/before.npz

Every entry must be bit-identical: predictions, probabilities, intervals,
rolling forecasts, scores and the per-epoch training losses.
"""

import argparse
import sys
import warnings

import numpy as np
import pandas as pd

from skseq import RNNClassifier, RNNRegressor, SequenceForecaster
from skseq.datasets import load_airline, load_gunpoint

QUICK = dict(hidden_size=8, max_epochs=4, batch_size=8, random_state=0)


def ragged(n=60, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    lengths = rng.integers(4, 25, size=n)
    X = [rng.normal(y_i - 1.0, 1.0, size=(k, 2)) for y_i, k in zip(y, lengths)]
    return X, y


def frame(n=90, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    index = pd.period_range("2001-01", periods=n, freq="M")
    promo = (rng.random(n) < 0.3).astype(float)
    temp = np.sin(t / 4) + 0.1 * rng.normal(size=n)
    sales = 50 + 5 * np.sin(t / 3) + 4 * promo + 2 * temp + rng.normal(size=n)
    return pd.DataFrame({"sales": sales, "temp": temp, "promo": promo}, index=index)


def history(model):
    return np.asarray(model.history_[:, "train_loss"], dtype=np.float64)


def classifier_entries(out):
    X, y = ragged()
    X_test, _ = ragged(30, seed=1)
    configs = {
        "clf_default": dict(),
        "clf_lstm_bi_last": dict(cell="lstm", bidirectional=True, pooling="last"),
        "clf_attention_2layers": dict(pooling="attention", num_layers=2, dropout=0.2),
        "clf_schedule_es": dict(
            lr_schedule="cosine", early_stopping=True, n_iter_no_change=2
        ),
        "clf_class_weight": dict(class_weight="balanced", optimizer="rmsprop"),
    }
    for name, params in configs.items():
        clf = RNNClassifier(**{**QUICK, **params}).fit(X, y)
        out[name + "/proba"] = clf.predict_proba(X_test)
        out[name + "/loss"] = history(clf)
    rng = np.random.default_rng(2)
    tokens = [rng.integers(1, 30, size=k) for k in rng.integers(3, 15, size=60)]
    clf = RNNClassifier(**QUICK, embedding_dim=5).fit(tokens, y)
    out["clf_tokens/proba"] = clf.predict_proba(tokens[:20])
    flat = RNNClassifier(**QUICK, pooling="flatten").fit(
        np.stack([x[:4] for x in X]), y
    )
    out["clf_flatten/proba"] = flat.predict_proba(np.stack([x[:4] for x in X_test]))
    warm = RNNClassifier(**QUICK, warm_start=True).fit(X, y)
    warm.set_params(lr=0.003).fit(X, y)
    out["clf_warm/proba"] = warm.predict_proba(X_test)
    out["clf_warm/loss"] = history(warm)
    Xg, yg = load_gunpoint(split="train")
    gun = RNNClassifier(hidden_size=16, max_epochs=3, random_state=1).fit(Xg, yg)
    out["clf_gunpoint/proba"] = gun.predict_proba(load_gunpoint(split="test")[0])


def regressor_entries(out):
    X, _ = ragged(seed=3)
    y = np.array([[x[:, 0].mean(), x[:, 1].max()] for x in X])
    weights = np.linspace(0.5, 2.0, len(X))
    for name, params in {
        "reg_default": dict(),
        "reg_huber_mean": dict(loss="huber", pooling="mean"),
        "reg_adamw_wd": dict(optimizer="adamw", weight_decay=0.01, lr_schedule="step"),
    }.items():
        reg = RNNRegressor(**{**QUICK, **params}).fit(X, y, sample_weight=weights)
        out[name + "/pred"] = reg.predict(X[:25])
        out[name + "/loss"] = history(reg)
    reg = RNNRegressor(**QUICK).fit(X, y[:, 0])
    out["reg_1d/pred"] = reg.predict(X[:25])


def forecaster_entries(out):
    y = load_airline()
    for name, params in {
        "fc_airline_log": dict(window_length=12, horizon=6, transform="log"),
        "fc_recursive_last": dict(
            window_length=12, horizon=4, strategy="recursive", normalize="last"
        ),
        "fc_none_interval": dict(
            window_length=12, horizon=3, normalize=None, validation_fraction=0.2
        ),
        "fc_mean_es": dict(
            window_length=10,
            horizon=2,
            normalize="mean",
            validation_fraction=0.25,
            early_stopping=True,
            n_iter_no_change=2,
            refit=False,
        ),
    }.items():
        model = SequenceForecaster(**{**QUICK, **params}).fit(y[:-24])
        out[name + "/pred"] = model.predict().to_numpy()
        out[name + "/rolling"] = model.predict_rolling(y[-24:]).to_numpy()
        out[name + "/score"] = np.array([model.score(y[-24:])])
        out[name + "/loss"] = history(model)
        if params.get("validation_fraction"):
            out[name + "/interval"] = model.predict_interval(coverage=0.8).to_numpy()
    data = frame()
    for strategy in ("direct", "recursive"):
        model = SequenceForecaster(
            window_length=8,
            horizon=3,
            strategy=strategy,
            target="sales",
            future_covariates=["promo", "temp"]
            if strategy == "recursive"
            else ["promo"],
            validation_fraction=0.2,
            **QUICK,
        ).fit(data[:-3])
        future = data[-3:][["promo", "temp"]]
        name = f"fc_covariates_{strategy}"
        out[name + "/pred"] = model.predict(future=future).to_numpy()
        out[name + "/interval"] = model.predict_interval(future=future).to_numpy()
    panel = {
        key: pd.Series(
            20 + 3 * i + np.sin(np.arange(70) / (2 + i)),
            index=pd.period_range("2000-01", periods=70, freq="M"),
        )
        for i, key in enumerate(["a", "b", "c"])
    }
    model = SequenceForecaster(
        window_length=8, horizon=2, validation_fraction=0.2, **QUICK
    ).fit(panel)
    forecasts = model.predict()
    intervals = model.predict_interval()
    for key in panel:
        out[f"fc_global/{key}/pred"] = forecasts[key].to_numpy()
        out[f"fc_global/{key}/interval"] = intervals[key].to_numpy()
    long = pd.concat(panel, names=["id", "time"]).to_frame("v")
    model = SequenceForecaster(window_length=8, horizon=2, **QUICK).fit(long)
    out["fc_long/pred"] = model.predict().to_numpy()


def snapshot():
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        classifier_entries(out)
        regressor_entries(out)
        forecaster_entries(out)
    return {key: np.asarray(value, dtype=np.float64) for key, value in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["record", "compare"])
    parser.add_argument("path")
    args = parser.parse_args()
    current = snapshot()
    if args.action == "record":
        np.savez(args.path, **current)
        print(f"recorded {len(current)} entries in {args.path}")
        return 0
    recorded = dict(np.load(args.path))
    differ = []
    for key in sorted(set(recorded) | set(current)):
        if key not in recorded or key not in current:
            differ.append(f"{key}: only in {'now' if key in current else 'record'}")
        elif recorded[key].shape != current[key].shape or not np.array_equal(
            recorded[key], current[key]
        ):
            gap = (
                np.nanmax(np.abs(recorded[key] - current[key]))
                if recorded[key].shape == current[key].shape
                else "shape"
            )
            differ.append(f"{key}: differs (max gap {gap})")
    print("\n".join(differ) or f"all {len(current)} entries bit-identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
