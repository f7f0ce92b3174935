"""The statements of rater effects and the dashboard: a period's plans, filtered by a reach.

Every statement is one grouped read over the period's plans (``plan_filter``), so the
number of statements per analytic is constant, whatever the number of departments or people.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.models.plans import PUBLISHED_STATES
from server.scoring import sql

PUBLISHED = tuple(s.value for s in PUBLISHED_STATES)

# The rater of a manager evaluation: who submitted it, or the person's manager of record
# for a row written before authors were kept.
RATER = "coalesce({v}.author_id, {v}.manager_id)"


def plan_filter(alias: str, period: Period, company_id: UUID, params: list[Any]) -> str:
    """``<alias>`` (a plan) is one of the period's published plans of the company."""
    dialect = sql.dialect(sql.client())
    params += [
        sql.uuid_param(company_id, dialect),
        str(period.kind),
        period.start if dialect == "postgres" else period.start.isoformat(),
        *PUBLISHED,
    ]
    marks = ", ".join("?" for _ in PUBLISHED)
    return (
        f"{alias}.company_id = ? AND {alias}.period_kind = ? AND {alias}.period_start = ? "
        f"AND {alias}.state IN ({marks})"
    )


def reach_filter(
    reach: Reach, alias: str, params: list[Any], *, scores: bool = False, plan: str | None = None
) -> str:
    return reach.where(alias, sql.dialect(sql.client()), params, scores=scores, plan=plan)


def ratings_sql(period: Period, reach: Reach, params: list[Any]) -> str:
    """Per rater: the manager evaluations he submitted, the people he rated, and the sum and
    sum of squares of his overall ratings (whole numbers: exact on both backends).

    Every statement here starts from the period's plans (a CROSS JOIN, whose order SQLite
    keeps; see ``analytics.sql.PLAN_SCORES``): an evaluation then comes by its (company,
    plan) index, a score by its plan id, never by the tenant's rows of every period."""
    rater = RATER.format(v="v")
    plans = plan_filter("p", period, reach.company_id, params)
    params += ["manager", "submitted"]
    where = reach_filter(reach, "v", params)
    return f"""
SELECT {rater}, count(*), count(DISTINCT v.employee_id),
       sum(v.overall_rating), sum(v.overall_rating * v.overall_rating)
FROM plan p CROSS JOIN evaluation v
WHERE v.plan_id = p.id AND {plans} AND v.kind = ? AND v.state = ?
  AND v.overall_rating IS NOT NULL AND {where}
GROUP BY {rater}
"""


def _json_parts(dialect: str) -> tuple[str, str, str, str]:
    """The self-evaluation's stated items (``c``: ``c.key``, the figure ``claimed``), and
    the target and direction of that indicator in the assignment (a person's own targets
    live there), as text."""
    if dialect == "postgres":
        item = (
            "(SELECT j FROM jsonb_array_elements(a.indicators::jsonb) j "
            "WHERE j->>'key' = c.key LIMIT 1)"
        )
        return (
            "JOIN LATERAL jsonb_each(s.items::jsonb) AS c ON true",
            "(c.value ->> 'value')",
            f"({item}->>'target')",
            f"({item}->'scoring'->>'direction')",
        )
    item = (
        "(SELECT json_extract(j.value, '$.{field}') FROM json_each(a.indicators) j "
        "WHERE json_extract(j.value, '$.key') = c.key LIMIT 1)"
    )
    return (
        "JOIN json_each(s.items) AS c",  # no CROSS JOIN: it would fix the join order
        "json_extract(c.value, '$.value')",
        item.format(field="target"),
        item.format(field="scoring.direction"),
    )


