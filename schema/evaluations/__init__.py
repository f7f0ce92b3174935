"""GraphQL face of self- and manager evaluations."""
