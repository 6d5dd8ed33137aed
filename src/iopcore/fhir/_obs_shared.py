"""What the questionnaire, score, drug-test and session mappings share: LOINC evidence, a path reader."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from iopcore import _fields as f
from iopcore.errors import InvalidDataError
from iopcore.fhir import _json as j
from iopcore.fhir._common import ReferenceKind, References, reference_to
from iopcore.sources import Evidence, Source

__all__ = ["LOINC", "UCUM", "VERIFIED_LOINC", "Reader", "practitioner"]

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

_US_CORE_REPO = "https://github.com/HL7/US-Core (input/examples-yaml, commit 85bf4af6e)"
VERIFIED_LOINC: Mapping[str, Source] = f.FrozenMap(
    {
        "phq9": Source(
            citation="PHQ-9 panel 44249-1, items 44250-9 … 44260-8, total 44261-6: LForms PHQ-9 Questionnaire "
            "(LHNCBC/lforms-fhir-app e2e-tests/data/R4/phq9.json); US Core examples Questionnaire-phq-9-example "
            "and Observation-PHQ9-item-example-44261-6",
            urls=("https://github.com/LHNCBC/lforms-fhir-app", _US_CORE_REPO),
            evidence=Evidence.VERIFIED,
        ),
        "gad7": Source(
            citation="GAD-7 panel 69737-5, total 70274-6 (CMS ACCESS Model IG); items 69725-0 … 69736-7 "
            "(HL7 personal-health-record-format-ig)",
            urls=("https://github.com/HL7/personal-health-record-format-ig",),
            evidence=Evidence.VERIFIED,
        ),
        "audit_c": Source(
            citation="AUDIT-C panel 72109-2 and total 75626-2: US Core examples Observation-AUDIT-C-panel-example-"
            "72109-2, Observation-AUDIT-C-item-example-75626-2 and Questionnaire-AUDIT-C; item codes single-source, "
            "not emitted",
            urls=(_US_CORE_REPO,),
            evidence=Evidence.VERIFIED,
        ),
    }
)
"""Instruments whose LOINC panel and total codes (and, where the instrument carries them, item codes) are
verified, with the source. Every other instrument's codes (PHQ-2, AUDIT, DAST-10: secondary sources only)
are written in iopcore's own code systems, never as LOINC."""


def practitioner(refs: References, key: str | None, path: str) -> dict[str, str] | None:
    """The Reference to the practitioner *key* (``None`` for none), an unknown key an error at *path*."""
    return None if key is None else reference_to(refs, ReferenceKind.PRACTITIONER, key, path)


class Reader:
    """Path-named reading of one JSON resource under *root* (``$.observations``), on :mod:`iopcore.fhir._json`.

    Paths are relative to *root*; every failure is the ``_json`` readers' path-named
    :class:`~iopcore.errors.InvalidDataError`. *where* names the public function. :meth:`resource`
    is the structure check the core readers run too (``_json.resource``): one implementation.
    """

    def __init__(self, where: str, root: str) -> None:
        self.where = where
        self.root = root

    def fail(self, path: str, message: str, rule: str) -> InvalidDataError:
        return j.fail(self.root + path, message, rule)

    def node(self, parent: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        here = f"{self.root}{path}.{key}"
        if parent.get(key) is None:
            raise j.fail(here, "expected an object, got none", "missing")
        return j.obj(parent[key], here)

    def items(self, parent: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> list[Any]:
        return [item for item, _ in j.array(parent, key, self.root + path, required=required)]

    def text(self, parent: Mapping[str, Any], key: str, path: str) -> str:
        return j.required_string(parent, key, self.root + path)

    def number(self, parent: Mapping[str, Any], key: str, path: str) -> float:
        value = j.decimal(parent, key, self.root + path)
        if value is None:
            raise j.fail(f"{self.root}{path}.{key}", "expected a number, got none", "missing")
        return value

    def instant(self, parent: Mapping[str, Any], key: str, path: str) -> datetime:
        """An R4 ``dateTime`` with a time and a UTC offset, as an aware datetime (its offset kept)."""
        text = self.text(parent, key, path)
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise self.fail(f"{path}.{key}", "expected a FHIR dateTime with a time and an offset", "format") from None
        if len(text) < 16 or value.tzinfo is None:
            raise self.fail(f"{path}.{key}", "expected a dateTime with a time and a UTC offset", "format")
        return value

    def resource(self, value: Any, kind: str, path: str = "") -> Mapping[str, Any]:
        """*value* (at *path* under the root) as an R4 resource of *kind*, checked all the way down by the
        readers' one check (:func:`~iopcore.fhir._json.check`)."""
        return j.resource(value, kind, self.root + path)

    def coding(self, concept: Mapping[str, Any], path: str, system: str) -> tuple[str, int] | None:
        """The code of the first coding of *concept* in *system* and its index, or ``None``."""
        for i, (c, here) in enumerate(j.array(concept, "coding", self.root + path, required=True)):
            if isinstance(c, Mapping) and c.get("system") == system:
                return j.required_string(c, "code", here), i
        return None

    def reference_of(self, parent: Mapping[str, Any], key: str, path: str) -> str:
        return self.text(self.node(parent, key, path), "reference", f"{path}.{key}")
