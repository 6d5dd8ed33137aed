"""The R4 element table of ``iopcore.fhir._r4``, derived independently from the fhir.resources 6.4 R4 models.

``python -m tests.fhir.r4_table`` prints the table (how ``src/iopcore/fhir/_r4.py``'s ``TYPES`` was
written); ``test_r4_table.py`` checks the committed table equals what this derives, so every element
name, type, cardinality and required flag iopcore's readers check is the one of FHIR R4 (4.0.1) as
fhir.resources models it, not a hand-copied list.
"""

from __future__ import annotations

import typing
from typing import Any

from fhir.resources import get_fhir_model_class

READ_RESOURCES = (
    "Appointment",
    "Bundle",
    "CarePlan",
    "Condition",
    "Consent",
    "Encounter",
    "EpisodeOfCare",
    "Goal",
    "Observation",
    "Questionnaire",
    "QuestionnaireResponse",
    "Specimen",
)
"""The resources iopcore's readers read (and so check in full); Specimen is contained in drug-test Observations."""

_DOMAIN = ("id", "meta", "implicitRules", "language", "text", "contained", "extension", "modifierExtension")
_RESOURCE = ("id", "meta", "implicitRules", "language")
_BACKBONE = ("id", "extension", "modifierExtension")
_ELEMENT = ("id", "extension")


def _type_of(field: Any) -> str:
    t = field.type_
    args = [a for a in typing.get_args(t) if a is not type(None)]
    if typing.get_origin(t) is typing.Union and len(args) == 1:
        t = args[0]
    if t is bool:
        return "boolean"
    name = getattr(t, "__resource_type__", None) or getattr(t, "__visit_name__", None)
    assert isinstance(name, str), (field.alias, t)
    return name


def _is_list(field: Any) -> bool:
    return typing.get_origin(field.outer_type_) is list


def _model(name: str) -> Any:
    try:
        return get_fhir_model_class(name)
    except KeyError:
        return _backbone(name)


def _backbone(name: str) -> Any:
    """A backbone element's model (``ObservationComponent``), from the module of the type that holds it."""
    import importlib
    import pkgutil

    import fhir.resources

    modules = [m.name for m in pkgutil.iter_modules(fhir.resources.__path__)]
    for module_name in sorted((m for m in modules if name.lower().startswith(m)), key=len, reverse=True):
        module = importlib.import_module(f"fhir.resources.{module_name}")
        if hasattr(module, name):
            return getattr(module, name)
    raise KeyError(name)


def _kind(name: str, fields: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    names = set(fields)
    if name in READ_RESOURCES or name == "DomainResource":
        base = _DOMAIN if "text" in names and "contained" in names else _RESOURCE
        return ("R" if base is _DOMAIN else "r"), base
    if "modifierExtension" in names:
        return "B", _BACKBONE
    return "E", _ELEMENT


def entry(name: str) -> tuple[str, list[str]]:
    """The table line of *name*: kind and its own elements' tokens, and the complex types they use."""
    model = _model(name)
    fields = {f.alias: f for f in model.element_properties()}
    kind, base = _kind(name, fields)
    assert set(base) <= set(fields), (name, set(base) - set(fields))
    tokens: list[str] = []
    used: list[str] = []
    choices: dict[str, list[str]] = {}
    order: list[str] = []
    for alias, field in fields.items():
        if alias in base:
            continue
        extra = field.field_info.extra
        group = extra.get("one_of_many")
        t = _type_of(field)
        if t[0].isupper() and t not in ("Resource",):
            used.append(t)
        if group:
            if group not in choices:
                choices[group] = []
                order.append("?" + group)
            choices[group].append(t + ("!" if extra.get("one_of_many_required") else ""))
            assert alias == group + t[0].upper() + t[1:], (name, alias)
            continue
        mark = ("*" if _is_list(field) else "") + ("!" if field.required or extra.get("element_required") else "")
        order.append(f"{alias}:{t}{mark}")
    for token in order:
        if token.startswith("?"):
            group = token[1:]
            types = choices[group]
            required = any(t.endswith("!") for t in types)
            tokens.append(f"{group}[x]:{'|'.join(t.rstrip('!') for t in types)}{'!' if required else ''}")
        else:
            tokens.append(token)
    return kind + " " + " ".join(sorted(tokens)), used


def table() -> dict[str, str]:
    """Every type reachable from the read resources (through elements and extension values), by name."""
    out: dict[str, str] = {}
    todo = [*READ_RESOURCES, "Extension", "Meta", "Narrative"]
    while todo:
        name = todo.pop()
        if name in out:
            continue
        line, used = entry(name)
        out[name] = line
        todo.extend(u for u in used if u not in out)
    return dict(sorted(out.items()))


def module_text() -> str:
    """The ``TYPES`` literal of ``src/iopcore/fhir/_r4.py`` as this module derives it."""
    lines = [f"    {key!r}: {value!r},\n" for key, value in table().items()]
    return "TYPES: Mapping[str, str] = {\n" + "".join(lines) + "}\n"


if __name__ == "__main__":
    print(module_text(), end="")  # noqa: T201 - a generator script
