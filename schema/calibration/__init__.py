"""GraphQL face of calibration sessions (decided in server/calibration)."""
