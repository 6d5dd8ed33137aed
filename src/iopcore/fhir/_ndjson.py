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
used and ``json.loads`` of a line equals the dict. The checks are the dict writers' too, all made
by the call: the lines are then made as they are read (a program's export is hundreds of megabytes
of text, which an application writes out rather than holds), and reading them never fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring as _quote
from typing import Any, cast

from iopcore import _fields as f
from iopcore.assessment import DatedScore
from iopcore.compliance import AnalyteInterpretation, DrugTest, DrugTestStatus, Interpretation
from iopcore.fhir import _drugtests as dt
from iopcore.fhir import _scores as sc
from iopcore.fhir._common import ReferenceKind, References, identifier_system, meta, reference_to, resource_ids
from iopcore.fhir._drugtests import (
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


_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""*value* as the compact JSON the lines are made of (non-ASCII kept: NDJSON is UTF-8); what
``json.dumps(value, ensure_ascii=False, separators=(",", ":"))`` gives, without making an encoder per call."""


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
) -> Iterator[str]:
    """The Observations of :func:`~iopcore.fhir.scores_to_fhir` (same arguments, same checks) as NDJSON lines:
    one compact JSON text per resource, each ending in a newline, made as they are read.

    ``file.writelines(lines)`` writes the NDJSON document without holding it (an export of a whole
    program is hundreds of megabytes), ``"".join(lines)`` is it, ``tuple(lines)`` keeps the lines.
    Every argument is checked on the call, before the first line, so reading the lines never raises.
    """
    items = cast(tuple[DatedScore, ...], scores)
    sc._check_derived(items, derived_from)
    performer = practitioner_ref(references, performer_id, "$.performer_id")
    texts = _Texts()
    subjects: dict[str, str] = {}
    tails: dict[tuple[Any, ...], str] = {}  # (instrument, whole total, band) → value and interpretation
    for i, score in enumerate(items):  # the checks, in the order of the scores: its patient, then its total
        if score.patient_id not in subjects:
            path = f"$.scores[{i}].patient_id"
            subjects[score.patient_id] = _text(reference_to(references, ReferenceKind.PATIENT, score.patient_id, path))
        total = score.total
        if total.__class__ is not int:  # checked here; its text is made again with its line (floats are few)
            _score_tail(i, score, texts)
        elif (score.instrument, total, score.band) not in tails:
            tails[score.instrument, total, score.band] = _score_tail(i, score, texts)
    labels = _text(meta(record_class, profile=sc.SCREENING_ASSESSMENT_PROFILE))
    head = f'{{"resourceType":"Observation","meta":{labels},"status":"final","category":{texts(sc._CATEGORY)},"code":'
    performed = "" if performer is None else f',"performer":{_text([performer])}'
    return _score_lines(items, head, performed, derived_from, subjects, tails, texts)


def _score_lines(
    items: tuple[DatedScore, ...],
    head: str,
    performed: str,
    derived_from: Sequence[str | None],
    subjects: dict[str, str],
    tails: dict[tuple[Any, ...], str],
    texts: _Texts,
) -> Iterator[str]:
    """The lines of the checked *items* (every patient's ``subject`` and every whole total's tail made)."""
    codes = {inst: texts(code) for inst, code in sc._CODES.items()}
    days: dict[Any, str] = {}
    for i, score in enumerate(items):
        day = days.get(score.on)
        if day is None:
            day = days[score.on] = score.on.isoformat()
        total = score.total
        # a whole total's tail was made by the checks; a float's is made again (the checks kept none)
        tail = tails[score.instrument, total, score.band] if total.__class__ is int else _score_tail(i, score, texts)
        source = derived_from[i] if derived_from else None
        derived = "" if source is None else f',"derivedFrom":[{{"reference":{_quote(source)}}}]'
        yield (
            f'{head}{codes[score.instrument]},"subject":{subjects[score.patient_id]},"effectiveDateTime":"{day}"'
            f"{performed}{tail}{derived}}}\n"
        )


def _score_tail(i: int, score: DatedScore, texts: _Texts) -> str:
    """A score line's value and interpretation, after the total's check (the *i*-th score)."""
    inst, total, band = score.instrument, score.total, score.band
    if sc._whole(i, score):
        value = f',"valueInteger":{int(total)}'
    else:
        value = f',"valueQuantity":{{"value":{total!r},"unit":"{{score}}","system":"{UCUM}","code":"{{score}}"}}'
    if band is None:
        return value
    concept = sc._INTERPRETATIONS.get((inst, band)) or sc._interpretation(inst, band)  # as scores_to_fhir
    return f'{value},"interpretation":{texts(concept)}'


# ----------------------------------------------------------------------------- drug tests


def _measurements(
    caches: tuple[dict[float | None, str], ...], values: tuple[float | None, ...], codes: tuple[tuple[str, Any], ...]
) -> None:
    """Keep in *caches* the ``component`` text (with its comma) of each of a test's validity *values* not seen before.

    Each measurement has its own cache (by value; labs report a few digits, so values repeat), in
    which ``None`` (not measured) is the empty text; a text is the dict writer's component encoded.
    """
    for value, cache, (unit, code) in zip(values, caches, codes, strict=True):
        if value not in cache:
            cache[value] = _text(dt._component(cast(float, value), unit, code)) + ","


_START = '{"resourceType":"Observation","id":"'
_QUANTITY_TAIL = f',"unit":"ng/mL","system":"{UCUM}","code":"ng/mL"}},"method":'


@f.guard
def drug_tests_to_ndjson(
    tests: Iterable[DrugTest],
    references: References,
    *,
    interpretations: Iterable[Interpretation] = (),
    record_class: RecordClass = RecordClass.SUD_TREATMENT_RECORD,
) -> Iterator[str]:
    """The Observations of :func:`~iopcore.fhir.drug_tests_to_fhir` (same arguments, same checks) as NDJSON
    lines made as they are read (as :func:`scores_to_ndjson`): per test, the test's line, then one per
    analyte result. Every argument is checked on the call, before the first line."""
    items = cast(tuple[DrugTest, ...], tests)
    readings = {reading.test_id: reading for reading in interpretations}
    subjects: dict[str, tuple[str, str]] = {}  # patient → (",subject": its text, its reference)
    for i, test in enumerate(items):
        if test.patient_id not in subjects:
            path = f"$.tests[{i}].patient_id"
            found = reference_to(references, ReferenceKind.PATIENT, test.patient_id, path)
            subjects[test.patient_id] = (f',"subject":{_text(found)}', found["reference"])
    if readings.keys() - {test.id for test in items}:
        raise dt.unknown_interpretations()
    return _test_lines(items, readings, subjects, references, meta(record_class))


def _test_lines(
    tests: tuple[DrugTest, ...],
    readings: dict[str, Interpretation],
    subjects: dict[str, tuple[str, str]],
    refs: References,
    labels: dict[str, Any],
) -> Iterator[str]:
    """The lines of the checked *tests* (every patient's ``subject`` made), in
    :func:`~iopcore.fhir._drugtests._exported`'s order, keys and values.

    Each line is a few texts joined: what one resource alone has (its id, the test's identifier,
    the concentration, the validity components) between texts that are the same for many and are
    made once here or on first use (an analyte's code after the labels, a patient's ``subject``
    with the collection time, a method's and an interpretation's tail).
    """
    texts = _Texts()
    meta_t = f',"meta":{_text(labels)}' if labels else ""
    lab, collected = texts(_LAB), DrugTestStatus.COLLECTED
    ids = resource_ids("Observation", "drug-test")
    id_system = _quote(identifier_system(refs.identifier_base, "drug-test"))
    # A test's line: _START, its id, its front (labels to identifier system), its own identifier, the
    # status's part (to the panel code), subject and time, its back (reason, result, specimen), members.
    fronts = {
        (kind, seen): f'"{meta_t},"contained":{texts(contained)},"extension":{texts(flag)}'
        f',"identifier":[{{"system":{id_system},"value":'
        for kind, contained in _SPECIMENS.items()
        for seen, flag in _OBSERVED.items()
    }
    mids = {
        status: f'}}],"status":"{"final" if status is collected else "cancelled"}","category":{lab}'
        f',"code":{texts(_PANEL_CODE)}'
        for status in DrugTestStatus
    }
    absent = {s: f',"dataAbsentReason":{texts(r)}' for s, r in _ABSENT_REASONS.items()}
    results = {r: f',"interpretation":{texts(code)}' for r, code in _RESULTS.items()}
    specimen_t = f',"specimen":{texts(_SPECIMEN_REF)}'
    backs: dict[tuple[DrugTestStatus, Any], str] = {}
    # An analyte's line: _START, its id, its head (labels to its code), subject and time, its value, its
    # end (unit, method, interpretation, cut-off).
    member_mid = f'"{meta_t},"status":"final","category":{lab},"code":'
    heads: dict[str, str] = {code: member_mid + texts(c) for code, c in _ANALYTE_CODES.items()}
    methods = {m: texts(code) for m, code in _METHODS.items()}
    outcomes = {o: f',"interpretation":{texts(code)}' for o, code in _OUTCOMES.items()}
    plain_ends = {m: f"{_QUANTITY_TAIL}{text}}}\n" for m, text in methods.items()}
    read_ends: dict[tuple[Any, ...], str] = {}
    adulterant = {b: texts(c) for b, c in _ADULTERANT.items()}
    when_text = dt.collection_texts()
    measurements: tuple[dict[float | None, str], ...] = tuple({None: ""} for _ in _VALIDITY_CODES)
    component_text = dict.__getitem__
    measured = dt._measured
    for test in tests:
        subject, ref = subjects[test.patient_id]
        seen = f'{subject},"effectiveDateTime":"{when_text(test.collected_at)}"'
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
            head = heads.get(analyte)
            if head is None:
                head = heads[analyte] = member_mid + _text({"coding": [{"system": ANALYTE_SYSTEM, "code": analyte}]})
            found = None
            for candidate in read:
                if candidate.analyte == analyte and candidate.method is method:
                    found = candidate
                    break
            if found is None:
                end = plain_ends[method]
            else:
                key = (method, found.outcome, found.cutoff_ng_ml)
                end = read_ends.get(key) or _read_end(read_ends, key, methods, outcomes)
            analytes.append(f'{_START}{rid}{head}{seen},"valueQuantity":{{"value":{result.concentration_ng_ml!r}{end}')
        validity = test.validity
        values = measured(validity)
        try:  # the usual case: every value seen before (a C-level join of the cached texts)
            components = "".join(map(component_text, measurements, values))
        except KeyError:
            _measurements(measurements, values, _VALIDITY_CODES)
            components = "".join(map(component_text, measurements, values))
        result_code = None if reading is None else reading.result
        back = backs.get((status, result_code))
        if back is None:
            back = backs[status, result_code] = (
                f"{'' if status is collected else absent[status]}"
                f"{'' if result_code is None else results[result_code]}{specimen_t}"
            )
        has_member = f',"hasMember":[{",".join(members)}]' if members else ""
        yield (
            f"{_START}{panel_id}{fronts[test.specimen, test.observed]}{_quote(test.id)}{mids[status]}{seen}{back}"
            f'{has_member},"component":[{components}{adulterant[validity.adulterant_detected]}]}}\n'
        )
        yield from analytes


def _read_end(
    ends: dict[tuple[Any, ...], str], key: tuple[Any, ...], methods: dict[Any, str], outcomes: dict[Any, str]
) -> str:
    """An analyte line's end for a reading (method, outcome, cut-off), kept in *ends* for the others like it."""
    method, outcome, cutoff = key
    within = "" if cutoff is None else f',"referenceRange":{_text(dt._reference_range(cutoff))}'
    text = ends[key] = f"{_QUANTITY_TAIL}{methods[method]}{outcomes[outcome]}{within}}}\n"
    return text
