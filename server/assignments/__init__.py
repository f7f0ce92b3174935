"""Assignments: which indicators, targets and weights each person is measured on."""
