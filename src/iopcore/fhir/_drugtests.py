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

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, cast

from iopcore import _fields as f
from iopcore.compliance import (
    ANALYTES,
    AnalyteInterpretation,
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
    resource_ids,
)
from iopcore.fhir._obs_shared import UCUM, Reader
from iopcore.fhir._readonly import frozen
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
_CODE = {m: str(m.value) for e in (TestMethod, AnalyteOutcome, TestResult, SpecimenType) for m in e}
"""Enum members → their plain codes (a dict lookup: ``.value`` goes through a descriptor per call)."""
WHERE = "drug_tests_to_fhir"


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": code}
    if display is not None:
        out["display"] = display
    return out


def _with_v3(system: str, code: str, v3: str | None) -> tuple[dict[str, str], ...]:
    """The codings of an interpretation: iopcore's, and v3's beside it only where the meaning is the same."""
    own = _coding(system, code)
    return (own,) if v3 is None else (own, _coding(V3_INTERPRETATION, v3))


# The parts that are the same for many resources, built once and shared read-only (see
# iopcore.fhir._readonly): codes, categories, interpretations, the contained Specimen, the labels.
_LAB = frozen([{"coding": [_coding("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory")]}])
_PANEL_CODE = frozen({"coding": [_coding(PANEL_SYSTEM, "panel", "Drug test")]})
_METHODS = {m: frozen({"coding": [_coding(METHOD_SYSTEM, _CODE[m])]}) for m in TestMethod}
_OUTCOMES = {o: frozen([{"coding": _with_v3(OUTCOME_SYSTEM, _CODE[o], _V3_OUTCOME.get(o))}]) for o in AnalyteOutcome}
_RESULTS = {r: frozen([{"coding": _with_v3(RESULT_SYSTEM, _CODE[r], _V3_RESULT.get(r))}]) for r in TestResult}
_SPECIMENS = {
    t: frozen(
        [{"resourceType": "Specimen", "id": "specimen", "type": {"coding": [_coding(SPECIMEN_SYSTEM, _CODE[t])]}}]
    )
    for t in SpecimenType
}
_SPECIMEN_REF = frozen({"reference": "#specimen"})
_OBSERVED = {b: frozen([{"url": OBSERVED, "valueBoolean": b}]) for b in (False, True)}
_ABSENT_REASONS = {s: frozen({"coding": [_coding(_ABSENT, c)]}) for s, c in _ABSENT_CODES.items()}
_ANALYTE_CODES = {a.code: frozen({"coding": [_coding(ANALYTE_SYSTEM, a.code, a.name)]}) for a in ANALYTES.analytes}
_VALIDITY_CODES = tuple((unit, frozen({"coding": [_coding(VALIDITY_SYSTEM, name)]})) for name, unit in _VALIDITY)
_ADULTERANT = {
    b: frozen({"code": {"coding": [_coding(VALIDITY_SYSTEM, "adulterant_detected")]}, "valueBoolean": b})
    for b in (False, True)
}
_measured = operator.attrgetter(*(name for name, _ in _VALIDITY))
_ABOVE = "positive at or above the cut-off"


