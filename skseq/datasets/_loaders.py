"""Loaders for the small real data sets shipped inside the package."""

import gzip
from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

__all__ = [
    "load_airline",
    "load_cpu_utilization",
    "load_gunpoint",
    "load_osuleaf",
    "load_text",
    "load_ud_pos",
    "read_ts",
]


def _data_file(name):
    return resources.files("skseq.datasets").joinpath("data", name)


_BOM = chr(0xFEFF)


def _values(text, where):
    """Read one dimension of a case: comma-separated numbers, ``?`` missing."""
    values = text.split(",")
    try:
        return np.array(values, dtype=np.float64)
    except ValueError:
        values = [value.strip() for value in values]  # a '?', or a typo
    for value in values:
        if value != "?" and not _is_number(value):
            raise ValueError(
                f"{where}: {value!r} is not a number (values are numbers or '?')."
            )
    return np.array([np.nan if v == "?" else v for v in values], dtype=np.float64)


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _case(line, labelled, where):
    """Read one data line: its dimensions, then its label if the file has one."""
    fields = line.split(":")
    label = None
    if labelled:
        if len(fields) < 2:
            raise ValueError(
                f"{where}: no label after the values; a case is its dimensions "
                "separated by ':', then its label (or the header says "
                "@classLabel false)."
            )
        *fields, label = fields
        label = label.strip()
        if not label:
            raise ValueError(f"{where}: the label after the values is empty.")
    series = [_values(field, where) for field in fields]
    lengths = [len(values) for values in series]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"{where}: the dimensions of one case must have one length; got "
            f"lengths {lengths}."
        )
    return np.stack(series, axis=1), label


def read_ts(path, *, target="auto"):
    """Read a time-series file in the UCR/UEA ``.ts`` format (sktime, aeon).

    Parameters
    ----------
    path : str, path-like or file object
        The file (a file object in text or binary mode). Each data line
        holds one case: its dimensions separated by ``:``, each a
        comma-separated series (``?`` a missing value, read as NaN), then its
        label or target value unless the header says there is none
        (``@classLabel false`` or ``@targetLabel false``). The classes that
        ``@classLabel true`` lists, if it does, are the only labels allowed.
    target : {"auto", "label", "value"}, default="auto"
        How to read the last field: class labels (strings), regression values
        (float64), or as the header says (``@classLabel`` / ``@targetLabel``).

    Returns
    -------
    X : ndarray or list of ndarray
        A 2-D array ``(n_cases, n_steps)`` when every case is univariate with
        one length; else a list of ``(n_steps,)`` or ``(n_steps, n_dims)``
        arrays (sequences of different lengths), the form skseq reads.
    y : ndarray of shape (n_cases,) or None
        Labels (str) or targets (float64); None for a file without them
        (``@classLabel false`` / ``@targetLabel false``).

    Raises
    ------
    ValueError
        If the file has no cases, holds time stamps (``@timestamps true``),
        or a data line is malformed (a value that is no number, a missing or
        empty label, a label that is not one of the classes the header
        declares, dimensions of different lengths or counts); the message
        names the file and the line.

    Examples
    --------
    >>> import io
    >>> from skseq.datasets import read_ts
    >>> lines = ["@classLabel true a b", "@data", "1,2,3:a", "4,5:b"]
    >>> X, y = read_ts(io.StringIO(chr(10).join(lines)))
    >>> [x.tolist() for x in X], y.tolist()
    ([[1.0, 2.0, 3.0], [4.0, 5.0]], ['a', 'b'])
    >>> lines = ["@classLabel false", "@data", "1,?,3", "4,5,6"]
    >>> X, y = read_ts(io.StringIO(chr(10).join(lines)))
    >>> X.tolist(), y
    ([[1.0, nan, 3.0], [4.0, 5.0, 6.0]], None)
    """
    if target not in ("auto", "label", "value"):
        raise ValueError(f"target must be 'auto', 'label' or 'value', got {target!r}.")
    handle = path if hasattr(path, "read") else open(path, encoding="utf-8")  # noqa: SIM115
    source = str(getattr(handle, "name", None) or "the .ts file")
    cases, labels, in_data, flags, first = [], [], False, {}, None
    declared = set()  # the classes the header names, if it does
    with handle:
        for number, line in enumerate(handle, start=1):
            if isinstance(line, bytes):  # a file opened in binary mode
                line = line.decode("utf-8")
            line = line.strip().lstrip(_BOM)
            if not line or line.startswith("#"):
                continue
            if not in_data:
                words = line.lower().split()
                if words[0] in ("@classlabel", "@targetlabel") and len(words) > 1:
                    flags[words[0]] = words[1] == "true"  # in any order
                if words[0] == "@classlabel" and len(words) > 2:  # the classes
                    declared = set(line.split()[2:])
                if words[:2] == ["@timestamps", "true"]:
                    raise ValueError(
                        f"{source} holds time stamps (@timestamps true), which "
                        "read_ts does not read: write the values only."
                    )
                in_data = words == ["@data"]
                if in_data:  # the header's flags, in any order, are all read
                    labelled = any(flags.values()) if flags else True
                    kind = "value" if flags.get("@targetlabel") else "label"
                continue
            where = f"{source}, line {number}"
            case, label = _case(line, labelled, where)
            if kind == "label" and declared and label not in declared:
                raise ValueError(
                    f"{where}: the label {label!r} is not one of the classes "
                    f"that the header declares ({' '.join(sorted(declared))})."
                )
            first = first or number
            if cases and case.shape[1] != cases[0].shape[1]:
                raise ValueError(
                    f"{where}: a case of {case.shape[1]} dimensions, the first "
                    f"case (line {first}) has {cases[0].shape[1]}."
                )
            cases.append(case)
            labels.append((label, where))
    if not cases:
        raise ValueError(f"{source} has no cases (no data lines after @data).")
    if target != "auto" and not labelled:
        raise ValueError(
            f"target={target!r} but {source} has no labels (its header says "
            "@classLabel false or @targetLabel false)."
        )
    y = None if not labelled else _labels(labels, target if target != "auto" else kind)
    if all(c.shape == cases[0].shape for c in cases) and cases[0].shape[1] == 1:
        return np.stack([c[:, 0] for c in cases]), y
    return [c[:, 0] if c.shape[1] == 1 else c for c in cases], y


