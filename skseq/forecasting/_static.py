"""Static covariates: attributes of each series of a panel (a store's region).

``fit(y, static=table)`` takes a DataFrame indexed by the series ids, one row
per series. Numeric columns are read as they are; other columns (strings,
categories, booleans) become one indicator column per category seen at fit.
Each series then carries its row as constant columns, which the forecaster
treats as covariates known in advance (at every step, the forecast steps
included), so the network and the linear forecasts read them with the
series' own values.
"""

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..utils._series import (
    is_panel,
    refuse_complex_columns,
    refuse_duplicate_columns,
    refuse_huge,
)

__all__ = ["StaticCovariates", "with_static"]


@dataclass(frozen=True, eq=False)
class StaticCovariates:
    """The encoded static covariates of a panel's series.

    Attributes
    ----------
    ids : tuple
        The series ids given at fit, one per row of ``values``.
    columns : tuple
        Names of the encoded columns, which the series carry.
    values : ndarray of shape (n_ids, n_columns)
        The encoded rows (float64).
    sources : tuple or None, default=None
        The table's columns as ``(name, categories)``: None for a numeric
        one, else the categories seen at fit, in the order of their
        indicators (None in models saved before: no rows added later).
    """

    ids: tuple
    columns: tuple
    values: np.ndarray
    sources: tuple | None = None

    @classmethod
    def fit(cls, static, keys, series_columns):
        """Encode ``static`` (indexed by the ids) for the series ``keys``."""
        if keys is None:
            raise ValueError(
                "static describes each series of a panel; give y as a dict of "
                "series or a long DataFrame indexed by (series id, time)."
            )
        static = _checked_rows(_table(static))
        if not len(static.columns):
            raise ValueError("static has no columns.")
        sources = tuple(  # an Index keeps the categories' type when saved
            (name, None if _numeric(column) else pd.Index(_categories(column)))
            for name, column in static.items()
        )
        columns = pd.Index(
            [
                name
                for source, categories in sources
                for name in (
                    [source]
                    if categories is None
                    else [f"{source}={category}" for category in categories]
                )
            ]
        )
        if columns.has_duplicates:
            repeated = list(columns[columns.duplicated()].unique())
            raise ValueError(
                f"static encodes to the column names {repeated} twice (a category "
                "named like another column); rename them."
            )
        clash = sorted(set(columns) & set(series_columns), key=str)
        if clash:
            raise ValueError(
                f"static and y share the column names {clash}; rename them."
            )
        values = _encoded(static, sources)
        fitted = cls(tuple(static.index), tuple(columns), values, sources)
        fitted.rows(keys)  # every series has its row
        return fitted

    def with_rows(self, static, keys):
        """Return these covariates with the rows of ``static`` (given at predict).

        Its rows, for series among ``keys`` (those forecast), replace those
        of their ids and add the others, encoded as at fit: its columns are
        those of the table given to ``fit``, checked as there, and a category
        not seen there is refused.
        """
        if self.sources is None:
            raise ValueError(
                "This model was saved before static covariates could be given at "
                "predict; refit it to give them."
            )
        static = _table(static)
        names = [name for name, _ in self.sources]
        missing = [name for name in names if name not in static.columns]
        if missing:
            raise ValueError(f"static lacks the columns {missing} it had at fit.")
        static = _checked_rows(static[names])
        wanted = set(keys)
        stray = [key for key in static.index if key not in wanted]
        if stray:
            raise ValueError(
                f"static has rows for {stray[:10]!r}, which are not series of y "
                f"(its series: {list(keys)[:10]!r}); give the rows of y's series."
            )
        values = _encoded(static, self.sources)
        given = set(static.index)
        kept = [i for i, key in enumerate(self.ids) if key not in given]
        ids = tuple(self.ids[i] for i in kept) + tuple(static.index)
        return replace(self, ids=ids, values=np.vstack([self.values[kept], values]))

    def rows(self, keys):
        """Return the encoded rows of the series ``keys`` (in their order)."""
        position = {key: i for i, key in enumerate(self.ids)}
        missing = [key for key in keys if key not in position]
        if missing:
            # the same ids of another type (1 and "1")
            spelled = set(map(str, missing))
            alike = pd.Index([i for i in self.ids if str(i) in spelled][:10])
            held = f", though its index holds {alike.tolist()!r}" * bool(len(alike))
            raise ValueError(
                f"static has no row for the series {missing[:10]!r}"
                f"{' ...' if len(missing) > 10 else ''}{held}; give their rows "
                "(predict's static=table), or refit with them."
            )
        return self.values[[position[key] for key in keys]]

    def extend(self, panel, keys):
        """Return the validated series with their static columns appended."""
        if keys is None:
            raise ValueError(
                "This forecaster was fitted with static covariates of a panel; "
                "give y as a dict of series or a long DataFrame by (id, time)."
            )
        names = list(self.columns)
        return [
            replace(
                one,
                values=np.hstack([one.values, np.tile(row, (len(one.values), 1))]),
                columns=list(one.columns) + names,
            )
            for one, row in zip(panel, self.rows(keys), strict=True)
        ]


