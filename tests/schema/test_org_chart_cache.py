"""Departments are served from a per-company cache: a change must show on the very next read."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from schema.ids import decode
from server import org_tree
from server.models import Department
from server.org_tree import forget, org_chart

PAGE = """{ employees(first: 20) { edges { node { username
  department { name manager { username } supervisor { username } } } } } }"""
UPDATE_DEPT = """mutation($id: ID!, $i: UpdateDepartmentInput!) {
  updateDepartment(id: $id, input: $i) { id } }"""


def department_of(page: dict, username: str) -> dict:
    [node] = [
        e["node"] for e in page["data"]["employees"]["edges"] if e["node"]["username"] == username
    ]
    return node["department"]


async def test_department_edits_show_at_once_on_directory_pages(api, make_company) -> None:
    sandbox = await make_company()
    staff, admin = sandbox.user("staff"), sandbox.user("admin")
    before = department_of(await api.gql(PAGE, as_user=admin), staff)
    assert before == {"name": "销售一部", "manager": None, "supervisor": None}
    changed = await api.gql(
        UPDATE_DEPT,
        {
            "id": sandbox.ids["sales"],
            "i": {
                "name": "华东销售部",
                "managerId": sandbox.ids["mgr"],
                "supervisorId": sandbox.ids["vpa"],
            },
        },
        as_user=admin,
    )
    assert "errors" not in changed, changed
    after = department_of(await api.gql(PAGE, as_user=admin), staff)
    assert after == {
        "name": "华东销售部",
        "manager": {"username": sandbox.user("mgr")},
        "supervisor": {"username": sandbox.user("vpa")},
    }


async def test_moving_a_department_changes_who_sees_personal_data_at_once(
    api, make_company
) -> None:
    sandbox = await make_company()
    query = "query($id: ID!) { employee(id: $id) { phone personalDataVisible } }"
    staff = {"id": sandbox.ids["staff"]}
    before = await api.gql(query, staff, as_user=sandbox.user("vpb"))
    assert before["data"]["employee"] == {"phone": "138****0007", "personalDataVisible": False}
    moved = await api.gql(
        UPDATE_DEPT,
        {"id": sandbox.ids["sales"], "i": {"parentId": sandbox.ids["divB"]}},
        as_user=sandbox.user("admin"),
    )
    assert "errors" not in moved, moved
    after = await api.gql(query, staff, as_user=sandbox.user("vpb"))
    assert after["data"]["employee"] == {"phone": "13800000007", "personalDataVisible": True}


async def test_a_chart_read_during_a_change_is_not_kept(
    db, make_company, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that began before forget() may still answer its own request, but it must not
    be cached: it could predate the change and would hide it until the cache expired."""
    sandbox = await make_company()
    sales_id = decode(sandbox.ids["sales"], "Department")
    company_id = (await Department.get(id=sales_id)).company_id
    forget(company_id)
    in_flight, release = asyncio.Event(), asyncio.Event()

    class Held:
        """org_chart's department query, held in flight until the test lets it go."""

        @staticmethod
        def filter(**where: Any) -> Any:
            query = Department.filter(**where)

            class Values:
                async def values(self, *fields: str) -> Any:
                    in_flight.set()
                    await release.wait()
                    return await query.values(*fields)

            return Values()

    with monkeypatch.context() as patch:
        patch.setattr(org_tree, "Department", Held)
        reading = asyncio.create_task(org_chart(company_id))
        await asyncio.wait_for(in_flight.wait(), 5)  # the read has begun
        forget(company_id)  # a change committed meanwhile
        release.set()
        assert (await reading).departments[sales_id].name == "销售一部"
    await Department.filter(id=sales_id).update(name="华南销售部")
    assert (await org_chart(company_id)).departments[sales_id].name == "华南销售部"
