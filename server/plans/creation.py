"""Where a new plan's indicators come from: given, a template's, or another plan's (last
period's). The client names exactly one; several are refused rather than one silently winning."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from server.audit import Actor
from server.errors import BadInput
from server.indicators import IndicatorSpec
from server.models import Plan
from server.plans import service
from server.plans.validation import PlanData


@dataclass(frozen=True)
class Given:
    indicators: tuple[IndicatorSpec, ...] = ()


@dataclass(frozen=True)
class FromTemplate:
    template_id: UUID


@dataclass(frozen=True)
class CopyOf:
    plan_id: UUID


Source = Given | FromTemplate | CopyOf


def source_of(
    *,
    indicators: tuple[IndicatorSpec, ...] | None,
    template_id: UUID | None,
    copy_from_plan_id: UUID | None,
) -> Source:
    """The one source given (none: an empty plan). Names are the API's input fields."""
    given = {
        "templateId": template_id,
        "copyFromPlanId": copy_from_plan_id,
        "indicators": indicators,
    }
    named = [name for name, value in given.items() if value is not None]
    if len(named) > 1:
        raise BadInput("too_many_sources", given=", ".join(named))
    if template_id is not None:
        return FromTemplate(template_id)
    if copy_from_plan_id is not None:
        return CopyOf(copy_from_plan_id)
    return Given(indicators or ())


async def create_plan_from(actor: Actor, data: PlanData, source: Source) -> Plan:
    """A new plan with ``data``'s plan-level fields and the indicators of ``source``."""
    match source:
        case CopyOf(plan_id):
            return await service.copy_plan(actor, plan_id, data)
        case FromTemplate(template_id):
            items = await service.from_template(actor, template_id)
        case Given(indicators):
            items = indicators
    return await service.create_plan(actor, replace(data, indicators=items))
