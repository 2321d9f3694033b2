"""skseq against darts and neuralforecast on sine and airline (when installed).

Same run, same machine, one torch thread; each library trains a GRU with 64
hidden units the way its documentation shows, on the same data:

- sine: windows of 5 of sin(linspace(0, 100, 10000)) predict the 6th; batch
  64, Adam 1e-3, L1 loss; test MAE over the windows of
  sin(linspace(100, 200, 1000)). Seconds per epoch (9,995 windows) are
  measured as (time of a 1 + k epoch fit - time of a 1 epoch fit) / k, after
  a warm-up fit, so that set-up costs do not count.
- airline: log passengers, window 12, the last 12 months forecast at once;
  test MAE (median over seeds 0-2) and seconds per fit.

darts (BlockRNNModel) and neuralforecast (RNN) are optional: install them
with ``pip install skseq[compare]`` (they pull PyTorch Lightning). A library
that is missing is skipped.

Run: ``python benchmarks/compare_libraries.py [--epochs K]``
"""

import argparse
import logging
import os
import time
import warnings

import numpy as np
import pandas as pd
import torch
from _common import machine, print_table

from skseq import SequenceForecaster
from skseq.datasets import load_airline

os.environ.setdefault("PYTORCH_LIGHTNING_DISABLE_TIPS", "1")
logging.getLogger("lightning").setLevel(logging.ERROR)
logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
warnings.filterwarnings("ignore")

TRAIN = np.sin(np.linspace(0, 100, 10000))
TEST = np.sin(np.linspace(100, 200, 1000))
QUIET_TRAINER = {
    "accelerator": "cpu",
    "enable_progress_bar": False,
    "enable_model_summary": False,
    "logger": False,
    "enable_checkpointing": False,
}


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


# ------------------------------------------------------------------- skseq


def skseq_sine(epochs):
    def fit(n):
        return SequenceForecaster(
            window_length=5,
            loss="absolute_error",
            lr=1e-3,
            batch_size=64,
            max_epochs=n,
            clip_grad_norm=None,
            validation_fraction=0,
            random_state=0,
        ).fit(pd.Series(TRAIN))

    fit(1)  # warm-up: first-call costs (imports, allocations) do not count
    t1, _ = timed(lambda: fit(1))
    tk, model = timed(lambda: fit(1 + epochs))
    rolling = model.predict_rolling(pd.Series(TEST))
    mae = np.abs(rolling[1].to_numpy() - TEST[5:]).mean()
    return (tk - t1) / epochs, mae


def skseq_airline(seed, train):
    model = SequenceForecaster(
        window_length=12, horizon=12, transform="log", random_state=seed
    )
    seconds, model = timed(lambda: model.fit(train))
    return seconds, model.predict().to_numpy()


# ------------------------------------------------------------------- darts


def darts_model(input_length, output_length, epochs, seed, loss):
    from darts.models import BlockRNNModel

    return BlockRNNModel(
        input_chunk_length=input_length,
        output_chunk_length=output_length,
        model="GRU",
        hidden_dim=64,
        batch_size=64 if output_length == 1 else 32,
        n_epochs=epochs,
        optimizer_kwargs={"lr": 1e-3},
        loss_fn=loss,
        random_state=seed,
        pl_trainer_kwargs=QUIET_TRAINER,
    )


def darts_sine(epochs):
    from darts import TimeSeries

    train = TimeSeries.from_values(TRAIN.astype(np.float32))
    test = TimeSeries.from_values(TEST.astype(np.float32))

    def fit(n):
        model = darts_model(5, 1, n, 0, torch.nn.L1Loss())
        model.fit(train, verbose=False)
        return model

    fit(1)  # warm-up: first-call costs (imports, allocations) do not count
    t1, _ = timed(lambda: fit(1))
    tk, model = timed(lambda: fit(1 + epochs))
    forecast = model.historical_forecasts(
        test, start=5, forecast_horizon=1, retrain=False, verbose=False
    )
    mae = np.abs(forecast.values().ravel() - TEST[5:]).mean()
    return (tk - t1) / epochs, mae


