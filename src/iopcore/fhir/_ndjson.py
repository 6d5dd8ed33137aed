"""Score and drug-test Observations as NDJSON text (FHIR Bulk Data's ``application/fhir+ndjson``).

A bulk export (a program's scores and drug tests for a payer or an EHR's bulk import) is sent as
text, one resource per line. Building every resource as a ``dict`` and then ``json.dumps``-ing it
costs twice: once to build hundreds of thousands of objects (which Python's cycle collector then
walks again and again) and once to encode them. These writers produce the text directly: what is
the same for many resources (labels, codes, categories, interpretations, a patient's ``subject``,
a validity measurement's ``component``) is encoded once per call and joined with what differs.

Each line is exactly ``json.dumps(resource, ensure_ascii=False, separators=(",", ":"))`` of the
resource :func:`~iopcore.fhir.scores_to_fhir` / :func:`~iopcore.fhir.drug_tests_to_fhir` give for
the same arguments (same keys in the same order, same ids, same numbers), so either path may be
used and ``json.loads`` of a line equals the dict. The checks are the dict writers' too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring as _quote
from typing import Any, cast

from iopcore import _fields as f
from iopcore.assessment import DatedScore
from iopcore.compliance import AnalyteInterpretation, DrugTest, DrugTestStatus, Interpretation
from iopcore.fhir import _drugtests as dt
from iopcore.fhir import _scores as sc
from iopcore.fhir._common import ReferenceKind, References, identifier_system, meta, reference_to, resource_ids
from iopcore.fhir._drugtests import (
    _ABOVE,
    _ABSENT_REASONS,
    _ADULTERANT,
    _ANALYTE_CODES,
    _LAB,
    _METHODS,
    _OBSERVED,
    _OUTCOMES,
    _PANEL_CODE,
    _RESULTS,
    _SPECIMEN_REF,
    _SPECIMENS,
    _VALIDITY_CODES,
    ANALYTE_SYSTEM,
)
from iopcore.fhir._obs_shared import UCUM
from iopcore.fhir._obs_shared import practitioner as practitioner_ref
from iopcore.part2 import RecordClass

__all__ = ["drug_tests_to_ndjson", "scores_to_ndjson"]


def _text(value: Any) -> str:
    """*value* as the compact JSON the lines are made of (non-ASCII kept: NDJSON is UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Texts:
    """The JSON text of shared read-only parts, encoded once per call (keyed by the part itself)."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[Any, str]] = {}

    def __call__(self, part: Any) -> str:
        found = self._done.get(id(part))
        if found is None:  # the part is kept with its text, so its id cannot be reused within the call
            found = self._done[id(part)] = (part, _text(part))
        return found[1]


# ----------------------------------------------------------------------------- scores


@f.guard
def scores_to_ndjson(
    scores: Iterable[DatedScore],
    references: References,
    *,
    performer_id: str | None = None,
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
    derived_from: Sequence[str | None] = (),
) -> tuple[str, ...]:
    """The Observations of :func:`~iopcore.fhir.scores_to_fhir` (same arguments, same checks) as NDJSON lines:
    one compact JSON text per resource, each ending in a newline (``file.writelines(lines)`` writes the
    NDJSON document, ``"".join(lines)`` is it)."""
    items = cast(tuple[DatedScore, ...], scores)
    sc._check_derived(items, derived_from)
    performer = practitioner_ref(references, performer_id, "$.performer_id")
    texts = _Texts()
    labels = _text(meta(record_class, profile=sc.SCREENING_ASSESSMENT_PROFILE))
    head = f'{{"resourceType":"Observation","meta":{labels},"status":"final","category":{texts(sc._CATEGORY)},"code":'
    codes = {inst: texts(code) for inst, code in sc._CODES.items()}
    performed = "" if performer is None else f',"performer":{_text([performer])}'
    subjects: dict[str, str] = {}
    days: dict[Any, str] = {}
    concepts: dict[tuple[str, str], str] = {}
    lines: list[str] = []
    add = lines.append
    for i, score in enumerate(items):
        inst = score.instrument
        whole = sc._whole(i, score)
        subject = subjects.get(score.patient_id)
        if subject is None:
            path = f"$.scores[{i}].patient_id"
            subject = subjects[score.patient_id] = _text(
                reference_to(references, ReferenceKind.PATIENT, score.patient_id, path)
            )
        day = days.get(score.on)
        if day is None:
            day = days[score.on] = score.on.isoformat()
        total = score.total
        if whole:
            value = f',"valueInteger":{int(total)}'
        else:
            value = f',"valueQuantity":{{"value":{total!r},"unit":"{{score}}","system":"{UCUM}","code":"{{score}}"}}'
        band = score.band
        concept = ""
        if band is not None:
            concept = concepts.get((inst, band), "")
            if not concept:
                concept = concepts[inst, band] = f',"interpretation":{texts(sc._interpretation(inst, band))}'
        source = derived_from[i] if derived_from else None
        derived = "" if source is None else f',"derivedFrom":[{{"reference":{_quote(source)}}}]'
        add(
            f'{head}{codes[inst]},"subject":{subject},"effectiveDateTime":"{day}"{performed}{value}{concept}{derived}}}\n'
        )
    return tuple(lines)


# ----------------------------------------------------------------------------- drug tests


def _measurement(cache: dict[float, str], value: float, unit: str, code: str) -> str:
    """A specimen-validity measurement's ``component`` text, kept in *cache* for the tests with the same value."""
    text = cache[value] = (
        f'{{"code":{code},"valueQuantity":{{"value":{value!r},"unit":"{unit}","system":"{UCUM}","code":"{unit}"}}}}'
    )
    return text


@f.guard
def drug_tests_to_ndjson(
    tests: Iterable[DrugTest],
    references: References,
    *,
    interpretations: Iterable[Interpretation] = (),
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> tuple[str, ...]:
    """The Observations of :func:`~iopcore.fhir.drug_tests_to_fhir` (same arguments, same checks) as NDJSON
    lines (as :func:`scores_to_ndjson`): per test, the test's line, then one per analyte result."""
    readings = {reading.test_id: reading for reading in interpretations}
    lines = _test_lines(cast(tuple[DrugTest, ...], tests), readings, references, meta(record_class))
    if readings:
        raise dt._refuse("$.interpretations", "expected interpretations of the tests given only", "unknown_test")
    return tuple(lines)


def _test_lines(
    tests: tuple[DrugTest, ...], readings: dict[str, Interpretation], refs: References, labels: dict[str, Any]
) -> list[str]:
    """The lines of *tests*, in :func:`~iopcore.fhir._drugtests._exported`'s order, keys and values."""
    texts = _Texts()
    meta_t = f',"meta":{_text(labels)}' if labels else ""
    lab, collected = texts(_LAB), DrugTestStatus.COLLECTED
    ids = resource_ids("Observation", "drug-test")
    id_system = _quote(identifier_system(refs.identifier_base, "drug-test"))
    member_mid = f'"{meta_t},"status":"final","category":{lab},"code":'
    panel_mid = f',"category":{lab},"code":{texts(_PANEL_CODE)},"subject":'
    specimen_t = f',"specimen":{texts(_SPECIMEN_REF)}'
    quantity_tail = f',"unit":"ng/mL","system":"{UCUM}","code":"ng/mL"}},"method":'
    methods = {m: texts(code) for m, code in _METHODS.items()}
    outcomes = {o: f',"interpretation":{texts(code)}' for o, code in _OUTCOMES.items()}
    results = {r: f',"interpretation":{texts(code)}' for r, code in _RESULTS.items()}
    specimens = {s: f',"contained":{texts(c)}' for s, c in _SPECIMENS.items()}
    observed = {b: f',"extension":{texts(e)}' for b, e in _OBSERVED.items()}
    absent = {s: f',"dataAbsentReason":{texts(r)}' for s, r in _ABSENT_REASONS.items()}
    adulterant = {b: texts(c) for b, c in _ADULTERANT.items()}
    analyte_codes: dict[str, str] = {code: texts(c) for code, c in _ANALYTE_CODES.items()}
    units = tuple(unit for unit, _ in _VALIDITY_CODES)
    vcodes = tuple(texts(code) for _, code in _VALIDITY_CODES)
    above = _quote(_ABOVE)
    ranges: dict[float, str] = {}
    subjects: dict[str, tuple[str, str]] = {}  # patient → (the subject's text, its reference)
    whens: dict[tuple[Any, ...], str] = {}  # by _drugtests.instant_key
    measurements: tuple[dict[float, str], ...] = tuple({} for _ in units)
    measured = dt._measured
    lines: list[str] = []
    add = lines.append
    for i, test in enumerate(tests):
        known = subjects.get(test.patient_id)
        if known is None:
            path = f"$.tests[{i}].patient_id"
            found_ref = reference_to(refs, ReferenceKind.PATIENT, test.patient_id, path)
            known = subjects[test.patient_id] = (_text(found_ref), found_ref["reference"])
        subject, ref = known
        at = test.collected_at
        key = dt.instant_key(at)
        when = whens.get(key)
        if when is None:
            when = whens[key] = f',"effectiveDateTime":"{at.isoformat()}"'
        panel_id = ids(test.id, ref)
        status = test.status
        reading = readings.pop(test.id, None)
        read: tuple[AnalyteInterpretation, ...] = () if reading is None else reading.analytes
        members: list[str] = []
        analytes: list[str] = []
        for n, result in enumerate(test.results):
            rid = f"{panel_id}-{n}"
            members.append(f'{{"reference":"Observation/{rid}"}}')
            analyte, method = result.analyte, result.method
            code = analyte_codes.get(analyte)
            if code is None:
                code = analyte_codes[analyte] = _text({"coding": [{"system": ANALYTE_SYSTEM, "code": analyte}]})
            found = None
            for candidate in read:
                if candidate.analyte == analyte and candidate.method is method:
                    found = candidate
                    break
            tail = ""
            if found is not None:
                tail = outcomes[found.outcome]
                cutoff = found.cutoff_ng_ml
                if cutoff is not None:
                    within = ranges.get(cutoff)
                    if within is None:
                        high = f'{{"value":{cutoff!r},"unit":"ng/mL","system":"{UCUM}","code":"ng/mL"}}'
                        within = ranges[cutoff] = f',"referenceRange":[{{"high":{high},"text":{above}}}]'
                    tail += within
            analytes.append(
                f'{{"resourceType":"Observation","id":"{rid}{member_mid}{code},"subject":{subject}{when}'
                f',"valueQuantity":{{"value":{result.concentration_ng_ml!r}{quantity_tail}{methods[method]}{tail}}}\n'
            )
        validity = test.validity
        components = [
            cache.get(value) or _measurement(cache, value, unit, vcode)
            for value, cache, unit, vcode in zip(measured(validity), measurements, units, vcodes, strict=True)
            if value is not None
        ]
        components.append(adulterant[validity.adulterant_detected])
        has_member = f',"hasMember":[{",".join(members)}]' if members else ""
        add(
            f'{{"resourceType":"Observation","id":"{panel_id}"{meta_t}{specimens[test.specimen]}'
            f'{observed[test.observed]},"identifier":[{{"system":{id_system},"value":{_quote(test.id)}}}]'
            f',"status":"{"final" if status is collected else "cancelled"}"{panel_mid}{subject}{when}'
            f"{'' if status is collected else absent[status]}{'' if reading is None else results[reading.result]}"
            f'{specimen_t}{has_member},"component":[{",".join(components)}]}}\n'
        )
        lines.extend(analytes)
    return lines
