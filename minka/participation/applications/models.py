"""applications: models."""

__all__: list[str] = []