def darts_airline(seed, train):
    from darts import TimeSeries
    from darts.dataprocessing.transformers import Scaler

    series = TimeSeries.from_values(np.log(train.to_numpy()).astype(np.float32))
    scaler = Scaler()
    scaled = scaler.fit_transform(series)
    model = darts_model(12, 12, 100, seed, torch.nn.MSELoss())
    seconds, _ = timed(lambda: model.fit(scaled, verbose=False))
    forecast = scaler.inverse_transform(model.predict(12, verbose=False))
    return seconds, np.exp(forecast.values().ravel())


# ---------------------------------------------------------- neuralforecast


def nf_frame(values, unique_id="s"):
    return pd.DataFrame(
        {"unique_id": unique_id, "ds": np.arange(len(values)), "y": values}
    )


def nf_model(h, input_size, steps, seed, loss, windows):
    from neuralforecast.models import RNN

    return RNN(
        h=h,
        input_size=input_size,
        encoder_n_layers=1,
        encoder_hidden_size=64,
        decoder_layers=1,
        decoder_hidden_size=64,
        loss=loss,
        max_steps=steps,
        learning_rate=1e-3,
        windows_batch_size=windows,
        scaler_type="standard",
        random_seed=seed,
        **QUIET_TRAINER,
    )


def neuralforecast_sine(epochs):
    from neuralforecast import NeuralForecast
    from neuralforecast.losses.pytorch import MAE

    steps_per_epoch = int(np.ceil((len(TRAIN) - 5) / 64))

    def fit(n):
        forecaster = NeuralForecast(
            models=[nf_model(1, 5, n * steps_per_epoch, 0, MAE(), 64)], freq=1
        )
        forecaster.fit(nf_frame(TRAIN))
        return forecaster

    fit(1)  # warm-up: first-call costs (imports, allocations) do not count
    t1, _ = timed(lambda: fit(1))
    tk, forecaster = timed(lambda: fit(1 + epochs))
    windows = np.lib.stride_tricks.sliding_window_view(TEST, 5)[:-1]
    frame = pd.concat(
        [nf_frame(window, unique_id=i) for i, window in enumerate(windows)]
    )
    forecast = forecaster.predict(df=frame).sort_values("unique_id")
    mae = np.abs(forecast["RNN"].to_numpy() - TEST[5:]).mean()
    return (tk - t1) / epochs, mae


def neuralforecast_airline(seed, train):
    from neuralforecast import NeuralForecast
    from neuralforecast.losses.pytorch import MSE

    forecaster = NeuralForecast(models=[nf_model(12, 12, 400, seed, MSE(), 32)], freq=1)
    seconds, _ = timed(lambda: forecaster.fit(nf_frame(np.log(train.to_numpy()))))
    forecast = forecaster.predict()
    return seconds, np.exp(forecast["RNN"].to_numpy())


LIBRARIES = {
    "skseq": (skseq_sine, skseq_airline),
    "darts": (darts_sine, darts_airline),
    "neuralforecast": (neuralforecast_sine, neuralforecast_airline),
}


def installed(name):
    if name == "skseq":
        return True
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    y = load_airline()
    train, test = y[:-12], y[-12:].to_numpy()
    rows = []
    for name, (sine, airline) in LIBRARIES.items():
        if not installed(name):
            print(f"{name} is not installed: skipped")
            continue
        seconds, mae = sine(args.epochs)
        fits = [airline(seed, train) for seed in range(3)]
        rows.append(
            {
                "library": name,
                "sine s / epoch": seconds,
                "sine test MAE": mae,
                "airline s / fit": float(np.median([s for s, _ in fits])),
                "airline MAE": float(
                    np.median([np.abs(f - test).mean() for _, f in fits])
                ),
            }
        )
        print(f"finished {name}", flush=True)
    reference = rows[0]["sine s / epoch"]
    for row in rows:
        row["sine x skseq"] = row["sine s / epoch"] / reference
    print_table(
        rows,
        [
            "library",
            "sine s / epoch",
            "sine x skseq",
            "sine test MAE",
            "airline s / fit",
            "airline MAE",
        ],
    )
    print("\nairline seasonal naive MAE: 47.8")


if __name__ == "__main__":
    main()
