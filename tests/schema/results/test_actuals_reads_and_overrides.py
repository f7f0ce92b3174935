"""Reading actuals (each caller his own, his team's, his departments', filtered in SQL) and
changing one: a note on any actual, an override of a connector's value (policy and reason
required, the connector's value kept beside it) and back."""

from __future__ import annotations

from schema.ids import decode
from server.actuals.connector import pull_connector_actuals
from server.models import Actual, ActualRevision, AuditEntry, Plan
from tests.schema.results.test_actuals_helpers import (
    ACTUALS,
    ANNOTATE,
    CLEAR,
    OVERRIDE,
    RECORD,
    connector_config,
    count_statements,
    fact,
    more_staff,
    plan_with_people,
    row,
    statements,
)


async def test_each_reads_only_the_actuals_in_his_sight(api, make_company, caplog) -> None:
    s = await make_company()
    colleagues = await more_staff(api, s, 6)
    plan = await plan_with_people(api, s, "staff", *colleagues)
    key = plan["keys"]["manual"]
    rows = [row(p, key, str(n)) for n, p in enumerate([s.ids["staff"], *colleagues], start=1)]
    assert "errors" not in await api.gql(
        RECORD, {"p": plan["id"], "rows": rows}, as_user=s.user("mgr")
    )

    async def seen(user: str, **filters: object) -> list[str]:
        found = await api.gql(ACTUALS, {"p": plan["id"], **filters}, as_user=s.user(user))
        assert "errors" not in found, found
        return [e["node"]["employeeId"] for e in found["data"]["actuals"]["edges"]]

    assert await seen("staff") == [s.ids["staff"]]
    assert await seen("staff", e=colleagues[0]) == []
    assert len(await seen("mgr")) == 7
    assert await seen("mgr", e=colleagues[1]) == [colleagues[1]]
    assert len(await seen("vpa", d=s.ids["sales"])) == 7
    assert await seen("vpa", d=s.ids["plant"]) == []
    # someone the plan does not cover does not even see the plan
    hidden = await api.gql(ACTUALS, {"p": plan["id"]}, as_user=s.user("worker"))
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    # pages: every actual once, and the same statements for a page of 2 as of 7
    first = await api.gql(ACTUALS, {"p": plan["id"], "first": 4}, as_user=s.user("mgr"))
    page = first["data"]["actuals"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await api.gql(
        ACTUALS, {"p": plan["id"], "after": page["pageInfo"]["endCursor"]}, as_user=s.user("mgr")
    )
    ids = [e["node"]["id"] for e in page["edges"] + rest["data"]["actuals"]["edges"]]
    assert len(ids) == len(set(ids)) == 7
    counts = []
    for size in (2, 7):
        count_statements(caplog)
        found = await api.gql(ACTUALS, {"p": plan["id"], "first": size}, as_user=s.user("mgr"))
        assert len(found["data"]["actuals"]["edges"]) == size
        counts.append(statements(caplog))
    assert counts[0] == counts[1], counts

    # node(id) answers the same visibility
    node = "query($id: ID!) { node(id: $id) { ... on Actual { value employeeId } } }"
    mine = (await seen("staff"))[0]
    actual_id = (await api.gql(ACTUALS, {"p": plan["id"]}, as_user=s.user("staff")))["data"][
        "actuals"
    ]["edges"][0]["node"]["id"]
    assert (await api.gql(node, {"id": actual_id}, as_user=s.user("staff")))["data"]["node"] == {
        "value": "1",
        "employeeId": mine,
    }
    other = await api.gql(node, {"id": actual_id}, as_user=s.user("worker"))
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def _connector_actual(api, s, plan) -> None:
    """staff's revenue from a connector: 4 + 3.5 in the plan's month."""
    from server.db import using

    with using(api.runtime.db):
        plan_row = await Plan.get(id=decode(plan["id"], "Plan"))
        source = await connector_config(plan_row.company_id)
        await fact(plan_row.company_id, s.ids["staff"], source, "2026-12-03", "4")
        await fact(plan_row.company_id, s.ids["staff"], source, "2026-12-09", "3.5")
        changed = await pull_connector_actuals(
            api.runtime.metrics, plan_row.company_id, plan_row.id
        )
    assert changed == {decode(s.ids["staff"], "Employee")}


async def test_an_override_needs_the_policy_and_a_reason(api, make_company, db) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    await _connector_actual(api, s, plan)
    key = plan["keys"]["connector"]
    args = {"p": plan["id"], "e": s.ids["staff"], "k": key, "v": "9", "r": "CRM 漏记一笔订单"}

    refused = await api.gql(OVERRIDE, args, as_user=s.user("mgr"))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # not a manager's by default
    blank = await api.gql(OVERRIDE, {**args, "r": " \u200b "}, as_user=s.user("perf"))
    assert blank["errors"][0]["extensions"]["reason"] == "REQUIRED"
    manual = await api.gql(OVERRIDE, {**args, "k": plan["keys"]["manual"]}, as_user=s.user("perf"))
    assert manual["errors"][0]["extensions"]["reason"] == "ACTUAL_NOT_CONNECTOR"

    done = await api.gql(OVERRIDE, args, as_user=s.user("perf"))
    actual = done["data"]["overrideActual"]
    assert (actual["value"], actual["source"], actual["connectorValue"]) == ("9", "OVERRIDE", "7.5")
    assert (actual["reason"], actual["setById"], actual["revision"]) == (
        "CRM 漏记一笔订单",
        s.ids["perf"],
        2,
    )
    assert [h["source"] for h in actual["history"]] == ["OVERRIDE", "CONNECTOR"]
    assert await AuditEntry.filter(company__slug=s.slug, action="actual.override").count() == 1

    cleared = await api.gql(
        CLEAR,
        {"p": plan["id"], "e": s.ids["staff"], "k": key, "r": "已补录"},
        as_user=s.user("perf"),
    )
    back = cleared["data"]["clearActualOverride"]
    assert (back["value"], back["source"], back["connectorValue"], back["setById"]) == (
        "7.5",
        "CONNECTOR",
        None,
        None,
    )
    assert (
        back["history"][0]["reason"] == "已补录" and back["history"][0]["setById"] == s.ids["perf"]
    )
    again = await api.gql(
        CLEAR, {"p": plan["id"], "e": s.ids["staff"], "k": key, "r": "x"}, as_user=s.user("perf")
    )
    assert again["errors"][0]["extensions"]["reason"] == "NOT_OVERRIDDEN"


async def test_a_note_on_any_actual_is_a_revision(api, make_company, db) -> None:
    s = await make_company()
    plan = await plan_with_people(api, s, "staff")
    await _connector_actual(api, s, plan)
    args = {"p": plan["id"], "e": s.ids["staff"], "k": plan["keys"]["connector"], "n": "含一笔退款"}
    mine = await api.gql(ANNOTATE, args, as_user=s.user("staff"))
    assert mine["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = await api.gql(ANNOTATE, args, as_user=s.user("mgr"), lang="zh")
    actual = done["data"]["annotateActual"]
    assert (actual["note"], actual["value"], actual["source"]) == ("含一笔退款", "7.5", "CONNECTOR")
    # the value keeps its provenance; the revision says who wrote the note
    assert actual["setById"] is None and actual["syncRunId"] is None
    assert [(h["revision"], h["note"], h["setById"]) for h in actual["history"]] == [
        (2, "含一笔退款", s.ids["mgr"]),
        (1, "", None),
    ]
    assert await AuditEntry.filter(company__slug=s.slug, action="actual.annotate").count() == 1
    none_yet = await api.gql(ANNOTATE, {**args, "k": plan["keys"]["manual"]}, as_user=s.user("mgr"))
    assert none_yet["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    row_ = await Actual.get(id=decode(actual["id"], "Actual"))
    assert await ActualRevision.filter(actual_id=row_.id).count() == 2
