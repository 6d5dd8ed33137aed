"""Reading and writing FHIR R4 JSON as plain dicts, with path-named errors.

Readers take the node and the path it was found at (``$.resource.period``) and raise
:class:`~iopcore.errors.InvalidDataError` naming the element (``$.bundle.entry[3].resource.status``),
what was expected and the *type* given, never the value (it may identify a patient). R4 rules kept:
JSON arrays are never empty, strings never empty, elements R4 does not define here are refused
(``_x`` primitive companions allowed), and a ``modifierExtension`` is refused (it changes the meaning
of what holds it, and iopcore understands none). Other extensions than iopcore's are ignored, as R4
allows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidDataError, type_name

__all__ = [
    "DOMAIN_RESOURCE",
    "array",
    "boolean",
    "check_elements",
    "code",
    "decimal",
    "extension",
    "extensions",
    "fail",
    "fhir_date",
    "integer",
    "obj",
    "read_date",
    "required_string",
    "resource",
    "string",
]

DOMAIN_RESOURCE = frozenset(
    {"resourceType", "id", "meta", "implicitRules", "language", "text", "contained", "extension", "modifierExtension"}
)
"""The elements every R4 DomainResource has."""
BACKBONE = frozenset({"id", "extension", "modifierExtension"})
ELEMENT = frozenset({"id", "extension"})
CODING = ELEMENT | {"system", "version", "code", "display", "userSelected"}
CODEABLE_CONCEPT = ELEMENT | {"coding", "text"}
REFERENCE = ELEMENT | {"reference", "type", "identifier", "display"}
IDENTIFIER = ELEMENT | {"use", "type", "system", "value", "period", "assigner"}
PERIOD = ELEMENT | {"start", "end"}
QUANTITY = ELEMENT | {"value", "comparator", "unit", "system", "code"}
META = ELEMENT | {"versionId", "lastUpdated", "source", "profile", "security", "tag"}
EXTENSION_VALUES = frozenset(
    {
        "valueBoolean",
        "valueCode",
        "valueDate",
        "valueDateTime",
        "valueDecimal",
        "valueId",
        "valueInteger",
        "valuePositiveInt",
        "valueUnsignedInt",
        "valueString",
        "valueUri",
        "valueCoding",
        "valueCodeableConcept",
        "valuePeriod",
        "valueQuantity",
        "valueReference",
        "valueIdentifier",
    }
)
EXTENSION = ELEMENT | {"url"} | EXTENSION_VALUES


def fail(path: str, message: str, rule: str) -> InvalidDataError:
    """An error at *path* (return it, ``raise fail(...)``)."""
    return InvalidDataError.single(path, message, rule, type_name="FHIR R4 resource")


def obj(value: Any, path: str, what: str = "a JSON object") -> Mapping[str, Any]:
    """*value* as a JSON object (a mapping with string keys)."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise fail(path, f"expected {what}, got {type_name(value)}", "type")
    return value


def check_elements(node: Mapping[str, Any], allowed: Iterable[str], path: str) -> None:
    """Refuse element names R4 does not define on *node*, and any modifier extension."""
    names = allowed if isinstance(allowed, frozenset | set) else frozenset(allowed)
    for key, value in node.items():
        name = key[1:] if key.startswith("_") else key
        plain = re.fullmatch(r"_?[A-Za-z][A-Za-z0-9]*", key) is not None
        if name not in names:
            raise fail(
                f"{path}.{key}" if plain else path, "expected an element R4 defines here, got one it does not", "not_r4"
            )
        if value is None:
            raise fail(f"{path}.{key}", "expected a value, got null (R4 JSON leaves absent elements out)", "null")
    if node.get("modifierExtension") is not None:
        raise fail(path + ".modifierExtension", "expected no modifier extension (iopcore understands none)", "modifier")


def resource(value: Any, resource_type: str, allowed: frozenset[str], path: str) -> Mapping[str, Any]:
    """*value* as an R4 resource of *resource_type* with only the elements *allowed*."""
    node = obj(value, path, f"a {resource_type} resource (a JSON object)")
    if node.get("resourceType") != resource_type:
        raise fail(path + ".resourceType", f"expected resourceType {resource_type!r}", "resource_type")
    check_elements(node, allowed, path)
    return node


