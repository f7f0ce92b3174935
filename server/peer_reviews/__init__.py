"""360 input: colleagues asked for ratings on a person, seen by him only in aggregate."""
