"""GraphQL face of the employee report, the actuals sheet and their download links."""
