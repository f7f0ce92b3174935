"""The distribution guideline as a value, and a group's distribution checked against it.

A rule bounds one grade's place in a group of N people: by share (``min_share`` <=
count / N x 100 <= ``max_share``, in percent) and/or by headcount (``min_count`` <= count <=
``max_count``). Both become one allowed range of heads, ``[low, high]`` (a share bound of
20 % of 7 people allows at most 1, since 2 would be 28.6 %). ``target_share`` (optional, the
rules' targets adding up to 100) gives target heads by largest remainder, so they add up
to N exactly. A group smaller than ``min_group_size`` is not checked (nor shown in shares).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from server.calibration.rounding import largest_remainder
from server.calibration.vocabulary import CalibrationEnforcement, GuidelineStatus

HUNDRED = Decimal(100)
DEFAULT_MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class GuidelineRule:
    grade: str
    min_share: Decimal | None = None
    max_share: Decimal | None = None
    target_share: Decimal | None = None
    min_count: int | None = None
    max_count: int | None = None

    def heads(self, size: int) -> tuple[int, int]:
        """The allowed range of heads in a group of ``size``."""
        low, high = 0, size
        if self.min_share is not None:
            low = max(low, int((self.min_share * size / HUNDRED).to_integral_value(ROUND_CEILING)))
        if self.max_share is not None:
            high = min(high, int((self.max_share * size / HUNDRED).to_integral_value(ROUND_FLOOR)))
        if self.min_count is not None:
            low = max(low, self.min_count)
        if self.max_count is not None:
            high = min(high, self.max_count)
        return low, high

    def to_json(self) -> dict[str, Any]:
        def text(value: Decimal | None) -> str | None:
            return None if value is None else format(value, "f")

        return {
            "grade": self.grade,
            "min_share": text(self.min_share),
            "max_share": text(self.max_share),
            "target_share": text(self.target_share),
            "min_count": self.min_count,
            "max_count": self.max_count,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GuidelineRule:
        def number(key: str) -> Decimal | None:
            value = data.get(key)
            return None if value is None else Decimal(str(value))

        def count(key: str) -> int | None:
            value = data.get(key)
            return None if value is None else int(value)

        return cls(
            str(data["grade"]),
            number("min_share"),
            number("max_share"),
            number("target_share"),
            count("min_count"),
            count("max_count"),
        )


DEFAULT_RULES: tuple[GuidelineRule, ...] = (
    GuidelineRule("excellent", max_share=Decimal(20)),
    GuidelineRule("fail", min_share=Decimal(5)),
)


@dataclass(frozen=True)
class Guideline:
    rules: tuple[GuidelineRule, ...] = DEFAULT_RULES
    enforcement: CalibrationEnforcement = CalibrationEnforcement.WARN
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE

    def rule(self, grade: str) -> GuidelineRule | None:
        return next((r for r in self.rules if r.grade == grade), None)

    def targets(self, size: int) -> dict[str, int]:
        """Target heads per grade from the target shares, adding up to ``size`` exactly."""
        ruled = [r for r in self.rules if r.target_share is not None]
        counts = largest_remainder([r.target_share or Decimal(0) for r in ruled], size)
        return {r.grade: c for r, c in zip(ruled, counts, strict=True)}


@dataclass(frozen=True)
class GradeCheck:
    """One grade in one group: its count against the guideline."""

    grade: str
    count: int
    low: int | None  # allowed heads; None when unchecked
    high: int | None
    target: int | None
    status: GuidelineStatus


def check_group(
    guideline: Guideline, grades: Sequence[str], counts: Mapping[str, int]
) -> list[GradeCheck]:
    """Each of ``grades`` (the bands, best first) in a group with ``counts`` per grade."""
    size = sum(counts.values())
    checked = size >= guideline.min_group_size
    targets = guideline.targets(size) if checked else {}
    found: list[GradeCheck] = []
    for grade in grades:
        count = counts.get(grade, 0)
        rule = guideline.rule(grade)
        if not checked or rule is None:
            found.append(GradeCheck(grade, count, None, None, None, GuidelineStatus.UNCHECKED))
            continue
        low, high = rule.heads(size)
        status = GuidelineStatus.WITHIN
        if count < low:
            status = GuidelineStatus.BELOW
        elif count > high:
            status = GuidelineStatus.ABOVE
        found.append(GradeCheck(grade, count, low, high, targets.get(grade), status))
    return found