def _labels(labels, kind):
    """Return the labels as strings, or as float64 regression targets."""
    if kind == "label":
        return np.array([label for label, _ in labels], dtype=object).astype(str)
    values = []
    for label, where in labels:
        try:
            values.append(float(label))
        except ValueError:
            raise ValueError(
                f"{where}: the target {label!r} is not a number (target='value' "
                "or @targetLabel true)."
            ) from None
    return np.array(values, dtype=np.float64)


def _read_ts(name):
    """Read a .ts file bundled in the package (gzipped when it ends in .gz)."""
    path = _data_file(name)
    if name.endswith(".gz"):
        with gzip.open(path, "rt", encoding="utf-8") as file:
            return read_ts(file)
    return read_ts(path.open(encoding="utf-8"))


def _load_ucr(name, split, return_X_y, describe, suffix=".ts"):
    """Load a bundled UCR set: train, test or both, as ``(X, y)`` or a dict."""
    parts = {"train": ["TRAIN"], "test": ["TEST"], "all": ["TRAIN", "TEST"]}
    if split not in parts:
        raise ValueError(f"split must be 'train', 'test' or 'all', got {split!r}.")
    loaded = [_read_ts(f"{name}_{part}{suffix}") for part in parts[split]]
    X = np.concatenate([X for X, _ in loaded])
    y = np.concatenate([y for _, y in loaded])
    if return_X_y:
        return X, y
    return Bunch(data=X, target=y, DESCR=describe)


def load_gunpoint(*, split="train", return_X_y=True):
    """Load the GunPoint time-series classification data set (UCR archive).

    The x-coordinate of an actor's right hand over 150 frames, while the actor
    either draws a replica gun from a holster and points it ("1", Gun-Draw) or
    points a finger ("2", Point). 50 training and 150 test sequences.

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which part to load; "all" stacks train then test.
    return_X_y : bool, default=True
        Return ``(X, y)``. If False, return a :class:`~sklearn.utils.Bunch`
        (a dict whose keys are also attributes, as scikit-learn's loaders
        return) with keys ``"data"``, ``"target"`` and ``"DESCR"``.

    Returns
    -------
    X : ndarray of shape (n_samples, 150)
        One univariate sequence per row (float64).
    y : ndarray of shape (n_samples,)
        Class labels, the strings ``"1"`` (Gun-Draw) and ``"2"`` (Point).

    References
    ----------
    Ratanamahatana, C. A. and Keogh, E. (2005). Three myths about dynamic time
    warping data mining. SIAM International Conference on Data Mining. Data from
    the UCR time series classification archive,
    https://www.timeseriesclassification.com.

    Examples
    --------
    >>> from skseq.datasets import load_gunpoint
    >>> X, y = load_gunpoint(split="test")
    >>> X.shape, sorted(set(y.tolist()))
    ((150, 150), ['1', '2'])
    """
    return _load_ucr(
        "GunPoint",
        split,
        return_X_y,
        "GunPoint (UCR archive): hand x-position, Gun-Draw (1) or Point (2).",
    )


