"""What the demo history says before any row is written: the indicator catalogue per
department kind, the company goals, and each person-month's figures from one seeded
generator. Pure: no database, so the planted effects can be read and tested on their own.

The figures follow one latent performance per person-month (a stable ability, a monthly
draw, the month's season and a department's bad month); every achievement and rating leans
on it, so scores, ratings and achievements hang together as in a real company. Two effects
are planted exactly, not just on average (``planted``): reply speed against customer
satisfaction per customer-service department, and (history.py, once the engine has scored)
attendance against the final score. See docs/demo.md for the values.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from uuid import UUID

from server.indicators import IndicatorSpec, ScoringRule
from server.vocabulary import Direction, ScoringKind

REPLY_SATISFACTION_R = 0.85  # per customer-service department, over the months
ATTENDANCE_SCORE_R = 0.60  # per company, over every scored person-month
LENIENT_BIAS = 1.3  # rating steps the lenient manager adds (the severe one takes them off)
KEY_TASKS_BIAS = 10.0  # achievement points the lenient manager's recorded key tasks gain
SERVICE_KIND = "service"
NOT_PLANNED = frozenset({"division", "executive"})  # their people are in the company plan


@dataclass(frozen=True)
class Measure:
    """One indicator of the catalogue: ``code`` is its key in every plan."""

    code: str
    name: str
    unit: str
    target: Decimal | None
    rule: ScoringRule
    places: int = 0  # how an actual is recorded
    mean: float = 87.0  # achievement %, before the person's and month's effects
    spread: float = 11.0

    @property
    def qualitative(self) -> bool:
        return self.rule.kind is ScoringKind.RATING

    def spec(self, weight: int) -> IndicatorSpec:
        return IndicatorSpec(
            key=self.code,
            name=self.name,
            unit=self.unit,
            weight=Decimal(weight),
            target=self.target,
            scoring=self.rule,
            qualitative=self.qualitative,
        )

    def actual(self, achievement: float) -> Decimal:
        """The recorded figure that earns ``achievement`` under the rule."""
        assert self.target is not None
        target = float(self.target)
        rule = self.rule
        if rule.kind is ScoringKind.LINEAR:
            anchor = float(rule.zero_anchor or 0)
            value = anchor + (target - anchor) * achievement / 100
        elif rule.direction is Direction.LOWER:
            value = target * 100 / max(achievement, 20.0)
        else:
            value = target * max(achievement, 0.0) / 100
        step = Decimal(1).scaleb(-self.places)
        return max(Decimal(repr(value)).quantize(step, ROUND_HALF_EVEN), step)


def _ratio(cap: int | None = None, lower: bool = False) -> ScoringRule:
    return ScoringRule(
        direction=Direction.LOWER if lower else Direction.HIGHER,
        cap=None if cap is None else Decimal(cap),
    )


M = Measure
SALES_AMOUNT = M("sales_amount", "销售额 Sales amount", "CNY", Decimal(100000), _ratio(150), -2)
NEW_CUSTOMERS = M("new_customers", "新客户数 New customers", "customers", Decimal(5), _ratio(150))
REPLY_SPEED = M(
    "reply_speed",
    "回复速度 Reply speed",
    "min",
    Decimal(30),
    ScoringRule(kind=ScoringKind.LINEAR, direction=Direction.LOWER, zero_anchor=Decimal(90)),
    1,
)
SATISFACTION = M(
    "satisfaction", "客户满意度 Customer satisfaction", "score 1-5", Decimal("4.3"), _ratio(), 2
)
OUTPUT = M("output", "产量 Output", "units", Decimal(10000), _ratio(130), -1)
DEFECT_RATE = M("defect_rate", "不良率 Defect rate", "%", Decimal(2), _ratio(150, True), 2)
ON_TIME = M("on_time", "按期交付率 On-time delivery", "%", Decimal(95), _ratio(120), 1)
INTERNAL = M(
    "internal_satisfaction",
    "内部满意度 Internal satisfaction",
    "score 1-5",
    Decimal("4.2"),
    _ratio(120),
    2,
)
# The company goals: the company-level plan's indicators, which department plans carry.
KEY_TASKS = M("key_tasks", "重点工作完成率 Key tasks completion", "%", Decimal(100), _ratio(120))
COST = M(
    "cost_control", "成本控制率 Cost control", "% of budget", Decimal(100), _ratio(120, True), 1
)
QUALITY = M(
    "work_quality",
    "工作质量 Work quality",
    "rating 1-5",
    None,
    ScoringRule(kind=ScoringKind.RATING),
)
GOALS: tuple[tuple[Measure, int], ...] = ((KEY_TASKS, 35), (COST, 30), (QUALITY, 35))
_OWN: dict[str, tuple[Measure, Measure]] = {
    "sales": (SALES_AMOUNT, NEW_CUSTOMERS),
    SERVICE_KIND: (REPLY_SPEED, SATISFACTION),
    "production": (OUTPUT, DEFECT_RATE),
}
_GENERIC = (ON_TIME, INTERNAL)


def department_measures(kind: str, missing: str | None) -> list[tuple[Measure, int]]:
    """A department plan's indicators and weights: its kind's two, then the company goals
    (all but ``missing``, whose weight goes to the kind's first indicator)."""
    first, second = _OWN.get(kind, _GENERIC)
    goals = {KEY_TASKS.code: 10, COST.code: 10, QUALITY.code: 25}
    extra = goals.pop(missing, 0) if missing else 0
    chosen = [(first, 35 + extra), (second, 20)]
    by_code = {m.code: m for m, _ in GOALS}
    return chosen + [(by_code[code], weight) for code, weight in goals.items()]


def company_measures() -> list[tuple[Measure, int]]:
    return list(GOALS)


@dataclass(frozen=True)
class Person:
    id: UUID
    department_id: UUID
    manager_id: UUID | None
    kind: str  # his plan's department kind ("company" for the company-level plan)


@dataclass
class Figures:
    """One person's month: what his manager records and rates, and what he claims."""

    latent: float
    achievements: dict[str, float] = field(default_factory=dict)
    rating: int = 3  # work quality, by his manager
    overall: int = 3  # the manager's overall rating
    optimism: float = 0.0  # achievement points his self-evaluation adds


def standardized(values: Sequence[float]) -> list[float]:
    n = len(values)
    mean = math.fsum(values) / n
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / n) or 1.0
    return [(v - mean) / sd for v in values]


