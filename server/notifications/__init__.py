"""Notifications: storing them once (store), planning and running their deliveries
(planning, worker), per-person preferences and per-tenant channel settings.

docs/notifications.md describes the whole.
"""
