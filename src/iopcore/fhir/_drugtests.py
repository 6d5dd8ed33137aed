"""A drug test as Observations: one for the test (specimen, validity, overall result), one per analyte result.

No LOINC code is emitted here: LOINC's drug-test codes each fix the analyte, the specimen, the
method *and* often the cut-off, and none of those combinations was verified for iopcore's analyte
catalog, so the codes are iopcore's (documented in the mappings reference):

* the **test** Observation: code ``drug-test#panel``; ``identifier`` the test's record id;
  ``status`` ``final``, or ``cancelled`` with ``dataAbsentReason`` ``not-performed`` (missed) or
  ``asked-declined`` (refused); ``effectiveDateTime`` the collection; the specimen type as a
  contained ``Specimen``; the iopcore extension ``observed-collection``; specimen-validity
  measurements as ``component`` entries (``specimen-validity#creatinine_mg_dl`` … in UCUM units,
  ``adulterant_detected`` a boolean); with an :class:`~iopcore.compliance.Interpretation`, its
  result as ``interpretation`` (``drug-test-result``; v3 ``POS``/``NEG`` beside it only for a
  positive or negative result, never for ``not_evaluated``); ``hasMember`` the analyte Observations;
* each **analyte** Observation (id: the test Observation's id and ``-<n>``, its place in the test): code ``analyte#<code>``, ``method`` ``test-method#screen`` or
  ``#confirmation``, ``valueQuantity`` in ng/mL, and with an interpretation the cut-off compared
  with as ``referenceRange.high`` (positive at or above it) and the outcome as ``interpretation``
  (``analyte-outcome``; never a normal code for ``not_evaluated``).

:func:`drug_tests_from_fhir` reads such Observations back into :class:`~iopcore.compliance.DrugTest`
values (the interpretation is derived data: :func:`~iopcore.compliance.interpret` computes it again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from iopcore import _fields as f
from iopcore.compliance import (
    ANALYTES,
    AnalyteOutcome,
    AnalyteResult,
    DrugTest,
    DrugTestStatus,
    Interpretation,
    SpecimenType,
    SpecimenValidity,
    TestMethod,
    TestResult,
)
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError
from iopcore.fhir._common import (
    ReferenceKind,
    References,
    code_system,
    extension_url,
    identifier_system,
    key_of,
    meta,
    reference_to,
    resource_id,
)
from iopcore.fhir._obs_shared import UCUM, Reader
from iopcore.part2 import RecordClass

__all__ = ["drug_tests_from_fhir", "drug_tests_to_fhir"]

PANEL_SYSTEM = code_system("drug-test")
ANALYTE_SYSTEM = code_system("analyte")
METHOD_SYSTEM = code_system("test-method")
VALIDITY_SYSTEM = code_system("specimen-validity")
SPECIMEN_SYSTEM = code_system("specimen-type")
RESULT_SYSTEM = code_system("drug-test-result")
OUTCOME_SYSTEM = code_system("analyte-outcome")
OBSERVED = extension_url("observed-collection")
V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_LAB = {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}
_ABSENT_CODES = {DrugTestStatus.MISSED: "not-performed", DrugTestStatus.REFUSED: "asked-declined"}
_ABSENT_STATUS = {code: status for status, code in _ABSENT_CODES.items()}
_VALIDITY = (  # field, UCUM unit
    ("creatinine_mg_dl", "mg/dL"),
    ("specific_gravity", "1"),
    ("ph", "[pH]"),
    ("nitrite_mcg_ml", "ug/mL"),
    ("temperature_c", "Cel"),
)
_UNITS = dict(_VALIDITY)
_V3_RESULT = {
    TestResult.POSITIVE: "POS",
    TestResult.POSITIVE_DILUTE: "POS",
    TestResult.NEGATIVE: "NEG",
    TestResult.NEGATIVE_DILUTE: "NEG",
}
_V3_OUTCOME = {AnalyteOutcome.POSITIVE: "POS", AnalyteOutcome.NEGATIVE: "NEG"}
_NAMES = {a.code: a.name for a in ANALYTES.analytes}
_NG_ML = {"unit": "ng/mL", "system": UCUM, "code": "ng/mL"}
_CODE = {m: str(m.value) for e in (TestMethod, AnalyteOutcome, TestResult, SpecimenType) for m in e}
"""Enum members → their plain codes (a dict lookup: ``.value`` goes through a descriptor per call)."""
WHERE = "drug_tests_to_fhir"


def _concept(system: str, code: str, v3: str | None = None) -> dict[str, Any]:
    codings: list[dict[str, str]] = [{"system": system, "code": code}]
    if v3 is not None:
        codings.append({"system": V3_INTERPRETATION, "code": v3})
    return {"coding": codings}


class _Builder:
    """Builds the Observations of one call; parts that are the same for many resources (codes, labels,
    categories, a patient's subject, an outcome's interpretation) are made once per call and shared."""

    def __init__(self, refs: References, labels: dict[str, Any] | None) -> None:
        self.refs = refs
        self.labels = labels
        self.category = [{"coding": [dict(_LAB)]}]
        self.panel_code = {"coding": [{"system": PANEL_SYSTEM, "code": "panel", "display": "Drug test"}]}
        self.specimen_ref = {"reference": "#specimen"}
        self.id_system = identifier_system(refs.identifier_base, "drug-test")
        self.methods = {m: _concept(METHOD_SYSTEM, _CODE[m]) for m in TestMethod}
        self.outcomes = {o: [_concept(OUTCOME_SYSTEM, _CODE[o], _V3_OUTCOME.get(o))] for o in AnalyteOutcome}
        self.results = {r: [_concept(RESULT_SYSTEM, _CODE[r], _V3_RESULT.get(r))] for r in TestResult}
        self.specimens = {
            t: [{"resourceType": "Specimen", "id": "specimen", "type": _concept(SPECIMEN_SYSTEM, _CODE[t])}]
            for t in SpecimenType
        }
        self.observed = {b: [{"url": OBSERVED, "valueBoolean": b}] for b in (False, True)}
        self.absent = {s: _concept(_ABSENT, c) for s, c in _ABSENT_CODES.items()}
        self.validity = [(name, unit, _concept(VALIDITY_SYSTEM, name)) for name, unit in _VALIDITY]
        self.adulterant = {
            b: {"code": _concept(VALIDITY_SYSTEM, "adulterant_detected"), "valueBoolean": b} for b in (False, True)
        }
        self.analytes: dict[str, dict[str, Any]] = {}
        self.cutoffs: dict[float, list[dict[str, Any]]] = {}
        self.subjects: dict[str, dict[str, str]] = {}

    def subject(self, patient_id: str, path: str) -> dict[str, str]:
        found = self.subjects.get(patient_id)
        if found is None:
            found = self.subjects[patient_id] = reference_to(self.refs, ReferenceKind.PATIENT, patient_id, path)
        return found

    def components(self, validity: SpecimenValidity) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [
            {"code": code, "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}
            for name, unit, code in self.validity
            if (value := getattr(validity, name)) is not None
        ]
        out.append(self.adulterant[validity.adulterant_detected])
        return out

    def member(self, result: AnalyteResult, found: Any, rid: str, subject: dict[str, str], when: str) -> dict[str, Any]:
        member: dict[str, Any] = {"resourceType": "Observation", "id": rid}
        if self.labels is not None:
            member["meta"] = self.labels
        member["status"] = "final"
        member["category"] = self.category
        code = self.analytes.get(result.analyte)
        if code is None:
            code = self.analytes[result.analyte] = _analyte_code(result.analyte)
        member["code"] = code
        member["subject"] = subject
        member["effectiveDateTime"] = when
        member["valueQuantity"] = {"value": result.concentration_ng_ml, **_NG_ML}
        member["method"] = self.methods[result.method]
        if found is not None:
            member["interpretation"] = self.outcomes[found.outcome]
            cutoff = found.cutoff_ng_ml
            if cutoff is not None:
                ranges = self.cutoffs.get(cutoff)
                if ranges is None:
                    ranges = self.cutoffs[cutoff] = [
                        {"high": {"value": cutoff, **_NG_ML}, "text": "positive at or above the cut-off"}
                    ]
                member["referenceRange"] = ranges
        return member

    def test(self, test: DrugTest, reading: Interpretation | None, path: str) -> list[dict[str, Any]]:
        subject = self.subject(test.patient_id, path + ".patient_id")
        when = test.collected_at.isoformat()
        panel_id = resource_id("Observation", "drug-test", test.id, subject["reference"])
        panel: dict[str, Any] = {"resourceType": "Observation", "id": panel_id}
        if self.labels is not None:
            panel["meta"] = self.labels
        panel["contained"] = self.specimens[test.specimen]
        panel["extension"] = self.observed[test.observed]
        panel["identifier"] = [{"system": self.id_system, "value": test.id}]
        status = test.status
        collected = status is DrugTestStatus.COLLECTED
        panel["status"] = "final" if collected else "cancelled"
        panel["category"] = self.category
        panel["code"] = self.panel_code
        panel["subject"] = subject
        panel["effectiveDateTime"] = when
        if not collected:
            panel["dataAbsentReason"] = self.absent[status]
        if reading is not None:
            panel["interpretation"] = self.results[reading.result]
        panel["specimen"] = self.specimen_ref
        out = [panel]
        if test.results:
            outcomes = {} if reading is None else {(a.analyte, a.method): a for a in reading.analytes}
            members = []
            for i, result in enumerate(test.results):
                rid = f"{panel_id}-{i}"
                members.append({"reference": "Observation/" + rid})
                out.append(self.member(result, outcomes.get((result.analyte, result.method)), rid, subject, when))
            panel["hasMember"] = members
        panel["component"] = self.components(test.validity)
        return out


def _analyte_code(analyte: str) -> dict[str, Any]:
    code: dict[str, Any] = {"system": ANALYTE_SYSTEM, "code": analyte}
    name = _NAMES.get(analyte)
    if name is not None:
        code["display"] = name
    return {"coding": [code]}


@f.guard
def drug_tests_to_fhir(
    tests: Iterable[DrugTest],
    references: References,
    *,
    interpretations: Iterable[Interpretation] = (),
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> tuple[dict[str, Any], ...]:
    """The Observations of drug tests: per test, the test's Observation, then one per analyte result.

    *interpretations* (from :func:`~iopcore.compliance.interpret`, matched to tests by
    ``test_id``) add the overall result, each analyte's outcome and the cut-off it was compared
    with; a test without one is exported without interpretation. ``record_class`` sets the DS4P labels.

    The Observations of one call share the parts that are the same for many of them (``meta``,
    codes, ``category``, a patient's ``subject``, an outcome's ``interpretation``): they are ready
    for ``json.dumps``; deep-copy one (``copy.deepcopy``) before changing it in place.
    """
    items = tuple(tests)
    readings: dict[str, Interpretation] = {}
    for i, reading in enumerate(interpretations):
        if not isinstance(reading, Interpretation):
            raise _refuse(f"$.interpretations[{i}]", "expected an Interpretation", "type")
        readings[reading.test_id] = reading
    builder = _Builder(references, (meta(record_class) or None))
    out: list[dict[str, Any]] = []
    for i, test in enumerate(items):
        if not isinstance(test, DrugTest):
            raise _refuse(f"$.tests[{i}]", "expected a DrugTest", "type")
        out.extend(builder.test(test, readings.pop(test.id, None), f"$.tests[{i}]"))
    if readings:
        raise _refuse("$.interpretations", "expected interpretations of the tests given only", "unknown_test")
    return tuple(out)


def _refuse(path: str, message: str, rule: str) -> InvalidArgumentError:
    return InvalidArgumentError((ErrorItem(path=path, message=message, rule=rule),), callable=WHERE)


# ----------------------------------------------------------------------------- import


def _code_in(read: Reader, node: Mapping[str, Any], key: str, path: str, system: str) -> str:
    concept = read.node(node, key, path)
    found = read.coding(concept, f"{path}.{key}", system)
    if found is None:
        raise read.fail(f"{path}.{key}.coding", f"expected a coding of {system}", "unknown_code")
    return found[0]


def _specimen(read: Reader, panel: Mapping[str, Any], path: str) -> SpecimenType:
    target = read.reference_of(panel, "specimen", path)
    contained = read.items(panel, "contained", path)
    for j, node in enumerate(contained):
        if isinstance(node, Mapping) and node.get("resourceType") == "Specimen" and f"#{node.get('id')}" == target:
            code = _code_in(read, node, "type", f"{path}.contained[{j}]", SPECIMEN_SYSTEM)
            if code not in SpecimenType.__members__.values():
                raise read.fail(f"{path}.contained[{j}].type", "expected urine or oral_fluid", "unknown_code")
            return SpecimenType(code)
    raise read.fail(f"{path}.specimen.reference", "expected a reference to a contained Specimen", "missing")


def _validity(read: Reader, panel: Mapping[str, Any], path: str) -> SpecimenValidity:
    values: dict[str, Any] = {}
    for j, comp in enumerate(read.items(panel, "component", path, required=False)):
        here = f"{path}.component[{j}]"
        if not isinstance(comp, Mapping):
            raise read.fail(here, "expected a component object", "type")
        name = _code_in(read, comp, "code", here, VALIDITY_SYSTEM)
        if name in values:
            raise read.fail(here + ".code", "a validity measurement given twice", "duplicate")
        if name == "adulterant_detected":
            if type(comp.get("valueBoolean")) is not bool:
                raise read.fail(here + ".valueBoolean", "expected true or false", "type")
            values[name] = comp["valueBoolean"]
        elif name in _UNITS:
            quantity = read.node(comp, "valueQuantity", here)
            if quantity.get("code", _UNITS[name]) != _UNITS[name]:
                raise read.fail(here + ".valueQuantity.code", f"expected the UCUM unit {_UNITS[name]}", "unit")
            values[name] = read.number(quantity, "value", here + ".valueQuantity")
        else:
            raise read.fail(here + ".code", "expected a specimen-validity measurement", "unknown_code")
    try:
        return SpecimenValidity(**values)
    except InvalidDataError as exc:
        raise InvalidArgumentError(
            [ErrorItem(path=path + ".component", message=e.message, rule=e.rule) for e in exc.errors],
            callable="drug_tests_from_fhir",
        ) from None


def _result(read: Reader, member: Mapping[str, Any], path: str) -> AnalyteResult:
    analyte = _code_in(read, member, "code", path, ANALYTE_SYSTEM)
    method = _code_in(read, member, "method", path, METHOD_SYSTEM)
    if method not in TestMethod.__members__.values():
        raise read.fail(path + ".method", "expected screen or confirmation", "unknown_code")
    quantity = read.node(member, "valueQuantity", path)
    if quantity.get("code") != "ng/mL":
        raise read.fail(path + ".valueQuantity.code", "expected the UCUM unit ng/mL", "unit")
    value = read.number(quantity, "value", path + ".valueQuantity")
    if value < 0 or not f.is_identifier(analyte):
        raise read.fail(path, "expected a snake_case analyte code and a concentration >= 0", "range")
    return AnalyteResult(analyte=analyte, concentration_ng_ml=value, method=TestMethod(method))


def _is_panel(obs: Mapping[str, Any]) -> bool:
    code = obs.get("code")
    codings = code.get("coding") if isinstance(code, Mapping) else None
    return isinstance(codings, list) and any(
        isinstance(c, Mapping) and c.get("system") == PANEL_SYSTEM and c.get("code") == "panel" for c in codings
    )


@f.guard
def drug_tests_from_fhir(observations: Sequence[Mapping[str, Any]], references: References) -> tuple[DrugTest, ...]:
    """The drug tests of Observations written by :func:`drug_tests_to_fhir` (any order), in the tests' order.

    Each test Observation and the analyte Observations its ``hasMember`` lists make one
    :class:`~iopcore.compliance.DrugTest`; the patient is the key whose reference (in
    *references*) the subject holds. An Observation no test lists, a member missing, or a test
    Observation's analyte with another subject is refused with the path of the element
    (``$.observations[3].valueQuantity.code``).
    """
    read = Reader("drug_tests_from_fhir", "$.observations")
    by_id: dict[str, int] = {}
    for i, obs in enumerate(observations):
        read.resource(obs, "Observation", f"[{i}]")  # each one checked as R4 all the way down, once
        rid = obs.get("id")
        if isinstance(rid, str):
            by_id[f"Observation/{rid}"] = i
    used: set[int] = set()
    tests: list[DrugTest] = []
    system = identifier_system(references.identifier_base, "drug-test")
    for i, obs in enumerate(observations):
        if not _is_panel(obs):
            continue
        used.add(i)
        path = f"[{i}]"
        if obs.get("status") not in ("final", "amended", "corrected", "cancelled"):
            raise read.fail(path + ".status", "expected final, amended, corrected or cancelled", "status")
        subject = read.reference_of(obs, "subject", path)
        patient = key_of(references, ReferenceKind.PATIENT, subject, f"$.observations{path}.subject.reference")
        ident = None
        for j, node in enumerate(read.items(obs, "identifier", path)):
            if isinstance(node, Mapping) and node.get("system") == system:
                ident = read.text(node, "value", f"{path}.identifier[{j}]")
        if ident is None:
            raise read.fail(path + ".identifier", "expected the drug-test identifier", "missing")
        status = DrugTestStatus.COLLECTED
        if obs.get("status") == "cancelled":
            code = _code_in(read, obs, "dataAbsentReason", path, _ABSENT)
            if code not in _ABSENT_STATUS:
                raise read.fail(path + ".dataAbsentReason", "expected not-performed or asked-declined", "unknown_code")
            status = _ABSENT_STATUS[code]
        observed = False
        for j, ext in enumerate(read.items(obs, "extension", path, required=False)):
            if isinstance(ext, Mapping) and ext.get("url") == OBSERVED:
                if type(ext.get("valueBoolean")) is not bool:
                    raise read.fail(f"{path}.extension[{j}].valueBoolean", "expected true or false", "type")
                observed = ext["valueBoolean"]
        results = []
        for j, member in enumerate(read.items(obs, "hasMember", path, required=False)):
            here = f"{path}.hasMember[{j}]"
            target = read.text(member, "reference", here) if isinstance(member, Mapping) else None
            k = by_id.get(target or "")
            if k is None:
                raise read.fail(here + ".reference", "expected a member Observation among the observations", "missing")
            if read.reference_of(observations[k], "subject", f"[{k}]") != subject:
                raise read.fail(f"[{k}].subject", "expected the test's subject", "mismatch")
            used.add(k)
            results.append(_result(read, observations[k], f"[{k}]"))
        collected_at = read.instant(obs, "effectiveDateTime", path)
        specimen, validity = _specimen(read, obs, path), _validity(read, obs, path)
        try:
            tests.append(
                DrugTest(
                    id=ident,
                    patient_id=patient,
                    collected_at=collected_at,
                    status=status,
                    observed=observed,
                    specimen=specimen,
                    validity=validity,
                    results=tuple(results),
                )
            )
        except InvalidDataError as exc:  # the record's own rules (reader errors are raised above)
            raise InvalidArgumentError(
                [ErrorItem(path=f"$.observations{path}", message=e.message, rule=e.rule) for e in exc.errors],
                callable="drug_tests_from_fhir",
            ) from None
    for i in range(len(observations)):
        if i not in used:
            raise read.fail(f"[{i}]", "expected a drug-test Observation or a member one of them lists", "unlisted")
    return tuple(tests)
