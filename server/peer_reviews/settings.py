"""The tenant's minimum number of answers (k) before a 360 average is shown or scored."""

from __future__ import annotations

from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput
from server.models import PeerReviewSettings
from server.models.peer_reviews import DEFAULT_MIN_RESPONSES
from server.permissions import PEER_REVIEW_CONFIGURE
from server.vocabulary import AuditAction, AuditObjectType

MAX_MIN_RESPONSES = 50


async def min_responses(company_id: UUID) -> int:
    found = await PeerReviewSettings.get_or_none(company_id=company_id).only("min_responses")
    return DEFAULT_MIN_RESPONSES if found is None else int(found.min_responses)


async def set_min_responses(actor: Actor, value: int) -> int:
    """Change k (1 to 50); the scores of running plans follow at their next recompute."""
    actor.authz.require(PEER_REVIEW_CONFIGURE)
    if not 1 <= value <= MAX_MIN_RESPONSES:
        raise BadInput("date_range", field="minResponses", min=1, max=MAX_MIN_RESPONSES)
    company_id = actor.caller.company_id
    async with in_transaction():
        before = await min_responses(company_id)
        if before == value:
            return value
        updated = await PeerReviewSettings.filter(company_id=company_id).update(
            min_responses=value, updated_by=actor.caller.employee_id
        )
        if not updated:
            try:
                async with in_transaction():
                    await PeerReviewSettings.create(
                        company_id=company_id,
                        min_responses=value,
                        updated_by=actor.caller.employee_id,
                    )
            except IntegrityError:  # created meanwhile: ours is the later word
                await PeerReviewSettings.filter(company_id=company_id).update(
                    min_responses=value, updated_by=actor.caller.employee_id
                )
        await record(
            actor,
            AuditAction.PEER_REVIEW_SETTINGS_UPDATE,
            AuditObjectType.PEER_REVIEW_SETTINGS,
            company_id,
            before={"min_responses": before},
            after={"min_responses": value},
        )
    return value
