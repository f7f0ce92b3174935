"""Plans: templates, validation, the review workflow, versions, comments and progress."""
