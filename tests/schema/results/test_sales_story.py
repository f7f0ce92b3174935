"""The article's sales story, end to end through the real app (issue 10).

A plan from the sales template is approved and active; the manager assigns his salesman
targets 10 and 4; sales of 12 arrive from a connector sync of a loopback CRM, new customers
5 by manual bulk entry; self-evaluation, manager evaluation, finalize, publish: the
salesman sees 122, Excellent, with ``12 / 10 × 60 % = 72`` and ``5 / 4 × 40 % = 50``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tests.plugins.loopback import serve
from tests.plugins.syncing import FAST, finished
from tests.schema.plans.planning import CREATE, UPDATE_INDICATOR, plan_input, step

TEMPLATES = "query { templates(departmentKind: SALES) { id name } }"
ASSIGN = """mutation($p: ID!, $d: ID!, $r: [AssignmentRowInput!]) {
  assignDepartment(planId: $p, departmentId: $d, rows: $r) {
    assigned { id employee { username } indicators { key name target weight dataSource } }
    rejected { row reason message } } }"""
CONFIG = """mutation($i: CreateConnectorConfigInput!) { createConnectorConfig(input: $i) { id } }"""
SYNC = """mutation($c: ID!) { syncConnector(configId: $c, period: {start: "2026-12-01", end: "2026-12-31"}) { id } }"""
RECORD = """mutation($p: ID!, $k: String, $r: [ActualRowInput!]!) {
  recordActuals(planId: $p, clientKey: $k, rows: $r) {
    accepted { index } rejected { index reason message } replayed } }"""
SELF = """mutation($a: ID!, $i: SelfEvaluationInput!) {
  saveSelfEvaluation(assignmentId: $a, input: $i, submit: true) { state } }"""
MANAGER = """mutation($a: ID!, $i: ManagerEvaluationInput!) {
  saveManagerEvaluation(assignmentId: $a, input: $i, submit: true) { state } }"""
PUBLISH = """mutation($p: ID!) { publishResults(planId: $p) { publishAt } }"""
MY_SCORES = """query { myScores { total status grade { key name } explanation frozen
  indicators { name actual score explanation actualSource { source } } } }"""
SCORES = """query($p: ID!) { scores(planId: $p) { edges { node { total frozen
  indicators { actual } } } } }"""


def crm(deal: dict[str, str]) -> web.Application:
    """A loopback CRM answering the won deal of December (the test changes its amount)."""

    async def deals(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != "Bearer crm-token":
            return web.json_response({"error": "unauthorized"}, status=401)
        return web.json_response(
            [
                {
                    "id": "D-1",
                    "owner": {"employee_no": "T0007"},  # staff, the salesman
                    "closed_at": "2026-12-15",
                    "amount": deal["amount"],
                }
            ]
        )

    app = web.Application()
    app.router.add_get("/api/v1/deals", deals)
    return app


def crm_settings(base: str) -> dict[str, Any]:
    return {
        "base_url": base,
        "employee_field": "owner.employee_no",
        "date_field": "closed_at",
        "metrics_map": {"sales.revenue": "amount"},
        "auth": "bearer",
        "records_path": "",
    }


async def connect_crm(api: Any, s: Any, base: str) -> str:
    config = await api.gql(
        CONFIG,
        {
            "i": {
                "connector": "rest_sales",
                "name": "CRM",
                "settings": crm_settings(base),
                "secrets": {"token": "crm-token"},
            }
        },
        as_user=s.user("admin"),
    )
    assert "errors" not in config, config
    return str(config["data"]["createConnectorConfig"]["id"])


async def sync_sales(api: Any, s: Any, config_id: str) -> None:
    started = await api.gql(SYNC, {"c": config_id}, as_user=s.user("perf"))
    assert "errors" not in started, started
    run = await finished(api, s, started["data"]["syncConnector"]["id"], "perf")
    assert run["status"] == "SUCCEEDED" and run["stored"] == 1, run
    # The facts' announcement reaches the actuals through the outbox.
    await api.runtime.dispatcher.run_once()


async def test_the_article_sales_story(api, make_company, monkeypatch) -> None:
    monkeypatch.setattr(api.runtime.engine, "policy", FAST)
    s = await make_company()
    perf, mgr, staff = s.user("perf"), s.user("mgr"), s.user("staff")

    # A plan from the sales template; new customers are counted by the manager.
    templates = (await api.gql(TEMPLATES, as_user=perf))["data"]["templates"]
    sales = next(t for t in templates if "Sales monthly KPI" in t["name"])
    data = plan_input([s.ids["sales"]], name="销售一部 2026-12", templateId=sales["id"])
    del data["indicators"]
    created = await api.gql(CREATE, {"i": data}, as_user=perf)
    assert "errors" not in created, created
    plan = created["data"]["createPlan"]
    revenue, customers = plan["indicators"]
    assert (revenue["dataSource"], revenue["weight"]) == ("sales.revenue", "60")
    manual = await api.gql(
        UPDATE_INDICATOR,
        {
            "id": plan["id"],
            "v": 1,
            "k": customers["key"],
            "c": "新客户由经理登记",
            "i": {"dataSource": "manual"},
        },
        as_user=perf,
    )
    assert "errors" not in manual, manual
    for action, user in (
        ("SUBMIT", "perf"),
        ("APPROVE", "hrvp"),
        ("APPROVE", "vpa"),
        ("FILE", "perf"),
        ("ACKNOWLEDGE", "gm"),
    ):
        done = await step(api, plan["id"], action, s.user(user))
        assert "errors" not in done, (action, done)
    assert done["data"]["transitionPlan"]["state"] == "ACTIVE"

    # The manager assigns his salesman targets 10 and 4.
    assigned = await api.gql(
        ASSIGN,
        {
            "p": plan["id"],
            "d": s.ids["sales"],
            "r": [
                {
                    "employeeId": s.ids["staff"],
                    "overrides": [
                        {"indicatorKey": revenue["key"], "target": "10"},
                        {"indicatorKey": customers["key"], "target": "4"},
                    ],
                }
            ],
        },
        as_user=mgr,
    )
    payload = assigned["data"]["assignDepartment"]
    assert payload["rejected"] == []
    (assignment,) = payload["assigned"]
    assert [(i["target"], i["weight"]) for i in assignment["indicators"]] == [
        ("10", "60"),
        ("4", "40"),
    ]

    # Sales of 12 from a connector sync of the loopback CRM.
    deal = {"amount": "12"}
    async with serve(crm(deal)) as base:
        config_id = await connect_crm(api, s, base)
        await sync_sales(api, s, config_id)
        # Before finalizing, a corrected sale recomputes the score.
        deal["amount"] = "11"
        await sync_sales(api, s, config_id)
        corrected = await api.gql(SCORES, {"p": plan["id"]}, as_user=mgr)
        (node,) = [e["node"] for e in corrected["data"]["scores"]["edges"]]
        assert node["indicators"][0]["actual"] == "11"
        deal["amount"] = "12"
        await sync_sales(api, s, config_id)
    # New customers 5 by manual bulk entry; a re-sent batch changes nothing.
    rows = [{"employeeId": s.ids["staff"], "indicatorKey": customers["key"], "value": "5"}]
    first = await api.gql(RECORD, {"p": plan["id"], "k": "dec-1", "r": rows}, as_user=mgr)
    assert first["data"]["recordActuals"]["accepted"] == [{"index": 0}], first
    again = await api.gql(RECORD, {"p": plan["id"], "k": "dec-1", "r": rows}, as_user=mgr)
    assert again["data"]["recordActuals"]["replayed"] is True

    # The manager sees the live score at once; the salesman sees nothing yet.
    live = await api.gql(SCORES, {"p": plan["id"]}, as_user=mgr)
    (node,) = [e["node"] for e in live["data"]["scores"]["edges"]]
    assert (node["total"], node["frozen"]) == ("122", False)
    assert [i["actual"] for i in node["indicators"]] == ["12", "5"]
    assert (await api.gql(MY_SCORES, as_user=staff))["data"]["myScores"] == []

    # Self-evaluation, manager evaluation, then the plan is evaluated and finalized.
    started = await step(api, plan["id"], "START_EVALUATION", perf)
    assert started["data"]["transitionPlan"]["state"] == "EVALUATING"
    own = await api.gql(
        SELF,
        {"a": assignment["id"], "i": {"overallComment": "超额完成销售目标"}},
        as_user=staff,
    )
    assert own["data"]["saveSelfEvaluation"]["state"] == "SUBMITTED", own
    rated = await api.gql(
        MANAGER,
        {"a": assignment["id"], "i": {"overallComment": "表现优秀", "overallRating": 5}},
        as_user=mgr,
    )
    assert rated["data"]["saveManagerEvaluation"]["state"] == "SUBMITTED", rated
    final = await step(api, plan["id"], "FINALIZE", perf)
    assert final["data"]["transitionPlan"]["state"] == "FINALIZED"

    # A later sale changes nothing: the score is frozen.
    deal["amount"] = "30"
    async with serve(crm(deal)) as base:
        await api.gql(
            """mutation($c: ID!, $i: UpdateConnectorConfigInput!) {
              updateConnectorConfig(id: $c, input: $i) { id } }""",
            {"c": config_id, "i": {"settings": crm_settings(base)}},
            as_user=s.user("admin"),
        )
        await sync_sales(api, s, config_id)
    frozen = await api.gql(SCORES, {"p": plan["id"]}, as_user=mgr)
    (node,) = [e["node"] for e in frozen["data"]["scores"]["edges"]]
    assert (node["total"], node["frozen"], node["indicators"][0]["actual"]) == ("122", True, "12")

    published = await api.gql(PUBLISH, {"p": plan["id"]}, as_user=s.user("hrvp"))
    assert "errors" not in published, published

    # The salesman sees 122, Excellent, and why.
    (mine,) = (await api.gql(MY_SCORES, as_user=staff))["data"]["myScores"]
    assert (mine["total"], mine["status"], mine["grade"]["key"]) == ("122", "OK", "excellent")
    assert mine["grade"]["name"] == "Excellent"
    assert [i["explanation"] for i in mine["indicators"]] == [
        "12 / 10 × 60 % = 72",
        "5 / 4 × 40 % = 50",
    ]
    assert [i["actualSource"]["source"] for i in mine["indicators"]] == ["CONNECTOR", "MANUAL"]
    assert mine["explanation"] == "72 + 50 = 122 → Excellent"
    (zh,) = (await api.gql(MY_SCORES, as_user=staff, lang="zh-CN"))["data"]["myScores"]
    assert zh["grade"]["name"] == "优秀"
    assert zh["explanation"] == "72 + 50 = 122 → 优秀"
