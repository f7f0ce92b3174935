"""The pure parts: largest-remainder rounding and a group checked against the guideline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.calibration.guideline import Guideline, GuidelineRule, check_group
from server.calibration.rounding import largest_remainder
from server.calibration.vocabulary import GuidelineStatus

D = Decimal


@pytest.mark.parametrize(
    ("shares", "total", "expected"),
    [
        ([D(20), D(30), D(40), D(10)], 7, [1, 2, 3, 1]),  # 1.4 2.1 2.8 0.7: .8 .7 go first
        ([D(20), D(30), D(40), D(10)], 10, [2, 3, 4, 1]),  # exact quotas
        ([D(1), D(1), D(1)], 10, [4, 3, 3]),  # equal remainders: the earlier share
        ([D(1), D(1), D(1)], 2, [1, 1, 0]),
        ([D(50), D(50)], 0, [0, 0]),
        ([D(0), D(100)], 3, [0, 3]),
        ([D("33.33"), D("33.33"), D("33.34")], 100, [33, 33, 34]),
        ([D(0), D(0)], 5, [0, 0]),  # no weight at all: nothing to share out
        ([], 5, []),
    ],
)
def test_largest_remainder(shares: list[Decimal], total: int, expected: list[int]) -> None:
    assert largest_remainder(shares, total) == expected


def test_largest_remainder_always_adds_up() -> None:
    shares = [D("12.5"), D("7.25"), D("30"), D("0.25"), D(50)]
    for total in range(0, 203):
        counts = largest_remainder(shares, total)
        assert sum(counts) == total
        # Each count is its quota rounded down or up: never further off than one.
        for share, count in zip(shares, counts, strict=True):
            assert abs(share * total / 100 - count) < 1


def test_largest_remainder_refuses_negatives() -> None:
    with pytest.raises(ValueError):
        largest_remainder([D(-1), D(2)], 3)
    with pytest.raises(ValueError):
        largest_remainder([D(1)], -1)


GRADES = ["excellent", "good", "pass", "fail"]
ARTICLE = Guideline(
    (
        GuidelineRule("excellent", max_share=D(20), target_share=D(20)),
        GuidelineRule("good", target_share=D(30)),
        GuidelineRule("pass", target_share=D(40)),
        GuidelineRule("fail", min_share=D(5), target_share=D(10)),
    )
)


def statuses(checks: list) -> dict[str, GuidelineStatus]:
    return {c.grade: c.status for c in checks}


def test_shares_become_ranges_of_heads() -> None:
    # 7 people: at most 20 % excellent is 1 (2 would be 28.6 %), at least 5 % failing is 1.
    checks = check_group(ARTICLE, GRADES, {"excellent": 2, "good": 2, "pass": 3})
    assert statuses(checks) == {
        "excellent": GuidelineStatus.ABOVE,
        "good": GuidelineStatus.WITHIN,
        "pass": GuidelineStatus.WITHIN,
        "fail": GuidelineStatus.BELOW,
    }
    by = {c.grade: c for c in checks}
    assert (by["excellent"].low, by["excellent"].high) == (0, 1)
    assert (by["fail"].low, by["fail"].high) == (1, 7)
    assert [by[g].target for g in GRADES] == [1, 2, 3, 1]


def test_headcount_ranges_and_unruled_grades() -> None:
    guideline = Guideline((GuidelineRule("good", min_count=2, max_count=3),))
    checks = check_group(guideline, GRADES, {"excellent": 3, "good": 4})
    assert statuses(checks)["good"] is GuidelineStatus.ABOVE
    assert statuses(checks)["excellent"] is GuidelineStatus.UNCHECKED
    assert [c.target for c in checks] == [None] * 4  # no target shares


def test_a_small_group_is_not_checked() -> None:
    checks = check_group(ARTICLE, GRADES, {"excellent": 4})  # 4 < 5 people
    assert set(statuses(checks).values()) == {GuidelineStatus.UNCHECKED}
    assert all(c.low is None and c.target is None for c in checks)
    assert [c.count for c in checks] == [4, 0, 0, 0]
