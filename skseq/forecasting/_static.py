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
    refuse_complex_columns,
    refuse_duplicate_columns,
    refuse_huge,
)

__all__ = ["StaticCovariates"]


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
    """

    ids: tuple
    columns: tuple
    values: np.ndarray

    @classmethod
    def fit(cls, static, keys, series_columns):
        """Encode ``static`` (indexed by the ids) for the series ``keys``."""
        if keys is None:
            raise ValueError(
                "static describes each series of a panel; give y as a dict of "
                "series or a long DataFrame indexed by (series id, time)."
            )
        if isinstance(static, pd.Series):
            static = static.to_frame()
        if not isinstance(static, pd.DataFrame):
            raise ValueError(
                "static must be a pandas DataFrame indexed by the series ids, one "
                f"row per series; got a {type(static).__name__}."
            )
        refuse_duplicate_columns(static, "static")  # before they are read
        refuse_complex_columns(static, "static")
        if static.index.has_duplicates:
            repeated = list(static.index[static.index.duplicated()].unique())
            raise ValueError(f"static has several rows for the series {repeated}.")
        if static.isna().any().any():
            raise ValueError("static holds missing values; fill them first.")
        encoded = _encode(static)
        values = encoded.to_numpy(dtype=np.float64)
        if not np.isfinite(values).all():
            raise ValueError("static holds infinite values; replace them first.")
        refuse_huge(values, "static")
        if encoded.columns.has_duplicates:
            repeated = list(encoded.columns[encoded.columns.duplicated()].unique())
            raise ValueError(
                f"static encodes to the column names {repeated} twice (a category "
                "named like another column); rename them."
            )
        clash = sorted(set(encoded.columns) & set(series_columns), key=str)
        if clash:
            raise ValueError(
                f"static and y share the column names {clash}; rename them."
            )
        fitted = cls(tuple(encoded.index), tuple(encoded.columns), encoded.to_numpy())
        fitted.rows(keys)  # every series has its row
        return fitted

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
                f"{' ...' if len(missing) > 10 else ''}{held}; refit with their rows."
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


def _numeric(column):
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
        column
    )


def _encode(static):
    """Numeric columns as float64; one indicator per category of the others."""
    parts = []
    for column in static.columns:
        if not _numeric(static[column]):
            values = static[column].to_numpy()
            # sorted: the table's row order must not change the model
            for category in sorted(pd.unique(values), key=str):
                indicator = (values == category).astype(np.float64)
                parts.append(
                    pd.Series(indicator, static.index, name=f"{column}={category}")
                )
        else:
            parts.append(static[column].astype(np.float64))
    if not parts:
        raise ValueError("static has no columns.")
    return pd.concat(parts, axis=1)
