"""Test-wide fixtures.

Under pytest, settings use the immediate task backend (``MINKA_TESTING``), and
pytest-django swaps in the in-memory email backend, so ``mail.outbox`` sees every email.
"""

from __future__ import annotations

import pytest

# The S3-compatible test server (SeaweedFS), as the ``s3_server`` fixture.
pytest_plugins = ["minka.core.tests.s3server"]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters live in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are slow tests too (one CI stage runs them: ``-m "not slow"`` skips
    them in the other)."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)


def pytest_configure(config: pytest.Config) -> None:
    """Uploads made by tests (demo evidence, logos, photos) go to a temporary folder."""
    import tempfile

    from django.conf import settings

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="minka-test-media-")
