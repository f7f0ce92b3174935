"""The calibration guideline: its type and its input."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from schema.calibration.enums import CalibrationEnforcement
from server.calibration.guideline import Guideline, GuidelineRule


@strawberry.type(description="One grade's range: shares in percent and/or headcounts.")
class CalibrationGuidelineRule:
    grade: str = strawberry.field(description="The grade band's key")
    min_share: Decimal | None
    max_share: Decimal | None
    target_share: Decimal | None = strawberry.field(
        description="Target counts come from these by largest remainder"
    )
    min_count: int | None
    max_count: int | None

    @classmethod
    def of(cls, rule: GuidelineRule) -> CalibrationGuidelineRule:
        return cls(
            grade=rule.grade,
            min_share=rule.min_share,
            max_share=rule.max_share,
            target_share=rule.target_share,
            min_count=rule.min_count,
            max_count=rule.max_count,
        )


@strawberry.type(description="The tenant's grade distribution guideline for calibration.")
class CalibrationGuideline:
    rules: list[CalibrationGuidelineRule]
    enforcement: CalibrationEnforcement
    min_group_size: int = strawberry.field(
        description="Smaller groups show counts only (no shares, no averages), unchecked"
    )
    revision: int = strawberry.field(description="0 while the defaults are in force")

    @classmethod
    def of(cls, guideline: Guideline, revision: int) -> CalibrationGuideline:
        return cls(
            rules=[CalibrationGuidelineRule.of(r) for r in guideline.rules],
            enforcement=guideline.enforcement,
            min_group_size=guideline.min_group_size,
            revision=revision,
        )


@strawberry.input
class CalibrationGuidelineRuleInput:
    grade: str
    min_share: Decimal | None = None
    max_share: Decimal | None = None
    target_share: Decimal | None = None
    min_count: int | None = None
    max_count: int | None = None

    def value(self) -> GuidelineRule:
        return GuidelineRule(
            self.grade,
            self.min_share,
            self.max_share,
            self.target_share,
            self.min_count,
            self.max_count,
        )


@strawberry.input(description="A patch: what is given replaces what was.")
class CalibrationGuidelineInput:
    rules: list[CalibrationGuidelineRuleInput] | None = None
    enforcement: CalibrationEnforcement | None = None
    min_group_size: int | None = None
    expected_revision: int | None = strawberry.field(
        default=None, description="The revision read; CONFLICT when it moved"
    )
