"""The GraphQL face of actuals: bulk entry, connector values, annotations and overrides."""
