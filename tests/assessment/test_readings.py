"""Instrument readings (issue 15, item 9): CRAFFT 2.1's Part A gate and the AUDIT's escalation readings.

The expected values come from the cited text, never from the scorer:

* CRAFFT 2.1 (onenorthfulton.org): with every Part A answer 0, ask the CAR question only, then stop;
  with any Part A answer 1 or more, ask all six Part B questions; 2 or more "yes" is positive.
* AUDIT manual (Babor et al. 2001, quoted by the Comorbidity Guidelines): "Provide the next highest
  level of intervention to patients who score 2 or more on Questions 4, 5 and 6, or 4 on Questions 9
  or 10." Read as any one question (iopcore's default) or as the three summed.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iopcore.assessment import (
    INSTRUMENTS,
    FlagMode,
    FlagRule,
    Instrument,
    InstrumentScore,
    InvalidResponseError,
    Item,
    ResponseKind,
    RuleReading,
    Sex,
    SkipRule,
    instrument,
    score,
)
from iopcore.errors import InvalidDataError
from iopcore.serialization import from_dict, to_dict
from iopcore.sources import Evidence, Source
from iopcore.strategies import instrument_scores, instruments

SOURCE = Source(citation="test")
PART_B = (4, 5, 6, 7, 8, 9)  # CAR, RELAX, ALONE, FORGET, FRIENDS, TROUBLE


# ----------------------------------------------------------------------------- CRAFFT 2.1


def crafft_expected(answers: list[Any], *, count_all: bool = False) -> tuple[int, bool]:
    """The manual's reading, written out independently: (total, positive)."""
    part_a_positive = any(a >= 1 for a in answers[:3])
    asked = PART_B if part_a_positive or count_all else (4,)
    total = sum(1 for k in asked if answers[k - 1] is True)
    return total, total >= 2


@pytest.mark.parametrize(
    ("part_a", "gated"),
    [
        ((0, 0, 0), True),  # at the gate: CAR only
        ((1, 0, 0), False),  # just above, on each Part A question
        ((0, 1, 0), False),
        ((0, 0, 1), False),
        ((366, 366, 366), False),
    ],
)
def test_crafft_part_b_counts_only_when_part_a_is_positive(part_a: tuple[int, int, int], gated: bool) -> None:
    """Every Part B "yes": all six count above the gate; only CAR counts at it, the rest are listed as uncounted."""
    r = score("crafft", [*part_a, True, True, True, True, True, True])
    if gated:
        assert (r.total, r.positive, r.band) == (1, False, "negative")
        assert r.uncounted == (5, 6, 7, 8, 9)
        assert r.item_scores[3:] == (1, 0, 0, 0, 0, 0)
    else:
        assert (r.total, r.positive, r.band) == (6, True, "positive")
        assert r.uncounted == ()


def test_crafft_car_alone_with_part_a_zero_scores_one() -> None:
    """CAR "yes" with Part A all zero scores 1 (the only question asked); CAR "no" scores 0."""
    assert score("crafft", [0, 0, 0, True, None, None, None, None, None]).total == 1
    r = score("crafft", [0, 0, 0, False, None, None, None, None, None])
    assert (r.total, r.positive, r.uncounted) == (0, False, ())


def test_crafft_unasked_answers_given_as_no_are_listed_too() -> None:
    """Answers given to the unasked questions are listed whatever they are: they are not part of the screen."""
    r = score("crafft", [0, 0, 0, False, False, None, True, None, False])
    assert (r.total, r.uncounted) == (0, (5, 7, 9))


def test_crafft_count_skipped_answers_counts_them() -> None:
    """The explicit option counts Part B with Part A all zero (and changes nothing above the gate)."""
    every_yes = [0, 0, 0] + [True] * 6
    r = score("crafft", every_yes, count_skipped_answers=True)
    assert (r.total, r.positive, r.uncounted) == (6, True, ())
    above = [1, 0, 0] + [True] * 6
    assert score("crafft", above, count_skipped_answers=True) == score("crafft", above)
    assert score("crafft", every_yes, count_skipped_answers=None) == score("crafft", every_yes)


def test_crafft_unasked_answers_are_still_validated() -> None:
    """An answer the gate leaves out must still be a yes/no: a wrong type is an error naming the item."""
    with pytest.raises(InvalidResponseError) as info:
        score("crafft", [0, 0, 0, True, 1, None, None, None, None])
    assert info.value.item == 5


@pytest.mark.parametrize(("yes", "positive"), [(1, False), (2, True), (3, True)])
def test_crafft_positive_at_two_with_part_a_positive(yes: int, positive: bool) -> None:
    """At, just below and just above the cut-off of 2 "yes" answers."""
    answers = [0, 4, 0] + [True] * yes + [False] * (6 - yes)
    r = score("crafft", answers)
    assert (r.total, r.positive) == (yes, positive)


