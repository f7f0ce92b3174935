"""The 1-5 rating scale's labels: the defaults, or the tenant's own (``ScoringSettings``).

A manager rates qualitative indicators and the person overall from 1 to 5; what each number
is called is the tenant's choice (scoring_settings:update writes ``rating_labels``), read
here with the defaults filling whatever the tenant has not set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from server.models import ScoringSettings

MIN_RATING = 1
MAX_RATING = 5


@dataclass(frozen=True)
class RatingLabel:
    rating: int
    en: str
    zh: str

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def to_json(self) -> dict[str, Any]:
        return {"rating": self.rating, "en": self.en, "zh": self.zh}


DEFAULT_RATING_LABELS: tuple[RatingLabel, ...] = (
    RatingLabel(1, "Unsatisfactory", "不合格"),
    RatingLabel(2, "Needs improvement", "待改进"),
    RatingLabel(3, "Meets expectations", "达到期望"),
    RatingLabel(4, "Exceeds expectations", "超出期望"),
    RatingLabel(5, "Outstanding", "卓越"),
)


def labels_from_json(stored: Iterable[Mapping[str, Any]] | None) -> tuple[RatingLabel, ...]:
    """The stored list as labels for 1 to 5. A rating the list leaves out, or gives an empty
    text, keeps its default: a half-set table never shows a blank label."""
    by_rating = {label.rating: label for label in DEFAULT_RATING_LABELS}
    for item in stored or ():
        rating = item.get("rating")
        if not isinstance(rating, int) or rating not in by_rating:
            continue
        default = by_rating[rating]
        en, zh = item.get("en"), item.get("zh")
        by_rating[rating] = RatingLabel(
            rating,
            en.strip() if isinstance(en, str) and en.strip() else default.en,
            zh.strip() if isinstance(zh, str) and zh.strip() else default.zh,
        )
    return tuple(by_rating[r] for r in range(MIN_RATING, MAX_RATING + 1))


async def rating_labels(company_id: UUID) -> tuple[RatingLabel, ...]:
    """The company's labels for ratings 1 to 5, in order (the defaults when none are set)."""
    stored = (
        await ScoringSettings.filter(company_id=company_id)
        .limit(1)
        .values_list("rating_labels", flat=True)
    )
    return labels_from_json(stored[0] if stored else None)


def label_of(labels: Iterable[RatingLabel], rating: int | None, lang: str) -> str | None:
    if rating is None:
        return None
    for label in labels:
        if label.rating == rating:
            return label.label(lang)
    return None
