"""Shared helpers for every iopcore module (private; the one place packages share code).

* :mod:`._kinds` decides once what counts as an integer, a number, a date and a datetime
  (numpy scalars count as numbers; ``bool`` and enum members never do; ``pandas.Timestamp``
  is a datetime, refused where a date is wanted).
* :mod:`._validators`: attrs-style field validators and tolerant converters that raise
  :class:`~iopcore.errors.InvalidDataError` with the field's path, the rule and the value's
  *type* — never a text value; a number out of range is named (numbers explain, identifiers are text); :func:`phi_field` for patient identifiers.
* :mod:`._guard`: :func:`guard`, which checks a public function's arguments against its
  annotations on entry and raises :class:`~iopcore.errors.InvalidArgumentError` naming them.
* :mod:`._frozen`: :class:`FrozenMap`, the read-only mapping that pickles and hashes.
* :mod:`._pickle`: :func:`compact_pickle`, field values only in pickles of values sent in bulk; :func:`unchecked_rows`,
  values built from checked columns without running their checks again.
"""

from iopcore import _loaded
from iopcore._fields._frozen import FrozenMap, set_repr
from iopcore._fields._guard import NOT_HANDLED, FastPath, Range, compile_check, guard, is_guarded
from iopcore._fields._kinds import (
    as_date,
    as_datetime,
    as_float,
    as_int,
    is_aware,
    is_date,
    is_integer,
    is_number,
    is_usable_tzinfo,
    number_text,
)
from iopcore._fields._pickle import columns_of, compact_pickle, pickle_as_scalar, rows_of, unchecked_rows
from iopcore._fields._validators import (
    PHI,
    REDACTED,
    Validator,
    aware_datetime,
    boolean,
    calendar_date,
    check_fields,
    enum_expectation,
    enum_member,
    fail,
    frozenset_of,
    identifier,
    identifiers,
    instance,
    int_tuple,
    integer,
    is_identifier,
    is_phi,
    literal,
    mapping_of,
    number,
    optional,
    phi_field,
    text,
    to_float,
    to_frozenset,
    to_int,
    to_int_tuple,
    to_mapping,
    to_tuple,
    tuple_of,
    unique_by,
)

__all__ = [
    "NOT_HANDLED",
    "PHI",
    "REDACTED",
    "FastPath",
    "FrozenMap",
    "Range",
    "Validator",
    "as_date",
    "as_datetime",
    "as_float",
    "as_int",
    "aware_datetime",
    "boolean",
    "calendar_date",
    "check_fields",
    "columns_of",
    "compact_pickle",
    "compile_check",
    "enum_expectation",
    "enum_member",
    "fail",
    "frozenset_of",
    "guard",
    "identifier",
    "identifiers",
    "instance",
    "int_tuple",
    "integer",
    "is_aware",
    "is_date",
    "is_guarded",
    "is_identifier",
    "is_integer",
    "is_number",
    "is_phi",
    "is_usable_tzinfo",
    "literal",
    "mapping_of",
    "number",
    "number_text",
    "optional",
    "phi_field",
    "pickle_as_scalar",
    "rows_of",
    "set_repr",
    "text",
    "to_float",
    "to_frozenset",
    "to_int",
    "to_int_tuple",
    "to_mapping",
    "to_tuple",
    "tuple_of",
    "unchecked_rows",
    "unique_by",
]

_loaded.loaded(__name__)  # after every definition: the Hypothesis entry point may register them now
