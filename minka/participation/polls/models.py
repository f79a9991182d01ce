"""polls: models."""

__all__: list[str] = []
