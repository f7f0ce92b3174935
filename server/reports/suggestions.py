"""Rule-based improvement suggestions: a few fixed rules over the numbers, never a guess.

- LOW_ACHIEVEMENT: the (at most 3) indicators furthest below 100 % completion, lowest first;
- TOTAL_DROP / SCORE_DROP: the total, or an indicator's score, more than 5 points below the
  previous period's (an indicator is matched by its key, else by its name);
- MISSING_ACTUAL: an indicator without an actual; INCOMPLETE_SCORE: a score without a total
  for any other reason (a missing manager rating, an undefined ratio).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from server.reports.lines import IndicatorLine, cents
from server.reports.messages import label
from server.reports.vocabulary import ReportSuggestionKind as Kind
from server.scoring.engine import display

LOWEST = 3
DROP_POINTS = Decimal(5)
FULL = Decimal(100)


@dataclass(frozen=True)
class Suggestion:
    kind: Kind
    text: str
    indicator_key: str | None = None


@dataclass(frozen=True)
class Period:
    """One scored period as the rules see it."""

    name: str  # the plan's name
    total: Decimal | None
    complete: bool
    lines: tuple[IndicatorLine, ...]


def _previous_line(line: IndicatorLine, previous: Period) -> IndicatorLine | None:
    by_key = {p.key: p for p in previous.lines}
    if line.key in by_key:
        return by_key[line.key]
    by_name = {p.name: p for p in previous.lines}
    return by_name.get(line.name)


def _drop(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    if before is None or after is None or before - after <= DROP_POINTS:
        return None
    return before - after


def suggest(current: Period, previous: Period | None, lang: str) -> list[Suggestion]:
    found: list[Suggestion] = []
    if previous is not None:
        fall = _drop(previous.total, current.total)
        if fall is not None:
            text = label(
                "suggest_total_drop",
                lang,
                points=display(fall),
                previous=previous.name,
                before=display(previous.total or Decimal(0)),
                after=display(current.total or Decimal(0)),
            )
            found.append(Suggestion(Kind.TOTAL_DROP, text))
    low = sorted(
        (line for line in current.lines if line.completion is not None and line.completion < FULL),
        key=lambda line: (line.completion, line.name),
    )
    for line in low[:LOWEST]:
        text = label(
            "suggest_low_achievement",
            lang,
            name=line.name,
            completion=display(line.completion or Decimal(0)),
        )
        found.append(Suggestion(Kind.LOW_ACHIEVEMENT, text, line.key))
    if previous is not None:
        for line in current.lines:
            before = _previous_line(line, previous)
            fall = _drop(before.score if before else None, line.score)
            if fall is None or before is None:
                continue
            text = label(
                "suggest_score_drop",
                lang,
                name=line.name,
                points=display(fall),
                previous=previous.name,
                before=display(cents(before.score) or Decimal(0)),
                after=display(line.score or Decimal(0)),
            )
            found.append(Suggestion(Kind.SCORE_DROP, text, line.key))
    missing = [line for line in current.lines if line.missing]
    for line in missing:
        text = label("suggest_missing_actual", lang, name=line.name)
        found.append(Suggestion(Kind.MISSING_ACTUAL, text, line.key))
    if not current.complete and not missing:
        text = label("suggest_incomplete_score", lang, plan=current.name)
        found.append(Suggestion(Kind.INCOMPLETE_SCORE, text))
    return found


def suggestions_over(
    periods: Sequence[tuple[Period, Period | None]], lang: str
) -> tuple[Suggestion, ...]:
    """The suggestions of several periods, each against the one before it."""
    return tuple(s for current, previous in periods for s in suggest(current, previous, lang))
