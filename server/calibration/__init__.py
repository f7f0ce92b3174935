"""Calibration sessions: a plan's finalized scores adjusted against the tenant's distribution
guideline before they are published (docs/calibration.md).

- ``guideline``/``rounding``: the guideline as a value and its check (pure);
- ``settings``: the tenant's guideline, read and changed;
- ``sessions``: opening and reading sessions; ``changes``: a member's change of one person;
- ``distribution``: the grade distribution of a session's scope and of each group in it;
- ``locking``: lock once, pushing the calibrated results as the scores' next version;
- ``export``: the XLSX of computed against calibrated results, through a signed link.
"""
