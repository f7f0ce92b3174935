"""A run's statements do not grow with the tenant's headcount: one read per rule."""

from __future__ import annotations

import logging

from server.db import using
from server.models.notifications import Notification
from server.reminders.engine import run_company
from tests.schema.reminders.support import noon
from tests.schema.results.test_evaluations_support import assign, evaluating_plan, past_dates


async def _statements(api, caplog, company_id) -> tuple[int, int]:
    """Statements of a first run (it writes) and of a re-run (it writes nothing)."""
    counts = []
    for _ in range(2):
        caplog.clear()
        with using(api.runtime.db):
            await run_company(company_id, noon())
        counts.append(
            sum(
                1
                for r in caplog.records
                if r.name == "tortoise.db_client"
                and r.msg == "%s: %s"
                and '"outbox_event"' not in str(r.args[0])  # the process's tail polling
            )
        )
    return counts[0], counts[1]


async def test_a_run_costs_the_same_statements_for_one_person_or_several(
    api, make_company, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    one = await make_company()
    await evaluating_plan(api, one, past_dates())
    several = await make_company()
    plan, _ = await evaluating_plan(api, several, past_dates())
    for who in ("worker", "mgr"):  # mgr's own evaluations too: vpa manages him
        await assign(api, several, plan, who)
    assert await _statements(api, caplog, one.company_id) == await _statements(
        api, caplog, several.company_id
    )
    with using(api.runtime.db):
        sent_one = await Notification.filter(company_id=one.company_id).count()
        sent_several = await Notification.filter(company_id=several.company_id).count()
    assert sent_several > sent_one > 0
