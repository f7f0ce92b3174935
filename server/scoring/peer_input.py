"""The ``peer_rating`` formula component: each person's 360 mean, read with his inputs.

A person's peer rating is the mean of every rating his colleagues gave (each answer rates
every qualitative indicator of his assignment, 1 to 5), counted only once at least the
tenant's minimum number of colleagues answered (``PeerReviewSettings.min_responses``, 3 by
default; server/peer_reviews). Below it the person has no peer rating, exactly as he has no
manager rating before his manager's evaluation is submitted.

``COLUMN`` is one more column of the inputs' statement (server/scoring/loading.py), so
loading still costs one statement for any number of people: per assignment an index probe
of ``peer_response`` (by ``assignment_id``), and the tenant's minimum only for those with
answers. It reads ``"<sum of ratings>/<number of ratings>"``, or NULL.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from server.models.peer_reviews import DEFAULT_MIN_RESPONSES

# The mean is kept to this many places (a 1-5 mean; the formula works on it x 20).
PLACES = Decimal("0.000001")

COLUMN = (
    "(SELECT CASE WHEN COUNT(*) = 0 THEN NULL WHEN COUNT(*) >= COALESCE((SELECT "
    'ps."min_responses" FROM "peer_review_settings" AS ps WHERE ps."company_id" = '
    f'a."company_id"), {DEFAULT_MIN_RESPONSES}) THEN CAST(SUM(pr."rating_sum") AS TEXT) '
    "|| '/' || CAST(SUM(pr.\"rating_count\") AS TEXT) END "
    'FROM "peer_response" AS pr WHERE pr."assignment_id" = a."id")'
)


def peer_mean(value: Any) -> Decimal | None:
    """``COLUMN``'s value as the mean (1-5), or None."""
    if value is None:
        return None
    total, _, count = str(value).partition("/")
    if not int(count):
        return None
    return (Decimal(int(total)) / int(count)).quantize(PLACES)
