"""Feedback and appeals on published results, improvement plans, and ongoing notes.

See docs/feedback.md. Raising (``raising``), the state machine (``transitions``), the
performance admin's decision (``deciding``), improvement plans (``plans``), reads
(``reads``), ongoing notes (``notes``) and the tenant's settings (``settings``).
"""
