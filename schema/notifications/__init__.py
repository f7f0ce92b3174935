"""Notifications in the API: one's own list, preferences and feed; the tenant admin's
channels and failed deliveries."""
