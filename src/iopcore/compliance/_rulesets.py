"""Rule sets: named, versioned, composable and overridable collections of built-in rules.

The built-in sets take every threshold from a level catalog or from a cited
source (see the rule reference in the docs). Build your own with
:meth:`RuleSet.with_rules`, :meth:`RuleSet.override`, :meth:`RuleSet.without`
and :meth:`RuleSet.compose`.
"""

from __future__ import annotations

from typing import Any, final

import attrs

from iopcore import _fields as f
from iopcore._fields import _html as h
from iopcore.compliance._attendance_rules import DaysPerWeekRule, ServicesPerDayRule, WeeklyHoursRule
from iopcore.compliance._checks import check_as_fields, check_unique_ids, refuse
from iopcore.compliance._drugtest_rules import DrugTestFrequencyRule, DrugTestResultRule, MissedTestRule
from iopcore.compliance._panels import HHS_2025
from iopcore.compliance._plan_rules import CertificationRule, PlanReviewRule, PlanWrittenRule
from iopcore.compliance._rules import RULE_CLASSES, BuiltinRule
from iopcore.compliance._stay_rules import LengthOfStayRule
from iopcore.errors import ErrorItem, InvalidArgumentError, InvalidDataError, UnknownCodeError, child_path
from iopcore.levels import ASAM3, MEDICARE, HoursBand, Population
from iopcore.levels import GENERIC_IOP as GENERIC_LEVELS
from iopcore.sources import Evidence, Source
from iopcore.times import Minutes

__all__ = [
    "ASAM_2_1_ADOLESCENT_RULES",
    "ASAM_2_1_ADULT_RULES",
    "DISTRICT_OF_COLUMBIA_IOP_RULES",
    "GENERIC_IOP_RULES",
    "KANSAS_IOP_ADULT_RULES",
    "MEDICARE_IOP_RULES",
    "RULESETS",
    "RULE_CLASSES",
    "RuleSet",
]


