"""proposals: models."""

__all__: list[str] = []
