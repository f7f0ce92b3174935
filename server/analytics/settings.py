"""A tenant's analytics thresholds: read by everyone who reads the scoring settings, changed
by ``scoring_settings:update`` holders (the performance admin), audited.

- ``min_points``: a correlation pair with fewer points is TOO_FEW_POINTS, not a number;
- ``min_ratees``: a manager who rated fewer people is left out of the rater effects.

One row per company, the defaults while there is none; a change is a patch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.audit import Actor, record
from server.errors import BadInput
from server.models import AnalyticsSettings
from server.permissions import SCORING_SETTINGS_READ, SCORING_SETTINGS_UPDATE
from server.vocabulary import AuditAction, AuditObjectType

DEFAULT_MIN_POINTS = 8
DEFAULT_MIN_RATEES = 5
# A correlation's p-value and interval need at least 4 points (Fisher z: n - 3 > 0).
MIN_POINTS_RANGE = (4, 10_000)
MIN_RATEES_RANGE = (1, 1_000)
# literal, so that the hints' Chinese is looked up (server/i18n_hints.py)
_HINTS = {
    MIN_POINTS_RANGE: "a whole number from 4 to 10000",
    MIN_RATEES_RANGE: "a whole number from 1 to 1000",
}


@dataclass(frozen=True)
class AnalyticsSettingsView:
    min_points: int = DEFAULT_MIN_POINTS
    min_ratees: int = DEFAULT_MIN_RATEES


async def analytics_settings(company_id: UUID) -> AnalyticsSettingsView:
    """The company's thresholds in force (the defaults while never saved)."""
    row = await AnalyticsSettings.get_or_none(company_id=company_id)
    if row is None:
        return AnalyticsSettingsView()
    return AnalyticsSettingsView(row.min_points, row.min_ratees)


async def read_settings(actor: Actor) -> AnalyticsSettingsView:
    actor.authz.require(SCORING_SETTINGS_READ)
    return await analytics_settings(actor.caller.company_id)


def _check(value: int | None, field: str, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if value is not None and not low <= value <= high:
        raise BadInput("invalid_format", field=field, hint=_HINTS[bounds])


async def update_settings(
    actor: Actor, min_points: int | None = None, min_ratees: int | None = None
) -> AnalyticsSettingsView:
    """A patch of the thresholds: what is given replaces what was."""
    actor.authz.require(SCORING_SETTINGS_UPDATE)
    if min_points is None and min_ratees is None:
        raise BadInput("nothing_to_update")
    _check(min_points, "minPoints", MIN_POINTS_RANGE)
    _check(min_ratees, "minRatees", MIN_RATEES_RANGE)
    company_id = actor.caller.company_id
    before = await analytics_settings(company_id)
    after = AnalyticsSettingsView(
        before.min_points if min_points is None else min_points,
        before.min_ratees if min_ratees is None else min_ratees,
    )
    values = {**asdict(after), "updated_by": actor.caller.employee_id}
    async with in_transaction():
        saved = await AnalyticsSettings.filter(company_id=company_id).update(**values)
        if not saved:
            try:
                async with in_transaction():
                    await AnalyticsSettings.create(company_id=company_id, **values)
            except IntegrityError:  # a concurrent first save: a patch applies over it
                await AnalyticsSettings.filter(company_id=company_id).update(**values)
        await record(
            actor,
            AuditAction.ANALYTICS_SETTINGS_UPDATE,
            AuditObjectType.ANALYTICS_SETTINGS,
            company_id,
            before=asdict(before),
            after=asdict(after),
        )
    return after
