"""Actuals: manual entry, connector values, annotations, overrides and their history."""
