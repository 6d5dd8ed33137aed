"""Tables: every result and record type as flat, materialized columns, and as pandas or polars DataFrames.

* :func:`columns` turns findings, week summaries, attendance, drug tests (their per-analyte
  results with :func:`analyte_results`), the other compliance records, instrument scores, dated
  scores and score series, change assessments, cohort assignments and the patients left out,
  occupancy and occurrences into ``{column: [values]}`` in one call; :func:`schema` gives each
  table's :class:`Column` s (name, :class:`DType`, nullable, unit), the same for empty inputs.
* :func:`from_columns` builds the records back, checking every value once (numpy scalars and
  ``pandas.Timestamp`` accepted); :func:`from_pandas` and :func:`from_polars` read DataFrames.
* :func:`to_pandas` / :func:`pandas_frame` and :func:`to_polars` / :func:`polars_frame` need the
  ``pandas`` and ``polars`` extras; :func:`spark_ddl` writes a table's Spark schema.

**A table is an explicit export of identifiers**: patient ids, record ids and evidence are in
the columns as they are (unlike in reprs and error messages, which never show them).
"""

from iopcore import _loaded
from iopcore.tables._columns import analyte_results, columns, from_columns, schema
from iopcore.tables._frames import (
    from_pandas,
    from_polars,
    pandas_frame,
    polars_frame,
    spark_ddl,
    to_pandas,
    to_polars,
)
from iopcore.tables._schema import SPECS, Column, DType

TYPES: tuple[type, ...] = tuple(SPECS)
"""Every type with a table (the row types :func:`columns` accepts)."""

__all__ = [
    "TYPES",
    "Column",
    "DType",
    "analyte_results",
    "columns",
    "from_columns",
    "from_pandas",
    "from_polars",
    "pandas_frame",
    "polars_frame",
    "schema",
    "spark_ddl",
    "to_pandas",
    "to_polars",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
