"""A page of scores costs the same SQL statements at any size: nested fields come in batches."""

from __future__ import annotations

import logging

import pytest

from schema.ids import encode
from server.models import Employee
from server.org_tree import forget
from server.scoring.recompute import recompute
from server.scoring.vocabulary import ActualSource
from tests.server.score_pipeline_support import make_scene

PAGE = """query($p: ID!, $first: Int!) { scores(planId: $p, first: $first) { edges { node {
  id status total published explanation missing grade { key name }
  employee { name manager { name } } department { name } plan { name state }
  indicators { key score contribution reasons explanation
    actualSource { source setBy { name } syncRun { id } } }
  versions { version grade { name } frozenBy { name } } } } } }"""
PEOPLE = 55


def statements(caplog: pytest.LogCaptureFixture) -> int:
    # The process's outbox tail polls the event table in the background: not the request's.
    return sum(
        1
        for r in caplog.records
        if r.name == "tortoise.db_client"
        and r.msg == "%s: %s"
        and '"outbox_event"' not in str(r.args[0])
    )


async def test_a_page_of_scores_costs_the_same_statements_at_any_size(
    db, api, make_company, caplog: pytest.LogCaptureFixture
) -> None:
    scene = await make_scene(api, make_company)
    mgr = scene.people["mgr"]
    for n in range(PEOPLE):
        person = await Employee.create(
            company_id=scene.company_id,
            username=f"p{n}@{scene.sandbox.slug}",
            password_hash="x",
            name=f"销售 {n:02d}",
            title="销售代表",
            employee_number=f"S{n:04d}",
            department_id=mgr.department_id,
            manager_id=mgr.id,
            phone=f"1390000{n:04d}",
            email=f"p{n}@{scene.sandbox.slug}.example.com",
        )
        scene.people[f"p{n}"] = person
        await scene.assign(f"p{n}")
        await scene.actual(f"p{n}", scene.revenue, str(8 + n % 6), ActualSource.CONNECTOR)
        await scene.actual(f"p{n}", scene.customers, str(2 + n % 4), set_by=mgr.id)
    assert await recompute(scene.company_id, scene.plan_id) == PEOPLE
    token = await api.token(scene.sandbox.user("vpa"))
    variables = {"p": encode("Plan", scene.plan_id)}
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")

    async def count(first: int) -> int:
        caplog.clear()
        answer = (await api.post(PAGE, {**variables, "first": first}, token=token)).json()
        assert "errors" not in answer, answer
        edges = answer["data"]["scores"]["edges"]
        assert len(edges) == first
        assert all(e["node"]["employee"]["manager"]["name"] == mgr.name for e in edges)
        assert all(e["node"]["indicators"][1]["actualSource"]["setBy"] for e in edges)
        return statements(caplog)

    forget(scene.company_id)  # the cached org chart cannot expire between the two pages
    await count(5)
    small, large = await count(5), await count(50)
    assert small == large, (small, large)
    # the caller, the plan and its departments, the page, then one batch per kind of thing
    # shown around it (people twice: the page's, then their managers and who set values)
    assert large <= 10, large
