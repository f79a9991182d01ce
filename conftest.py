"""Test-wide fixtures.

Under pytest, settings use the immediate task backend (``MINKA_TESTING``), and
pytest-django swaps in the in-memory email backend, so ``mail.outbox`` sees every email.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
