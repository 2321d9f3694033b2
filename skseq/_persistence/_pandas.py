"""pandas offsets and indexes as a file writes them, and back."""

import json
from numbers import Integral

import pandas as pd

from ..utils._periods import business_periods_quiet
from ._archive import FileError

__all__ = ["KEYWORDS", "index_of", "keyword_text", "offset_of"]

# the prefix of a DateOffset of keywords, written as JSON after it
KEYWORDS = "DateOffset "


def keyword_text(offset):
    """Write a ``DateOffset`` of keywords (``months=1``) as text."""
    keywords = {"n": offset.n, **offset.kwds}
    if not all(isinstance(v, Integral) for v in keywords.values()):
        raise TypeError(
            f"Cannot save the frequency {offset!r}: its keywords are not integers."
        )
    return KEYWORDS + json.dumps({k: int(v) for k, v in keywords.items()})


def offset_of(text):
    """Read an offset written by its freqstr or by :func:`keyword_text`."""
    if not text.startswith(KEYWORDS):
        return pd.tseries.frequencies.to_offset(text)
    try:
        keywords = json.loads(text[len(KEYWORDS) :])
        if not isinstance(keywords, dict) or not all(
            type(v) is int for v in keywords.values()
        ):
            raise TypeError("its keywords are not integers")
        return pd.DateOffset(**keywords)
    except (TypeError, ValueError) as exc:
        raise FileError(f"the frequency {text!r} is not a DateOffset: {exc}") from exc


@business_periods_quiet
def index_of(spec, decode):
    name = decode(spec["name"])
    kind = spec["type"]
    if kind == "period":
        return pd.PeriodIndex(spec["values"], freq=spec["freq"], name=name)
    if kind == "datetime":
        if not isinstance(spec["tz"], str | None):
            raise TypeError(f"the time zone {spec['tz']!r} is no name")
        if spec["tz"] is None:
            index = pd.DatetimeIndex(spec["values"], name=name)
        else:  # written in UTC
            index = pd.DatetimeIndex(
                # ISO 8601 each: a fraction of a second only where not 0
                pd.to_datetime(spec["values"], utc=True, format="ISO8601"),
                name=name,
            ).tz_convert(spec["tz"])
        if spec.get("unit") is not None:  # written since it was kept
            index = index.as_unit(spec["unit"])
        if spec["freq"] is not None and len(index) > 2:
            index = pd.DatetimeIndex(index, freq=offset_of(spec["freq"]))
        return index
    if kind == "range":
        return pd.RangeIndex(spec["start"], spec["stop"], spec["step"], name=name)
    if kind == "values":
        return pd.Index(decode(spec["values"]), name=name)
    raise ValueError(f"unknown index type {kind!r}")
