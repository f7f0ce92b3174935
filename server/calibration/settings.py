"""A tenant's calibration guideline: read by the policy's ``calibration_settings:read``
holders, changed by ``calibration_settings:update`` holders (the HR VP), audited.

One row per company (the defaults while there is none). A save names the revision it read
(optional): a conditional UPDATE on it, or the unique company column for the first save, lets
one of two concurrent saves through; the other is CONFLICT.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import validation
from server.audit import Actor, record
from server.calibration.guideline import Guideline, GuidelineRule
from server.calibration.vocabulary import CalibrationEnforcement
from server.errors import BadInput, Conflict
from server.models import CalibrationSettings
from server.permissions import CALIBRATION_SETTINGS_READ, CALIBRATION_SETTINGS_UPDATE
from server.scoring.settings import load_setup
from server.vocabulary import AuditAction, AuditObjectType

MAX_RULES = 10
MAX_GROUP_SIZE = 1000
MAX_COUNT = 1_000_000


def _guideline(row: CalibrationSettings | None) -> Guideline:
    if row is None:
        return Guideline()
    return Guideline(
        tuple(GuidelineRule.from_json(r) for r in row.guideline),
        CalibrationEnforcement(row.enforcement),
        row.min_group_size,
    )


async def load_guideline(company_id: object) -> tuple[Guideline, int]:
    """The company's guideline in force and its revision (0: the defaults, never saved)."""
    row = await CalibrationSettings.get_or_none(company_id=company_id)
    return _guideline(row), (row.revision if row else 0)


async def read_guideline(actor: Actor) -> tuple[Guideline, int]:
    actor.authz.require(CALIBRATION_SETTINGS_READ)
    return await load_guideline(actor.caller.company_id)


def _share(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    share = validation.number(value, field, places=2, maximum=Decimal(100))
    if share < 0:
        raise BadInput("must_not_be_negative", field=field)
    return share


def _count(value: int | None, field: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise BadInput("invalid_format", field=field, hint=f"a whole number from 0 to {MAX_COUNT}")
    return value


def check_rules(rules: Sequence[GuidelineRule], grades: Sequence[str]) -> tuple[GuidelineRule, ...]:
    """Each rule for one of the tenant's ``grades``, once; ranges the right way round; target
    shares, when any is given, given for every rule and adding up to 100."""
    if len(rules) > MAX_RULES:
        raise BadInput("too_many_items", field="rules", max=MAX_RULES)
    checked: list[GuidelineRule] = []
    for i, rule in enumerate(rules):
        path = f"rules[{i}]"
        if rule.grade not in grades:
            raise BadInput(
                "calibration_unknown_grade",
                field=f"{path}.grade",
                grade=rule.grade,
                grades=", ".join(grades),
            )
        if any(r.grade == rule.grade for r in checked):
            raise BadInput("duplicate_name", field=f"{path}.grade", name=rule.grade)
        low = _share(rule.min_share, f"{path}.minShare")
        high = _share(rule.max_share, f"{path}.maxShare")
        target = _share(rule.target_share, f"{path}.targetShare")
        fewest = _count(rule.min_count, f"{path}.minCount")
        most = _count(rule.max_count, f"{path}.maxCount")
        if (low is not None and high is not None and low > high) or (
            fewest is not None and most is not None and fewest > most
        ):
            raise BadInput("calibration_guideline_invalid", field=path, detail="minimum > maximum")
        checked.append(GuidelineRule(rule.grade, low, high, target, fewest, most))
    targets = [r.target_share for r in checked if r.target_share is not None]
    if targets and (len(targets) != len(checked) or sum(targets) != 100):
        raise BadInput(
            "calibration_guideline_invalid",
            field="rules",
            detail="target shares are given for every rule and add up to 100",
        )
    return tuple(checked)


async def set_guideline(
    actor: Actor,
    rules: Sequence[GuidelineRule] | None,
    enforcement: CalibrationEnforcement | None,
    min_group_size: int | None,
    expected_revision: int | None = None,
) -> tuple[Guideline, int]:
    """A patch of the guideline: what is given replaces what was."""
    actor.authz.require(CALIBRATION_SETTINGS_UPDATE)
    if rules is None and enforcement is None and min_group_size is None:
        raise BadInput("nothing_to_update")
    company_id = actor.caller.company_id
    current, revision = await load_guideline(company_id)
    if expected_revision is not None and expected_revision != revision:
        raise Conflict("calibration_settings_changed", expected=expected_revision, current=revision)
    if rules is not None:
        bands = (await load_setup(company_id)).grade_bands
        rules = check_rules(rules, [b.key for b in bands])
    if min_group_size is not None and not 1 <= min_group_size <= MAX_GROUP_SIZE:
        raise BadInput(
            "invalid_format",
            field="minGroupSize",
            hint=f"a whole number from 1 to {MAX_GROUP_SIZE}",
        )
    fresh = Guideline(
        current.rules if rules is None else tuple(rules),
        current.enforcement if enforcement is None else enforcement,
        current.min_group_size if min_group_size is None else min_group_size,
    )
    values: dict[str, Any] = {
        "guideline": [r.to_json() for r in fresh.rules],
        "enforcement": fresh.enforcement.value,
        "min_group_size": fresh.min_group_size,
        "updated_by": actor.caller.employee_id,
    }
    try:
        async with in_transaction():
            if revision == 0:
                await CalibrationSettings.create(company_id=company_id, revision=1, **values)
            else:
                saved = await CalibrationSettings.filter(
                    company_id=company_id, revision=revision
                ).update(revision=revision + 1, **values)
                if not saved:
                    raise Conflict(
                        "calibration_settings_changed", expected=revision, current=revision + 1
                    )
            await record(
                actor,
                AuditAction.CALIBRATION_SETTINGS_UPDATE,
                AuditObjectType.CALIBRATION_SETTINGS,
                company_id,
                before=_audit(current),
                after=_audit(fresh),
            )
    except IntegrityError as exc:  # a concurrent first save created the row
        raise Conflict("calibration_settings_changed", expected=0, current=1) from exc
    return fresh, revision + 1


def _audit(guideline: Guideline) -> dict[str, object]:
    return {
        "rules": [r.to_json() for r in guideline.rules],
        "enforcement": guideline.enforcement.value,
        "min_group_size": guideline.min_group_size,
    }
