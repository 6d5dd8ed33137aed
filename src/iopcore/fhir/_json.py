"""Reading and writing FHIR R4 JSON as plain dicts, with path-named errors.

Readers take the node and the path it was found at (``$.resource.period``) and raise
:class:`~iopcore.errors.InvalidDataError` naming the element (``$.bundle.entry[3].resource.status``),
what was expected and the *type* given, never the value (it may identify a patient).

:func:`check` (through :func:`resource`) is the one structure check of every reader, core and
observation alike: each resource read is checked all the way down against the R4 (4.0.1) element
table of :mod:`iopcore.fhir._r4` (element names, JSON types, arrays, required elements, primitive
formats, choices, ext-1), and a ``modifierExtension`` or ``implicitRules`` anywhere is refused (each
changes the meaning of what holds it, and iopcore understands none). Other extensions than iopcore's
are ignored, as R4 allows. The typed readers below then read the values the mapping needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from iopcore import _fields as f
from iopcore.errors import ErrorItem, InvalidDataError, type_name
from iopcore.fhir._r4 import TYPES

__all__ = [
    "array",
    "boolean",
    "check",
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

_RESOURCE_BASE = {"id": ("id", False, False), "meta": ("Meta", False, False)}
_RESOURCE_BASE |= {"implicitRules": ("uri", False, False), "language": ("code", False, False)}
_DOMAIN_BASE = _RESOURCE_BASE | {"text": ("Narrative", False, False), "contained": ("Resource", True, False)}
_ELEMENT_BASE = {"id": ("string", False, False), "extension": ("Extension", True, False)}
_MODIFIER = {"modifierExtension": ("Extension", True, False)}
_BASES = {
    "R": _DOMAIN_BASE | _ELEMENT_BASE | _MODIFIER,
    "r": _RESOURCE_BASE,
    "B": _ELEMENT_BASE | _MODIFIER,
    "E": _ELEMENT_BASE,
}


class _Type:
    """One R4 type of :data:`~iopcore.fhir._r4.TYPES`: its elements (JSON name → type, array, required)."""

    __slots__ = ("choices", "elements", "is_resource", "required")

    def __init__(self, line: str) -> None:
        kind, *tokens = line.split(" ")
        self.is_resource = kind in ("R", "r")
        self.elements: dict[str, tuple[str, bool, bool]] = dict(_BASES[kind])
        self.choices: dict[str, tuple[str, ...]] = {}  # JSON name → its choice group's other names (and ``_`` ones)
        self.required: list[tuple[str, tuple[str, ...]]] = []  # (the element's name, the JSON names, one needed)
        for token in tokens:
            name, _, spec = token.partition(":")
            required = spec.endswith("!")
            spec = spec.rstrip("!")
            many = spec.endswith("*")
            spec = spec.rstrip("*")
            if name.endswith("[x]"):
                stem = name[:-3]
                names = {stem + t[0].upper() + t[1:]: t for t in spec.split("|")}
                for json_name, t in names.items():
                    self.elements[json_name] = (t, many, False)
                    self.choices[json_name] = tuple(p + n for n in names if n != json_name for p in ("", "_"))
                if required:
                    self.required.append((name, tuple(p + n for n in names for p in ("", "_"))))
            else:
                self.elements[name] = (spec, many, required)
                if required:
                    self.required.append((name, (name, "_" + name)))


_TYPES = {name: _Type(line) for name, line in TYPES.items()}
_R4_DATE = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?"
_ZONE = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))"
_FULL_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_PRIMITIVE_TEXT: dict[str, re.Pattern[str] | None] = {
    "string": None,
    "markdown": None,
    "xhtml": None,
    "code": re.compile(r"[^\s]+(?:\s[^\s]+)*"),
    "id": re.compile(r"[A-Za-z0-9\-.]{1,64}"),
    "uri": re.compile(r"\S+"),
    "url": re.compile(r"\S+"),
    "canonical": re.compile(r"\S+"),
    "oid": re.compile(r"urn:oid:[0-2](?:\.(?:0|[1-9]\d*))+"),
    "uuid": re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    "base64Binary": re.compile(r"(?:\s*[0-9a-zA-Z+/=]{4}\s*)+"),
    "date": re.compile(_R4_DATE),
    "dateTime": re.compile(rf"{_R4_DATE}|{_FULL_DATE}T{_TIME}{_ZONE}"),
    "instant": re.compile(rf"{_FULL_DATE}T{_TIME}{_ZONE}"),
    "time": re.compile(_TIME),
}
"""The R4 primitives written as JSON strings, each with its R4 regex (``None``: any non-empty string)."""
_INTEGER_MIN = {"integer": -2_147_483_648, "positiveInt": 1, "unsignedInt": 0}
_INTEGER_MAX = 2_147_483_647
_MAX_DEPTH = 64
"""Nesting deeper than this is refused (an error at its path, never a RecursionError)."""


def fail(path: str, message: str, rule: str) -> InvalidDataError:
    """An error at *path* (return it, ``raise fail(...)``)."""
    return InvalidDataError.single(path, message, rule, type_name="FHIR R4 resource")


def obj(value: Any, path: str, what: str = "a JSON object") -> Mapping[str, Any]:
    """*value* as a JSON object (a mapping with string keys)."""
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise fail(path, f"expected {what}, got {type_name(value)}", "type")
    return value


def _primitive(value: Any, kind: str, path: str) -> None:
    if kind == "boolean":
        if not isinstance(value, bool):
            raise fail(path, f"expected a boolean (true or false), got {type_name(value)}", "type")
    elif kind in _INTEGER_MIN:
        if not f.is_integer(value):
            raise fail(path, f"expected an R4 {kind} (a whole JSON number), got {type_name(value)}", "type")
        if not _INTEGER_MIN[kind] <= int(value) <= _INTEGER_MAX:
            raise fail(path, f"expected an R4 {kind} (>= {_INTEGER_MIN[kind]}, <= {_INTEGER_MAX})", "range")
    elif kind == "decimal":
        if not f.is_number(value) or f.as_float(value) is None:
            raise fail(path, f"expected an R4 decimal (a finite JSON number), got {type_name(value)}", "type")
    elif not isinstance(value, str) or not value:
        got = "an empty str" if isinstance(value, str) else type_name(value)
        raise fail(path, f"expected an R4 {kind} (a non-empty JSON string), got {got}", "type")
    else:
        pattern = _PRIMITIVE_TEXT[kind]
        if pattern is not None and pattern.fullmatch(value) is None:
            raise fail(path, f"expected an R4 {kind}, got a str that is not one", "format")


def _companion(value: Any, many: bool, path: str, depth: int) -> None:
    """``_name``: the id and extensions of a primitive (an array of them, ``null`` where none, when it repeats)."""
    if not many:
        _element(obj(value, path, "a JSON object (the primitive's id and extensions)"), _ELEMENT_TYPE, path, depth + 1)
        return
    if not isinstance(value, list) or not value:
        got = "an empty list" if isinstance(value, list) else type_name(value)
        raise fail(path, f"expected a non-empty array (this primitive repeats), got {got}", "type")
    for i, item in enumerate(value):
        if item is not None:  # null where an item of the primitive's array has no id or extensions
            here = f"{path}[{i}]"
            _element(obj(item, here, "a JSON object (an item's id and extensions)"), _ELEMENT_TYPE, here, depth + 1)


def _value(value: Any, kind: str, path: str, key: str, depth: int) -> None:
    """One value of the element *key* of the node at *path* (its path built only where needed: the walk is hot)."""
    definition = _TYPES.get(kind)
    if definition is not None:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise fail(path + key, f"expected a {kind} (a JSON object), got {type_name(value)}", "type")
        _element(value, definition, path + key, depth + 1)
    elif kind == "Resource":
        _contained(value, path + key, depth + 1)
    elif type(value) is str and value and kind in _PRIMITIVE_TEXT:  # the common case, checked inline
        pattern = _PRIMITIVE_TEXT[kind]
        if pattern is not None and pattern.fullmatch(value) is None:
            raise fail(path + key, f"expected an R4 {kind}, got a str that is not one", "format")
    else:
        _primitive(value, kind, path + key)


def _contained(value: Any, path: str, depth: int) -> None:
    """A resource inside another (``contained``, ``Bundle.entry.resource``): checked in full if iopcore reads its type."""
    node = obj(value, path, "a resource (a JSON object)")
    kind = node.get("resourceType")
    if not isinstance(kind, str) or not kind:
        raise fail(path + ".resourceType", f"expected a resourceType string, got {type_name(kind)}", "missing")
    definition = _TYPES.get(kind)
    if definition is not None and definition.is_resource:
        _element(node, definition, path, depth)


def _element(node: Mapping[str, Any], definition: _Type, path: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise fail(path, f"expected elements nested at most {_MAX_DEPTH} deep, got deeper ones", "depth")
    if not node:
        raise fail(path, "expected an element with a value or children (R4 ele-1), got an empty object", "ele-1")
    elements, choices = definition.elements, definition.choices
    for key, value in node.items():
        spec = elements.get(key)
        if spec is None:
            if key == "resourceType" and definition.is_resource:
                continue
            if not isinstance(key, str):
                raise fail(path, f"expected a JSON object (string keys), got a {type_name(key)} key", "type")
            spec = elements.get(key[1:]) if key.startswith("_") else None
            if spec is None or spec[0] not in _PRIMITIVE_KINDS:
                plain = _NAME.fullmatch(key) is not None
                raise fail(f"{path}.{key}" if plain else path, "expected an element R4 defines here, got one it does not", "not_r4")  # fmt: skip
            if value is None:
                raise fail(f"{path}.{key}", "expected a value, got null (R4 JSON leaves absent elements out)", "null")
            _companion(value, spec[1], f"{path}.{key}", depth)
            continue
        if value is None:
            raise fail(f"{path}.{key}", "expected a value, got null (R4 JSON leaves absent elements out)", "null")
        kind, many, _ = spec
        if many:
            if type(value) is not list or not value:
                got = "an empty list" if isinstance(value, list) else type_name(value)
                raise fail(f"{path}.{key}", f"expected a non-empty array, got {got}", "type")
            here = f"{path}.{key}"
            for i, item in enumerate(value):
                if item is None:
                    raise fail(f"{here}[{i}]", "expected a value, got null", "null")
                _value(item, kind, here, f"[{i}]", depth)
        elif type(value) is list:
            raise fail(f"{path}.{key}", "expected one value (R4 allows one here), got an array", "type")
        else:
            _value(value, kind, path, "." + key, depth)
        others = choices.get(key)
        if others is not None and not node.keys().isdisjoint(others):
            raise fail(f"{path}.{key}", "expected one of the choices of this element (R4 [x]), got two", "choice")
    for name, names in definition.required:
        if node.keys().isdisjoint(names):
            raise fail(f"{path}.{name}", "expected this element (R4 requires it), got none", "missing")
    if definition is _EXTENSION_TYPE and ("extension" in node) != node.keys().isdisjoint(choices):
        raise fail(path, "expected either one value[x] or nested extensions (R4 ext-1)", "ext-1")
    if "modifierExtension" in node:
        raise fail(
            path + ".modifierExtension",
            "expected no modifier extension (it changes the meaning of what holds it, and iopcore understands none)",
            "modifier",
        )
    if definition.is_resource and "implicitRules" in node:
        raise fail(path + ".implicitRules", "expected no implicitRules (rules iopcore does not know may change the "
                   "resource's meaning)", "modifier")  # fmt: skip


_PRIMITIVE_KINDS = frozenset(_PRIMITIVE_TEXT) | set(_INTEGER_MIN) | {"boolean", "decimal"}
_NAME = re.compile(r"_?[A-Za-z][A-Za-z0-9]*")
_ELEMENT_TYPE = _Type("E")
_EXTENSION_TYPE = _TYPES["Extension"]


def check(value: Any, type_name_: str, path: str) -> Mapping[str, Any]:
    """*value* as R4 JSON of the type *type_name_* (a resource or a data type), checked all the way down.

    Refused with the path of the first element that is not R4: element names R4 does not define
    there (``_x`` primitive companions allowed), JSON types other than the element's (a string for
    a code, a whole number for an integer, an object for a complex type, an array exactly where the
    element repeats), empty strings, arrays and objects, ``null``, primitives that do not match their
    R4 format, missing required elements, two choices of one ``[x]`` element, extensions breaking
    ext-1, any ``modifierExtension`` and ``implicitRules`` (iopcore understands none, and R4 asks an
    application to refuse what it cannot understand there). Contained resources (and bundle entries)
    of the types iopcore reads are checked the same way; others only for their ``resourceType``.
    """
    definition = _TYPES[type_name_]
    node = obj(value, path, f"a {type_name_} (a JSON object)")
    _element(node, definition, path, 0)
    return node


def resource(value: Any, resource_type: str, path: str) -> Mapping[str, Any]:
    """*value* as an R4 resource of *resource_type*, checked all the way down (:func:`check`)."""
    node = obj(value, path, f"a {resource_type} resource (a JSON object)")
    if node.get("resourceType") != resource_type:
        raise fail(path + ".resourceType", f"expected resourceType {resource_type!r}", "resource_type")
    return check(node, resource_type, path)


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
        found.append((check(item, "Extension", here), here))
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
