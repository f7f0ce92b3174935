"""Creating a tenant, and the tenant's own settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, changed, record
from server.authz import COMPANY_READ, COMPANY_UPDATE
from server.errors import BadInput
from server.models import Company
from server.plans.templates import seed_templates
from server.vocabulary import AuditAction, AuditObjectType


async def create_company(
    *, slug: str, name: str, name_zh: str = "", timezone: str = "Asia/Shanghai"
) -> Company:
    """A new tenant, with its template library seeded in the same transaction: every way of
    making a company goes through here, so no read ever has to seed anything."""
    async with in_transaction():
        company = await Company.create(slug=slug, name=name, name_zh=name_zh, timezone=timezone)
        await seed_templates([company.id])
    return company


async def get_company(actor: Actor) -> Company:
    actor.authz.require(COMPANY_READ)
    return await Company.get(id=actor.caller.company_id)


async def update_company(
    actor: Actor, *, name: str | None, name_zh: str | None, timezone: str | None
) -> Company:
    company = await get_company(actor)
    actor.authz.require(COMPANY_UPDATE)
    before = {"name": company.name, "name_zh": company.name_zh, "timezone": company.timezone}
    if name is not None:
        company.name = validation.text(name, "name", max_length=200)
    if name_zh is not None:
        company.name_zh = validation.text(name_zh, "nameZh", max_length=200, required=False)
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise BadInput(
                "invalid_format", field="timezone", hint="an IANA zone such as Asia/Shanghai"
            ) from exc
        company.timezone = timezone
    after = {"name": company.name, "name_zh": company.name_zh, "timezone": company.timezone}
    old, new = changed(before, after)
    if not new:
        raise BadInput("nothing_to_update")
    async with in_transaction():
        await company.save()
        await record(
            actor,
            AuditAction.COMPANY_UPDATE,
            AuditObjectType.COMPANY,
            company.id,
            before=old,
            after=new,
        )
    return company
