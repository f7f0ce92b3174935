"""Where an indicator's scored value came from, as a GraphQL enum.

``ScoreInputSource``: an actual's ``ActualSource``, or RATING (the manager's submitted 1-5
rating of a qualitative indicator), as the score's inputs record it.
"""

from __future__ import annotations

from enum import StrEnum

from server.scoring.vocabulary import ActualSource


class ScoreInputSource(StrEnum):
    MANUAL = ActualSource.MANUAL.value
    CONNECTOR = ActualSource.CONNECTOR.value
    OVERRIDE = ActualSource.OVERRIDE.value
    RATING = "rating"
