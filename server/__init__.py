"""Jixiao's domain: settings, models and services. Knows nothing of GraphQL."""
