"""The directory's forms, by area (as its views)."""
