"""GraphQL face of feedback and appeals, improvement plans and ongoing notes."""
