"""Unusual sequences in a set: one-class detection on UCR classification sets.

Protocol (the one-class protocol of time-series anomaly detection papers):
each class in turn is the normal one; a detector is fitted on the training
sequences of that class alone and scores every test sequence; the other
classes' test sequences are the anomalies. Reported per set, as the mean over
the normal classes (median and min-max over seeds):

- ROC AUC of the anomaly score (1 is perfect, 0.5 chance);
- the false-alarm rate on the normal class's test sequences at a requested
  rate of 0.05. Every detector trains on the same share of the normal
  training sequences (80%) and sets its threshold on the other 20%: skseq by
  its p-values, the baselines at the held-out scores' 95th percentile.

Detectors: ``skseq.anomaly.SequenceAnomalyDetector`` with its defaults
(reconstruction error of a recurrent autoencoder) and with
``method="next_step"`` (next-step prediction error), scikit-learn's
IsolationForest and LocalOutlierFactor (``novelty=True``) on the raw values of
each sequence as one vector.

Run: ``.venv/bin/python benchmarks/sequence_anomaly.py [--sets GunPoint
OSULeaf] [--seeds 0 1 2]``.
"""

import argparse
import functools
import time

import numpy as np
import torch
from _common import machine, print_table, spread
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor

from skseq.anomaly import SequenceAnomalyDetector
from skseq.datasets import load_gunpoint, load_osuleaf

SETS = {"GunPoint": load_gunpoint, "OSULeaf": load_osuleaf}
RATE = 0.05
CALIBRATION_FRACTION = 0.2  # SequenceAnomalyDetector's default


def skseq_scores(train, test, seed, method="reconstruction"):
    """Anomaly scores (higher is more unusual) and alarms at ``RATE``."""
    model = SequenceAnomalyDetector(method, false_alarm_rate=RATE, random_state=seed)
    model.fit(train)
    return model.error(test), model.predict(test) == -1


def _sklearn(model, train, test, seed):
    """Fit on 80% of ``train``, threshold on the held-out 20% (as skseq)."""
    order = np.random.default_rng(seed).permutation(len(train))
    n_held = int(np.ceil(CALIBRATION_FRACTION * len(train)))
    model.fit(train[order[n_held:]])
    held_out = -model.score_samples(train[order[:n_held]])
    threshold = np.quantile(held_out, 1 - RATE, method="higher")
    scores = -model.score_samples(test)
    return scores, scores > threshold


def isolation_forest(train, test, seed):
    return _sklearn(IsolationForest(random_state=seed), train, test, seed)


def local_outlier_factor(train, test, seed):
    return _sklearn(LocalOutlierFactor(novelty=True), train, test, seed)


DETECTORS = {
    "skseq (reconstruction, the default)": skseq_scores,
    "skseq (next step)": functools.partial(skseq_scores, method="next_step"),
    "IsolationForest": isolation_forest,
    "LocalOutlierFactor": local_outlier_factor,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--detectors", nargs="+", choices=list(DETECTORS))
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(machine())
    rows = []
    for name in args.sets:
        X_train, y_train = SETS[name](split="train")
        X_test, y_test = SETS[name](split="test")
        X_train, X_test = np.asarray(X_train), np.asarray(X_test)
        for detector, run in DETECTORS.items():
            if args.detectors and detector not in args.detectors:
                continue
            aucs, rates, seconds = [], [], []
            for seed in args.seeds:
                per_class_auc, per_class_rate = [], []
                begin = time.perf_counter()
                for label in np.unique(y_train):
                    scores, alarms = run(X_train[y_train == label], X_test, seed)
                    normal = y_test == label
                    per_class_auc.append(roc_auc_score(~normal, scores))
                    per_class_rate.append(alarms[normal].mean())
                seconds.append(time.perf_counter() - begin)
                aucs.append(np.mean(per_class_auc))
                rates.append(np.mean(per_class_rate))
            rows.append(
                {
                    "set": name,
                    "detector": detector,
                    "ROC AUC": spread(aucs),
                    f"false-alarm rate (asked {RATE})": spread(rates),
                    "s per set": f"{np.median(seconds):.1f}",
                }
            )
            print(rows[-1], flush=True)
    print()
    print_table(rows, list(rows[0]))


if __name__ == "__main__":
    main()
