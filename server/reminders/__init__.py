"""Reminders: rules that find who must act, run per tenant on the scheduler's tick and after
outbox events, each notification stored once per (rule, subject, period, stage)."""
