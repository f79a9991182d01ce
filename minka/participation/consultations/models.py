"""consultations: models."""

__all__: list[str] = []
