"""createPlan takes its indicators from one source: given, a template, or a plan to copy.
Several are refused by name, never one silently preferred over the others."""

from __future__ import annotations

from tests.schema.plans.planning import CREATE, create, plan_input

TEMPLATES = "{ templates(departmentKind: PRODUCTION) { id framework indicators { name } } }"
PLANS = '{ plans(periodStart: "2026-12-01", periodEnd: "2026-12-31") { id } }'


async def test_several_sources_are_refused_by_name(api, make_company) -> None:
    s = await make_company()
    perf = s.user("perf")
    library = await api.gql(TEMPLATES, as_user=perf)
    template = next(t for t in library["data"]["templates"] if t["framework"] == "KPI")
    november = await create(api, s, name="十一月", periodStart="2026-11-01", periodEnd="2026-11-30")
    before = await api.gql(PLANS, as_user=perf)

    both = await api.gql(
        CREATE, {"i": plan_input([s.ids["plant"]], templateId=template["id"])}, as_user=perf
    )
    (error,) = both["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "TOO_MANY_SOURCES"}
    assert "given: templateId, indicators" in error["message"]

    three = plan_input([s.ids["plant"]], templateId=template["id"], copyFromPlanId=november["id"])
    token = await api.token(perf)
    zh = (await api.post(CREATE, {"i": three}, token=token, lang="zh")).json()
    assert zh["errors"][0]["extensions"]["reason"] == "TOO_MANY_SOURCES"
    assert "只能提供其中一项" in zh["errors"][0]["message"]
    assert "templateId, copyFromPlanId, indicators" in zh["errors"][0]["message"]

    copy_and_template = plan_input(
        [s.ids["plant"]], indicators=None, templateId=template["id"], copyFromPlanId=november["id"]
    )
    refused = await api.gql(CREATE, {"i": copy_and_template}, as_user=perf)
    assert refused["errors"][0]["extensions"]["reason"] == "TOO_MANY_SOURCES"
    assert await api.gql(PLANS, as_user=perf) == before  # nothing was created


async def test_one_source_or_none(api, make_company) -> None:
    s = await make_company()
    perf = s.user("perf")
    library = await api.gql(TEMPLATES, as_user=perf)
    template = next(t for t in library["data"]["templates"] if t["framework"] == "KPI")
    made = await api.gql(
        CREATE,
        {"i": plan_input([s.ids["plant"]], indicators=None, templateId=template["id"])},
        as_user=perf,
    )
    names = [i["name"] for i in made["data"]["createPlan"]["indicators"]]
    assert names == [i["name"] for i in template["indicators"]]
    empty = plan_input([s.ids["plant"]], name="空计划")
    del empty["indicators"]
    blank = await api.gql(CREATE, {"i": empty}, as_user=perf)
    assert blank["data"]["createPlan"]["indicators"] == []
