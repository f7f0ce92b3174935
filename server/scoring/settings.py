"""A company's scoring setup: grade bands, rating labels, the versioned final-score formula.

PLACEHOLDER until the formula work lands: the signature is the contract scores use.
"""

from __future__ import annotations

from uuid import UUID

from server.scoring.inputs import ScoringSetup


async def load_setup(company_id: UUID) -> ScoringSetup:
    """The grade bands and the formula in force (its newest version) for the company."""
    return ScoringSetup()
