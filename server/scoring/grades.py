"""Grade bands: a tenant's named ranges of the rounded total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class GradeBand:
    """A total of ``minimum`` or more earns this grade; ``None`` catches every lower total."""

    key: str
    minimum: Decimal | None
    name_en: str
    name_zh: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


DEFAULT_GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand("excellent", Decimal(90), "Excellent", "优秀"),
    GradeBand("good", Decimal(80), "Good", "良好"),
    GradeBand("pass", Decimal(70), "Pass", "合格"),
    GradeBand("fail", None, "Fail", "不合格"),
)


def grade_for(total: Decimal, bands: tuple[GradeBand, ...] = DEFAULT_GRADE_BANDS) -> GradeBand:
    """The band with the highest minimum the total reaches, whatever order ``bands`` is in.
    A total below every minimum, with no catch-all band, gets the lowest band."""
    ordered = sorted(bands, key=lambda b: (b.minimum is not None, b.minimum or Decimal(0)))
    for band in reversed(ordered):
        if band.minimum is None or total >= band.minimum:
            return band
    return ordered[0]
