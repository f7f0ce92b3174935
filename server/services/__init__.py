"""Domain services: plain async functions over the models, authorized and audited."""