def _rules_validator(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    f.tuple_of(RULE_CLASSES, description="built-in rules")(inst, attribute, value)  # type: ignore[arg-type]
    try:
        f.unique_by(value, lambda r: r.id, path="$.rules", what="rule id")
    except InvalidDataError as exc:
        raise InvalidDataError(exc.errors, type_name="RuleSet") from None


_SHOWN_APART = frozenset({"kind", "id", "severity", "source"})


def _rule_row(rule: BuiltinRule) -> list[object]:
    settings = "; ".join(
        f"{a.name}: {h.short(getattr(rule, a.name))}" for a in attrs.fields(type(rule)) if a.name not in _SHOWN_APART
    )
    severity = getattr(rule, "severity", None)
    return [
        rule.id,
        getattr(rule, "kind", type(rule).__name__),
        h.badge(severity.value, severity.value) if severity is not None else "–",
        settings,
        h.short(rule.source),
    ]


@final
@attrs.frozen(kw_only=True)
class RuleSet:
    """A named, versioned set of rules; every report is stamped with its name and version.

    Rule ids are unique within a set. The methods that change a set return a new
    one; each keeps the name and version unless given new ones.
    """

    name: str = attrs.field(validator=f.text(max_length=200))
    version: str = attrs.field(validator=f.text(max_length=64))
    rules: tuple[BuiltinRule, ...] = attrs.field(converter=f.to_tuple, validator=_rules_validator)
    description: str = attrs.field(default="", validator=f.instance(str, "a string"))

    def _repr_html_(self) -> str:
        return h.view(
            f"RuleSet: {self.name} v{self.version}, {len(self.rules)} rule(s)",
            h.esc(self.description),
            h.table(["Rule", "Kind", "Severity", "Settings", "Source"], self.rules, _rule_row, what="rules"),
        )

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The rules' ids, in order."""
        return tuple(r.id for r in self.rules)

    @f.guard
    def rule(self, rule_id: str) -> BuiltinRule:
        """The rule with this id."""
        return self._rule(rule_id, "$.rule_id")

    def _rule(self, rule_id: str, path: str) -> BuiltinRule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise UnknownCodeError(what="rule", catalog=self.name, known=self.rule_ids, path=path)

    @f.guard
    def with_rules(self, *rules: BuiltinRule, version: str | None = None, name: str | None = None) -> RuleSet:
        """A copy where each of *rules* replaces the rule with the same id, or is appended."""
        check_unique_ids("RuleSet.with_rules", rules, "$.rules")
        new = {r.id: r for r in rules}
        kept = tuple(new.pop(r.id, r) for r in self.rules)
        return self._copy("RuleSet.with_rules", (*kept, *new.values()), version, name)

    @f.guard
    def without(self, *rule_ids: str, version: str | None = None, name: str | None = None) -> RuleSet:
        """A copy without the named rules (each must exist)."""
        for i, rid in enumerate(rule_ids):
            self._rule(rid, f"$.rule_ids[{i}]")
        return self._copy("RuleSet.without", tuple(r for r in self.rules if r.id not in rule_ids), version, name)

    @f.guard
    def override(self, rule_id: str, *, version: str | None = None, name: str | None = None, **changes: Any) -> RuleSet:
        """A copy where one rule's fields are changed, e.g. ``override("hours", min_minutes=Minutes(600))``.

        Each keyword is a field of that rule (an unknown one is an error that lists
        the rule's fields). A changed ``id`` renames the rule in place.
        """
        where = "RuleSet.override"
        old = self._rule(rule_id, "$.rule_id")
        fields = [a.alias for a in attrs.fields(type(old)) if a.init]
        unknown = [
            ErrorItem(
                path=child_path(key),
                message=f"expected a field of {type(old).__name__} ({', '.join(fields)}), got another keyword",
                rule="unknown_field",
            )
            for key in changes
            if key not in fields
        ]
        if unknown:
            raise InvalidArgumentError(unknown, callable=where)
        try:
            new = attrs.evolve(old, **changes)
        except InvalidDataError as exc:
            raise InvalidArgumentError(exc.errors, callable=where) from None
        if new.id != old.id and new.id in self.rule_ids:
            raise refuse(
                where, "$.id", "expected a rule id not used by another rule of the set, got a used one", "unique"
            )
        return self._copy(where, tuple(new if r is old else r for r in self.rules), version, name)

    @classmethod
    @f.guard
    def compose(cls, *sets: RuleSet, name: str, version: str, description: str = "") -> RuleSet:
        """One set holding every rule of *sets*; a later set's rule replaces an earlier one with the same id."""
        check_as_fields("RuleSet.compose", RuleSet, name=name, version=version, description=description)
        merged: dict[str, BuiltinRule] = {}
        for s in sets:
            for r in s.rules:
                merged.pop(r.id, None)
                merged[r.id] = r
        return cls(name=name, version=version, rules=tuple(merged.values()), description=description)

    def _copy(self, where: str, rules: tuple[BuiltinRule, ...], version: str | None, name: str | None) -> RuleSet:
        changed = {k: v for k, v in (("version", version), ("name", name)) if v is not None}
        check_as_fields(where, RuleSet, **changed)
        return attrs.evolve(self, rules=rules, **changed)


# ----------------------------------------------------------------------------- sources

_TIP47 = Source(
    citation="SAMHSA TIP 47 (2006), Appendix B: urine collection not less than once a week, or every 3 days in the "
    "first weeks of treatment",
    urls=("https://ncbi.nlm.nih.gov/books/n/tip47/A90362",),
    note="The length of the 'first weeks' is not given: the early window is off until a program sets it.",
)
_POLICY = Source(
    citation="Program policy (no clinical source)",
    evidence=Evidence.ILLUSTRATIVE,
    note="How results and missed tests are reported is the program's policy; override the severities.",
)
_HHS_RESULTS = Source(
    citation="HHS 2025 urine panel cut-offs and 49 CFR 40.88/40.89 specimen validity; DOT result categories (49 CFR 40.97)",
    urls=("https://law.lawstack.com/cfr/49/40.88/", "https://github.com/AlextheYounga/ecfr"),
    note="Severities are program policy.",
)
_KANSAS_PLAN = Source(
    citation="Kansas R03-606 / R03-704: treatment plan within 7 days of admission for residential and IOP",
    urls=(
        "http://www.aging.ks.gov/WebCourses/StandardsTrainingTool/section_6/R03606.html",
        "http://www.aging.ks.gov/WebCourses/StandardsTrainingTool/section_7/R03704.html",
    ),
)
_KANSAS_REVIEW = Source(
    citation="Kansas R03-606: outpatient plan updates at least every 90 days",
    urls=_KANSAS_PLAN.urls,
    evidence=Evidence.UNVERIFIED,
    note="Stated for outpatient plans; that it applies to IOP is not verified.",
)
_KANSAS_HOURS = Source(
    citation="Kansas R03-704: IOP minimum 9 h/week of scheduled counseling (18+), 6 h/week (< 18)",
    urls=_KANSAS_PLAN.urls,
)
_DC_HOURS = Source(
    citation="District of Columbia, 22-A DCMR §6329: Level 2.1 IOP 9–19 h/week adults, 6–19 h/week youth under 21",
    urls=("http://dcrules.elaws.us/dcmr/22-a6329",),
)
_DC_STAY = Source(
    citation="District of Columbia, 22-A DCMR §6329: IOP duration 30–60 days",
    urls=_DC_HOURS.urls,
    note="The rule does not say how its days are counted: the length of stay counts every calendar date from "
    "admission through discharge (or as_of), both ends included (StayCounting.CALENDAR_DAYS, iopcore's default; "
    "unverified, change LengthOfStayRule.counting where your reading differs).",
)
_MEDICARE_HOURS = Source(
    citation="Medicare IOP (CY 2024 OPPS final rule): 9–19 h/week; physician certifies a need for at least 9 h/week",
    urls=(
        "https://hancockdaniel.com/2023/11/behavioral-health-newsletter-2",
        "https://kriegdevault.com/insights/expansionofmedicarecoverageforbehavioralhealthservices/print",
        "https://checkoutapi.com/regulations/42/424.24",
    ),
    evidence=Evidence.SECONDARY,
)
_MEDICARE_CERT = Source(
    citation="Medicare IOP certification 42 CFR 424.24(d)(1); recertification at least every 60 days (final-rule "
    "summaries) or 'every other month' (statute/proposal wording)",
    urls=(
        "https://checkoutapi.com/regulations/42/424.24",
        "https://hancockdaniel.com/2023/11/behavioral-health-newsletter-2",
        "https://legalclarity.org/cms-iop-billing-guidelines-for-medicare-reimbursement",
        "https://icd10monitor.medlearn.com/introducing-the-intensive-outpatient-program-a-milestone-in-medicare-behavioral-health-coverage",
    ),
    evidence=Evidence.SECONDARY,
    note="Unverified: the exact 424.24(d) text, when the first certification is due and when the first "
    "recertification is due. A missing certification is reported from admission on.",
)
_MEDICARE_SERVICES = Source(
    citation="Medicare IOP per-diem APCs: days with 3 services and days with 4 or more services (e.g. CMHC APC 5851/5852)",
    urls=(
        "https://medicare.fcso.com/billing/intensive-outpatient-program-iop-billing-requirements-institutional-services",
        "https://med.noridianmedicare.com/web/jea/provider-types/mental-health/intensive-outpatient-program",
    ),
    note="Days with fewer than 3 services fall below the lower per-diem tier; how such days are paid is unverified.",
)


def _hours_rule(band: HoursBand, fallback: Source, *, rule_id: str = "weekly_hours") -> WeeklyHoursRule:
    return WeeklyHoursRule.from_band(band, id=rule_id, source=band.source or fallback)


def _band_of(catalog_level: Any, population: Population) -> HoursBand:
    band = catalog_level.hours_band(population)
    assert band is not None
    return band  # type: ignore[no-any-return]


def _testing(panel_source: Source = _HHS_RESULTS) -> tuple[BuiltinRule, ...]:
    return (
        DrugTestFrequencyRule(id="drug_test_frequency", source=_TIP47),
        DrugTestResultRule(id="drug_test_results", panel=HHS_2025, source=panel_source),
        MissedTestRule(id="missed_tests", source=_POLICY),
    )


_GEN_LEVEL = GENERIC_LEVELS.level("IOP")
_GEN_DAYS = _GEN_LEVEL.days_per_week
assert _GEN_DAYS is not None
GENERIC_IOP_RULES = RuleSet(
    name="GENERIC_IOP_RULES",
    version="2026.1",
    description="The general IOP definition (6–30 h/week on 3–5 days) with TIP 47 weekly drug testing.",
    rules=(
        _hours_rule(_band_of(_GEN_LEVEL, Population.ADULT), _GEN_LEVEL.source),
        DaysPerWeekRule(
            id="days_per_week",
            min_days=_GEN_DAYS.min_days,
            max_days=_GEN_DAYS.max_days,
            source=_GEN_DAYS.source or _GEN_LEVEL.source,
        ),
        *_testing(),
    ),
)
"""The general IOP definition: 6–30 h/week (``[6, 31)``), 3–5 days/week, weekly drug testing (TIP 47)."""

_A21 = ASAM3.level("2.1")
ASAM_2_1_ADULT_RULES = RuleSet(
    name="ASAM_2_1_ADULT_RULES",
    version="2026.1",
    description="ASAM 3rd ed. Level 2.1, adults: 9–19 h/week, TIP 47 weekly drug testing.",
    rules=(_hours_rule(_band_of(_A21, Population.ADULT), _A21.source), *_testing()),
)
"""ASAM Level 2.1 adults: 9–19 h/week (``[9, 20)``) and weekly drug testing."""

ASAM_2_1_ADOLESCENT_RULES = RuleSet(
    name="ASAM_2_1_ADOLESCENT_RULES",
    version="2026.1",
    description="ASAM 3rd ed. Level 2.1, adolescents: 6–19 h/week, TIP 47 weekly drug testing.",
    rules=(_hours_rule(_band_of(_A21, Population.ADOLESCENT), _A21.source), *_testing()),
)
"""ASAM Level 2.1 adolescents: 6–19 h/week (``[6, 20)``) and weekly drug testing."""

_MED_IOP = MEDICARE.level("IOP")
MEDICARE_IOP_RULES = RuleSet(
    name="MEDICARE_IOP_RULES",
    version="2026.1",
    description="Medicare IOP: 9–19 h/week, physician certification and recertification, services per treatment day.",
    rules=(
        WeeklyHoursRule.from_band(_band_of(_MED_IOP, Population.ADULT), id="weekly_hours", source=_MEDICARE_HOURS),
        CertificationRule(id="certification", recertify_every_days=60, source=_MEDICARE_CERT),
        ServicesPerDayRule(id="services_per_day", min_services=3, upper_tier_at=4, source=_MEDICARE_SERVICES),
    ),
)
"""Medicare IOP: 9–19 h/week, certification with recertification every 60 days, ≥ 3 services per treatment day."""

KANSAS_IOP_ADULT_RULES = RuleSet(
    name="KANSAS_IOP_ADULT_RULES",
    version="2026.1",
    description="Kansas IOP (adults 18+): at least 9 h/week, plan within 7 days of admission, plan updates ≤ 90 days.",
    rules=(
        WeeklyHoursRule(id="weekly_hours", min_minutes=Minutes(9 * 60), source=_KANSAS_HOURS),
        PlanWrittenRule(id="plan_written", within_days=7, source=_KANSAS_PLAN),
        PlanReviewRule(id="plan_review", interval_days=90, source=_KANSAS_REVIEW),
    ),
)
"""Kansas R03-606/R03-704 IOP for adults (the 90-day review is marked unverified for IOP)."""

DISTRICT_OF_COLUMBIA_IOP_RULES = RuleSet(
    name="DISTRICT_OF_COLUMBIA_IOP_RULES",
    version="2026.1",
    description="District of Columbia 22-A DCMR §6329 Level 2.1 IOP, adults: 9–19 h/week, 30–60 days.",
    rules=(
        WeeklyHoursRule.from_band(HoursBand(min_hours=9, max_hours=20), id="weekly_hours", source=_DC_HOURS),
        LengthOfStayRule(id="length_of_stay", min_days=30, max_days=60, source=_DC_STAY),
    ),
)
"""District of Columbia Level 2.1 IOP, adults: 9–19 h/week and an episode of 30–60 days."""

RULESETS: f.FrozenMap[str, RuleSet] = f.FrozenMap(
    {
        s.name: s
        for s in (
            GENERIC_IOP_RULES,
            ASAM_2_1_ADULT_RULES,
            ASAM_2_1_ADOLESCENT_RULES,
            MEDICARE_IOP_RULES,
            KANSAS_IOP_ADULT_RULES,
            DISTRICT_OF_COLUMBIA_IOP_RULES,
        )
    }
)
"""The built-in rule sets by name."""
