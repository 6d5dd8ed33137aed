"""iopcore's complex extensions: written from a list of parts, read back against their definition.

An iopcore extension (``{FHIR_BASE}/StructureDefinition/<name>``) holds only sub-extensions, each
named by a relative URL (``"level"``, ``"period"``) with one ``value[x]`` of a fixed type. Its
definition (:class:`Part` s) is closed: on import an unknown part, a repeated one, a missing required
one or a value of another type is an error at its path. The definitions are written out in
``docs/reference/fhir-mappings.md``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, final

import attrs

from iopcore.fhir import _json as j

__all__ = ["Part", "ValueType", "complex_extension", "read_complex", "read_period", "write_period"]

MAX_POSITIVE_INT = 2_147_483_647
"""The largest R4 ``positiveInt`` / ``integer`` (32-bit signed)."""


class ValueType(enum.StrEnum):
    """The R4 types an iopcore extension part takes, by the name of its ``value[x]`` element."""

    STRING = "valueString"
    CODE = "valueCode"
    DATE = "valueDate"
    PERIOD = "valuePeriod"
    POSITIVE_INT = "valuePositiveInt"
    INTEGER = "valueInteger"
    DECIMAL = "valueDecimal"
    BOOLEAN = "valueBoolean"


@final
@attrs.frozen
class Part:
    """One part of a complex extension: its name (relative URL), type, whether required, the codes it takes.

    A part that *repeats* is written once per value of a sequence, in order, and read back as a tuple.
    """

    name: str
    type: ValueType
    required: bool = False
    codes: tuple[str, ...] = ()
    repeats: bool = False


def write_period(start: date | None, end: date | None) -> dict[str, str]:
    """An R4 ``Period`` of whole dates."""
    out: dict[str, str] = {}
    if start is not None:
        out["start"] = j.fhir_date(start)
    if end is not None:
        out["end"] = j.fhir_date(end)
    return out


def read_period(value: Any, path: str, *, start_required: bool = True) -> tuple[date | None, date | None]:
    """A ``Period`` of whole dates: (start, end); the start must not be after the end (R4 per-1)."""
    node = j.obj(value, path, "a Period (a JSON object)")
    start = None if node.get("start") is None else j.read_date(node["start"], path + ".start")
    end = None if node.get("end") is None else j.read_date(node["end"], path + ".end")
    if start is None and start_required:
        raise j.fail(path + ".start", "expected a start date, got none", "missing")
    if start is not None and end is not None and end < start:
        raise j.fail(path + ".end", "expected an end on or after the start (R4 per-1), got an earlier date", "order")
    return start, end


def _write_value(part: Part, value: Any) -> Any:
    if part.type is ValueType.DATE:
        return j.fhir_date(value)
    if part.type is ValueType.PERIOD:
        return write_period(*value)
    if part.type is ValueType.CODE:
        return str(value.value if isinstance(value, enum.Enum) else value)
    return value


def complex_extension(url: str, parts: Sequence[Part], values: Mapping[str, Any]) -> dict[str, Any]:
    """The extension *url* holding a sub-extension per part whose value is given (``None`` and ``""`` left out)."""
    subs = [
        {"url": part.name, part.type.value: _write_value(part, value)}
        for part in parts
        for value in (values.get(part.name, ()) if part.repeats else (values.get(part.name),))
        if value is not None and value != ""
    ]
    return {"url": url, "extension": subs}


def _read_value(part: Part, ext: Mapping[str, Any], path: str) -> Any:
    key = part.type.value
    if key not in ext:
        raise j.fail(path, f"expected {key} for the part {part.name!r}, got another value[x]", "value_type")
    here = f"{path}.{key}"
    if part.type is ValueType.STRING:
        return j.string(ext, key, path, required=True)
    if part.type is ValueType.CODE:
        return j.code(ext, key, path, part.codes, required=True)
    if part.type is ValueType.DATE:
        return j.read_date(ext[key], here)
    if part.type is ValueType.PERIOD:
        return read_period(ext[key], here)
    if part.type is ValueType.POSITIVE_INT:
        number = j.integer(ext, key, path, min_value=1)
        if number is not None and number > MAX_POSITIVE_INT:
            raise j.fail(here, f"expected a positiveInt <= {MAX_POSITIVE_INT}, got a larger one", "range")
        return number
    if part.type is ValueType.INTEGER:
        number = j.integer(ext, key, path)
        if number is not None and abs(number) > MAX_POSITIVE_INT:
            raise j.fail(here, f"expected an integer of at most {MAX_POSITIVE_INT} in size, got a larger one", "range")
        return number
    if part.type is ValueType.DECIMAL:
        return j.decimal(ext, key, path)
    return j.boolean(ext, key, path)


def read_complex(ext: Mapping[str, Any], path: str, parts: Sequence[Part]) -> dict[str, Any]:
    """The values of the parts of an iopcore extension, by part name (absent optional parts ``None``)."""
    by_name = {p.name: p for p in parts}
    found: dict[str, Any] = {}
    repeated: dict[str, list[Any]] = {p.name: [] for p in parts if p.repeats}
    if "extension" not in ext:
        raise j.fail(path, "expected the parts of this iopcore extension as nested extensions, got a value", "shape")
    for sub, here in j.extensions(ext, path):
        part = by_name.get(sub["url"])
        if part is None:
            raise j.fail(here + ".url", "expected a part this iopcore extension defines, got another", "unknown_part")
        if part.repeats:
            repeated[part.name].append(_read_value(part, sub, here))
            continue
        if part.name in found:
            raise j.fail(here, "expected this part once, got it twice", "repeated")
        found[part.name] = _read_value(part, sub, here)
    for part in parts:
        if part.required and part.name not in found and not repeated.get(part.name):
            raise j.fail(path + ".extension", f"expected the part {part.name!r}, got none", "missing")
    return {p.name: tuple(repeated[p.name]) if p.repeats else found.get(p.name) for p in parts}