def load_osuleaf(*, split="train", return_X_y=True):
    """Load the OSULeaf time-series classification data set (UCR archive).

    One-dimensional outlines of leaves of six tree species, 427 steps each
    (traced anti-clockwise from segmented leaf images): long sequences for a
    small training set. 200 training and 242 test sequences.

    Parameters
    ----------
    split : {"train", "test", "all"}, default="train"
        Which part to load; "all" stacks train then test.
    return_X_y : bool, default=True
        Return ``(X, y)``. If False, return a :class:`~sklearn.utils.Bunch`
        (a dict whose keys are also attributes, as scikit-learn's loaders
        return) with keys ``"data"``, ``"target"`` and ``"DESCR"``.

    Returns
    -------
    X : ndarray of shape (n_samples, 427)
        One univariate sequence per row (float64).
    y : ndarray of shape (n_samples,)
        Class labels, the strings ``"1"`` to ``"6"``.

    References
    ----------
    Gandhi, A. (2002). Content-based image retrieval: plant species
    identification. MSc thesis, Oregon State University. Data from the UCR
    time series classification archive, https://www.timeseriesclassification.com
    (Dau, H. A. et al., 2019, The UCR time series archive, IEEE/CAA Journal of
    Automatica Sinica 6(6)).

    Examples
    --------
    >>> from skseq.datasets import load_osuleaf
    >>> X, y = load_osuleaf(split="test")
    >>> X.shape, sorted(set(y.tolist()))
    ((242, 427), ['1', '2', '3', '4', '5', '6'])
    """
    return _load_ucr(
        "OSULeaf",
        split,
        return_X_y,
        "OSULeaf (UCR archive): leaf outlines of six species.",
        suffix=".ts.gz",
    )


def load_airline():
    """Load the monthly international airline passengers series, 1949-1960.

    Monthly totals of international airline passengers in thousands (Box and
    Jenkins), 144 observations with a trend and a multiplicative yearly season.

    Returns
    -------
    y : pandas.Series
        Passengers (float64), indexed by a monthly ``PeriodIndex`` named
        ``"Period"``.

    References
    ----------
    Box, G. E. P., Jenkins, G. M. and Reinsel, G. C. (1976). Time Series
    Analysis, Forecasting and Control. Third Edition. Series G.

    Examples
    --------
    >>> from skseq.datasets import load_airline
    >>> y = load_airline()
    >>> len(y), str(y.index.freqstr), float(y.iloc[0])
    (144, 'M', 112.0)
    """
    with _data_file("airline.csv").open(encoding="utf-8") as handle:
        frame = pd.read_csv(handle)
    index = pd.PeriodIndex(frame["Date"], freq="M", name="Period")
    return pd.Series(
        frame["Passengers"].to_numpy(dtype=np.float64), index=index, name="Passengers"
    )


# (start, end) of the labelled anomaly windows, from NAB's
# labels/combined_windows.json
_CPU_WINDOWS = (
    ("2014-04-12 22:32:00", "2014-04-13 15:12:00"),
    ("2014-04-18 15:07:00", "2014-04-19 07:47:00"),
)