@given(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
    st.lists(st.booleans(), min_size=6, max_size=6),
    st.sampled_from((None, True, False)),
)
def test_crafft_equals_the_manual_written_out(part_a: tuple[int, ...], part_b: list[bool], option: Any) -> None:
    """For every answer set and option the scorer equals an independent reading of the manual."""
    answers = [*part_a, *part_b]
    r = score("crafft", answers, count_skipped_answers=option)
    assert (r.total, r.positive) == crafft_expected(answers, count_all=option is True)
    gated = not any(part_a) and option is not True
    assert r.uncounted == ((5, 6, 7, 8, 9) if gated else ())
    assert r.total == sum(p or 0 for p in r.item_scores)


# ----------------------------------------------------------------------------- AUDIT


def audit_escalates(answers: list[int], *, summed: bool) -> bool:
    """The manual's sentence, written out for each reading."""
    dependence = answers[3:6]
    first = sum(dependence) >= 2 if summed else max(dependence) >= 2
    return first or answers[8] == 4 or answers[9] == 4


def test_audit_default_reading_is_any_item_and_is_cited() -> None:
    """The default reading is listed first, named on every score, and cited with its evidence stated."""
    audit = instrument("audit")
    assert [r.id for r in audit.readings] == ["any_item", "items_summed"]
    assert audit.default_reading is audit.readings[0]
    assert "2 or more on Questions 4, 5 and 6" in audit.readings[0].source.citation
    assert all(r.source.evidence is Evidence.UNVERIFIED for r in audit.readings)
    assert "default" in audit.readings[0].source.note
    assert score("audit", [1] + [0] * 9).reading == "any_item"
    assert score("audit", [1] + [0] * 9, reading="items_summed").reading == "items_summed"
    assert score("phq9", [0] * 9).reading is None


@pytest.mark.parametrize(
    ("dependence", "any_item", "items_summed"),
    [
        ((1, 0, 0), False, False),  # sum 1: just below in both readings
        ((1, 1, 0), False, True),  # sum 2: at the summed cut-off, no single question at 2
        ((1, 1, 1), False, True),  # sum 3: just above
        ((0, 0, 1), False, False),
        ((2, 0, 0), True, True),  # one question at 2: at the cut-off in both
        ((0, 3, 0), True, True),  # just above
        ((0, 0, 4), True, True),
    ],
)
def test_audit_escalation_readings_at_the_boundaries(
    dependence: tuple[int, int, int], any_item: bool, items_summed: bool
) -> None:
    """Questions 4-6 at, below and above 2, per question and summed; the total and zone never move."""
    answers = [2, 1, 0, *dependence, 0, 0, 0, 0]
    default = score("audit", answers)
    summed = score("audit", answers, reading="items_summed")
    assert ("escalate" in default.flags) is any_item
    assert ("escalate" in score("audit", answers, reading="any_item").flags) is any_item
    assert ("escalate" in summed.flags) is items_summed
    assert (default.total, default.band) == (summed.total, summed.band)


@pytest.mark.parametrize(("value", "escalates"), [(0, False), (2, False), (4, True)])
@pytest.mark.parametrize("reading", ["any_item", "items_summed"])
@pytest.mark.parametrize("question", [9, 10])
def test_audit_four_on_question_9_or_10_escalates_in_both_readings(
    value: int, escalates: bool, reading: str, question: int
) -> None:
    """ "4 on Questions 9 or 10": 2 does not escalate, 4 does, whichever reading of Questions 4-6."""
    answers = [1] + [0] * 9
    answers[question - 1] = value
    assert ("escalate" in score("audit", answers, reading=reading).flags) is escalates


@given(
    st.lists(st.sampled_from((0, 1, 2, 3, 4)), min_size=8, max_size=8),
    st.sampled_from((0, 2, 4)),
    st.sampled_from((0, 2, 4)),
)
def test_audit_readings_equal_the_sentence_written_out(first: list[int], q9: int, q10: int) -> None:
    """Both readings equal an independent reading of the sentence; the summed one escalates whenever the default does."""
    answers = [*first, q9, q10]
    default = score("audit", answers)
    summed = score("audit", answers, reading="items_summed")
    assert ("escalate" in default.flags) is audit_escalates(answers, summed=False)
    assert ("escalate" in summed.flags) is audit_escalates(answers, summed=True)
    assert default.flags <= summed.flags
    assert attrs.evolve(summed, flags=default.flags, reading=default.reading) == default


