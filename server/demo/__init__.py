"""Demo tenants' seed data: pure-Python, deterministic, no database imports."""
