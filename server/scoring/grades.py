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


# id(bands) -> (bands, ordered): a recompute grades thousands of totals against one tenant's
# bands object, and hashing its bands for a cache cost more than sorting them.
_ORDERED: dict[int, tuple[tuple[GradeBand, ...], tuple[GradeBand, ...]]] = {}


def _highest_first(bands: tuple[GradeBand, ...]) -> tuple[GradeBand, ...]:
    """The bands from the highest minimum down, the catch-all last."""
    found = _ORDERED.get(id(bands))
    if found is not None and found[0] is bands:
        return found[1]
    ordered = sorted(bands, key=lambda b: (b.minimum is not None, b.minimum or Decimal(0)))
    if len(_ORDERED) > 256:
        _ORDERED.clear()
    # The entry holds ``bands`` itself, so its id is not reused while the entry lives.
    _ORDERED[id(bands)] = (bands, tuple(reversed(ordered)))
    return _ORDERED[id(bands)][1]


def grade_for(total: Decimal, bands: tuple[GradeBand, ...] = DEFAULT_GRADE_BANDS) -> GradeBand:
    """The band with the highest minimum the total reaches, whatever order ``bands`` is in.
    A total below every minimum, with no catch-all band, gets the lowest band."""
    ordered = _highest_first(bands)
    for band in ordered:
        if band.minimum is None or total >= band.minimum:
            return band
    return ordered[-1]