def test_an_unknown_reading_is_an_error_naming_the_argument() -> None:
    """An unknown reading id lists the known ones; a reading for an instrument without readings is refused."""
    with pytest.raises(InvalidResponseError) as info:
        score("audit", [1] + [0] * 9, reading="summed")
    assert info.value.paths == ("$.reading",)
    assert "any_item, items_summed" in str(info.value)
    with pytest.raises(InvalidResponseError) as info:
        score("phq9", [0] * 9, reading="any_item")
    assert info.value.paths == ("$.reading",)
    with pytest.raises(InvalidDataError) as error:
        score("audit", [1] + [0] * 9, reading=3)  # type: ignore[arg-type]
    assert error.value.paths == ("$.reading",)


# ----------------------------------------------------------------------------- the model


def test_flag_modes_on_an_own_instrument() -> None:
    """An own instrument uses both flag modes; the summed mode adds the items' points."""
    audit = INSTRUMENTS["audit"]
    own = attrs.evolve(
        audit,
        id="own",
        readings=(),
        flag_rules=(FlagRule(flag="sum3", items=(1, 2), min_value=3, mode=FlagMode.ITEMS_SUMMED, source=SOURCE),),
    )
    assert score(own, [2, 1] + [0] * 8).flags == frozenset({"sum3"})
    assert score(own, [2, 0] + [0] * 8).flags == frozenset()
    assert own.default_reading is None


def test_readings_are_checked_against_the_instrument() -> None:
    """Reading ids are unique and their flag rules name the instrument's items, with paths."""
    audit = INSTRUMENTS["audit"]
    far = RuleReading(
        id="far", name="far", flag_rules=(FlagRule(flag="x", items=(11,), min_value=1, source=SOURCE),), source=SOURCE
    )
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(audit, readings=(far,))
    assert "$.readings[0].flag_rules[0].items" in str(info.value)
    with pytest.raises(InvalidDataError) as info:
        attrs.evolve(audit, readings=(audit.readings[0], audit.readings[0]))
    assert "$.readings" in str(info.value)
    with pytest.raises(InvalidDataError):
        RuleReading(id="empty", name="empty", flag_rules=(), source=SOURCE)


def test_skip_rules_that_leave_answers_out_hold_on_any_instrument() -> None:
    """``answers_counted=False`` on an own instrument leaves the skipped items' answers out and lists them."""
    audit = INSTRUMENTS["audit"]
    own = attrs.evolve(
        audit, id="own", skip_rules=(SkipRule(when_items=(1,), skipped=(2, 3), answers_counted=False, source=SOURCE),)
    )
    r = score(own, [0, 4, 4, 0, 0, 0, 0, 0, 0, 0])
    assert (r.total, r.uncounted) == (0, (2, 3))
    assert score(own, [0, 4, 4] + [0] * 7, count_skipped_answers=True).total == 8
    assert score(audit, [0, 4, 4] + [0] * 7, count_skipped_answers=False).uncounted == (2, 3, 4, 5, 6, 7, 8)


def test_uncounted_items_must_be_ordered_and_score_zero() -> None:
    """A score lists uncounted items once, ascending, each with item score 0."""
    r = score("crafft", [0, 0, 0] + [True] * 6)
    with pytest.raises(InvalidDataError):
        attrs.evolve(r, uncounted=(6, 5))
    with pytest.raises(InvalidDataError):
        attrs.evolve(r, uncounted=(4,))  # CAR scored 1
    with pytest.raises(InvalidDataError):
        attrs.evolve(r, uncounted=(12,))


def first_answer(item: Item) -> Any:
    if item.kind is ResponseKind.POINTS:
        return item.values[0]
    return False if item.kind is ResponseKind.YES_NO else 0


@given(instruments())
def test_every_reading_of_any_instrument_can_be_chosen(inst: Instrument) -> None:
    """Every reading of a generated instrument can be chosen and is named on the score; the default is the first."""
    answers = [first_answer(i) for i in inst.items]
    context = {"sex": Sex.FEMALE} if any(c.sex for c in inst.cutoffs) else {}
    for reading in inst.readings:
        assert score(inst, answers, reading=reading.id, **context).reading == reading.id
    default = score(inst, answers, **context).reading
    assert default == (inst.readings[0].id if inst.readings else None)


@given(instrument_scores(instrument_ids=("audit", "crafft")))
def test_scores_with_readings_and_uncounted_items_round_trip(result: InstrumentScore) -> None:
    """The new score fields serialize exactly, and the reading is always named for the AUDIT."""
    assert from_dict(InstrumentScore, to_dict(result)) == result
    assert (result.reading is not None) is (result.instrument == "audit")


def test_a_score_document_without_the_new_fields_still_loads() -> None:
    """Documents written before readings existed load with no reading and nothing uncounted."""
    document = to_dict(score("phq9", [0] * 9))
    del document["reading"], document["uncounted"]
    loaded = from_dict(InstrumentScore, document)
    assert (loaded.reading, loaded.uncounted) == (None, ())
