"""Self- and manager evaluations: draft, submitted, deadlines and reopening."""