def load_cpu_utilization():
    """Load a server's CPU utilisation every 5 minutes, with labelled anomalies.

    The series ``realAWSCloudwatch/rds_cpu_utilization_e47b3b`` of the Numenta
    Anomaly Benchmark (NAB): the CPU utilisation (%) of an Amazon RDS
    database, 4,032 readings every 5 minutes over 14 days of April 2014, and
    the two windows NAB labels as holding an anomaly (10% of the series'
    length shared between them, each centred on the anomaly). MIT licence,
    Copyright 2014-2024 Numenta Inc. (``LICENSE_NAB.txt`` in the data folder).

    Returns
    -------
    y : pandas.Series
        CPU utilisation (float64), indexed by a 5-minute ``DatetimeIndex``.
    windows : pandas.DataFrame
        One row per labelled window, columns ``start`` and ``end``
        (timestamps, both inside the window).

    References
    ----------
    Lavin, A. and Ahmad, S. (2015). Evaluating real-time anomaly detection
    algorithms: the Numenta Anomaly Benchmark. IEEE ICMLA.

    Examples
    --------
    >>> from skseq.datasets import load_cpu_utilization
    >>> y, windows = load_cpu_utilization()
    >>> len(y), y.index.freqstr, len(windows)
    (4032, '5min', 2)
    """
    with gzip.open(_data_file("nab_rds_cpu_utilization_e47b3b.csv.gz"), "rt") as f:
        frame = pd.read_csv(f, parse_dates=["timestamp"])
    index = pd.DatetimeIndex(frame["timestamp"], freq="5min", name="timestamp")
    y = pd.Series(
        frame["value"].to_numpy(dtype=np.float64), index=index, name="cpu_utilization"
    )
    windows = pd.DataFrame(
        [pd.to_datetime(pair) for pair in _CPU_WINDOWS], columns=["start", "end"]
    )
    return y, windows


_TEXTS = {
    "gettysburg": ("gettysburg.txt", "Abraham Lincoln, the Gettysburg Address (1863)"),
    "declaration": (
        "declaration.txt",
        "The Declaration of Independence (1776), its first two paragraphs",
    ),
}


def load_text(name="gettysburg"):
    """Load a short public-domain English text, for character-level models.

    Parameters
    ----------
    name : {"gettysburg", "declaration"}, default="gettysburg"
        Abraham Lincoln's Gettysburg Address (1,475 characters), or the first
        two paragraphs of the Declaration of Independence (1,634 characters).

    Returns
    -------
    text : str
        The text, paragraphs separated by blank lines.

    Examples
    --------
    >>> from skseq.datasets import load_text
    >>> load_text()[:33]
    'Four score and seven years ago ou'
    """
    if name not in _TEXTS:
        raise ValueError(f"name must be one of {sorted(_TEXTS)}, got {name!r}.")
    with _data_file(_TEXTS[name][0]).open(encoding="utf-8") as handle:
        return handle.read().strip()


def load_ud_pos():
    """Load English sentences tagged with universal part-of-speech tags.

    The development split of the Universal Dependencies English Web Treebank
    (v2.15): 2,001 sentences, 25,147 tokens, 17 tags (``NOUN``, ``VERB``,
    ``ADJ``, ``PUNCT``...), from weblogs, reviews, e-mails and newsgroups. For
    sequence labelling (:class:`skseq.RNNTagger`); split it yourself.

    Returns
    -------
    words : list of ndarray of str
        One array of words per sentence.
    tags : list of ndarray of str
        The tag of every word, aligned with ``words``.

    Notes
    -----
    Licence: CC BY-SA 4.0 (the file ``LICENSE_UD_English_EWT.txt`` shipped
    with the data). Annotations (c) 2013-2021 The Board of Trustees of The
    Leland Stanford Junior University; source: UniversalDependencies/
    UD_English-EWT, reduced to the word and UPOS columns.

    References
    ----------
    Silveira, N. et al. (2014). A Gold Standard Dependency Corpus for English.
    Proceedings of LREC 2014.

    Examples
    --------
    >>> from skseq.datasets import load_ud_pos
    >>> words, tags = load_ud_pos()
    >>> len(words), sum(len(w) for w in words)
    (2001, 25147)
    >>> words[0][:3].tolist(), tags[0][:3].tolist()
    (['From', 'the', 'AP'], ['ADP', 'DET', 'PROPN'])
    """
    words, tags, sentence = [], [], []
    with _data_file("en_ewt-upos-dev.tsv").open(encoding="utf-8") as handle:
        for line in list(handle) + [""]:
            line = line.rstrip("\n")
            if line:
                sentence.append(line.split("\t"))
            elif sentence:
                words.append(np.array([word for word, _ in sentence]))
                tags.append(np.array([tag for _, tag in sentence]))
                sentence = []
    return words, tags
