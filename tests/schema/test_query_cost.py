"""A request that could return too many objects is refused before it runs (issue 8, item 2).

The plainest employee could ask for ~150,000 objects in one request within the depth and
alias limits. Every test goes through the real app as that employee; each fails without the
cost rule (the "allowed" halves are paired with a refusal the rule alone makes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import build_client_schema, get_introspection_query

from schema.app import create_app
from server.settings import Settings

STAFF = "sun.tingting@demo"
BUDGET = 10_000
NESTED = (
    "employees(first: 100) { edges { node { department { "
    "employees(first: 100) { edges { node { name } } } } } } }"
)
# 15 aliases, depth 8: every earlier limit lets it through.
ATTACK = "query Attack { " + " ".join(f"a{i}: {NESTED}" for i in range(15)) + " }"
# 1 connection + 100 × (edge + employee + department + connection + 100 × (edge + employee)).
NESTED_COST = 1 + 100 * (3 + 1 + 100 * 2)
PAGE = "query Page { employees(first: 100) { edges { node { name department { name } } } } }"


def _refusal(result: dict[str, Any], cost: int, maximum: int = BUDGET) -> dict[str, Any]:
    assert result.get("data") is None, result
    [error] = result["errors"]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "QUERY_TOO_COSTLY",
        "cost": cost,
        "maximumCost": maximum,
    }
    return error


async def test_the_attack_is_refused_before_it_runs_with_its_cost(api) -> None:
    result = await api.gql(ATTACK, as_user=STAFF)
    error = _refusal(result, 15 * NESTED_COST)
    assert error["message"].startswith(
        f"This query could return up to {15 * NESTED_COST:,} objects, more than the 10,000 "
        "allowed per request."
    )


async def test_a_full_page_passes_but_a_page_per_row_is_refused(api) -> None:
    page = await api.gql(PAGE, as_user=STAFF)
    assert "errors" not in page, page
    assert len(page["data"]["employees"]["edges"]) > 1
    _refusal(await api.gql(f"query Nested {{ {NESTED} }}", as_user=STAFF), NESTED_COST)


async def test_a_variable_first_is_counted_with_its_value(api) -> None:
    query = (
        "query Nested($n: Int!) { employees(first: $n) { edges { node { department { "
        "employees(first: $n) { edges { node { name } } } } } } } }"
    )
    # The same document, alternately over and under budget: no verdict is cached for it.
    _refusal(await api.gql(query, {"n": 100}, as_user=STAFF), NESTED_COST)
    small = await api.gql(query, {"n": 2}, as_user=STAFF)
    assert "errors" not in small, small
    _refusal(await api.gql(query, {"n": 100}, as_user=STAFF), NESTED_COST)
    # An operation default counts when the variable is not sent.
    with_default = query.replace("$n: Int!", "$n: Int! = 100")
    _refusal(await api.gql(with_default, {}, as_user=STAFF), NESTED_COST)


FRAGMENTS = """
    fragment Page on EmployeeConnection { edges { node { ...Person } } }
    fragment Person on Employee {
      department { ... on Department { employees(first: 100) { ...Names } } }
    }
    fragment Names on EmployeeConnection { edges { node { name } } }
"""


async def test_fragments_are_counted(api) -> None:
    query = "query Fragments { employees(first: 100) { ...Page } }" + FRAGMENTS
    _refusal(await api.gql(query, as_user=STAFF), NESTED_COST)
    # Spread twice, under different pages, a fragment is counted each time with its page.
    twice = (
        "query Twice { a: employees(first: 30) { ...Page } b: employees(first: 20) { ...Page } }"
    )
    per_row = 3 + 1 + 100 * 2
    _refusal(
        await api.gql(twice + FRAGMENTS, as_user=STAFF), (1 + 30 * per_row) + (1 + 20 * per_row)
    )


@pytest.fixture
async def tight(api) -> AsyncIterator[httpx.AsyncClient]:
    """The same runtime behind an app whose budget is 50 objects, set as an operator would."""
    budget = Settings.from_env({"JIXIAO_MAX_QUERY_COST": "50"}).max_query_cost
    settings = dataclasses.replace(api.runtime.settings, max_query_cost=budget)
    app = create_app(settings=settings, runtime=api.runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_full_introspection_passes_even_a_tight_budget(api, tight) -> None:
    headers = {"Authorization": f"Bearer {await api.token(STAFF)}"}
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    introspection = (await tight.post("/graphql", json={"query": query}, headers=headers)).json()
    costs = [e["extensions"].get("cost") for e in introspection.get("errors", [])]
    assert costs == [], introspection.get("errors")
    build_client_schema(introspection["data"])
    # The budget is the setting's: a list of (an estimated) 100 departments is over 50.
    listing = (
        await tight.post(
            "/graphql", json={"query": "query D { departments { name } }"}, headers=headers
        )
    ).json()
    _refusal(listing, 100, maximum=50)


async def test_the_refusal_speaks_chinese(api) -> None:
    result = await api.gql(ATTACK, as_user=STAFF, lang="zh-CN")
    error = _refusal(result, 15 * NESTED_COST)
    assert error["message"].startswith(
        f"该查询最多可能返回 {15 * NESTED_COST:,} 个对象，超过每个请求 10,000 个的上限。"
    )
