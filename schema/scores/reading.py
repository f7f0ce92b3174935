"""A stored score read back for the API, through ``server.scoring.snapshot``.

The row's ``result`` holds the numbers (no computing to list them); explanations are the
frozen ones as written, or a live score's written on first read from its own inputs.
``ScoreView`` does that work at most once per score and request, and only for the scores
whose explanations a request asks for.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from server.models import Score, ScoreVersion
from server.scoring import snapshot
from server.scoring.compute import PersonScore
from server.scoring.grades import DEFAULT_GRADE_BANDS, GradeBand
from server.scoring.inputs import IndicatorInput


class ScoreView:
    """One stored score (or frozen version) with its explanations on demand."""

    def __init__(self, row: Score | ScoreVersion) -> None:
        self.row = row
        # A version is frozen by definition; a live score's explanations are written on read.
        self.frozen = isinstance(row, ScoreVersion) or bool(row.frozen)

    @property
    def result(self) -> dict[str, Any]:
        return self.row.result or {}

    @cached_property
    def inputs(self) -> tuple[IndicatorInput, ...]:
        if not self.row.inputs:
            return ()
        return snapshot.inputs_from_json(self.row).indicators

    @cached_property
    def items(self) -> dict[str, snapshot.ItemResult]:
        return {i.key: i for i in snapshot.items(self.row)}

    @cached_property
    def _live(self) -> PersonScore:
        return snapshot.explain(self.row)

    @cached_property
    def _explanations(self) -> dict[str, snapshot.Explanation]:
        return {}

    def explanation(self, lang: str) -> snapshot.Explanation:
        found = self._explanations.get(lang)
        if found is None:
            if self.frozen or not self.row.inputs:
                found = snapshot.explanation(self.row, lang, frozen=self.frozen)
            else:  # one engine run serves both languages
                live = self._live
                found = snapshot.Explanation(
                    live.indicators.explanation(lang),
                    {i.key: i.explanation(lang) for i in live.items},
                )
            self._explanations[lang] = found
        return found

    @property
    def grade(self) -> GradeBand | None:
        """The grade as named when computed (the bands kept with the result)."""
        key = self.row.grade
        if key is None:
            return None
        bands = snapshot.bands_from_json(self.result.get("grade_bands") or [])
        for band in (*bands, *DEFAULT_GRADE_BANDS):
            if band.key == key:
                return band
        return GradeBand(key, None, key, key)

    def missing(self) -> list[str]:
        part = self.result.get("indicators") or {}
        keys = [*(part.get("missing") or ()), *(part.get("undefined") or ())]
        return [*keys, *(self.result.get("missing_components") or ())]
