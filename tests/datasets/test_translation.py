"""Sequence-to-sequence generators: answers, bounds, formats and validation."""

import datetime
import re
from collections import Counter

import numpy as np
import pytest

from skseq.datasets import make_addition, make_dates, make_reversal, make_sorting
from skseq.datasets._translation import FORMATS

MONTHS = (
    "january february march april may june july august september october "
    "november december"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
SUFFIXES = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


def read_date(text):
    """Read a written date back with no help from the generator's code."""
    years, days, months, weekdays = [], [], [], []
    for token in re.findall(r"[A-Za-z]+|\d+(?:st|nd|rd|th)?", text):
        low = token.lower()
        if low == "of":
            continue
        if match := re.fullmatch(r"(\d{1,2})(st|nd|rd|th)?", low):
            day, suffix = int(match[1]), match[2]
            assert suffix in (None, SUFFIXES.get(day, "th")), text
            days.append(day)
        elif re.fullmatch(r"\d{4}", low):
            years.append(int(low))
        elif any(low in (name, name[:3]) for name in MONTHS):
            months.append([name[:3] for name in MONTHS].index(low[:3]) + 1)
        elif any(low in (name, name[:3]) for name in WEEKDAYS):
            weekdays.append([name[:3] for name in WEEKDAYS].index(low[:3]))
        else:
            raise AssertionError(f"unexpected {token!r} in {text!r}")
    assert len(years) == len(days) == len(months) == 1, text
    assert len(weekdays) <= 1, text
    return datetime.date(years[0], months[0], days[0]), weekdays


def test_dates_read_back_as_their_iso_answer_within_the_range():
    X, y = make_dates(2000, random_state=0)
    assert len(X) == len(y) == 2000
    assert all(isinstance(x, str) for x in X + y)
    for x, iso in zip(X, y, strict=True):
        target = datetime.date.fromisoformat(iso)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", iso)
        assert datetime.date(1950, 1, 1) <= target <= datetime.date(2049, 12, 31)
        date, weekdays = read_date(x)
        assert date == target, (x, iso)
        assert weekdays in ([], [target.weekday()]), (x, iso)


_M = "|".join(name.capitalize() for name in MONTHS)
_MON = "|".join(name[:3].capitalize() for name in MONTHS)
_W = "|".join(name.capitalize() for name in WEEKDAYS)
_WKD = "|".join(name[:3].capitalize() for name in WEEKDAYS)
_D = r"[1-9]\d?"
PATTERNS = {
    "day_month_year": rf"{_D} ({_M}) \d{{4}}",
    "padded_day_month_year": rf"\d\d ({_M}) \d{{4}}",
    "day_short_month_year": rf"{_D} ({_MON}) \d{{4}}",
    "lower_day_month_year": rf"{_D} ({_M.lower()}) \d{{4}}",
    "month_day_year": rf"({_M}) {_D}, \d{{4}}",
    "short_month_day_year": rf"({_MON}) {_D}, \d{{4}}",
    "upper_month_day_year": rf"({_M.upper()}) {_D} \d{{4}}",
    "year_month_day": rf"\d{{4}} ({_M}) {_D}",
    "ordinal_of_month_year": rf"{_D}(st|nd|rd|th) of ({_M}) \d{{4}}",
    "weekday_month_day_year": rf"({_W}), ({_M}) {_D}, \d{{4}}",
    "weekday_day_month_year": rf"({_W}) {_D} ({_M}) \d{{4}}",
    "short_weekday_day_month_year": rf"({_WKD}) {_D} ({_M}) \d{{4}}",
}


def _matching(x, names=PATTERNS):
    return {name for name in names if re.fullmatch(PATTERNS[name], x)}


def test_every_default_format_is_used():
    assert set(PATTERNS) == set(FORMATS)
    assert len(FORMATS) >= 10
    X, _ = make_dates(3000, random_state=1)
    matches = [_matching(x) for x in X]
    assert all(matches), [x for x, m in zip(X, matches, strict=True) if not m]
    # a sample that only one format could have written shows that format is used
    assert set().union(*(m for m in matches if len(m) == 1)) == set(FORMATS)


@pytest.mark.parametrize(
    "name, may_3, may_4",
    [
        ("day_month_year", "3 May 1998", "4 May 1998"),
        ("padded_day_month_year", "03 May 1998", "04 May 1998"),
        ("day_short_month_year", "3 May 1998", "4 May 1998"),
        ("lower_day_month_year", "3 may 1998", "4 may 1998"),
        ("month_day_year", "May 3, 1998", "May 4, 1998"),
        ("short_month_day_year", "May 3, 1998", "May 4, 1998"),
        ("upper_month_day_year", "MAY 3 1998", "MAY 4 1998"),
        ("year_month_day", "1998 May 3", "1998 May 4"),
        ("ordinal_of_month_year", "3rd of May 1998", "4th of May 1998"),
        ("weekday_month_day_year", "Sunday, May 3, 1998", "Monday, May 4, 1998"),
        ("weekday_day_month_year", "Sunday 3 May 1998", "Monday 4 May 1998"),
        ("short_weekday_day_month_year", "Sun 3 May 1998", "Mon 4 May 1998"),
    ],
)
def test_each_format_writes_the_documented_text(name, may_3, may_4):
    X, y = make_dates(60, start="1998-05-03", end="1998-05-04", formats=[name])
    assert set(zip(X, y, strict=True)) == {(may_3, "1998-05-03"), (may_4, "1998-05-04")}


def test_ordinal_suffixes_and_short_months():
    X, y = make_dates(
        3000, start="1999-01-01", end="1999-12-31", formats="ordinal_of_month_year"
    )
    assert len({x.split()[0] for x in X}) == 31
    for x, iso in zip(X, y, strict=True):
        assert read_date(x)[0] == datetime.date.fromisoformat(iso)
    X, _ = make_dates(500, start="1999-01-01", formats=["day_short_month_year"])
    assert {x.split()[1] for x in X} == {name[:3].capitalize() for name in MONTHS}


def test_formats_subset_start_and_end_are_honoured():
    names = ["month_day_year", "year_month_day"]
    X, y = make_dates(
        300,
        start=datetime.date(2000, 2, 27),
        end=datetime.datetime(2000, 3, 1, 12, 30),
        formats=names,
        random_state=0,
    )
    assert all(_matching(x, names) for x in X)
    assert {name for x in X for name in _matching(x, names)} == set(names)
    # both ends are included, and the leap day is a day like the others
    assert set(y) == {"2000-02-27", "2000-02-28", "2000-02-29", "2000-03-01"}


@pytest.mark.parametrize("make", [make_reversal, make_sorting])
def test_strings_have_lengths_and_characters_in_bounds(make):
    X, y = make(1000, min_length=2, max_length=6, alphabet="xyz", random_state=0)
    assert len(X) == len(y) == 1000
    assert {len(x) for x in X} == {2, 3, 4, 5, 6}
    assert set("".join(X)) == set("xyz")
    assert [len(t) for t in y] == [len(x) for x in X]
    X, _ = make(50, min_length=4, max_length=4, alphabet="0", random_state=0)
    assert set(X) == {"0000"}


def test_reversal_answers():
    X, y = make_reversal(500, random_state=0)
    assert all(len(x) in range(3, 11) for x in X)
    for x, target in zip(X, y, strict=True):
        assert all(target[i] == x[len(x) - 1 - i] for i in range(len(x)))


def test_sorting_answers():
    X, y = make_sorting(500, alphabet="qwerty", random_state=0)
    for x, target in zip(X, y, strict=True):
        assert Counter(target) == Counter(x)
        assert all(a <= b for a, b in zip(target, target[1:]))


@pytest.mark.parametrize("max_digits", [1, 3, 25])
def test_addition_answers_and_operands(max_digits):
    X, y = make_addition(2000, max_digits=max_digits, random_state=0)
    sizes = Counter()
    for x, target in zip(X, y, strict=True):
        match = re.fullmatch(r"(0|[1-9]\d*)\+(0|[1-9]\d*)", x)
        assert match, x
        assert re.fullmatch(r"0|[1-9]\d*", target)
        assert int(target) == int(match[1]) + int(match[2])
        sizes.update([len(match[1]), len(match[2])])
    assert set(sizes) == set(range(1, max_digits + 1))
    if max_digits == 1:
        operands = {int(n) for x in X for n in x.split("+")}
        assert operands == set(range(10))


@pytest.mark.parametrize(
    "make", [make_dates, make_reversal, make_sorting, make_addition]
)
def test_same_random_state_gives_the_same_data(make):
    first = make(50, random_state=3)
    assert make(50, random_state=3) == first
    assert make(50, random_state=np.random.RandomState(3)) == first
    assert make(50, random_state=4) != first
    X, y = first
    assert len(X) == len(y) == 50


@pytest.mark.parametrize(
    "make, kwargs, match",
    [
        (make_dates, {"n_samples": 0}, r"n_samples must be an int in \[1, inf\)"),
        (make_dates, {"n_samples": 2.5}, "n_samples"),
        (make_dates, {"n_samples": True}, "n_samples"),
        (make_dates, {"start": "1 May 1998"}, "start must be a datetime.date"),
        (make_dates, {"end": 20200101}, "end must be a datetime.date"),
        (make_dates, {"start": "2000-01-02", "end": "2000-01-02"}, "start must"),
        (make_dates, {"start": "2001-01-01", "end": "2000-01-01"}, "before end"),
        (make_dates, {"formats": ["day_month_year", "iso"]}, r"formats.*'iso'"),
        (make_dates, {"formats": "bogus"}, r"formats.*month_day_year"),
        (make_dates, {"formats": []}, "formats"),
        (make_reversal, {"n_samples": -1}, "n_samples"),
        (make_reversal, {"min_length": 0}, r"min_length must be an int in \[1, max"),
        (make_reversal, {"min_length": 11}, r"min_length.*got 11"),
        (make_sorting, {"max_length": 0}, r"max_length must be an int"),
        (make_sorting, {"min_length": 5, "max_length": 4}, r"min_length.*got 5"),
        (make_sorting, {"alphabet": ""}, "alphabet must be a non-empty str"),
        (make_reversal, {"alphabet": ["a", "b"]}, "alphabet"),
        (make_addition, {"max_digits": 0}, r"max_digits must be an int in \[1"),
        (make_addition, {"n_samples": "10"}, "n_samples"),
    ],
)
def test_invalid_arguments_are_named(make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)
