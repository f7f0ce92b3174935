"""The grade distribution of a period: count and share per grade, computed and calibrated,
for all the caller may see, a division or a department, beside the tenant's guideline.

One statement: the scope's scores of the period's plans grouped by (computed grade,
calibrated grade). The calibrated grade is the score's; the computed one is the original
kept by the first locked calibration session that changed it (``sql.COMPUTED_GRADE``).
Shares are of the people with a grade, as fractions to 4 places (0.2000 for 20 %); the
guideline's shares (stored in percent) are shown the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from server.analytics import sql as asql
from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.calibration.guideline import Guideline
from server.calibration.settings import load_guideline
from server.errors import Forbidden
from server.scoring import sql
from server.scoring.grades import GradeBand
from server.scoring.settings import load_setup


@dataclass(frozen=True)
class GradeShare:
    grade: str
    label: str
    computed_count: int
    computed_share: Decimal
    calibrated_count: int
    calibrated_share: Decimal
    min_share: Decimal | None
    max_share: Decimal | None
    target_share: Decimal | None


@dataclass(frozen=True)
class GradeDistribution:
    period: Period
    scope_name: str
    headcount: int  # people with a score row in the period's plans
    scored: int  # of them, with a total
    grades: tuple[GradeShare, ...]
    guideline: Guideline
    guideline_revision: int


def statement(reach: Reach, period: Period, dialect: str) -> tuple[str, list[Any]]:
    params: list[Any] = [
        sql.uuid_param(reach.company_id, dialect),
        sql.uuid_param(reach.company_id, dialect),
    ]
    locked = asql.FIRST_LOCKED_CHANGE.format(plans=asql.plans_of("p2", [period], dialect, params))
    plans = asql.plans_of("p", [period], dialect, params, reach.company_id)
    where = reach.where("s", dialect, params, plan="p")
    text = (
        f'SELECT {asql.COMPUTED_GRADE}, s."grade", COUNT(*), COUNT(s."total") '
        f"{asql.PLAN_SCORES} {locked} "
        f"WHERE {asql.PLAN_SCORE_JOIN} AND {plans} AND {where} GROUP BY 1, 2"
    )
    return text, params


def _percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else (value / asql.HUNDRED).quantize(asql.RATE)


def grade_order(bands: tuple[GradeBand, ...], seen: set[str]) -> list[str]:
    """The tenant's bands best first, then grades of older bands still found, by name."""
    keys = [b.key for b in bands]
    return keys + sorted(seen - set(keys))


async def grade_distribution(reach: Reach, period: Period, lang: str) -> GradeDistribution:
    """The distribution of the rows ``reach`` covers (FORBIDDEN for a caller who may only
    see himself: a distribution of one is his own grade, not a distribution)."""
    if reach.personal:
        raise Forbidden("forbidden", action="read", object_type="analytics")
    dialect = sql.dialect(sql.client())
    text, params = statement(reach, period, dialect)
    rows = await sql.fetch(text, params)
    computed: dict[str, int] = defaultdict(int)
    calibrated: dict[str, int] = defaultdict(int)
    headcount = scored = 0
    for computed_grade, grade, people, with_total in rows:
        n = asql.as_int(people)
        headcount += n
        scored += asql.as_int(with_total)
        if computed_grade is not None:
            computed[str(computed_grade)] += n
        if grade is not None:
            calibrated[str(grade)] += n
    guideline, revision = await load_guideline(reach.company_id)
    bands = (await load_setup(reach.company_id)).grade_bands
    names = {b.key: b.name(lang) for b in bands}
    computed_total, calibrated_total = sum(computed.values()), sum(calibrated.values())
    grades: list[GradeShare] = []
    for grade in grade_order(bands, set(computed) | set(calibrated)):
        rule = guideline.rule(grade)
        grades.append(
            GradeShare(
                grade,
                names.get(grade, grade),
                computed.get(grade, 0),
                asql.share(computed.get(grade, 0), computed_total),
                calibrated.get(grade, 0),
                asql.share(calibrated.get(grade, 0), calibrated_total),
                _percent(rule.min_share) if rule else None,
                _percent(rule.max_share) if rule else None,
                _percent(rule.target_share) if rule else None,
            )
        )
    return GradeDistribution(
        period, reach.name, headcount, scored, tuple(grades), guideline, revision
    )