def _table(static):
    """Return ``static`` as a DataFrame of checked column names, or refuse it."""
    if isinstance(static, pd.Series):
        static = static.to_frame()
    if not isinstance(static, pd.DataFrame):
        raise ValueError(
            "static must be a pandas DataFrame indexed by the series ids, one "
            f"row per series; got a {type(static).__name__}."
        )
    refuse_duplicate_columns(static, "static")  # before they are read
    refuse_complex_columns(static, "static")
    return static


def _checked_rows(static):
    """Refuse a table of repeated ids or missing values."""
    if static.index.has_duplicates:
        repeated = list(static.index[static.index.duplicated()].unique())
        raise ValueError(f"static has several rows for the series {repeated}.")
    if static.isna().any().any():
        raise ValueError("static holds missing values; fill them first.")
    return static


def _categories(column):
    """Return the categories of a column, sorted as their indicators are."""
    return tuple(sorted(pd.unique(column.to_numpy()), key=str))


def _numeric(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
        column
    )


def _encoded(static, sources):
    """Encode the rows of ``static`` by ``sources`` as float64.

    Numeric columns as they are; one indicator per category of the others,
    in sorted order (the table's row order must not change the model).
    """
    parts = []
    for name, categories in sources:
        column = static[name]
        if categories is None:
            if not _numeric(column):
                raise ValueError(
                    f"static[{name!r}] was numeric at fit; got {column.dtype}."
                )
            parts.append(column.to_numpy(dtype=np.float64)[:, None])
            continue
        codes = categories.get_indexer(pd.Index(column))
        if (codes < 0).any():
            unseen = sorted(pd.unique(column[codes < 0]), key=str)
            raise ValueError(
                f"static[{name!r}] holds the categories {unseen[:10]}, which "
                f"fit did not see (it saw {list(categories)[:10]})."
            )
        parts.append(np.eye(len(categories))[codes])
    values = np.hstack(parts).astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError("static holds infinite values; replace them first.")
    refuse_huge(values, "static")
    return values


def with_static(fitted, static, y):
    """Return ``fitted`` with the rows of ``static`` given at predict (None: as is).

    They are rows of series of ``y`` (a dict or a long frame): the training
    series' ends (``y`` None) carry the rows they were fitted with.
    """
    if static is None:
        return fitted
    if y is None:
        raise ValueError(
            "static gives the rows of the series of y; without y, predict "
            "forecasts the training series with their fitted rows."
        )
    if not is_panel(y):
        raise ValueError(
            "static gives rows of the series of a panel; give y as a dict of "
            "series or a long DataFrame indexed by (series id, time)."
        )
    if fitted.static is None:
        raise ValueError(
            "static was given, but the forecaster was fitted without static "
            "covariates (fit(y, static=table) takes them)."
        )
    keys = list(y) if isinstance(y, dict) else y.index.get_level_values(0).unique()
    return replace(fitted, static=fitted.static.with_rows(static, keys))