def self_gaps_sql(period: Period, reach: Reach, params: list[Any]) -> str:
    """Per indicator a person's submitted self-evaluation states a figure for, while his
    manager evaluation is submitted too: the rater, the person, the figure, the recorded
    actual (stored units), the target and the direction. The walk starts from the stated
    items and finds each actual by its unique (assignment, indicator) key."""
    rater = RATER.format(v="m")
    items, claimed, target, direction = _json_parts(sql.dialect(sql.client()))
    # SQLite: CROSS JOIN keeps the stated items (one JSON walk per evaluation) outside the
    # actuals, each found by its unique key; its planner would otherwise walk the other way.
    then = "JOIN" if sql.dialect(sql.client()) == "postgres" else "CROSS JOIN"
    plans = plan_filter("p", period, reach.company_id, params)
    params += ["self", "submitted", "manager", "submitted"]
    where = reach_filter(reach, "m", params)
    return f"""
SELECT {rater}, s.employee_id, {claimed}, x.value, {target}, {direction}
FROM plan p
CROSS JOIN evaluation m
JOIN evaluation s ON s.assignment_id = m.assignment_id
JOIN assignment a ON a.id = s.assignment_id
{items}
{then} actual x ON x.assignment_id = s.assignment_id AND x.indicator_key = c.key
WHERE m.plan_id = p.id AND {plans} AND s.kind = ? AND s.state = ? AND m.kind = ? AND m.state = ?
  AND {where}
  AND x.value IS NOT NULL AND {claimed} IS NOT NULL
"""


def _rated(period: Period, reach: Reach, raters: Collection[UUID], params: list[Any]) -> str:
    """Every scored person of the period in reach whose rater (the manager evaluation's
    author, else his manager of record) is one of ``raters``: the rater, the person, his
    final score in stored units and the score's id."""
    dialect = sql.dialect(sql.client())
    rater = "coalesce(m.author_id, s.manager_id)"
    params += ["manager", "submitted"]  # the join's, which comes first
    plans = plan_filter("p", period, reach.company_id, params)
    where = reach_filter(reach, "s", params, scores=True, plan="p")
    # One list parameter however many raters: no statement grows with the people.
    wanted = (
        f"{rater} = ANY(?::uuid[])"
        if dialect == "postgres"
        else f"{rater} IN (SELECT value FROM json_each(?))"
    )
    params.append(sql.ids_param(raters, dialect))
    return f"""
SELECT {rater} AS rater, s.employee_id AS employee, s.total AS total, s.id AS id
FROM plan p
CROSS JOIN score s
LEFT JOIN evaluation m ON m.assignment_id = s.assignment_id AND m.kind = ? AND m.state = ?
WHERE s.plan_id = p.id AND {plans} AND s.total IS NOT NULL AND {where} AND {wanted}
"""


def rated_page_sql(
    period: Period,
    reach: Reach,
    raters: Collection[UUID],
    after: tuple[UUID, int, UUID] | None,
    limit: int | None,
    params: list[Any],
) -> str:
    """A page of ``_rated`` in (rater, score descending, score id) order: the rows after
    ``after`` (a row's rater, score and score id), at most ``limit`` of them. Within a
    rater a higher score is a higher z-score, so this is also z-score order."""
    dialect = sql.dialect(sql.client())
    rated = _rated(period, reach, raters, params)
    keyset = ""
    if after is not None:
        rater, total, row_id = after
        keyset = (
            "WHERE r.rater > ? OR (r.rater = ? AND (r.total < ? OR (r.total = ? AND r.id > ?)))"
        )
        marks = [sql.uuid_param(rater, dialect)] * 2 + [total, total]
        params += [*marks, sql.uuid_param(row_id, dialect)]
    bound = ""
    if limit is not None:
        bound = "LIMIT ?"
        params.append(limit)
    return f"""
SELECT r.rater, r.employee, r.total, r.id FROM ({rated}) r
{keyset}
ORDER BY r.rater, r.total DESC, r.id
{bound}
"""


def rated_spread_sql(
    period: Period, reach: Reach, raters: Collection[UUID], params: list[Any]
) -> str:
    """Per rater of ``raters``: his people's count, the sum, least and greatest of their
    scores (stored units, whole numbers: exact) and the sum of squared deviations from his
    mean (two passes, so no cancellation; exact numeric on PostgreSQL, a float on SQLite,
    whose sum of squares of whole units could overflow 64 bits)."""
    rated = _rated(period, reach, raters, params)
    return f"""
SELECT d.rater, count(*), sum(d.total), min(d.total), max(d.total),
       sum((d.total - d.mean) * (d.total - d.mean))
FROM (SELECT r.rater, r.total, avg(r.total) OVER (PARTITION BY r.rater) AS mean
      FROM ({rated}) r) d
GROUP BY d.rater
"""
