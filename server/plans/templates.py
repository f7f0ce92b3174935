"""The template library: KPI and OKR templates per department kind, editable per tenant."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.authz import TEMPLATE_CREATE, TEMPLATE_DELETE, TEMPLATE_READ, TEMPLATE_UPDATE
from server.errors import BadInput, NotFound
from server.indicators import IndicatorSpec, ScoringRule
from server.models import Company, Template
from server.plans.validation import check_indicators
from server.vocabulary import (
    DEPARTMENT_KINDS,
    AuditAction,
    AuditObjectType,
    Direction,
    ScoringKind,
)


def _i(
    name: str,
    weight: int,
    target: str | None,
    unit: str,
    source: str = "manual",
    *,
    direction: Direction = Direction.HIGHER,
    kind: ScoringKind = ScoringKind.RATIO,
) -> dict[str, Any]:
    """A shipped indicator in the stored form, written by the codec plans use too."""
    return IndicatorSpec(
        name=name,
        weight=Decimal(weight),
        target=None if target is None else Decimal(target),
        unit=unit,
        data_source=source,
        scoring=ScoringRule(kind=kind, direction=direction),
        qualitative=kind is ScoringKind.RATING,
    ).to_json()


# Seeded into every company when it is created (and, for older companies, at start-up), once
# per ``key``; data sources name metrics of the built-in connectors.
SEEDS: list[dict[str, Any]] = [
    {
        "key": "sales_kpi",
        "name": "销售部月度 KPI / Sales monthly KPI",
        "framework": "KPI",
        "department_kind": "sales",
        "indicators": [
            _i("销售额 Revenue", 60, "100000", "CNY", "sales.revenue"),
            _i("新客户数 New customers", 40, "4", "customers", "sales.new_customers"),
        ],
    },
    {
        "key": "production_kpi",
        "name": "生产车间月度 KPI / Production monthly KPI",
        "framework": "KPI",
        "department_kind": "production",
        "indicators": [
            _i("产量 Output", 60, "10000", "units", "production.output"),
            _i(
                "不良率 Defect rate",
                40,
                "2",
                "%",
                "production.defect_rate",
                direction=Direction.LOWER,
            ),
        ],
    },
    {
        "key": "rnd_kpi",
        "name": "研发部季度 KPI / R&D quarterly KPI",
        "framework": "KPI",
        "department_kind": "rnd",
        "indicators": [
            _i("按期交付率 On-time delivery", 60, "95", "%"),
            _i("漏测缺陷数 Defects escaped", 40, "3", "defects", direction=Direction.LOWER),
        ],
    },
    {
        "key": "service_kpi",
        "name": "客服部月度 KPI / Customer service monthly KPI",
        "framework": "KPI",
        "department_kind": "service",
        "indicators": [
            _i("首次响应时长 First reply time", 50, "30", "min", direction=Direction.LOWER),
            _i("客户满意度 Satisfaction", 50, "4.5", "score 1-5"),
        ],
    },
    {
        "key": "hr_kpi",
        "name": "人力资源部季度 KPI / HR quarterly KPI",
        "framework": "KPI",
        "department_kind": "hr",
        "indicators": [
            _i("招聘周期 Time to hire", 60, "30", "days", direction=Direction.LOWER),
            _i("出勤率 Attendance rate", 40, "0.95", "ratio", "attendance.rate"),
        ],
    },
    {
        "key": "finance_kpi",
        "name": "财务部月度 KPI / Finance monthly KPI",
        "framework": "KPI",
        "department_kind": "finance",
        "indicators": [
            _i("按时结账 Closing on time", 70, "5", "working days", direction=Direction.LOWER),
            _i("报表质量 Report quality", 30, None, "rating 1-5", kind=ScoringKind.RATING),
        ],
    },
    {
        "key": "sales_okr",
        "name": "销售季度 OKR / Sales quarterly OKR",
        "framework": "OKR",
        "department_kind": "sales",
        "description": "O: 扩大重点客户 Grow key accounts",
        "indicators": [
            _i("KR1 新增重点客户 New key accounts", 50, "6", "customers", "sales.new_customers"),
            _i("KR2 续约率 Renewal rate", 50, "90", "%"),
        ],
    },
]


async def seed_templates(company_ids: Iterable[UUID]) -> None:
    """Give each company the shipped templates it has never had; safe to repeat and to run
    concurrently: the unique (company, seed_key) makes a second insert of one a no-op."""
    rows = [
        Template(
            company_id=company_id,
            seed_key=s["key"],
            name=s["name"],
            framework=s["framework"],
            department_kind=s["department_kind"],
            description=s.get("description", ""),
            indicators=s["indicators"],
        )
        for company_id in company_ids
        for s in SEEDS
    ]
    if rows:
        await Template.bulk_create(rows, batch_size=500, ignore_conflicts=True)


async def seed_all_companies(chunk: int = 200) -> None:
    """At start-up: seed companies made before seeding moved to company creation."""
    company_ids = await Company.all().order_by("id").values_list("id", flat=True)
    for start in range(0, len(company_ids), chunk):
        await seed_templates(company_ids[start : start + chunk])  # type: ignore[arg-type]


async def get_template(actor: Actor, template_id: UUID) -> Template:
    row = await Template.get_or_none(
        id=template_id, company_id=actor.caller.company_id, is_active=True
    )
    if row is None or not actor.authz.check(TEMPLATE_READ):
        raise NotFound("template")
    return row


async def list_templates(actor: Actor, kind: str | None = None) -> list[Template]:
    actor.authz.require(TEMPLATE_READ)
    query = Template.filter(company_id=actor.caller.company_id, is_active=True)
    if kind:
        query = query.filter(department_kind=_kind(kind))
    return await query.order_by("department_kind", "name")


def _checked(framework: str, kind: str) -> tuple[str, str]:
    if framework not in ("KPI", "OKR"):
        raise BadInput("invalid_format", field="framework", hint="KPI or OKR")
    return framework, _kind(kind)


def _kind(kind: str) -> str:
    if kind not in DEPARTMENT_KINDS:
        raise BadInput(
            "invalid_format", field="departmentKind", hint="one of " + ", ".join(DEPARTMENT_KINDS)
        )
    return kind


async def save_template(
    actor: Actor,
    template_id: UUID | None,
    *,
    name: str,
    framework: str,
    department_kind: str,
    description: str,
    indicators: tuple[IndicatorSpec, ...],
) -> Template:
    actor.authz.require(TEMPLATE_CREATE if template_id is None else TEMPLATE_UPDATE)
    framework, department_kind = _checked(framework, department_kind)
    checked = check_indicators(indicators, actor.metrics)
    if not checked:
        raise BadInput("required", field="indicators")
    values: dict[str, Any] = {
        "name": validation.text(name, "name"),
        "framework": framework,
        "department_kind": department_kind,
        "description": validation.text(description, "description", max_length=2000, required=False),
        "indicators": [item.to_json() for item in checked],
    }
    async with in_transaction():
        if template_id is None:
            template = await Template.create(company_id=actor.caller.company_id, **values)
            await record(
                actor,
                AuditAction.TEMPLATE_CREATE,
                AuditObjectType.TEMPLATE,
                template.id,
                after=values,
            )
        else:
            found = await Template.get_or_none(
                id=template_id, company_id=actor.caller.company_id, is_active=True
            )
            if found is None:
                raise NotFound("template")
            template = found
            before = {k: getattr(template, k) for k in values}
            await template.update_from_dict(values).save()
            await record(
                actor,
                AuditAction.TEMPLATE_UPDATE,
                AuditObjectType.TEMPLATE,
                template.id,
                before=before,
                after=values,
            )
    return template


async def delete_template(actor: Actor, template_id: UUID) -> None:
    actor.authz.require(TEMPLATE_DELETE)
    template = await Template.get_or_none(
        id=template_id, company_id=actor.caller.company_id, is_active=True
    )
    if template is None:
        raise NotFound("template")
    async with in_transaction():
        template.is_active = False  # plans made from it stay explainable
        await template.save(update_fields=["is_active", "updated_at"])
        await record(
            actor,
            AuditAction.TEMPLATE_DELETE,
            AuditObjectType.TEMPLATE,
            template.id,
            before={"name": template.name},
        )