def array(node: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[tuple[Any, str]]:
    """The items of the array *key* with their paths (``[]`` when absent); R4 arrays are never empty."""
    value = node.get(key)
    here = f"{path}.{key}"
    if value is None:
        if required:
            raise fail(here, "expected a non-empty array, got none", "missing")
        return []
    if not isinstance(value, list) or not value:
        got = "an empty list" if isinstance(value, list) else type_name(value)
        raise fail(here, f"expected a non-empty array, got {got}", "type")
    return [(item, f"{here}[{i}]") for i, item in enumerate(value)]


def string(node: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> str | None:
    """A non-empty string element, or ``None`` when absent and not *required*."""
    value = node.get(key)
    if value is None:
        if required:
            raise fail(f"{path}.{key}", "expected a string, got none (R4 requires it here)", "missing")
        return None
    if not isinstance(value, str) or value == "":
        got = "an empty str" if isinstance(value, str) else type_name(value)
        raise fail(f"{path}.{key}", f"expected a non-empty string, got {got}", "type")
    return value


def required_string(node: Mapping[str, Any], key: str, path: str) -> str:
    """A non-empty string element R4 (or iopcore's mapping) requires here."""
    value = string(node, key, path, required=True)
    assert value is not None  # required
    return value


def code(node: Mapping[str, Any], key: str, path: str, allowed: Sequence[str], *, required: bool = False) -> str | None:
    """A ``code`` element that is one of *allowed* (the R4 value set bound here)."""
    value = string(node, key, path, required=required)
    if value is not None and value not in allowed:
        raise fail(f"{path}.{key}", f"expected one of {', '.join(allowed)}, got another code", "code")
    return value


def boolean(node: Mapping[str, Any], key: str, path: str) -> bool | None:
    """A ``boolean`` element (``true``/``false`` only), or ``None`` when absent."""
    value = node.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise fail(f"{path}.{key}", f"expected true or false, got {type_name(value)}", "type")
    return value


def integer(node: Mapping[str, Any], key: str, path: str, *, min_value: int | None = None) -> int | None:
    """An ``integer`` element (a whole JSON number, not a bool), at least *min_value*; ``None`` when absent."""
    value = node.get(key)
    if value is None:
        return None
    if not f.is_integer(value):
        raise fail(f"{path}.{key}", f"expected a whole number, got {type_name(value)}", "type")
    number = int(value)
    if min_value is not None and number < min_value:
        raise fail(f"{path}.{key}", f"expected a whole number >= {min_value}, got a smaller one", "range")
    return number


def decimal(node: Mapping[str, Any], key: str, path: str) -> float | None:
    """A ``decimal`` element (a finite JSON number, not a bool), or ``None`` when absent."""
    value = node.get(key)
    if value is None:
        return None
    number = f.as_float(value) if f.is_number(value) else None
    if number is None:
        raise fail(f"{path}.{key}", f"expected a finite number, got {type_name(value)}", "type")
    return number


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?\Z")


def read_date(value: Any, path: str) -> date:
    """A whole calendar date from an R4 ``date`` or ``dateTime`` (the date as written; partial dates refused)."""
    if not isinstance(value, str):
        raise fail(path, f"expected a date string YYYY-MM-DD, got {type_name(value)}", "type")
    m = _DATE.match(value)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise fail(path, "expected a full date YYYY-MM-DD (or a dateTime), got a str that is not one", "date") from None


def fhir_date(day: date) -> str:
    """An R4 ``date`` (four-digit year)."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def extensions(node: Mapping[str, Any], path: str) -> list[tuple[Mapping[str, Any], str]]:
    """The extensions of *node* with their paths, each checked to be an R4 Extension with a URL and one value."""
    found: list[tuple[Mapping[str, Any], str]] = []
    for item, here in array(node, "extension", path):
        ext = obj(item, here, "an Extension (a JSON object)")
        check_elements(ext, EXTENSION, here)
        if string(ext, "url", here, required=True) is None:  # pragma: no cover - required
            raise fail(here, "expected a url", "missing")
        values = [k for k in ext if k in EXTENSION_VALUES]
        if len(values) > 1 or (values and "extension" in ext) or (not values and "extension" not in ext):
            raise fail(here, "expected either one value[x] or nested extensions (R4 ext-1)", "ext-1")
        found.append((ext, here))
    return found


def extension(node: Mapping[str, Any], url: str, path: str) -> tuple[Mapping[str, Any], str] | None:
    """The one extension of *node* with *url*, or ``None``; two with the same URL are an error."""
    hits = [(ext, here) for ext, here in extensions(node, path) if ext["url"] == url]
    if len(hits) > 1:
        raise fail(hits[1][1], "expected this extension once, got it twice", "repeated")
    return hits[0] if hits else None


def errors_under(items: Iterable[ErrorItem], prefix: str) -> list[ErrorItem]:
    """*items* re-rooted under *prefix*."""
    return [e.under(prefix) for e in items]
