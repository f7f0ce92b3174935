"""A tenant's feedback settings: how long after publishing feedback may be raised, and how
many hours an answer may take (the defaults, 7 days and 24 hours, when nothing is stored)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, changed, record
from server.errors import BadInput
from server.models import FeedbackSettings
from server.permissions import FEEDBACK_CONFIGURE, FEEDBACK_READ
from server.vocabulary import AuditAction, AuditObjectType

DEFAULT_WINDOW_DAYS = 7
DEFAULT_ANSWER_HOURS = 24
MAX_WINDOW_DAYS = 90
MAX_ANSWER_HOURS = 24 * 14


@dataclass(frozen=True)
class Settings:
    window_days: int = DEFAULT_WINDOW_DAYS
    answer_hours: int = DEFAULT_ANSWER_HOURS


async def load(company_id: UUID) -> Settings:
    row = await FeedbackSettings.get_or_none(company_id=company_id)
    if row is None:
        return Settings()
    return Settings(row.window_days, row.answer_hours)


async def read_settings(actor: Actor) -> Settings:
    """Anyone who may read some feedback (everyone, by the default policy) reads them."""
    actor.authz.scope(FEEDBACK_READ, required=True)
    return await load(actor.caller.company_id)


def _check(value: int, field: str, maximum: int) -> int:
    if not 1 <= value <= maximum:
        raise BadInput("date_range", field=field, min=1, max=maximum)
    return value


async def update_settings(
    actor: Actor, *, window_days: int | None = None, answer_hours: int | None = None
) -> Settings:
    """A patch: omitted values keep theirs. Audited as the company's change."""
    actor.authz.require(FEEDBACK_CONFIGURE)
    if window_days is None and answer_hours is None:
        raise BadInput("nothing_to_update")
    company_id = actor.caller.company_id
    before = await load(company_id)
    after = Settings(
        before.window_days
        if window_days is None
        else _check(window_days, "windowDays", MAX_WINDOW_DAYS),
        before.answer_hours
        if answer_hours is None
        else _check(answer_hours, "answerHours", MAX_ANSWER_HOURS),
    )
    values = {"window_days": after.window_days, "answer_hours": after.answer_hours}
    async with in_transaction():
        updated = await FeedbackSettings.filter(company_id=company_id).update(
            **values, updated_by=actor.caller.employee_id
        )
        if not updated:
            try:
                async with in_transaction():
                    await FeedbackSettings.create(
                        company_id=company_id,
                        updated_by=actor.caller.employee_id,
                        window_days=after.window_days,
                        answer_hours=after.answer_hours,
                    )
            except IntegrityError:  # a concurrent first save created the row: update it
                await FeedbackSettings.filter(company_id=company_id).update(
                    **values, updated_by=actor.caller.employee_id
                )
        old, new = changed(vars(before), values)
        await record(
            actor,
            AuditAction.FEEDBACK_SETTINGS_UPDATE,
            AuditObjectType.COMPANY,
            company_id,
            before=old,
            after=new,
        )
    return after
