"""Sequence-to-sequence tasks with known answers: X and y are lists of str."""

import contextlib
import datetime
import numbers

from sklearn.utils import check_random_state

__all__ = ["FORMATS", "make_addition", "make_dates", "make_reversal", "make_sorting"]

# English names written out here so that the locale never matters
# (strftime's %B and %A follow it); weekdays in datetime.date.weekday() order.
_MONTHS = tuple(
    "January February March April May June July August September October "
    "November December".split()
)
_WEEKDAYS = tuple("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())
_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}

# str.format templates over the fields of _fields; each names the month in words,
# so that no date reads two ways (as "03/05/1998" does).
FORMATS = {
    "day_month_year": "{day} {month} {year}",
    "padded_day_month_year": "{day:02d} {month} {year}",
    "day_short_month_year": "{day} {mon} {year}",
    "lower_day_month_year": "{day} {lower_month} {year}",
    "month_day_year": "{month} {day}, {year}",
    "short_month_day_year": "{mon} {day}, {year}",
    "upper_month_day_year": "{upper_month} {day} {year}",
    "year_month_day": "{year} {month} {day}",
    "ordinal_of_month_year": "{ordinal} of {month} {year}",
    "weekday_month_day_year": "{weekday}, {month} {day}, {year}",
    "weekday_day_month_year": "{weekday} {day} {month} {year}",
    "short_weekday_day_month_year": "{wkd} {day} {month} {year}",
}


def _fields(date):
    """Return the parts of ``date`` that the templates of FORMATS use."""
    month, weekday = _MONTHS[date.month - 1], _WEEKDAYS[date.weekday()]
    day = date.day
    suffix = "th" if 11 <= day % 100 <= 13 else _SUFFIXES.get(day % 10, "th")
    return {
        "day": day,
        "ordinal": f"{day}{suffix}",
        "month": month,
        "mon": month[:3],
        "lower_month": month.lower(),
        "upper_month": month.upper(),
        "weekday": weekday,
        "wkd": weekday[:3],
        "year": date.year,
    }


def _check_int(value, name, low, high=None, high_name=None):
    """Return ``value`` as an int, or raise if it is not an int in [low, high]."""
    is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if is_int and low <= value and (high is None or value <= high):
        return int(value)
    bound = "inf)" if high is None else f"{high_name or high}]"
    raise ValueError(f"{name} must be an int in [{low}, {bound}, got {value!r}.")


def _check_date(value, name):
    """Return ``value`` as a datetime.date, from a date or an ISO string."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = datetime.date.fromisoformat(value)
    if isinstance(value, datetime.date):
        return value.date() if isinstance(value, datetime.datetime) else value
    raise ValueError(
        f"{name} must be a datetime.date or an ISO date string, got {value!r}."
    )


def make_dates(
    n_samples=1000,
    *,
    start="1950-01-01",
    end="2049-12-31",
    formats=None,
    random_state=None,
):
    """Generate dates written in human formats, paired with their ISO form.

    Each date is drawn uniformly from the days between ``start`` and ``end``
    (both included) and written in a format drawn uniformly from
    ``formats``; the target is the same date as ``"YYYY-MM-DD"``. Month and
    weekday names are English whatever the locale.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of dates.
    start, end : str or datetime.date, default="1950-01-01", "2049-12-31"
        First and last day that may be drawn; strings are ISO dates.
        ``start`` must come before ``end``.
    formats : str or list of str, default=None
        Names of the formats to write the dates in; None means all of them.
        Each name below is shown with how it writes 1998-05-03:

        - ``"day_month_year"``: ``3 May 1998``
        - ``"padded_day_month_year"``: ``03 May 1998``
        - ``"day_short_month_year"``: ``3 May 1998`` (``3 Sep 1998``)
        - ``"lower_day_month_year"``: ``3 may 1998``
        - ``"month_day_year"``: ``May 3, 1998``
        - ``"short_month_day_year"``: ``May 3, 1998`` (``Sep 3, 1998``)
        - ``"upper_month_day_year"``: ``MAY 3 1998``
        - ``"year_month_day"``: ``1998 May 3``
        - ``"ordinal_of_month_year"``: ``3rd of May 1998``
        - ``"weekday_month_day_year"``: ``Sunday, May 3, 1998``
        - ``"weekday_day_month_year"``: ``Sunday 3 May 1998``
        - ``"short_weekday_day_month_year"``: ``Sun 3 May 1998``

    random_state : int, RandomState instance or None, default=None
        Seeds the dates and the choice of formats.

    Returns
    -------
    X : list of str
        The dates as written in a human format.
    y : list of str
        The same dates as ISO strings, ``"YYYY-MM-DD"``.

    Examples
    --------
    >>> from skseq.datasets import make_dates
    >>> X, y = make_dates(3, formats=["month_day_year"], random_state=0)
    >>> for date, iso in zip(X, y):
    ...     print(date, "->", iso)
    June 25, 1957 -> 1957-06-25
    February 29, 2008 -> 2008-02-29
    March 29, 2033 -> 2033-03-29
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    start, end = _check_date(start, "start"), _check_date(end, "end")
    if start >= end:
        raise ValueError(f"start must come before end, got {start} and {end}.")
    if formats is None:
        formats = FORMATS
    formats = [formats] if isinstance(formats, str) else list(formats)
    unknown = [name for name in formats if name not in FORMATS]
    if not formats or unknown:
        got = f"unknown {unknown}" if unknown else "an empty list"
        raise ValueError(
            f"formats must be None or names from {list(FORMATS)}, got {got}."
        )
    rng = check_random_state(random_state)
    offsets = rng.randint((end - start).days + 1, size=n_samples)
    choices = rng.randint(len(formats), size=n_samples)
    X, y = [], []
    for offset, choice in zip(offsets, choices, strict=True):
        date = start + datetime.timedelta(days=int(offset))
        X.append(FORMATS[formats[choice]].format(**_fields(date)))
        y.append(date.isoformat())
    return X, y


