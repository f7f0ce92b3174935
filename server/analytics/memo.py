"""What the correlation and driver analytics loaded, kept for the process while it is fresh.

Loading a period's observations reads every score, assignment and actual of its plans and
scores each indicator again (server/analytics/observations.py): seconds at 10,000 people
and several periods. Nothing of it changes unless a row beneath changes, so an answer is
kept with a freshness **stamp**, read by one aggregate statement on every call, and reused
while the stamp is the same. Per plan of the periods (the tenant's published ones):

- the plan's id and state (a plan leaving the published states leaves the stamp);
- its scores: count, sum of ``total``, sum of ``version``, how many are frozen, and the
  latest ``computed_at`` of the live ones. A recompute writes only live scores and sets
  ``computed_at`` on each (server/scoring/writes.py); a freeze, a calibration lock
  (server/calibration/locking.py) and a correction (reopen, then freeze) bump ``version``
  or the frozen count; inserts and deletes move the count. (A frozen score's later columns
  sit in overflow pages on SQLite: they are read for live rows only.)
- for a plan still open (active or evaluating) only: its assignments' count and sum of
  ``revision`` (every writer of ``indicators`` bumps it: server/assignments/service.py,
  server/feedback/deciding.py), and its actuals' count, sum of ``revision``, sum of
  ``value`` and latest ``set_at`` (every writer sets it: server/actuals/store.py). Actuals
  and assignments of a finalized or closed plan do not change: their writers refuse
  (server/actuals/access.py, connector.py, server/assignments/access.py), a plan never
  goes back (server/plans/workflow.py), and an appeal that corrects a finalized target
  freezes a new score version in the same transaction (server/feedback/deciding.py);

and, for answers with connector metrics, the company's metric facts lying inside the
periods' span (count, sum of ``value``, latest ``updated_at``: the sync's upsert, their
only writer, sets it with every changed value, server/sync/store.py), its metric sources
and connector configs (count, latest ``updated_at``), which decide whose facts count. The
installed metrics (the registry object) are part of an answer's identity. Rows changed
in the database by hand, bypassing these writers, are not seen until something above moves.

For a caller whose rows depend on the clock (``released_only``: his own results once
released), the stamp also lists the periods' plans released by now, so his answer is kept
only until the next release passes. At most ``MAX_ENTRIES`` answers holding ``MAX_ROWS``
observations in all are kept, the least recently used dropped first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from server.analytics import sql as asql
from server.analytics.periods import Period
from server.analytics.scope import Reach, utcnow
from server.scoring import sql
from server.vocabulary import PlanState

MAX_ENTRIES = 64
MAX_ROWS = 150_000  # observations held in all (about 100 MB at 8 indicators each)

Stamp = tuple[tuple[Any, ...], ...]

# key -> (stamp, registry, value, rows)
_KEPT: OrderedDict[Any, tuple[Stamp, Any, Any, int]] = OrderedDict()
_held = [0]
# Actuals change only while their plan is open (server/actuals/access.py, connector.py) and a
# plan never goes back (server/plans/workflow.py): a finalized or closed plan's are settled.
_OPEN = f" AND p.\"state\" IN ('{PlanState.ACTIVE.value}', '{PlanState.EVALUATING.value}')"


def _plans(reach: Reach, periods: Sequence[Period], dialect: str, params: list[Any]) -> str:
    params.append(sql.uuid_param(reach.company_id, dialect))
    return f'p."company_id" = ? AND {asql.plans_of("p", periods, dialect, params)}'


def _statement(
    reach: Reach, periods: Sequence[Period], dialect: str, facts: bool
) -> tuple[str, list[Any]]:
    params: list[Any] = []
    parts = [
        'SELECT \'plan\', CAST(p."id" AS TEXT), p."state", NULL, NULL, NULL, NULL '
        f'FROM "plan" AS p WHERE {_plans(reach, periods, dialect, params)}'
    ]
    # What each table contributes per plan (see the module docstring for why it suffices).
    # Score columns after the JSON ones are read for live rows only where possible: a
    # finalized plan's frozen rows keep them in overflow pages on SQLite.
    live_at = 'MAX(CASE WHEN s."frozen" THEN NULL ELSE s."computed_at" END)'
    if dialect != "postgres":
        live_at = 'MAX(CASE WHEN s."frozen" = 1 THEN NULL ELSE s."computed_at" END)'
    frozen = (
        'SUM(CASE WHEN s."frozen" THEN 1 ELSE 0 END)'
        if dialect == "postgres"
        else ('SUM(s."frozen")')
    )
    for tag, alias, columns, only in (
        ("score", "s", ('SUM(s."total")', 'SUM(s."version")', frozen, live_at), ""),
        ("assignment", "a", ('SUM(a."revision")', "NULL", "NULL", "NULL"), _OPEN),
        ("actual", "x", ('SUM(x."revision")', 'SUM(x."value")', "NULL", 'MAX(x."set_at")'), _OPEN),
    ):
        # Driven by the plans' index on each table (SQLite would scan every plan's rows).
        texts = ", ".join(c if c == "NULL" else f"CAST({c} AS TEXT)" for c in columns)
        parts.append(
            f"SELECT '{tag}', CAST({alias}.\"plan_id\" AS TEXT), CAST(COUNT(*) AS TEXT), "
            f'{texts} FROM "{tag}" AS {alias} '
            f'WHERE {alias}."plan_id" IN (SELECT p."id" FROM "plan" AS p '
            f"WHERE {_plans(reach, periods, dialect, params)}{only}) "
            f'GROUP BY {alias}."plan_id"'
        )
    if reach.released_only:
        # The clock enters only through which of the plans are released by now: that list
        # is part of the stamp, so an answer is kept until the next release passes.
        parts.append(
            "SELECT 'released', CAST(rr.\"plan_id\" AS TEXT), NULL, NULL, NULL, NULL, NULL "
            'FROM "results_release" AS rr WHERE rr."plan_id" IN (SELECT p."id" FROM "plan" AS p '
            f'WHERE {_plans(reach, periods, dialect, params)}) AND rr."publish_at" <= ?'
        )
        params.append(sql.time_param(reach.now or utcnow(), dialect))
    if facts:
        company = sql.uuid_param(reach.company_id, dialect)
        first = asql.date_param(min(p.start for p in periods), dialect)
        last_day = asql.date_param(max(p.end for p in periods), dialect)
        parts.append(
            "SELECT 'facts', NULL, CAST(COUNT(*) AS TEXT), CAST(SUM(f.\"value\") AS TEXT), "
            'NULL, NULL, CAST(MAX(f."updated_at") AS TEXT) FROM "metric_fact" AS f '
            'WHERE f."company_id" = ? AND f."period_start" >= ? AND f."period_end" <= ?'
        )
        params += [company, first, last_day]
        for tag, table in (("sources", "metric_source"), ("configs", "connector_config")):
            parts.append(
                f"SELECT '{tag}', NULL, CAST(COUNT(*) AS TEXT), NULL, NULL, NULL, "
                f'CAST(MAX(t."updated_at") AS TEXT) FROM "{table}" AS t WHERE t."company_id" = ?'
            )
            params.append(company)
    return " UNION ALL ".join(parts), params


async def stamp(reach: Reach, periods: Sequence[Period], *, facts: bool = False) -> Stamp | None:
    """The freshness stamp of ``periods``' plans (and of the company's metric facts with
    ``facts``), one statement; for a caller who reads released results only, it holds
    which of the plans are released by now."""
    dialect = sql.dialect(sql.client())
    text, params = _statement(reach, periods, dialect, facts)
    rows = await sql.fetch(text, params)
    return tuple(sorted(tuple("" if v is None else str(v) for v in row) for row in rows))


def recall(key: Any, fresh: Stamp | None, registry: Any = None) -> Any:
    """The value kept under ``key`` for the stamp ``fresh`` (and the same registry), or None."""
    if fresh is None:
        return None
    found = _KEPT.get(key)
    if found is None or found[0] != fresh or found[1] is not registry:
        return None
    _KEPT.move_to_end(key)
    return found[2]


def remember(key: Any, fresh: Stamp | None, registry: Any, value: Any, rows: int = 1) -> None:
    """Keep ``value`` (holding ``rows`` observations) under ``key`` for the stamp ``fresh``."""
    if fresh is None or rows > MAX_ROWS:
        return
    forget(key)
    _KEPT[key] = (fresh, registry, value, rows)
    _held[0] += rows
    while len(_KEPT) > MAX_ENTRIES or _held[0] > MAX_ROWS:
        _, (_, _, _, dropped) = _KEPT.popitem(last=False)
        _held[0] -= dropped


def forget(key: Any = None) -> None:
    """Drop what is kept under ``key``, or everything (tests, benchmarks of a cold call)."""
    if key is None:
        _KEPT.clear()
        _held[0] = 0
        return
    found = _KEPT.pop(key, None)
    if found is not None:
        _held[0] -= found[3]