def planted(base: Sequence[float], rho: float, rng: random.Random) -> list[float]:
    """A standardized series whose sample correlation with ``base`` is exactly ``rho``:
    seeded noise with its mean and its projection on ``base`` taken out."""
    x = standardized(base)
    if len(x) < 3:
        return x
    noise = [rng.gauss(0, 1) for _ in x]
    mean = math.fsum(noise) / len(noise)
    noise = [e - mean for e in noise]
    slope = math.fsum(e * a for e, a in zip(noise, x, strict=True)) / len(x)
    rest = standardized([e - slope * a for e, a in zip(noise, x, strict=True)])
    spare = math.sqrt(1 - rho * rho)
    return [rho * a + spare * e for a, e in zip(x, rest, strict=True)]


def _clamp_rating(value: float) -> int:
    return max(1, min(5, round(value)))


@dataclass
class Model:
    """The figures of every person-month of one company, drawn once from ``seed``."""

    people: Sequence[Person]
    months: int
    seed: str
    lenient: UUID | None = None
    severe: UUID | None = None
    shocks: dict[tuple[UUID, int], float] = field(default_factory=dict)  # (dept, month): pts
    calendar: Sequence[int] = ()  # each month's number in the year (1-12), by index
    figures: dict[tuple[int, UUID], Figures] = field(default_factory=dict)

    def draw(self, measures: dict[UUID, list[Measure]]) -> None:
        """Fill ``figures``; ``measures``: each person's numeric indicators."""
        rng = random.Random(f"jixiao-demo-history:{self.seed}")
        ability = {p.id: rng.gauss(0, 1) for p in self.people}
        departments = sorted({p.department_id for p in self.people}, key=str)
        level = {d: rng.gauss(0, 0.35) for d in departments}
        for month in range(self.months):
            # February's Spring Festival dip, a slow climb through the year.
            february = month < len(self.calendar) and self.calendar[month] == 2
            season = (-0.5 if february else 0.0) + 0.02 * month
            for person in self.people:
                shock = self.shocks.get((person.department_id, month), 0.0)
                own = 0.65 * ability[person.id] + 0.55 * rng.gauss(0, 1)
                latent = own + season + level[person.department_id] + shock
                figures = Figures(latent)
                for measure in measures[person.id]:
                    lean = 0.75 * latent + 0.66 * rng.gauss(0, 1)
                    figures.achievements[measure.code] = measure.mean + measure.spread * lean
                bias = self.bias(person)
                # A manager rates his people against each other: their own part only.
                figures.rating = _clamp_rating(3.4 + 0.8 * own + bias + rng.gauss(0, 0.45))
                figures.overall = _clamp_rating(3.4 + 0.8 * own + bias + rng.gauss(0, 0.4))
                if KEY_TASKS.code in figures.achievements:
                    figures.achievements[KEY_TASKS.code] += KEY_TASKS_BIAS * bias / LENIENT_BIAS
                figures.optimism = abs(rng.gauss(3, 3))
                self.figures[(month, person.id)] = figures
        self._plant_service(rng)

    def bias(self, person: Person) -> float:
        if person.manager_id is not None and person.manager_id == self.lenient:
            return LENIENT_BIAS
        if person.manager_id is not None and person.manager_id == self.severe:
            return -LENIENT_BIAS
        return 0.0

    def _plant_service(self, rng: random.Random) -> None:
        """Reply speed against satisfaction: exactly ``REPLY_SATISFACTION_R`` over the
        company's customer-service person-months (every department carrying the two
        indicators, pooled: what the analytic reads for the company or the service
        division). The achievements are linear in the recorded figures, so the raw figures
        correlate at -0.85: fewer minutes is better."""
        rows = [key for key, f in self.figures.items() if REPLY_SPEED.code in f.achievements]
        if not rows:
            return
        reply = [self.figures[r].achievements[REPLY_SPEED.code] for r in rows]
        satisfaction = planted(reply, REPLY_SATISFACTION_R, rng)
        for row, z in zip(rows, satisfaction, strict=True):
            achieved = self.figures[row].achievements
            achieved[SATISFACTION.code] = SATISFACTION.mean + SATISFACTION.spread * z * 0.8


def attendance(
    totals: Sequence[float], rng: random.Random, mean: float = 0.94, spread: float = 0.02
) -> list[Decimal]:
    """Monthly attendance rates whose correlation with ``totals`` is exactly
    ``ATTENDANCE_SCORE_R`` (before rounding to 4 places; no value reaches 1.0 in practice)."""
    planted_z = planted(totals, ATTENDANCE_SCORE_R, rng)
    return [
        Decimal(repr(min(1.0, max(0.5, mean + spread * z)))).quantize(Decimal("0.0001"))
        for z in planted_z
    ]
