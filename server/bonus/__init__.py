"""Results applied: grade coefficients, department pools and each person's bonus."""
