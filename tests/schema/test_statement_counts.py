"""SQL statements per request do not grow with the page: nested fields come from batches."""

from __future__ import annotations

import logging

import pytest

from server.db import using
from server.models import Company
from server.org_tree import forget

PAGE = """query($first: Int!) { employees(first: $first) { edges { node { id name title phone
  department { name manager { name } supervisor { name } } manager { name } } } } }"""
USERS = ("gm@demo", "vp.sales@demo", "mgr.sales-east@demo", "sun.tingting@demo")


async def statements(api, caplog, token: str, first: int) -> int:
    caplog.clear()
    response = await api.post(PAGE, {"first": first}, token=token)
    body = response.json()
    assert "errors" not in body, body
    assert len(body["data"]["employees"]["edges"]) == first
    # Tortoise logs each statement once, as ("%s: %s", sql, values). The process's outbox tail
    # polls the event table in the background; those reads are not the request's.
    return sum(
        1
        for r in caplog.records
        if r.name == "tortoise.db_client"
        and r.msg == "%s: %s"
        and '"outbox_event"' not in str(r.args[0])
    )


@pytest.mark.parametrize("username", USERS)
async def test_a_directory_page_costs_the_same_statements_at_any_size(
    api, caplog, username: str
) -> None:
    token = await api.token(username)
    with using(api.runtime.db):
        company = await Company.get(slug="demo")
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    # Start the company's cached org chart afresh, so that it cannot expire mid-test; the
    # request that reloads it pays one statement more, whatever the page size.
    forget(company.id)
    cold = await statements(api, caplog, token, 5)
    counts = {first: await statements(api, caplog, token, first) for first in (5, 25, 100)}
    assert cold == counts[5] + 1
    assert len(set(counts.values())) == 1, counts
    # the caller, the page, and one batch of the people the page shows around its rows
    assert counts[100] <= 3, counts
