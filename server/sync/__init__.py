"""Collecting metric facts from connector plugins."""
