"""Hook specifications and built-in connector plugins (coming with the connector issue)."""