def _check_lengths(n_samples, min_length, max_length):
    """Return the sample count and length bounds of a generator, checked."""
    n_samples = _check_int(n_samples, "n_samples", 1)
    max_length = _check_int(max_length, "max_length", 1)
    min_length = _check_int(min_length, "min_length", 1, max_length, "max_length")
    return n_samples, min_length, max_length


def _random_strings(n_samples, min_length, max_length, alphabet, random_state):
    """Validate the shared parameters and draw the random source strings."""
    n_samples, min_length, max_length = _check_lengths(
        n_samples, min_length, max_length
    )
    if not isinstance(alphabet, str) or not alphabet:
        raise ValueError(f"alphabet must be a non-empty str, got {alphabet!r}.")
    rng = check_random_state(random_state)
    lengths = rng.randint(min_length, max_length + 1, size=n_samples)
    return [
        "".join(alphabet[i] for i in rng.randint(len(alphabet), size=length))
        for length in lengths
    ]


def make_reversal(
    n_samples=1000,
    *,
    min_length=3,
    max_length=10,
    alphabet="abcdefghij",
    random_state=None,
):
    """Generate random strings paired with the same strings reversed.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of strings.
    min_length, max_length : int, default=3, 10
        Range of the string lengths (inclusive), drawn uniformly.
    alphabet : str, default="abcdefghij"
        The characters, each drawn with the same probability.
    random_state : int, RandomState instance or None, default=None
        Seeds the strings.

    Returns
    -------
    X : list of str
        The random strings.
    y : list of str
        Each string of ``X`` written backwards.

    Examples
    --------
    >>> from skseq.datasets import make_reversal
    >>> X, y = make_reversal(3, random_state=0)
    >>> list(zip(X, y))
    [('addhjdf', 'fdjhdda'), ('cehgiibghh', 'hhgbiighec'), ('ibfjijed', 'dejijfbi')]
    """
    X = _random_strings(n_samples, min_length, max_length, alphabet, random_state)
    return X, [x[::-1] for x in X]


def make_sorting(
    n_samples=1000,
    *,
    min_length=3,
    max_length=10,
    alphabet="abcdefghij",
    random_state=None,
):
    """Generate random strings paired with their characters in sorted order.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of strings.
    min_length, max_length : int, default=3, 10
        Range of the string lengths (inclusive), drawn uniformly.
    alphabet : str, default="abcdefghij"
        The characters, each drawn with the same probability.
    random_state : int, RandomState instance or None, default=None
        Seeds the strings.

    Returns
    -------
    X : list of str
        The random strings.
    y : list of str
        The characters of each string of ``X`` in code point order, as
        ``"".join(sorted(x))`` writes them.

    Examples
    --------
    >>> from skseq.datasets import make_sorting
    >>> X, y = make_sorting(3, random_state=0)
    >>> list(zip(X, y))
    [('addhjdf', 'adddfhj'), ('cehgiibghh', 'bcegghhhii'), ('ibfjijed', 'bdefiijj')]
    """
    X = _random_strings(n_samples, min_length, max_length, alphabet, random_state)
    return X, ["".join(sorted(x)) for x in X]


def make_addition(n_samples=1000, *, max_digits=3, random_state=None):
    """Generate sums of two whole numbers, such as ``"123+45"``, with their answer.

    The number of digits of each operand is drawn uniformly from 1 to
    ``max_digits``, then the operand uniformly among the numbers with that
    many digits (so 0 to 9 for one digit, 10 to 99 for two); numbers have no
    leading zeros.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of sums.
    max_digits : int, default=3
        Most digits of an operand; any size works, as Python ints hold the
        numbers.
    random_state : int, RandomState instance or None, default=None
        Seeds the operands.

    Returns
    -------
    X : list of str
        The sums, written ``"a+b"`` without spaces.
    y : list of str
        The value of each sum in decimal digits.

    Examples
    --------
    >>> from skseq.datasets import make_addition
    >>> X, y = make_addition(3, random_state=0)
    >>> list(zip(X, y))
    [('5+3', '8'), ('45+576', '621'), ('8+1', '9')]
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    max_digits = _check_int(max_digits, "max_digits", 1)
    rng = check_random_state(random_state)

    def operand():
        n_digits = rng.randint(1, max_digits + 1)
        first = rng.randint(int(n_digits > 1), 10)  # no leading zero
        return str(first) + "".join(map(str, rng.randint(10, size=n_digits - 1)))

    pairs = [(operand(), operand()) for _ in range(n_samples)]
    return [f"{a}+{b}" for a, b in pairs], [str(int(a) + int(b)) for a, b in pairs]
