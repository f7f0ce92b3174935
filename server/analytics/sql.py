"""SQL pieces the analytics share: the plans of periods, the computed grade, exact numbers.

Scores are summed as the integers they are stored as (``Score.total`` and
``indicators_total`` in millionths, server/models/fields.ScaledDecimalField), so SUM is
exact and the same on SQLite and PostgreSQL; a sum of squares is taken over the total in
cents (the engine and calibration keep totals to 2 places), which stays far below 2^63 at
any company size. Averages become exact Decimals here, floats only for the statistics.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID

from server.analytics.periods import Period
from server.models.plans import PUBLISHED_STATES
from server.scoring.sql import uuid_param

UNITS = Decimal(10) ** 6  # a stored total's unit (millionths)
CENTS_PER_UNIT = 10_000  # stored units in a cent
CENT = Decimal("0.01")  # scores are shown to 2 places
RATE = Decimal("0.0001")  # shares and rates to 4 places
HUNDRED = Decimal(100)

# The plan's columns for a period filter: the tenant's plans of the period that are live or
# done (their scores exist or are on their way).
_STATES = ", ".join(f"'{s.value}'" for s in PUBLISHED_STATES)


def date_param(value: date, dialect: str) -> Any:
    return value if dialect == "postgres" else value.isoformat()  # SQLite keeps dates as text


def plans_of(
    alias: str,
    periods: Sequence[Period],
    dialect: str,
    params: list[Any],
    company_id: UUID | None = None,
) -> str:
    """``alias`` (the plan table) is one of the tenant's published plans of ``periods``
    (all of one kind); the company is filtered by the caller's ``Reach``, and here too
    when ``company_id`` is given (the plans then come by their company index)."""
    kinds = {p.kind for p in periods}
    if len(kinds) != 1:
        raise ValueError("periods of one kind")
    company = ""
    if company_id is not None:
        company = f'{alias}."company_id" = ? AND '
        params.append(uuid_param(company_id, dialect))
    params.append(str(next(iter(kinds))))
    starts = ", ".join("?" for _ in periods)
    params.extend(date_param(p.start, dialect) for p in periods)
    return (
        f'{company}{alias}."period_kind" = ? AND {alias}."period_start" IN ({starts}) '
        f'AND {alias}."state" IN ({_STATES})'
    )


# The score rows of a period's plans: the plans first, then each plan's scores by the
# plan id (the ``s."plan_id" = p."id"`` condition goes in the WHERE, with the reach's
# ``where(..., plan="p")``, which checks the company on the plan). SQLite keeps a CROSS
# JOIN's order; left to itself, without fresh statistics (the app analyzes at start, a
# database grows after), it starts from the score's company index and reads the tenant's
# scores of every period. PostgreSQL plans a CROSS JOIN with a WHERE condition as any
# inner join.
PLAN_SCORES = 'FROM "plan" AS p CROSS JOIN "score" AS s'
PLAN_SCORE_JOIN = 's."plan_id" = p."id"'

# The grade a score had before calibration: a locked session pushed the calibrated grade
# into the score, and its change keeps the original; with several locked sessions over one
# score the first one's original is the computed grade. Joined as ``cc`` (one row per score).
FIRST_LOCKED_CHANGE = (
    'LEFT JOIN (SELECT c."score_id", c."original_grade", ROW_NUMBER() OVER '
    '(PARTITION BY c."score_id" ORDER BY cs."locked_at", cs."id") AS rn '
    'FROM "calibration_change" AS c JOIN "calibration_session" AS cs '
    'ON cs."id" = c."session_id" '
    'WHERE cs."company_id" = ? AND cs."state" = \'locked\' AND cs."plan_id" IN '
    '(SELECT p2."id" FROM "plan" AS p2 WHERE p2."company_id" = ? AND {plans})) AS cc '
    'ON cc."score_id" = s."id" AND cc.rn = 1'
)
COMPUTED_GRADE = 'CASE WHEN cc."score_id" IS NULL THEN s."grade" ELSE cc."original_grade" END'


def as_int(value: Any) -> int:
    """A SUM or COUNT as read (int, Decimal on PostgreSQL, None over no rows)."""
    return 0 if value is None else int(value)


def average(units: int, n: int, places: Decimal = CENT) -> Decimal | None:
    """The exact mean of ``n`` stored totals summing to ``units``, to ``places``."""
    if not n:
        return None
    return (Decimal(units) / UNITS / n).quantize(places, ROUND_HALF_EVEN)


def rate(units: int, n: int) -> Decimal | None:
    """An average of ``indicators_total`` (percent) as a rate: 122 % -> 1.2200."""
    if not n:
        return None
    return (Decimal(units) / UNITS / HUNDRED / n).quantize(RATE, ROUND_HALF_EVEN)


def share(count: int, of: int) -> Decimal:
    return Decimal(0).quantize(RATE) if not of else (Decimal(count) / of).quantize(RATE)


def mean_float(units: int, n: int) -> float:
    return float(Decimal(units) / UNITS / n)


def variance(n: int, units: int, cents_squared: int) -> float:
    """The sample variance of ``n`` totals (score points^2) from their exact sum (units)
    and sum of squares (in cents^2), computed in integers so both backends agree; 0 for one."""
    if n < 2:
        return 0.0
    cents = units // CENTS_PER_UNIT
    numerator = n * cents_squared - cents * cents  # exact: n^2 (n - 1) var in cents^2 / n
    return numerator / (n * (n - 1)) / 10_000


def to_decimal(value: float | None, places: Decimal = CENT) -> Decimal | None:
    """A statistic (float) shown as a Decimal; the float is exact, so is this."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return Decimal(value).quantize(places, ROUND_HALF_EVEN)