def _component(value: float, unit: str, code: Any) -> Any:
    """A specimen-validity measurement as a read-only ``component`` (the writers keep one per value: labs
    report a few digits)."""
    return frozen({"code": code, "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}})


def _reference_range(cutoff: float) -> Any:
    """An analyte's ``referenceRange``: positive at or above the *cutoff* (ng/mL), read-only."""
    high = {"value": cutoff, "unit": "ng/mL", "system": UCUM, "code": "ng/mL"}
    return frozen([{"high": high, "text": _ABOVE}])


def unknown_interpretations() -> InvalidArgumentError:
    """The refusal of interpretations whose test is not among the tests exported."""
    return _refuse("$.interpretations", "expected interpretations of the tests given only", "unknown_test")


def collection_texts() -> Callable[[datetime], str]:
    """``at.isoformat()`` for many collection instants, from parts kept for the instants that share them.

    Formatting an aware datetime is the costliest step of writing a drug test's Observation (more
    than a microsecond), and a program's tests are collected at thousands of distinct minutes, so
    caching whole texts saves little. The text is the calendar day's, the time of day's and the UTC
    offset's joined; each of those three repeats across thousands of tests and is formatted once
    (by the standard library, so the text is ``isoformat``'s to the character).
    """
    days: dict[date, str] = {}
    clocks: dict[time, str] = {}
    offsets: dict[timedelta | None, str] = {}

    def text(at: datetime) -> str:
        day = at.date()
        on = days.get(day)
        if on is None:
            on = days[day] = day.isoformat() + "T"
        clock = at.time()  # the wall time; the fold is in the offset (a DST end's two 1:30s differ there)
        hour = clocks.get(clock)
        if hour is None:
            hour = clocks[clock] = clock.isoformat()
        offset = at.utcoffset()
        zone = offsets.get(offset)
        if zone is None:
            zone = offsets[offset] = _offset_text(offset)
        return on + hour + zone

    return text


def _offset_text(offset: timedelta | None) -> str:
    """The UTC offset as ``datetime.isoformat`` writes it ("" for none, "+HH:MM" and finer when needed)."""
    if offset is None:
        return ""
    return datetime(2000, 1, 1, tzinfo=timezone(offset)).isoformat()[len("2000-01-01T00:00:00") :]


def _exported(
    tests: tuple[DrugTest, ...], readings: dict[str, Interpretation], refs: References, labels: Any
) -> list[dict[str, Any]]:
    """The Observations of *tests* (each test's, then its analytes').

    Written for speed (an export may hold hundreds of thousands of resources): what is the same
    for many resources (labels, codes, categories, interpretations, a patient's ``subject``, a
    validity measurement's ``component``) is shared read-only; what differs (the resource itself,
    its ``identifier``, ``valueQuantity``, ``hasMember`` and list of components) is made for each;
    lookups are bound to locals.
    """
    ucum, lab, panel_code, methods, outcomes = UCUM, _LAB, _PANEL_CODE, _METHODS, _OUTCOMES
    collected, measured, adulterant = DrugTestStatus.COLLECTED, _measured, _ADULTERANT
    units = tuple(unit for unit, _ in _VALIDITY_CODES)
    codes = tuple(code for _, code in _VALIDITY_CODES)
    analyte_codes = dict(_ANALYTE_CODES)
    ranges: dict[float, Any] = {}
    ids = resource_ids("Observation", "drug-test")
    id_system = identifier_system(refs.identifier_base, "drug-test")
    subjects: dict[str, Any] = {}
    measurements: tuple[dict[float, Any], ...] = tuple({} for _ in units)  # a component per measured value
    when_text = collection_texts()
    out: list[dict[str, Any]] = []
    add, add_all = out.append, out.extend
    for i, test in enumerate(tests):
        subject = subjects.get(test.patient_id)
        if subject is None:
            path = f"$.tests[{i}].patient_id"
            found_ref = reference_to(refs, ReferenceKind.PATIENT, test.patient_id, path)
            subject = subjects[test.patient_id] = frozen(found_ref)
        ref = subject["reference"]
        when = when_text(test.collected_at)
        panel_id = ids(test.id, ref)
        status = test.status
        reading = readings.pop(test.id, None)
        read: tuple[AnalyteInterpretation, ...] = () if reading is None else reading.analytes
        members: list[dict[str, str]] | None = None
        analytes: list[dict[str, Any]] = []
        if test.results:
            members = []
            for n, result in enumerate(test.results):
                rid = f"{panel_id}-{n}"
                members.append({"reference": "Observation/" + rid})
                analyte, method = result.analyte, result.method
                code = analyte_codes.get(analyte)
                if code is None:
                    code = analyte_codes[analyte] = frozen({"coding": [_coding(ANALYTE_SYSTEM, analyte)]})
                found = None
                for candidate in read:  # the reading of this analyte and method (a few per test)
                    if candidate.analyte == analyte and candidate.method is method:
                        found = candidate
                        break
                within = None
                if found is not None:
                    cutoff = found.cutoff_ng_ml
                    if cutoff is not None:
                        within = ranges.get(cutoff)
                        if within is None:
                            within = ranges[cutoff] = _reference_range(cutoff)
                member: dict[str, Any] = {  # every key at once: the dict is sized once, absent ones deleted
                    "resourceType": "Observation",
                    "id": rid,
                    "meta": labels,
                    "status": "final",
                    "category": lab,
                    "code": code,
                    "subject": subject,
                    "effectiveDateTime": when,
                    "valueQuantity": {
                        "value": result.concentration_ng_ml,
                        "unit": "ng/mL",
                        "system": ucum,
                        "code": "ng/mL",
                    },
                    "method": methods[method],
                    "interpretation": None if found is None else outcomes[found.outcome],
                    "referenceRange": within,
                }
                if labels is None:
                    del member["meta"]
                if within is None:
                    del member["referenceRange"]
                    if found is None:
                        del member["interpretation"]
                analytes.append(member)
        validity = test.validity
        components = [
            cache.get(value) or cache.setdefault(value, _component(value, unit, code))
            for value, cache, unit, code in zip(measured(validity), measurements, units, codes, strict=True)
            if value is not None
        ]
        components.append(adulterant[validity.adulterant_detected])
        panel: dict[str, Any] = {
            "resourceType": "Observation",
            "id": panel_id,
            "meta": labels,
            "contained": _SPECIMENS[test.specimen],
            "extension": _OBSERVED[test.observed],
            "identifier": [{"system": id_system, "value": test.id}],
            "status": "final" if status is collected else "cancelled",
            "category": lab,
            "code": panel_code,
            "subject": subject,
            "effectiveDateTime": when,
            "dataAbsentReason": None if status is collected else _ABSENT_REASONS[status],
            "interpretation": None if reading is None else _RESULTS[reading.result],
            "specimen": _SPECIMEN_REF,
            "hasMember": members,
            "component": components,
        }
        if labels is None:
            del panel["meta"]
        if status is collected:
            del panel["dataAbsentReason"]
        if reading is None:
            del panel["interpretation"]
        if members is None:
            del panel["hasMember"]
        add(panel)
        add_all(analytes)
    return out


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

    Parts that are the same for many Observations (``meta``, codes, categories, interpretations,
    the contained Specimen, a patient's ``subject``, a validity measurement's component) are shared read-only (:class:`~iopcore.errors.ReadOnlyElementError` on
    change); the rest of each is its own. ``copy.deepcopy`` gives a resource all of its own.
    """
    readings = {reading.test_id: reading for reading in interpretations}  # the guard made both tuples, checked
    out = _exported(cast(tuple[DrugTest, ...], tests), readings, references, frozen(meta(record_class)) or None)
    if readings:
        raise unknown_interpretations()
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
